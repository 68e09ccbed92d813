from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course, Lesson


class Notification(models.Model):
    """A message for one user, shown in the app and optionally e-mailed."""

    class Kind(models.TextChoices):
        LESSON_PUBLISHED = "lesson_published", _("New lesson in a course I take")
        ENROLLMENT_CONFIRMED = "enrollment_confirmed", _("Enrollment confirmed")
        CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
        REVIEW_RECEIVED = "review_received", _("New review of my course")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coursehub_notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), max_length=5000, blank=True)
    course = models.ForeignKey(
        Course,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
    )
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lesson"),
    )
    # What caused it (e.g. ``lesson:42``): unique per recipient, so a delivery that is retried
    # after a crash never notifies anyone twice.
    event_key = models.CharField(_("event"), max_length=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="coursehub_notification_once"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "lesson_published",
                        "enrollment_confirmed",
                        "certificate_issued",
                        "review_received",
                    ]
                ),
                name="coursehub_notification_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="coursehub_notification_inbox"
            ),
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=Q(read_at__isnull=True),
                name="coursehub_notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice for one kind of notification; missing rows read as the defaults.

    In-app notifications cannot be turned off; e-mail can, per kind.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coursehub_notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Notification.Kind.choices)
    email = models.BooleanField(_("send by e-mail"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="coursehub_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}"
