from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from django_coursehub.accounts.auth import (
    ANONYMOUS_ALLOWED,
    AuthenticatedRequest,
    OptionalAuthRequest,
    jwt_auth,
    optional_jwt_auth,
)
from django_coursehub.accounts.permissions import is_instructor
from django_coursehub.catalog import selectors, services
from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.catalog.permissions import (
    can_manage_course,
    can_view_course,
    can_view_lesson_bodies,
)
from django_coursehub.catalog.schemas import (
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    CourseDetail,
    CourseFilters,
    CourseIn,
    CoursePage,
    CoursePatch,
    LessonIn,
    LessonMoveIn,
    LessonOut,
    LessonPatch,
    LessonPut,
    MoveIn,
    SectionDetail,
    SectionIn,
    SectionOut,
    SectionPatch,
    SectionPut,
)
from django_coursehub.exceptions import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from django_coursehub.learning import selectors as learning_selectors
from django_coursehub.learning.schemas import CourseDetailForViewer
from django_coursehub.pagination import Page, PageParams, paginate
from django_coursehub.schemas import PathId, error_responses
from django_coursehub.wishlist import selectors as wishlist_selectors

categories_router = Router(tags=["categories"])
courses_router = Router(tags=["courses"])
sections_router = Router(tags=["sections"])
lessons_router = Router(tags=["lessons"])

READ_ERRORS = error_responses(400, 401, 404)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


def _require_staff(user: Any) -> None:
    if not user.is_staff:
        raise PermissionDenied(_("Only staff can manage categories."))


def _manageable(
    user: Any, course: Course, *, not_found: Any = selectors.COURSE_NOT_FOUND
) -> Course:
    """The course, if ``user`` may change it. Anyone else gets the answer for a missing id
    (``not_found`` names what the request addressed), so a probe learns nothing about objects
    it may not change (OWASP API1)."""
    if not can_manage_course(user, course):
        raise NotFound(not_found)
    return course


def _with_body_visibility(user: Any, course: Course, lessons: list[Lesson]) -> list[Lesson]:
    sees_all = can_view_lesson_bodies(user, course)
    for lesson in lessons:
        lesson.body_visible = sees_all or lesson.is_preview
    return lessons


# Categories -------------------------------------------------------------------------------


@categories_router.get(
    "/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: Page[CategoryOut], **READ_ERRORS},
    summary="List categories with their number of published courses",
    url_name="coursehub-category-list",
)
def category_list(request: OptionalAuthRequest, page: Query[PageParams]) -> Any:
    return paginate(selectors.category_list(), page)


@categories_router.get(
    "/{category_id}/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: CategoryOut, **READ_ERRORS},
    summary="One category",
    url_name="coursehub-category-detail",
)
def category_detail(request: OptionalAuthRequest, category_id: PathId) -> Any:
    return selectors.category_get(category_id=category_id)


@categories_router.post(
    "/",
    auth=jwt_auth,
    response={201: CategoryOut, **WRITE_ERRORS},
    summary="Create a category (staff)",
    url_name="coursehub-category-create",
)
def category_create(request: AuthenticatedRequest, payload: CategoryIn) -> Any:
    _require_staff(request.auth)
    category = services.category_create(**payload.dict())
    return Status(201, selectors.category_get(category_id=category.pk))


def _category_update(
    request: AuthenticatedRequest, category_id: int, changes: dict[str, Any]
) -> Any:
    _require_staff(request.auth)
    category = selectors.category_get(category_id=category_id)
    services.category_update(category=category, changes=changes)
    return selectors.category_get(category_id=category_id)


@categories_router.put(
    "/{category_id}/",
    auth=jwt_auth,
    response={200: CategoryOut, **WRITE_ERRORS},
    summary="Replace a category (staff)",
    url_name="coursehub-category-put",
)
def category_replace(
    request: AuthenticatedRequest, category_id: PathId, payload: CategoryIn
) -> Any:
    return _category_update(request, category_id, payload.dict(exclude_unset=True))


@categories_router.patch(
    "/{category_id}/",
    auth=jwt_auth,
    response={200: CategoryOut, **WRITE_ERRORS},
    summary="Change a category (staff)",
    url_name="coursehub-category-patch",
)
def category_partial_update(
    request: AuthenticatedRequest, category_id: PathId, payload: CategoryPatch
) -> Any:
    return _category_update(request, category_id, payload.dict(exclude_unset=True))


