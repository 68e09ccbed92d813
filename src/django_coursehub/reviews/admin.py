from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from django_coursehub.reviews import services
from django_coursehub.reviews.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Moderation: staff read and delete reviews; deleting keeps the course rating exact."""

    list_display = ("course", "user", "rating", "created_at", "updated_at")
    list_filter = ("rating", "course")
    search_fields = ("course__title", "user__username", "comment")
    list_select_related = ("course", "user")
    date_hierarchy = "created_at"
    readonly_fields = ("course", "user", "rating", "comment", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Review) -> None:
        services.review_delete(review=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        for review in queryset:
            services.review_delete(review=review)
