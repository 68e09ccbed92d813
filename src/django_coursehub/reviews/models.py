from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course


class Review(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("course")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coursehub_reviews",
        verbose_name=_("author"),
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="coursehub_review_unique"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="coursehub_review_rating_1_5"
            ),
        ]
        indexes = [
            models.Index(fields=["course", "-created_at"], name="coursehub_review_course"),
            models.Index(fields=["-created_at", "-id"], name="coursehub_review_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.rating}★ by {self.user}"
