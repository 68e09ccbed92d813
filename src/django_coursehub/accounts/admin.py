from __future__ import annotations

from django.contrib import admin
from django.db import models

from django_coursehub.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "headline", "preferred_language", "updated_at")
    list_filter = ("preferred_language",)
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    # Explicit, so forms neither warn on Django 5.2 nor change meaning on 6.0.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
