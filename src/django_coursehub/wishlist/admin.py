from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from django_coursehub.wishlist.models import WishlistItem


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):
    """Read-only: wishlists belong to their users; staff look, for support and statistics."""

    list_display = ("user", "course", "created_at")
    list_filter = ("course",)
    search_fields = ("user__username", "user__email", "course__title")
    list_select_related = ("user", "course")
    date_hierarchy = "created_at"
    readonly_fields = ("user", "course", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
