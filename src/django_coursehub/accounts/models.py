from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """What the course platform knows about a user beyond Django's ``User``.

    Created on the first profile edit; users without one read as empty defaults.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coursehub_profile",
        verbose_name=_("user"),
    )
    headline = models.CharField(_("headline"), max_length=150, blank=True)
    bio = models.TextField(_("bio"), max_length=5000, blank=True)
    avatar_url = models.URLField(_("avatar URL"), max_length=500, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)
