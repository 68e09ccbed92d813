from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course
from django_coursehub.learning.models import Enrollment


class Certificate(models.Model):
    """Proof that a learner completed a course, frozen at the moment it was issued.

    The ``holder_name`` … ``issuer_name`` fields are a snapshot: later edits to the course, its
    instructor or the holder never change what an issued certificate says. Revoking keeps the
    row, so a revoked certificate stays verifiable as revoked.
    """

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    code = models.CharField(_("code"), max_length=64, unique=True, editable=False)
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("enrollment"),
    )
    # Denormalised from the enrollment so "my certificates" and the admin need no join.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coursehub_certificates",
        verbose_name=_("holder"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("course")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), max_length=1000, blank=True)
    # Set when staff re-issue: the revoked certificate this one replaces.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )

    holder_name = models.CharField(_("holder's name"), max_length=300)
    course_title = models.CharField(_("course title"), max_length=200)
    instructor_name = models.CharField(_("instructor"), max_length=300)
    lesson_count = models.PositiveIntegerField(_("number of lessons"))
    total_duration = models.PositiveIntegerField(_("total duration (seconds)"))
    language = models.CharField(_("language"), max_length=10)
    issuer_name = models.CharField(_("issuer"), max_length=200)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status="issued"),
                name="coursehub_certificate_one_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["issued", "revoked"]),
                name="coursehub_certificate_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="issued", revoked_at__isnull=True)
                | Q(status="revoked", revoked_at__isnull=False),
                name="coursehub_certificate_revoked_dated",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-issued_at", "-id"], name="coursehub_certificate_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} — {self.course_title} ({self.code})"

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.ISSUED