@categories_router.delete(
    "/{category_id}/",
    auth=jwt_auth,
    response={204: None, **WRITE_ERRORS},
    summary="Delete an empty category (staff)",
    url_name="coursehub-category-delete",
)
def category_delete(request: AuthenticatedRequest, category_id: PathId) -> Any:
    _require_staff(request.auth)
    services.category_delete(category=selectors.category_get(category_id=category_id))
    return Status(204, None)


# Courses ----------------------------------------------------------------------------------


@courses_router.get(
    "/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: CoursePage, **READ_ERRORS},
    summary="List, filter and search published courses",
    description="Filters combine (AND). Unknown or invalid values are a 400 or 422 naming the "
    "parameter. With `facets=true` the answer adds the number of matches per category, level, "
    "language and price class.",
    url_name="coursehub-course-list",
)
def course_list(
    request: OptionalAuthRequest, page: Query[PageParams], filters: Query[CourseFilters]
) -> Any:
    if filters.instructor == "me" and not request.auth.is_authenticated:
        raise NotAuthenticated(_("Log in to list your own courses."))
    criteria = selectors.CourseCriteria(**filters.dict(exclude={"ordering", "facets"}))
    courses = selectors.course_list(user=request.auth, criteria=criteria, ordering=filters.ordering)
    result = paginate(
        courses,
        page,
        read=selectors.course_cards,
        when_empty=lambda: selectors.course_list_check(criteria=criteria),
    )
    if filters.facets:
        result["facets"] = selectors.course_facets(user=request.auth, criteria=criteria)
    return result


@courses_router.get(
    "/{course_id}/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: CourseDetailForViewer, **READ_ERRORS},
    summary="One course with its ordered sections and lessons",
    url_name="coursehub-course-detail",
)
def course_detail(request: OptionalAuthRequest, course_id: PathId) -> Any:
    course = selectors.course_detail(user=request.auth, course_id=course_id)
    course["enrollment"] = learning_selectors.enrollment_of(user=request.auth, course_id=course_id)
    course["in_wishlist"] = wishlist_selectors.course_is_saved(
        user=request.auth, course_id=course_id
    )
    return course


def _course_fields(payload: Any) -> dict[str, Any]:
    fields = payload.dict(exclude_unset=True)
    if "category" in fields:
        fields["category_id"] = fields.pop("category")
    return fields


@courses_router.post(
    "/",
    auth=jwt_auth,
    response={201: CourseDetail, **WRITE_ERRORS},
    summary="Create a course (instructors); the caller becomes its owner",
    url_name="coursehub-course-create",
)
def course_create(request: AuthenticatedRequest, payload: CourseIn) -> Any:
    if not is_instructor(request.auth):
        raise PermissionDenied(_("Only instructors can create courses."))
    course = services.course_create(owner=request.auth, **_course_fields(payload))
    return Status(201, selectors.course_detail(user=request.auth, course_id=course.pk))


def _course_update(request: AuthenticatedRequest, course_id: int, payload: Any) -> Any:
    course = _manageable(
        request.auth, selectors.course_get_visible(user=request.auth, course_id=course_id)
    )
    services.course_update(course=course, changes=payload.dict(exclude_unset=True))
    return selectors.course_detail(user=request.auth, course_id=course_id)


@courses_router.put(
    "/{course_id}/",
    auth=jwt_auth,
    response={200: CourseDetail, **WRITE_ERRORS},
    summary="Replace a course's editable fields (owner or staff)",
    url_name="coursehub-course-put",
)
def course_replace(request: AuthenticatedRequest, course_id: PathId, payload: CourseIn) -> Any:
    return _course_update(request, course_id, payload)


@courses_router.patch(
    "/{course_id}/",
    auth=jwt_auth,
    response={200: CourseDetail, **WRITE_ERRORS},
    summary="Change some of a course's fields (owner or staff)",
    url_name="coursehub-course-patch",
)
def course_partial_update(
    request: AuthenticatedRequest, course_id: PathId, payload: CoursePatch
) -> Any:
    return _course_update(request, course_id, payload)


@courses_router.delete(
    "/{course_id}/",
    auth=jwt_auth,
    response={200: CourseDetail, 204: None, **WRITE_ERRORS},
    summary="Delete a course, or archive it when learners depend on it",
    description="204 when the course was deleted; 200 with the archived course otherwise.",
    url_name="coursehub-course-delete",
)
def course_delete(request: AuthenticatedRequest, course_id: PathId) -> Any:
    course = _manageable(
        request.auth, selectors.course_get_visible(user=request.auth, course_id=course_id)
    )
    if services.course_delete(course=course):
        return Status(204, None)
    return selectors.course_detail(user=request.auth, course_id=course_id)


