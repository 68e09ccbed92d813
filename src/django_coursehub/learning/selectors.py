"""Reads of the learning loop, joins set so every list costs a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.exceptions import NotFound, PermissionDenied
from django_coursehub.learning.models import Enrollment, LessonProgress


@dataclass(frozen=True)
class Progress:
    completed: int
    total: int

    @property
    def percent(self) -> int:
        """Whole percent, rounded down: 100 only when every current lesson is done."""
        if self.total == 0:
            return 0
        return min(100, self.completed * 100 // self.total)


def progress_of(enrollment: Enrollment) -> Progress:
    return Progress(completed=enrollment.completed_lessons, total=enrollment.course.lesson_count)


def _next_lesson_id() -> Subquery:
    """The first lesson of the enrollment's course, in outline order, not yet completed."""
    completed = LessonProgress.objects.filter(
        enrollment=OuterRef(OuterRef("pk")), completed_at__isnull=False
    ).values("lesson_id")
    lessons = (
        Lesson.objects.filter(course=OuterRef("course_id"))
        .exclude(pk__in=completed)
        .order_by("section__order", "order")
        .values("pk")[:1]
    )
    return Subquery(lessons)


def _with_course(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    return enrollments.select_related("course__category", "course__owner")


def enrollment_list(*, user: Any, status: str | None = None) -> QuerySet[Enrollment]:
    """The user's enrollments, newest first."""
    enrollments = Enrollment.objects.filter(user=user)
    if status is not None:
        enrollments = enrollments.filter(status=status)
    return _with_course(enrollments).order_by("-enrolled_at", "-id")


def my_courses(*, user: Any) -> QuerySet[Enrollment]:
    """Enrollments that give access, each annotated with ``next_lesson_id``; recent first."""
    return (
        _with_course(Enrollment.objects.giving_access().filter(user=user))
        .annotate(next_lesson_id=_next_lesson_id())
        .order_by("-updated_at", "-id")
    )


def attach_next_lessons(enrollments: list[Any]) -> list[Any]:
    """Resolve the ``next_lesson_id`` annotated by :func:`my_courses` for a page, in one query."""
    ids = {e.next_lesson_id for e in enrollments if e.next_lesson_id is not None}
    lessons = Lesson.objects.select_related("section").in_bulk(ids)
    for enrollment in enrollments:
        enrollment.next_lesson = lessons.get(enrollment.next_lesson_id)
    return enrollments


def enrollment_get_own(*, user: Any, enrollment_id: int) -> Enrollment:
    enrollment = _with_course(Enrollment.objects.filter(pk=enrollment_id, user=user)).first()
    if enrollment is None:
        raise NotFound(_("Enrollment not found."))
    return enrollment


def enrollment_of(*, user: Any, course_id: int) -> Enrollment | None:
    """The user's enrollment in the course (any status), or None; one query, none anonymous."""
    if not user.is_authenticated:
        return None
    # Its progress reads the course's lesson count, the only course field loaded.
    return (
        Enrollment.objects.filter(user=user, course_id=course_id)
        .select_related("course")
        .only(
            "status",
            "enrolled_at",
            "completed_at",
            "completed_lessons",
            "course",
            "course__lesson_count",
        )
        .first()
    )


@dataclass
class CourseProgress:
    enrollment: Enrollment
    lessons: list[Lesson]
    progress_by_lesson: dict[int, LessonProgress]

    @property
    def next_lesson(self) -> Lesson | None:
        for lesson in self.lessons:
            progress = self.progress_by_lesson.get(lesson.pk)
            if progress is None or progress.completed_at is None:
                return lesson
        return None


def course_progress(*, user: Any, course_id: int) -> CourseProgress:
    """The user's progress through one course, lesson by lesson (three queries)."""
    enrollment = (
        Enrollment.objects.select_related("course").filter(user=user, course_id=course_id).first()
    )
    if enrollment is None or not enrollment.has_access:
        raise PermissionDenied(_("Enroll in this course first."), code="not_enrolled")
    lessons = list(
        Lesson.objects.filter(course_id=course_id)
        .select_related("section")
        .order_by("section__order", "order")
    )
    progress = {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(enrollment=enrollment, lesson__isnull=False)
        if p.lesson_id is not None
    }
    return CourseProgress(enrollment=enrollment, lessons=lessons, progress_by_lesson=progress)


def course_enrollments(*, course: Course) -> QuerySet[Enrollment]:
    """Everyone enrolled in ``course``, for its owner and staff."""
    return (
        Enrollment.objects.filter(course=course)
        .select_related("user", "course")
        .order_by("-enrolled_at", "-id")
    )
