from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from django_coursehub.accounts.auth import AuthenticatedRequest, jwt_auth
from django_coursehub.catalog import selectors as catalog_selectors
from django_coursehub.catalog.models import Lesson
from django_coursehub.catalog.permissions import can_manage_course, can_view_course
from django_coursehub.exceptions import NotFound
from django_coursehub.learning import selectors, services
from django_coursehub.learning.models import LessonProgress
from django_coursehub.learning.schemas import (
    CourseEnrollmentOut,
    CourseProgressOut,
    EnrollIn,
    EnrollmentFilters,
    EnrollmentOut,
    LessonProgressOut,
    MyCourseOut,
    PositionIn,
)
from django_coursehub.pagination import Page, PageParams, paginate
from django_coursehub.schemas import PathId, error_responses

router = Router(tags=["enrollments"], auth=jwt_auth)


def _visible_lesson(request: AuthenticatedRequest, lesson_id: int) -> Lesson:
    """The lesson, or 404 when its course is hidden from the caller (its existence included)."""
    lesson = catalog_selectors.lesson_get(lesson_id=lesson_id)
    if not can_view_course(request.auth, lesson.course):
        raise NotFound(_("Lesson not found."))
    return lesson


def _progress_payload(progress: selectors.CourseProgress) -> dict[str, Any]:
    enrollment = progress.enrollment
    summary = selectors.progress_of(enrollment)
    return {
        "course": enrollment.course_id,
        "enrollment": enrollment.pk,
        "status": enrollment.status,
        "total_lessons": summary.total,
        "completed_lessons": summary.completed,
        "percent": summary.percent,
        "completed_at": enrollment.completed_at,
        "next_lesson": progress.next_lesson,
        "lessons": [
            _lesson_state(lesson, progress.progress_by_lesson.get(lesson.pk))
            for lesson in progress.lessons
        ],
    }


def _lesson_state(lesson: Lesson, state: LessonProgress | None) -> dict[str, Any]:
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "section_id": lesson.section_id,
        "completed": state is not None and state.completed_at is not None,
        "completed_at": state.completed_at if state else None,
        "position_seconds": state.position_seconds if state else 0,
    }


@router.get(
    "/",
    response={200: Page[EnrollmentOut], **error_responses(400, 401, 404)},
    summary="My enrollments",
    url_name="coursehub-enrollment-list",
)
def enrollment_list(
    request: AuthenticatedRequest, page: Query[PageParams], filters: Query[EnrollmentFilters]
) -> Any:
    return paginate(selectors.enrollment_list(user=request.auth, status=filters.status), page)


@router.post(
    "/",
    response={200: EnrollmentOut, 201: EnrollmentOut, **error_responses(400, 401, 402, 404)},
    summary="Enroll in a course",
    description=(
        "A free course is joined at once (201). Enrolling again answers 200 with the existing "
        "enrollment. A paid course answers 402 with how to pay."
    ),
    url_name="coursehub-enrollment-create",
)
def enrollment_create(request: AuthenticatedRequest, payload: EnrollIn) -> Any:
    course = catalog_selectors.course_get_visible(user=request.auth, course_id=payload.course)
    enrollment, granted = services.enrollment_create(user=request.auth, course=course)
    enrollment = selectors.enrollment_get_own(user=request.auth, enrollment_id=enrollment.pk)
    return Status(201 if granted else 200, enrollment)


@router.get(
    "/my/",
    response={200: Page[MyCourseOut], **error_responses(400, 401, 404)},
    summary="The courses I am learning, with my progress and the next lesson",
    url_name="coursehub-enrollment-my",
)
def my_courses(request: AuthenticatedRequest, page: Query[PageParams]) -> Any:
    result = paginate(selectors.my_courses(user=request.auth), page)
    selectors.attach_next_lessons(result["items"])
    return result


@router.get(
    "/progress/{course_id}/",
    response={200: CourseProgressOut, **error_responses(401, 403, 404)},
    summary="My progress through one course, lesson by lesson",
    url_name="coursehub-enrollment-progress",
)
def course_progress(request: AuthenticatedRequest, course_id: PathId) -> Any:
    return _progress_payload(selectors.course_progress(user=request.auth, course_id=course_id))


@router.post(
    "/complete/{lesson_id}/",
    response={200: CourseProgressOut, **error_responses(401, 403, 404)},
    summary="Mark a lesson completed (idempotent); returns my updated progress",
    url_name="coursehub-enrollment-complete",
)
def lesson_complete(request: AuthenticatedRequest, lesson_id: PathId) -> Any:
    lesson = _visible_lesson(request, lesson_id)
    services.lesson_complete(user=request.auth, lesson=lesson)
    return _progress_payload(
        selectors.course_progress(user=request.auth, course_id=lesson.course_id)
    )


@router.post(
    "/position/{lesson_id}/",
    response={200: LessonProgressOut, **error_responses(400, 401, 403, 404)},
    summary="Remember where I stopped in a lesson's video",
    url_name="coursehub-enrollment-position",
)
def lesson_position(request: AuthenticatedRequest, lesson_id: PathId, payload: PositionIn) -> Any:
    lesson = _visible_lesson(request, lesson_id)
    state = services.lesson_position_save(
        user=request.auth, lesson=lesson, position_seconds=payload.position_seconds
    )
    return _lesson_state(lesson, state)


@router.delete(
    "/{enrollment_id}/",
    response={200: EnrollmentOut, **error_responses(401, 404, 409)},
    summary="Leave a course (my progress is kept if I come back)",
    url_name="coursehub-enrollment-cancel",
)
def enrollment_cancel(request: AuthenticatedRequest, enrollment_id: PathId) -> Any:
    enrollment = selectors.enrollment_get_own(user=request.auth, enrollment_id=enrollment_id)
    services.enrollment_cancel(enrollment=enrollment)
    return selectors.enrollment_get_own(user=request.auth, enrollment_id=enrollment_id)


@router.get(
    "/course/{course_id}/",
    response={200: Page[CourseEnrollmentOut], **error_responses(400, 401, 404)},
    summary="The learners of my course, with their progress (owner or staff)",
    url_name="coursehub-enrollment-course-list",
)
def course_enrollments(
    request: AuthenticatedRequest, course_id: PathId, page: Query[PageParams]
) -> Any:
    course = catalog_selectors.course_get_visible(user=request.auth, course_id=course_id)
    if not can_manage_course(request.auth, course):
        # Other people's progress: answered like a course that does not exist (OWASP API1).
        raise NotFound(catalog_selectors.COURSE_NOT_FOUND)
    return paginate(selectors.course_enrollments(course=course), page)