# Sections ---------------------------------------------------------------------------------


def _visible_section(user: Any, section_id: int) -> Any:
    section = selectors.section_get(section_id=section_id)
    if not can_view_course(user, section.course):
        raise NotFound(selectors.SECTION_NOT_FOUND)
    return section


@sections_router.get(
    "/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: Page[SectionOut], **READ_ERRORS},
    summary="A course's sections in order",
    url_name="coursehub-section-list",
)
def section_list(request: OptionalAuthRequest, course: PathId, page: Query[PageParams]) -> Any:
    visible = selectors.course_get_visible(user=request.auth, course_id=course)
    return paginate(selectors.section_list(course=visible), page)


@sections_router.get(
    "/{section_id}/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: SectionDetail, **READ_ERRORS},
    summary="One section with its ordered lessons",
    url_name="coursehub-section-detail",
)
def section_detail(request: OptionalAuthRequest, section_id: PathId) -> Any:
    return selectors.section_with_lessons(section=_visible_section(request.auth, section_id))


@sections_router.post(
    "/",
    auth=jwt_auth,
    response={201: SectionDetail, **WRITE_ERRORS},
    summary="Add a section to my course",
    url_name="coursehub-section-create",
)
def section_create(request: AuthenticatedRequest, payload: SectionIn) -> Any:
    course = _manageable(
        request.auth, selectors.course_get_visible(user=request.auth, course_id=payload.course)
    )
    section = services.section_create(course=course, title=payload.title, position=payload.position)
    return Status(201, selectors.section_with_lessons(section=section))


def _section_update(request: AuthenticatedRequest, section_id: int, changes: dict[str, Any]) -> Any:
    section = _visible_section(request.auth, section_id)
    _manageable(request.auth, section.course, not_found=selectors.SECTION_NOT_FOUND)
    section = services.section_update(section=section, changes=changes)
    return selectors.section_with_lessons(section=section)


@sections_router.put(
    "/{section_id}/",
    auth=jwt_auth,
    response={200: SectionDetail, **WRITE_ERRORS},
    summary="Replace a section (owner or staff)",
    url_name="coursehub-section-put",
)
def section_replace(request: AuthenticatedRequest, section_id: PathId, payload: SectionPut) -> Any:
    return _section_update(request, section_id, payload.dict(exclude_unset=True))


@sections_router.patch(
    "/{section_id}/",
    auth=jwt_auth,
    response={200: SectionDetail, **WRITE_ERRORS},
    summary="Change a section (owner or staff)",
    url_name="coursehub-section-patch",
)
def section_partial_update(
    request: AuthenticatedRequest, section_id: PathId, payload: SectionPatch
) -> Any:
    return _section_update(request, section_id, payload.dict(exclude_unset=True))


@sections_router.post(
    "/{section_id}/move/",
    auth=jwt_auth,
    response={200: SectionDetail, **WRITE_ERRORS},
    summary="Move a section to a new position",
    url_name="coursehub-section-move",
)
def section_move(request: AuthenticatedRequest, section_id: PathId, payload: MoveIn) -> Any:
    section = _visible_section(request.auth, section_id)
    _manageable(request.auth, section.course, not_found=selectors.SECTION_NOT_FOUND)
    section = services.section_move(section=section, position=payload.position)
    return selectors.section_with_lessons(section=section)


@sections_router.delete(
    "/{section_id}/",
    auth=jwt_auth,
    response={204: None, **WRITE_ERRORS},
    summary="Delete a section and its lessons",
    url_name="coursehub-section-delete",
)
def section_delete(request: AuthenticatedRequest, section_id: PathId) -> Any:
    section = _visible_section(request.auth, section_id)
    _manageable(request.auth, section.course, not_found=selectors.SECTION_NOT_FOUND)
    services.section_delete(section=section)
    return Status(204, None)


# Lessons ----------------------------------------------------------------------------------


def _visible_lesson(user: Any, lesson_id: int) -> Lesson:
    lesson = selectors.lesson_get(lesson_id=lesson_id)
    if not can_view_course(user, lesson.course):
        raise NotFound(selectors.LESSON_NOT_FOUND)
    return _with_body_visibility(user, lesson.course, [lesson])[0]


