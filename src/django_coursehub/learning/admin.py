from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from django_coursehub.learning.models import Enrollment, LessonProgress


class LessonProgressInline(admin.TabularInline):
    model = LessonProgress
    fields = ("lesson", "completed_at", "position_seconds", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    """Read-mostly: enrollments change through the API and the services that keep counters exact."""

    list_display = (
        "user",
        "course",
        "status",
        "source",
        "completed_lessons",
        "enrolled_at",
        "completed_at",
    )
    list_filter = ("status", "source", "course")
    search_fields = ("user__username", "user__email", "course__title")
    list_select_related = ("user", "course")
    date_hierarchy = "enrolled_at"
    readonly_fields = (
        "user",
        "course",
        "status",
        "source",
        "enrolled_at",
        "completed_at",
        "completed_lessons",
        "updated_at",
    )
    fields = (*readonly_fields[:-1], "expires_at", "updated_at")
    inlines = [LessonProgressInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ("enrollment", "lesson", "completed_at", "position_seconds", "updated_at")
    list_filter = ("enrollment__course",)
    search_fields = ("enrollment__user__username", "lesson__title")
    list_select_related = ("enrollment__user", "enrollment__course", "lesson")
    readonly_fields = ("enrollment", "lesson", "completed_at", "position_seconds", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
