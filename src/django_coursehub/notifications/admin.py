from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from django_coursehub.notifications.models import Notification, NotificationPreference


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Read")), ("no", _("Unread"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by their deliveries, and read by their recipients.

    Staff may delete them (a recipient's request, say).
    """

    list_display = ("title", "recipient", "kind", "course", "created_at", "read_at")
    list_filter = ("kind", ReadFilter, "created_at")
    search_fields = ("title", "recipient__username", "recipient__email", "event_key")
    list_select_related = ("recipient", "course")
    date_hierarchy = "created_at"
    readonly_fields = (
        "recipient",
        "kind",
        "title",
        "body",
        "course",
        "lesson",
        "event_key",
        "created_at",
        "read_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Users' saved e-mail choices; a kind without a row follows the site's default."""

    list_display = ("user", "kind", "email")
    list_filter = ("kind", "email")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
