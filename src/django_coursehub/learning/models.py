from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course, Lesson


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def giving_access(self) -> EnrollmentQuerySet:
        """Enrollments that open the course now: active or completed, and not expired."""
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=Now()),
            status__in=Enrollment.ACCESS_STATUSES,
        )


class Enrollment(models.Model):
    """A learner's place in a course. Never deleted: leaving or a refund only changes ``status``."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    class Source(models.TextChoices):
        FREE = "free", _("Free")
        PURCHASE = "purchase", _("Purchase")
        MANUAL = "manual", _("Manual")

    #: Statuses that give access to the course's lessons.
    ACCESS_STATUSES = (Status.ACTIVE, Status.COMPLETED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coursehub_enrollments",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("course")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.FREE
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Completed lessons that still exist, kept exact by the services: progress is O(1).
    completed_lessons = models.PositiveIntegerField(
        _("completed lessons"), default=0, editable=False
    )

    objects = EnrollmentQuerySet.as_manager()

    # Not a field: the first lesson still to do, resolved by selectors.attach_next_lessons.
    next_lesson: Lesson | None

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="coursehub_enrollment_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "completed", "cancelled", "refunded"]),
                name="coursehub_enrollment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["free", "purchase", "manual"]),
                name="coursehub_enrollment_source_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="coursehub_enrollment_completed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "status"], name="coursehub_enrollment_user"),
            models.Index(fields=["course", "status"], name="coursehub_enrollment_course"),
            # The learners of a course in id order: notifying them walks it chunk by chunk.
            models.Index(
                fields=["course", "id"],
                condition=Q(status__in=["active", "completed"]),
                name="coursehub_enrollment_learners",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.course}"

    @property
    def has_access(self) -> bool:
        """Active or completed, and not past ``expires_at``."""
        return self.status in self.ACCESS_STATUSES and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class LessonProgress(models.Model):
    """One learner's state in one lesson: where the video stopped, and when it was completed."""

    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="progress",
        verbose_name=_("enrollment"),
    )
    # A deleted lesson leaves its progress rows behind, detached, rather than erasing history.
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.SET_NULL,
        null=True,
        related_name="progress",
        verbose_name=_("lesson"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    position_seconds = models.PositiveIntegerField(_("last position (seconds)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "lesson"], name="coursehub_lessonprogress_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} / {self.lesson}"
