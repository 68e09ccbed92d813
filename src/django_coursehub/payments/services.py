"""Orders: every change of an order's state, and what it does to the buyer's access.

Lock order: the order row first, then the course (shared) and the enrollment, as the learning
services take them. Provider modules lock the order with :func:`order_lock` before they look at
its state, so two deliveries of one callback run one after the other and the second sees what
the first did.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_coursehub import signals
from django_coursehub.catalog.models import Course
from django_coursehub.exceptions import Conflict, InvalidInput, NotFound, ProviderUnavailable
from django_coursehub.learning import services as learning_services
from django_coursehub.learning.models import Enrollment
from django_coursehub.locking import lock_shared
from django_coursehub.payments import checkout
from django_coursehub.payments.models import Order
from django_coursehub.payments.providers import accepts_currency, provider_settings

ORDER_NOT_FOUND = _("Order not found.")


def _invalid_provider(message: Any) -> InvalidInput:
    return InvalidInput(message, errors={"provider": [str(message)]})


def order_create(*, buyer: Any, course: Course, provider: str) -> Order:
    """Create an order for ``course`` at its current price, with its checkout URL.

    A pending order the buyer already had for the course is cancelled (its link stops working
    for us); one a provider is in the middle of paying makes this a 409.
    """
    if provider_settings(provider) is None:
        raise _invalid_provider(_("This payment provider is not available."))
    if course.status != Course.Status.PUBLISHED:
        raise NotFound(_("Course not found."))
    if course.is_free:
        raise Conflict(_("This course is free: enroll in it directly."), code="course_is_free")
    if course.owner_id == buyer.pk:
        raise Conflict(_("You cannot buy your own course."), code="own_course")
    if not accepts_currency(provider, course.currency):
        raise _invalid_provider(
            _("This provider does not accept payments in %(currency)s.")
            % {"currency": course.currency}
        )
    with transaction.atomic():
        if not lock_shared(Course, course.pk):
            raise NotFound(_("Course not found."))
        if Enrollment.objects.giving_access().filter(user=buyer, course=course).exists():
            raise Conflict(_("You already have access to this course."), code="already_enrolled")
        previous = (
            Order.objects.select_for_update()
            .filter(buyer=buyer, course=course, status__in=Order.OPEN_STATUSES)
            .first()
        )
        if previous is not None:
            if previous.status == Order.Status.AWAITING:
                raise Conflict(
                    _("A payment for this course is in progress. Wait for it to finish."),
                    code="payment_in_progress",
                )
            _close(previous, Order.Status.CANCELLED)
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    buyer=buyer,
                    course=course,
                    provider=provider,
                    amount=course.price,
                    currency=course.currency,
                )
        except IntegrityError as error:
            # Another request of the same buyer created an order for the course meanwhile.
            raise Conflict(
                _("Another order for this course was just created."), code="order_conflict"
            ) from error
    # Outside the transaction: building a Stripe session is a network call.
    try:
        order.checkout_url = checkout.checkout_url(order)
    except ProviderUnavailable:
        # Nobody can pay an order that has no checkout: close it rather than leave it open.
        with transaction.atomic():
            order_cancel(order_lock(order.pk))
        raise
    order.save(update_fields=["checkout_url", "provider_reference", "updated_at"])
    return order


def order_lock(order_id: int) -> Order:
    """The order, locked until the transaction ends (call inside ``transaction.atomic``)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFound(ORDER_NOT_FOUND)
    return order


def _close(order: Order, status: str) -> None:
    order.status = status
    order.cancelled_at = timezone.now()
    order.save(update_fields=["status", "cancelled_at", "updated_at"])


def order_reserve(order: Order) -> None:
    """A provider started paying a locked, open order: nobody may replace it meanwhile."""
    if order.status == Order.Status.PENDING:
        order.status = Order.Status.AWAITING
        order.save(update_fields=["status", "updated_at"])


def order_release(order: Order) -> None:
    """The provider's attempt on a locked order failed or was cancelled: it is payable again."""
    if order.status == Order.Status.AWAITING:
        order.status = Order.Status.PENDING
        order.save(update_fields=["status", "updated_at"])


def order_cancel(order: Order) -> None:
    """Close a locked, open order for good (the buyer or the provider gave up on it)."""
    if order.is_open:
        _close(order, Order.Status.CANCELLED)


def order_expire(order: Order) -> None:
    """Close a locked, open order that nobody paid in time."""
    if order.is_open:
        _close(order, Order.Status.EXPIRED)


@transaction.atomic
def order_pay(order: Order) -> bool:
    """Mark the order paid and enroll its buyer (source ``purchase``), exactly once.

    Returns False when it was paid already. A closed order (cancelled, expired) whose payment
    a provider confirms anyway is paid too: the money was taken. Raises :class:`Conflict` when
    the order was refunded, or when the buyer holds another paid order for the course (the
    payment then needs a refund by hand).
    """
    order = order_lock(order.pk)
    if order.status == Order.Status.PAID:
        return False
    if order.status == Order.Status.REFUNDED:
        raise Conflict(_("This order was refunded."), code="order_refunded")
    order.status = Order.Status.PAID
    order.paid_at = timezone.now()
    try:
        with transaction.atomic():
            order.save(update_fields=["status", "paid_at", "updated_at"])
    except IntegrityError as error:
        raise Conflict(
            _("This course was already bought in another order."), code="already_paid"
        ) from error
    learning_services.enrollment_grant(
        user=order.buyer, course=order.course, source=Enrollment.Source.PURCHASE
    )
    signals.send_on_commit(signals.order_paid, sender=Order, order=order)
    return True


@transaction.atomic
def order_refund(order: Order) -> bool:
    """Refund a paid order: it becomes ``refunded`` and the buyer's purchased access ends
    (the enrollment becomes ``refunded``; progress and records stay). Returns False when it was
    refunded already; raises :class:`Conflict` for an order that was never paid."""
    order = order_lock(order.pk)
    if order.status == Order.Status.REFUNDED:
        return False
    if order.status != Order.Status.PAID:
        raise Conflict(_("Only a paid order can be refunded."), code="order_not_paid")
    order.status = Order.Status.REFUNDED
    order.refunded_at = timezone.now()
    order.save(update_fields=["status", "refunded_at", "updated_at"])
    learning_services.enrollment_refund(user=order.buyer, course=order.course)
    signals.send_on_commit(signals.order_refunded, sender=Order, order=order)
    return True
