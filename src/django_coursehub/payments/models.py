"""Orders and the providers' transactions. Nothing here is ever deleted (``PROTECT``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course

#: Currencies whose smallest unit is the whole unit (Stripe's zero-decimal currencies).
ZERO_DECIMAL_CURRENCIES = frozenset(
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
        "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    }
)  # fmt: skip


class Order(models.Model):
    """One attempt to buy one course, priced when it is created; the client never sends a price.

    A buyer has at most one open order (pending or awaiting) per course, and at most one paid
    order per course, both enforced by the database.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        AWAITING = "awaiting", _("awaiting payment")
        PAID = "paid", _("paid")
        REFUNDED = "refunded", _("refunded")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    class Provider(models.TextChoices):
        PAYME = "payme", "Payme"
        CLICK = "click", "Click"
        STRIPE = "stripe", "Stripe"

    #: Statuses in which an order may still be paid.
    OPEN_STATUSES = (Status.PENDING, Status.AWAITING)

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coursehub_orders",
        verbose_name=_("buyer"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="orders", verbose_name=_("course")
    )
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    checkout_url = models.URLField(_("checkout URL"), max_length=2000, blank=True, default="")
    #: The provider's id for the order where it has one (a Stripe Checkout Session id).
    provider_reference = models.CharField(
        _("provider reference"), max_length=255, blank=True, default=""
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="coursehub_order_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "awaiting", "paid", "refunded", "cancelled", "expired"]
                ),
                name="coursehub_order_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(provider__in=["payme", "click", "stripe"]),
                name="coursehub_order_provider_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="coursehub_order_paid_has_date",
            ),
            models.UniqueConstraint(
                fields=["buyer", "course"],
                condition=Q(status__in=["pending", "awaiting"]),
                name="coursehub_order_one_open",
            ),
            models.UniqueConstraint(
                fields=["buyer", "course"],
                condition=Q(status="paid"),
                name="coursehub_order_one_paid",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="coursehub_order_buyer"),
            models.Index(fields=["status", "updated_at"], name="coursehub_order_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount} {self.currency} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def amount_minor(self) -> int:
        """The amount in the currency's smallest unit (tiyin for UZS, cents for USD)."""
        if self.currency in ZERO_DECIMAL_CURRENCIES:
            return int(self.amount)
        return int(self.amount * 100)


class PaymeTransaction(models.Model):
    """A Payme Merchant API transaction; times are Payme's milliseconds, stored as given so a
    repeated call gets the very same answer."""

    class State(models.IntegerChoices):
        CREATED = 1, _("created")
        PERFORMED = 2, _("performed")
        CANCELLED = -1, _("cancelled before completion")
        CANCELLED_AFTER_PERFORM = -2, _("cancelled after completion")

    payme_id = models.CharField(_("Payme id"), max_length=64, unique=True)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="payme_transactions", verbose_name=_("order")
    )
    payme_time = models.BigIntegerField(_("Payme creation time (ms)"))
    amount = models.BigIntegerField(_("amount (tiyin)"))
    account = models.JSONField(_("account"), default=dict)
    state = models.SmallIntegerField(_("state"), choices=State.choices, default=State.CREATED)
    reason = models.SmallIntegerField(_("cancel reason"), null=True, blank=True)
    # 0 until it happens, as the protocol answers.
    create_time = models.BigIntegerField(_("created (ms)"), default=0)
    perform_time = models.BigIntegerField(_("performed (ms)"), default=0)
    cancel_time = models.BigIntegerField(_("cancelled (ms)"), default=0)

    class Meta:
        ordering = ["payme_time", "id"]
        verbose_name = _("Payme transaction")
        verbose_name_plural = _("Payme transactions")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[1, 2, -1, -2]), name="coursehub_payme_state_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="coursehub_payme_amount_gt_0"),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(state__in=[1, 2]),
                name="coursehub_payme_one_live_per_order",
            ),
        ]
        indexes = [models.Index(fields=["payme_time"], name="coursehub_payme_time")]

    def __str__(self) -> str:
        return f"Payme {self.payme_id} ({self.state})"


class ClickTransaction(models.Model):
    """A Click SHOP API payment attempt; its primary key is our ``merchant_prepare_id``."""

    class State(models.TextChoices):
        PREPARED = "prepared", _("prepared")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    click_trans_id = models.BigIntegerField(_("Click transaction id"), unique=True)
    click_paydoc_id = models.BigIntegerField(_("Click payment document id"))
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="click_transactions", verbose_name=_("order")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PREPARED
    )
    click_error = models.IntegerField(_("Click's error code"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Click transaction")
        verbose_name_plural = _("Click transactions")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["prepared", "completed", "cancelled"]),
                name="coursehub_click_state_valid",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(state="completed"),
                name="coursehub_click_one_completed_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Click {self.click_trans_id} ({self.state})"


class StripeEvent(models.Model):
    """A Stripe webhook event, recorded once: a second delivery of the same id does nothing."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=255)
    livemode = models.BooleanField(_("live mode"), default=False)
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        related_name="stripe_events",
        null=True,
        blank=True,
        verbose_name=_("order"),
    )
    payload = models.JSONField(_("payload"), default=dict)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