@lessons_router.get(
    "/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: Page[LessonOut], **READ_ERRORS},
    summary="Lessons of a section or a course, in order",
    description="Pass `section` or `course`. Locked lessons carry no content or URLs.",
    url_name="coursehub-lesson-list",
)
def lesson_list(
    request: OptionalAuthRequest,
    page: Query[PageParams],
    section: PathId | None = None,
    course: PathId | None = None,
) -> Any:
    if section is not None:
        the_section = _visible_section(request.auth, section)
        the_course = the_section.course
    elif course is not None:
        the_section = None
        the_course = selectors.course_get_visible(user=request.auth, course_id=course)
    else:
        raise InvalidInput(
            _("Pass the `section` or the `course` query parameter."),
            errors={"section": [str(_("This parameter or `course` is required."))]},
        )
    result = paginate(selectors.lesson_list(course=the_course, section=the_section), page)
    _with_body_visibility(request.auth, the_course, result["items"])
    return result


@lessons_router.get(
    "/{lesson_id}/",
    auth=optional_jwt_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: LessonOut, **READ_ERRORS},
    summary="One lesson (its content only for learners, the owner, staff, or previews)",
    url_name="coursehub-lesson-detail",
)
def lesson_detail(request: OptionalAuthRequest, lesson_id: PathId) -> Any:
    return _visible_lesson(request.auth, lesson_id)


@lessons_router.post(
    "/",
    auth=jwt_auth,
    response={201: LessonOut, **WRITE_ERRORS},
    summary="Add a lesson to a section of my course",
    url_name="coursehub-lesson-create",
)
def lesson_create(request: AuthenticatedRequest, payload: LessonIn) -> Any:
    section = _visible_section(request.auth, payload.section)
    _manageable(request.auth, section.course, not_found=selectors.SECTION_NOT_FOUND)
    fields = payload.dict(exclude={"section"})
    lesson = services.lesson_create(section=section, **fields)
    return Status(201, _visible_lesson(request.auth, lesson.pk))


def _lesson_update(request: AuthenticatedRequest, lesson_id: int, changes: dict[str, Any]) -> Any:
    lesson = _visible_lesson(request.auth, lesson_id)
    _manageable(request.auth, lesson.course, not_found=selectors.LESSON_NOT_FOUND)
    services.lesson_update(lesson=lesson, changes=changes)
    return _visible_lesson(request.auth, lesson_id)


@lessons_router.put(
    "/{lesson_id}/",
    auth=jwt_auth,
    response={200: LessonOut, **WRITE_ERRORS},
    summary="Replace a lesson (owner or staff)",
    url_name="coursehub-lesson-put",
)
def lesson_replace(request: AuthenticatedRequest, lesson_id: PathId, payload: LessonPut) -> Any:
    return _lesson_update(request, lesson_id, payload.dict(exclude_unset=True))


@lessons_router.patch(
    "/{lesson_id}/",
    auth=jwt_auth,
    response={200: LessonOut, **WRITE_ERRORS},
    summary="Change a lesson (owner or staff)",
    url_name="coursehub-lesson-patch",
)
def lesson_partial_update(
    request: AuthenticatedRequest, lesson_id: PathId, payload: LessonPatch
) -> Any:
    return _lesson_update(request, lesson_id, payload.dict(exclude_unset=True))


@lessons_router.post(
    "/{lesson_id}/move/",
    auth=jwt_auth,
    response={200: LessonOut, **WRITE_ERRORS},
    summary="Move a lesson to a new position, optionally into another section",
    url_name="coursehub-lesson-move",
)
def lesson_move(request: AuthenticatedRequest, lesson_id: PathId, payload: LessonMoveIn) -> Any:
    lesson = _visible_lesson(request.auth, lesson_id)
    _manageable(request.auth, lesson.course, not_found=selectors.LESSON_NOT_FOUND)
    target = None
    if payload.section is not None:
        target = _visible_section(request.auth, payload.section)
    services.lesson_move(lesson=lesson, position=payload.position, section=target)
    return _visible_lesson(request.auth, lesson_id)


@lessons_router.delete(
    "/{lesson_id}/",
    auth=jwt_auth,
    response={204: None, **WRITE_ERRORS},
    summary="Delete a lesson",
    url_name="coursehub-lesson-delete",
)
def lesson_delete(request: AuthenticatedRequest, lesson_id: PathId) -> Any:
    lesson = _visible_lesson(request.auth, lesson_id)
    _manageable(request.auth, lesson.course, not_found=selectors.LESSON_NOT_FOUND)
    services.lesson_delete(lesson=lesson)
    return Status(204, None)
