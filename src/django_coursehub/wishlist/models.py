from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course


class WishlistItem(models.Model):
    """A course a user saved for later; at most one per user and course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coursehub_wishlist",
        verbose_name=_("user"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="wishlisted_by", verbose_name=_("course")
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("wishlist item")
        verbose_name_plural = _("wishlist items")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="coursehub_wishlist_once"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="coursehub_wishlist_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.course}"
