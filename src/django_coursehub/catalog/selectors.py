"""Catalogue reads. Each returns a queryset or object with its joins and prefetches set."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Category, Course, Lesson, Section
from django_coursehub.catalog.permissions import can_view_course
from django_coursehub.exceptions import NotFound
from django_coursehub.schemas import MAX_ID

COURSE_NOT_FOUND = _("Course not found.")


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(
        course_count=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED))
    ).order_by("name")


def category_get(*, category_id: int) -> Category:
    try:
        return category_list().get(pk=category_id)
    except Category.DoesNotExist as error:
        raise NotFound(_("Category not found.")) from error


def _courses() -> QuerySet[Course]:
    return Course.objects.select_related("category", "owner")


def course_list(
    *, user: Any, category: str | None = None, instructor: str | None = None
) -> QuerySet[Course]:
    """Published courses, newest first; ``instructor="me"`` lists all of the caller's courses.

    ``category`` is an id or a slug; ``instructor`` an id or ``"me"``.
    """
    if instructor == "me":
        courses = _courses().filter(owner=user)
    else:
        courses = _courses().filter(status=Course.Status.PUBLISHED)
        if instructor is not None:
            courses = courses.filter(owner_id=int(instructor))
    if category is not None:
        # isdigit() alone also accepts digits int() cannot read, such as "²".
        if category.isascii() and category.isdigit() and int(category) <= MAX_ID:
            courses = courses.filter(category_id=int(category))
        else:
            courses = courses.filter(category__slug=category)
    # Unpublished drafts (no date) come last on every database.
    return courses.order_by(F("published_at").desc(nulls_last=True), "-id")


def course_get_visible(*, user: Any, course_id: int) -> Course:
    """The course if ``user`` may see it; 404 otherwise, so drafts do not leak their existence."""
    try:
        course = _courses().get(pk=course_id)
    except Course.DoesNotExist as error:
        raise NotFound(COURSE_NOT_FOUND) from error
    if not can_view_course(user, course):
        raise NotFound(COURSE_NOT_FOUND)
    return course


def course_detail(*, user: Any, course_id: int) -> Course:
    """A visible course with its ordered sections and lessons (three queries)."""
    course = course_get_visible(user=user, course_id=course_id)
    lessons = Lesson.objects.order_by("order")
    sections = Section.objects.order_by("order").prefetch_related(
        Prefetch("lessons", queryset=lessons)
    )
    course.outline = list(sections.filter(course=course))
    return course


def section_list(*, course: Course) -> QuerySet[Section]:
    return (
        Section.objects.filter(course=course)
        .annotate(lesson_count=Count("lessons"), duration=Coalesce(Sum("lessons__duration"), 0))
        .order_by("order")
    )


def section_get(*, section_id: int) -> Section:
    try:
        return Section.objects.select_related("course__owner").get(pk=section_id)
    except Section.DoesNotExist as error:
        raise NotFound(_("Section not found.")) from error


def section_with_lessons(*, section: Section) -> Section:
    section.lesson_items = list(section.lessons.order_by("order"))
    return section


def lesson_list(*, course: Course, section: Section | None = None) -> QuerySet[Lesson]:
    lessons = Lesson.objects.filter(course=course)
    if section is not None:
        lessons = lessons.filter(section=section)
    return lessons.select_related("section").order_by("section__order", "order")


def lesson_get(*, lesson_id: int) -> Lesson:
    try:
        return Lesson.objects.select_related("course__owner", "section").get(pk=lesson_id)
    except Lesson.DoesNotExist as error:
        raise NotFound(_("Lesson not found.")) from error
