"""Who may do what in the catalogue: the role x endpoint matrix, for published and draft courses.

Roles: anonymous; student (any active user); another instructor (may create courses but does
not own this one); the course's owner; staff. A refused write changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from django_coursehub.catalog.models import Category, Course, Lesson, Section
from tests.conftest import ApiClient
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    InstructorFactory,
    LessonFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "student", "other_instructor", "owner", "staff")


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    payload: dict[str, Any] | None = None


@dataclass
class World:
    users: dict[str, Any]
    category: Category
    empty_category: Category
    course: Course
    section: Section
    lesson: Lesson

    def client(self, role: str) -> ApiClient:
        return ApiClient(self.users[role])

    def fill(self, template: Any) -> Any:
        ids = {
            "category": self.category.pk,
            "empty_category": self.empty_category.pk,
            "course": self.course.pk,
            "section": self.section.pk,
            "lesson": self.lesson.pk,
        }
        if isinstance(template, str) and template.strip("{}") in ids:
            return ids[template.strip("{}")]
        if isinstance(template, str):
            return template.format(**ids)
        if isinstance(template, dict):
            return {key: self.fill(value) for key, value in template.items()}
        return template


def build_world(status: str) -> World:
    owner = InstructorFactory()
    category = CategoryFactory()
    course = CourseFactory(
        owner=owner,
        category=category,
        status=status,
        published_at=None if status == Course.Status.DRAFT else timezone.now(),
    )
    section = SectionFactory(course=course)
    return World(
        users={
            "anonymous": None,
            "student": UserFactory(),
            "other_instructor": InstructorFactory(),
            "owner": owner,
            "staff": StaffFactory(),
        },
        category=category,
        empty_category=CategoryFactory(),
        course=course,
        section=section,
        lesson=LessonFactory(section=section),
    )


def snapshot() -> tuple[list[tuple[Any, ...]], ...]:
    """Every catalogue row, to prove that a refused request changed nothing."""
    return tuple(
        list(model.objects.order_by("pk").values_list())
        for model in (Category, Course, Section, Lesson)
    )


def matrix(*rows: tuple[Endpoint, tuple[int, ...]], status: str) -> list[Any]:
    return [
        pytest.param(endpoint, role, expected, status, id=f"{endpoint.name}-{status}-{role}")
        for endpoint, codes in rows
        for role, expected in zip(ROLES, codes, strict=True)
    ]


def run(endpoint: Endpoint, role: str, expected: int, status: str) -> None:
    world = build_world(status)
    client = world.client(role)
    path = world.fill(endpoint.path)
    before = snapshot()

    if endpoint.method in ("post", "put", "patch"):
        response = getattr(client, endpoint.method)(path, world.fill(endpoint.payload))
    else:
        response = getattr(client, endpoint.method)(path)

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert snapshot() == before


# Categories: managed by staff only; the course's status does not matter. ------------------

CATEGORY_ROWS = (
    #                                                      anon student other owner staff
    (Endpoint("category-list", "get", "/api/categories/"), (200, 200, 200, 200, 200)),
    (Endpoint("category-detail", "get", "/api/categories/{category}/"), (200, 200, 200, 200, 200)),
    (
        Endpoint("category-create", "post", "/api/categories/", {"name": "Brand new"}),
        (401, 403, 403, 403, 201),
    ),
    (
        Endpoint("category-put", "put", "/api/categories/{category}/", {"name": "Replaced"}),
        (401, 403, 403, 403, 200),
    ),
    (
        Endpoint("category-patch", "patch", "/api/categories/{category}/", {"description": "x"}),
        (401, 403, 403, 403, 200),
    ),
    (
        Endpoint("category-delete", "delete", "/api/categories/{empty_category}/"),
        (401, 403, 403, 403, 204),
    ),
)


@pytest.mark.parametrize(
    ("endpoint", "role", "expected", "status"), matrix(*CATEGORY_ROWS, status="published")
)
def test_category_endpoints_answer_each_role_as_the_matrix_says(endpoint, role, expected, status):
    run(endpoint, role, expected, status)


# Courses, sections and lessons of a published course. -------------------------------------

COURSE_LIST = Endpoint("course-list", "get", "/api/courses/")
COURSE_CREATE = Endpoint("course-create", "post", "/api/courses/", {"title": "Brand new"})
COURSE_DETAIL = Endpoint("course-detail", "get", "/api/courses/{course}/")
COURSE_PUT = Endpoint("course-put", "put", "/api/courses/{course}/", {"title": "Replaced"})
COURSE_PATCH = Endpoint("course-patch", "patch", "/api/courses/{course}/", {"title": "Patched"})
COURSE_DELETE = Endpoint("course-delete", "delete", "/api/courses/{course}/")

SECTION_LIST = Endpoint("section-list", "get", "/api/sections/?course={course}")
SECTION_DETAIL = Endpoint("section-detail", "get", "/api/sections/{section}/")
SECTION_CREATE = Endpoint(
    "section-create", "post", "/api/sections/", {"course": "{course}", "title": "New"}
)
SECTION_PUT = Endpoint("section-put", "put", "/api/sections/{section}/", {"title": "Replaced"})
SECTION_PATCH = Endpoint("section-patch", "patch", "/api/sections/{section}/", {"title": "P"})
SECTION_MOVE = Endpoint("section-move", "post", "/api/sections/{section}/move/", {"position": 0})
SECTION_DELETE = Endpoint("section-delete", "delete", "/api/sections/{section}/")

LESSON_LIST_BY_SECTION = Endpoint("lesson-list-section", "get", "/api/lessons/?section={section}")
LESSON_LIST_BY_COURSE = Endpoint("lesson-list-course", "get", "/api/lessons/?course={course}")
LESSON_DETAIL = Endpoint("lesson-detail", "get", "/api/lessons/{lesson}/")
LESSON_CREATE = Endpoint(
    "lesson-create", "post", "/api/lessons/", {"section": "{section}", "title": "New"}
)
LESSON_PUT = Endpoint("lesson-put", "put", "/api/lessons/{lesson}/", {"title": "Replaced"})
LESSON_PATCH = Endpoint("lesson-patch", "patch", "/api/lessons/{lesson}/", {"duration": 5})
LESSON_MOVE = Endpoint("lesson-move", "post", "/api/lessons/{lesson}/move/", {"position": 0})
LESSON_MOVE_TO_SECTION = Endpoint(
    "lesson-move-section",
    "post",
    "/api/lessons/{lesson}/move/",
    {"position": 0, "section": "{section}"},
)
LESSON_DELETE = Endpoint("lesson-delete", "delete", "/api/lessons/{lesson}/")

PUBLIC = (200, 200, 200, 200, 200)
# To anyone who may not change the course, what they try to change does not exist.
OWNER_OR_STAFF_200 = (401, 404, 404, 200, 200)
OWNER_OR_STAFF_201 = (401, 404, 404, 201, 201)
OWNER_OR_STAFF_204 = (401, 404, 404, 204, 204)

PUBLISHED_ROWS = (
    #                     anon student other owner staff
    (COURSE_LIST, PUBLIC),
    (COURSE_DETAIL, PUBLIC),
    # Creating is an instructor's right; staff users are not instructors unless they hold the
    # add_course permission like anybody else.
    (COURSE_CREATE, (401, 403, 201, 201, 403)),
    (COURSE_PUT, OWNER_OR_STAFF_200),
    (COURSE_PATCH, OWNER_OR_STAFF_200),
    (COURSE_DELETE, OWNER_OR_STAFF_204),
    (SECTION_LIST, PUBLIC),
    (SECTION_DETAIL, PUBLIC),
    (SECTION_CREATE, OWNER_OR_STAFF_201),
    (SECTION_PUT, OWNER_OR_STAFF_200),
    (SECTION_PATCH, OWNER_OR_STAFF_200),
    (SECTION_MOVE, OWNER_OR_STAFF_200),
    (SECTION_DELETE, OWNER_OR_STAFF_204),
    (LESSON_LIST_BY_SECTION, PUBLIC),
    (LESSON_LIST_BY_COURSE, PUBLIC),
    (LESSON_DETAIL, PUBLIC),
    (LESSON_CREATE, OWNER_OR_STAFF_201),
    (LESSON_PUT, OWNER_OR_STAFF_200),
    (LESSON_PATCH, OWNER_OR_STAFF_200),
    (LESSON_MOVE, OWNER_OR_STAFF_200),
    (LESSON_MOVE_TO_SECTION, OWNER_OR_STAFF_200),
    (LESSON_DELETE, OWNER_OR_STAFF_204),
)


@pytest.mark.parametrize(
    ("endpoint", "role", "expected", "status"), matrix(*PUBLISHED_ROWS, status="published")
)
def test_published_course_endpoints_answer_each_role_as_the_matrix_says(
    endpoint, role, expected, status
):
    run(endpoint, role, expected, status)


# The same endpoints on a draft (and an archived) course: to anyone who cannot manage it, the
# course and everything in it does not exist (404), so drafts never leak; anonymous writes are
# refused for the missing token first.

HIDDEN_READ = (404, 404, 404, 200, 200)
HIDDEN_200 = (401, 404, 404, 200, 200)
HIDDEN_201 = (401, 404, 404, 201, 201)
HIDDEN_204 = (401, 404, 404, 204, 204)

UNPUBLISHED_ROWS = (
    #                     anon student other owner staff
    (COURSE_LIST, PUBLIC),
    (COURSE_DETAIL, HIDDEN_READ),
    (COURSE_PUT, HIDDEN_200),
    (COURSE_PATCH, HIDDEN_200),
    (COURSE_DELETE, HIDDEN_204),
    (SECTION_LIST, HIDDEN_READ),
    (SECTION_DETAIL, HIDDEN_READ),
    (SECTION_CREATE, HIDDEN_201),
    (SECTION_PUT, HIDDEN_200),
    (SECTION_PATCH, HIDDEN_200),
    (SECTION_MOVE, HIDDEN_200),
    (SECTION_DELETE, HIDDEN_204),
    (LESSON_LIST_BY_SECTION, HIDDEN_READ),
    (LESSON_LIST_BY_COURSE, HIDDEN_READ),
    (LESSON_DETAIL, HIDDEN_READ),
    (LESSON_CREATE, HIDDEN_201),
    (LESSON_PUT, HIDDEN_200),
    (LESSON_PATCH, HIDDEN_200),
    (LESSON_MOVE, HIDDEN_200),
    (LESSON_MOVE_TO_SECTION, HIDDEN_200),
    (LESSON_DELETE, HIDDEN_204),
)


@pytest.mark.parametrize(
    ("endpoint", "role", "expected", "status"), matrix(*UNPUBLISHED_ROWS, status="draft")
)
def test_draft_course_endpoints_answer_each_role_as_the_matrix_says(
    endpoint, role, expected, status
):
    run(endpoint, role, expected, status)


@pytest.mark.parametrize(
    ("endpoint", "role", "expected", "status"),
    matrix(
        (COURSE_DETAIL, HIDDEN_READ),
        (COURSE_PATCH, HIDDEN_200),
        (SECTION_LIST, HIDDEN_READ),
        (LESSON_DETAIL, HIDDEN_READ),
        (LESSON_CREATE, HIDDEN_201),
        status="archived",
    ),
)
def test_archived_course_endpoints_answer_like_a_draft(endpoint, role, expected, status):
    run(endpoint, role, expected, status)


@pytest.mark.parametrize("status", ["published", "draft"])
@pytest.mark.parametrize("role", ROLES)
def test_course_list_shows_a_course_only_to_who_may_see_it(role, status):
    world = build_world(status)
    visible_to = ROLES if status == "published" else ()
    mine_visible = status == "published" or role == "owner"

    listed = world.client(role).get("/api/courses/").json()["items"]

    assert (world.course.pk in [c["id"] for c in listed]) == (role in visible_to)
    if role != "anonymous":
        mine = world.client(role).get("/api/courses/?instructor=me").json()["items"]
        assert (world.course.pk in [c["id"] for c in mine]) == (role == "owner" and mine_visible)


def test_an_expired_or_forged_token_is_refused_even_on_public_reads():
    world = build_world("published")
    client = ApiClient(HTTP_AUTHORIZATION="Bearer not-a-token")

    for path in ("/api/categories/", "/api/courses/", f"/api/lessons/{world.lesson.pk}/"):
        assert client.get(path).status_code == 401


def test_a_deactivated_owner_can_no_longer_change_the_course():
    world = build_world("published")
    client = world.client("owner")
    world.users["owner"].is_active = False
    world.users["owner"].save()

    response = client.patch(f"/api/courses/{world.course.pk}/", {"title": "Still mine?"})

    assert response.status_code == 401
    world.course.refresh_from_db()
    assert world.course.title != "Still mine?"
