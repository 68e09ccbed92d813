"""Admin for the catalogue. Saves go through the services where counters must stay exact."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ordered_model.admin import (
    OrderedInlineModelAdminMixin,
    OrderedModelAdmin,
    OrderedTabularInline,
)

from django_coursehub.catalog import services
from django_coursehub.catalog.models import Category, Course, Lesson, Section
from django_coursehub.exceptions import CoursehubError


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)


#: The move buttons, in the order shown: (direction, label, icon of django-ordered-model).
MOVES = (
    ("top", gettext_lazy("Move to the top"), "ordered_model/arrow-top.gif"),
    ("up", gettext_lazy("Move up"), "ordered_model/arrow-up.gif"),
    ("down", gettext_lazy("Move down"), "ordered_model/arrow-down.gif"),
    ("bottom", gettext_lazy("Move to the bottom"), "ordered_model/arrow-bottom.gif"),
)


class PostedMovesMixin:
    """Moves as POST requests, by users who may change the model, made by the services.

    django-ordered-model moves on a plain GET link and checks no permission: any staff user
    could reorder, and a link or image on another site could reorder for a logged-in admin. Here
    each move is a button that posts the page's own form, CSRF token included, to the move URL.
    The move itself is the service's, which locks the course like every other change to its
    outline, so it cannot interleave with a move made through the API.
    """

    def move_url(self, obj: Any, direction: str) -> str:
        raise NotImplementedError

    def posted_move(
        self,
        request: HttpRequest,
        candidates: QuerySet[Any],
        object_id: str,
        direction: str,
        *,
        back_to: str,
    ) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        if direction not in services.SHIFTS:
            raise Http404
        try:
            obj = candidates.get(pk=unquote(object_id))
        except (ObjectDoesNotExist, ValueError, ValidationError) as error:
            raise Http404 from error
        try:
            services.outline_shift(item=obj, move=direction)
        except CoursehubError as error:  # deleted by someone else since the page was shown
            messages.error(request, str(error.message))
        query_string = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(back_to + (f"?{query_string}" if query_string else ""))

    @admin.display(description=gettext_lazy("Move"))
    def move_up_down_links(self, obj: Any) -> str:
        if obj.pk is None:
            return ""
        # The change list's filters, kept across the move; a bare "?" when there are none.
        query_string = self.request_query_string.rstrip("?")  # type: ignore[attr-defined]
        return render_to_string(
            "admin/coursehub/move_buttons.html",
            {
                "moves": [
                    (label, self.move_url(obj, direction) + query_string, icon)
                    for direction, label, icon in MOVES
                ]
            },
        )


class PostedMovesAdminMixin(PostedMovesMixin):
    def move_view(self, request: HttpRequest, object_id: str, direction: str) -> HttpResponse:
        site = self.admin_site.name  # type: ignore[attr-defined]
        options = self.model._meta  # type: ignore[attr-defined]
        return self.posted_move(
            request,
            self.model.objects.all(),  # type: ignore[attr-defined]
            object_id,
            direction,
            back_to=reverse(f"{site}:{options.app_label}_{options.model_name}_changelist"),
        )

    def move_url(self, obj: Any, direction: str) -> str:
        site = self.admin_site.name  # type: ignore[attr-defined]
        options = obj._meta
        return reverse(
            f"{site}:{options.app_label}_{options.model_name}_change_order",
            args=[obj.pk, direction],
        )


class PostedMovesInlineMixin(PostedMovesMixin):
    #: The foreign key to the page's object, whose order the rows share.
    parent_field: str

    def move_view(
        self, request: HttpRequest, admin_id: str, object_id: str, direction: str
    ) -> HttpResponse:
        site = self.admin_site.name  # type: ignore[attr-defined]
        parent = self.parent_model._meta  # type: ignore[attr-defined]
        try:
            rows = self.model.objects.filter(  # type: ignore[attr-defined]
                **{f"{self.parent_field}_id": int(unquote(admin_id))}
            )
        except ValueError as error:
            raise Http404 from error
        return self.posted_move(
            request,
            rows,
            object_id,
            direction,
            back_to=reverse(
                f"{site}:{parent.app_label}_{parent.model_name}_change", args=[unquote(admin_id)]
            ),
        )

    def move_url(self, obj: Any, direction: str) -> str:
        site = self.admin_site.name  # type: ignore[attr-defined]
        parent = self.parent_model._meta.model_name  # type: ignore[attr-defined]
        options = obj._meta
        return reverse(
            f"{site}:{options.app_label}_{parent}_{options.model_name}_change_order_inline",
            args=[getattr(obj, f"{self.parent_field}_id"), obj.pk, direction],
        )


class SectionInline(PostedMovesInlineMixin, OrderedTabularInline):
    model = Section
    parent_field = "course"
    fields = ("title", "order", "move_up_down_links")
    readonly_fields = ("order", "move_up_down_links")
    ordering = ("order",)
    extra = 0
    show_change_link = True


class LessonInline(PostedMovesInlineMixin, OrderedTabularInline):
    model = Lesson
    parent_field = "section"
    fk_name = "section"
    fields = ("title", "kind", "duration", "is_preview", "order", "move_up_down_links")
    readonly_fields = ("order", "move_up_down_links")
    ordering = ("order",)
    extra = 0
    show_change_link = True


class RecountLessonsMixin:
    """Keep ``Course.lesson_count`` exact after inline edits made in the admin."""

    def _course_of(self, obj: Any) -> Course:
        return obj if isinstance(obj, Course) else obj.course

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        services.course_recount(course=self._course_of(form.instance))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Lesson:
            for lesson_form in formset.forms:
                lesson_form.instance.course_id = form.instance.course_id
        super().save_formset(request, form, formset, change)  # type: ignore[misc]


@admin.register(Course)
class CourseAdmin(RecountLessonsMixin, OrderedInlineModelAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "owner",
        "category",
        "status",
        "price",
        "currency",
        "lesson_count",
        "enrollment_count",
        "rating_avg",
        "published_at",
    )
    list_filter = ("status", "level", "language", "category", "currency")
    search_fields = ("title", "slug", "short_description", "owner__username", "owner__email")
    list_select_related = ("owner", "category")
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("owner",)
    readonly_fields = (
        "lesson_count",
        "enrollment_count",
        "rating_avg",
        "rating_count",
        "rating_1_count",
        "rating_2_count",
        "rating_3_count",
        "rating_4_count",
        "rating_5_count",
    )
    date_hierarchy = "created_at"
    inlines = [SectionInline]

    def delete_model(self, request: HttpRequest, obj: Course) -> None:
        # As in the API: a course its learners depend on is archived, not deleted.
        if not services.course_delete(course=obj):
            self.message_user(
                request, _("“%s” has learners, so it was archived instead of deleted.") % obj
            )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        for course in queryset:
            self.delete_model(request, course)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # Courses with learners are archived rather than deleted: the rows that protect them
        # are left alone, so they neither block the confirmation nor need a delete permission.
        deleted, model_count, perms_needed, _protected = super().get_deleted_objects(objs, request)
        collector = NestedObjects(using=router.db_for_write(Course))
        collector.collect(objs)
        protecting = {str(obj._meta.verbose_name) for obj in collector.protected}
        return deleted, model_count, perms_needed - protecting, []


@admin.register(Section)
class SectionAdmin(
    PostedMovesAdminMixin, RecountLessonsMixin, OrderedInlineModelAdminMixin, OrderedModelAdmin
):
    list_display = ("title", "course", "order", "move_up_down_links")
    list_filter = ("course__status",)
    search_fields = ("title", "course__title")
    list_select_related = ("course",)
    raw_id_fields = ("course",)
    ordering = ("course", "order")
    inlines = [LessonInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Section | None = None) -> Any:
        # Its lessons carry the course too: moving a section to another course would split them.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "course") if obj is not None else readonly

    def delete_model(self, request: HttpRequest, obj: Section) -> None:
        services.section_delete(section=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Section]) -> None:
        for section in queryset.select_related("course"):
            services.section_delete(section=section)


@admin.register(Lesson)
class LessonAdmin(PostedMovesAdminMixin, OrderedModelAdmin):
    list_display = (
        "title",
        "section",
        "course",
        "kind",
        "duration",
        "is_preview",
        "order",
        "move_up_down_links",
    )
    list_filter = ("kind", "is_preview", "course__status")
    search_fields = ("title", "section__title", "course__title")
    list_select_related = ("section", "course")
    raw_id_fields = ("section",)
    exclude = ("course",)
    ordering = ("course", "section__order", "order")
    # Explicit, so forms neither warn on Django 5.2 nor change meaning on 6.0.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request: HttpRequest, obj: Lesson | None = None) -> Any:
        # A saved lesson may carry learners' progress, which belongs to its course: it moves
        # between sections through the API's move endpoint, never to another course.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "section") if obj is not None else readonly

    def save_model(self, request: HttpRequest, obj: Lesson, form: Any, change: bool) -> None:
        obj.course_id = obj.section.course_id
        super().save_model(request, obj, form, change)
        services.course_recount(course=obj.course)

    def delete_model(self, request: HttpRequest, obj: Lesson) -> None:
        services.lesson_delete(lesson=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Lesson]) -> None:
        for lesson in queryset:
            services.lesson_delete(lesson=lesson)
