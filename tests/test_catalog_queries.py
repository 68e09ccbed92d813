"""Every catalogue list and detail costs a fixed number of queries, whatever its size.

Each endpoint is measured with 2 and with 25 rows (categories, courses, sections, lessons) on one
page, and must cost exactly the same. An authenticated request costs one query more than an
anonymous one: the JWT's user is loaded from the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from django_coursehub.catalog.models import Category, Course, Lesson, Section
from tests.conftest import ApiClient
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    DraftCourseFactory,
    InstructorFactory,
    LessonFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

SIZES = [2, 25]
# The one query an authenticated request adds: loading the token's user.
AUTH_QUERY = 1


@dataclass
class Catalogue:
    owner: Any
    category: Category
    course: Course
    section: Section
    lesson: Lesson
    size: int


def build_catalogue(size: int) -> Catalogue:
    """``size`` published courses (each in its own category, half with a draft sibling), the first
    with ``size`` sections of one lesson each, its first section holding ``size`` lessons."""
    owner = InstructorFactory()
    courses = [CourseFactory(owner=owner, category=CategoryFactory()) for _ in range(size)]
    for course in courses[::2]:
        DraftCourseFactory(owner=owner, category=course.category)
    course = courses[0]
    sections = SectionFactory.create_batch(size, course=course)
    LessonFactory.create_batch(size - 1, section=sections[0])
    for section in sections:
        LessonFactory(section=section)
    return Catalogue(
        owner=owner,
        category=course.category,
        course=course,
        section=sections[0],
        lesson=sections[0].lessons.first(),
        size=size,
    )


@pytest.fixture(params=SIZES, ids=lambda size: f"{size}-rows")
def catalogue(request: Any) -> Catalogue:
    return build_catalogue(request.param)


@pytest.fixture(params=["anonymous", "owner"])
def viewer(request: Any, catalogue: Catalogue) -> tuple[ApiClient, int]:
    """A client and the queries its authentication costs."""
    if request.param == "anonymous":
        return ApiClient(), 0
    return ApiClient(catalogue.owner), AUTH_QUERY


def fetch(client: ApiClient, path: str, queries: int, assert_num_queries: Any) -> Any:
    with assert_num_queries(queries):
        response = client.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def test_category_list_costs_two_queries(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    # 1 COUNT of the categories + 1 page of categories with their published course_count
    # annotated (a grouped LEFT JOIN, no query per category).
    body = fetch(client, "/api/categories/?page_size=100", auth + 2, django_assert_num_queries)

    assert len(body["items"]) == catalogue.size
    assert {item["course_count"] for item in body["items"]} == {1}


def test_category_detail_costs_one_query(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    # 1 SELECT of the category with its annotated course_count.
    body = fetch(
        client, f"/api/categories/{catalogue.category.pk}/", auth + 1, django_assert_num_queries
    )

    assert body["course_count"] == 1


def test_course_list_costs_two_queries(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    # 1 COUNT + 1 page of courses joined to their category and owner (select_related).
    body = fetch(client, "/api/courses/?page_size=100", auth + 2, django_assert_num_queries)

    assert len(body["items"]) == catalogue.size
    assert all(item["instructor"]["username"] for item in body["items"])


def test_filtered_course_list_costs_two_queries(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    path = f"/api/courses/?page_size=100&instructor={catalogue.owner.pk}&category="
    # The filters only add WHERE clauses (the slug filter a join): still COUNT + page.
    body = fetch(client, path + catalogue.category.slug, auth + 2, django_assert_num_queries)

    assert len(body["items"]) == 1


def test_searched_and_fully_filtered_course_list_costs_two_queries(
    catalogue, viewer, django_assert_num_queries
):
    client, auth = viewer
    path = (
        "/api/courses/?page_size=100&q=cour&min_rating=0&price=free&min_price=0&max_price=10"
        "&level=all&language=uz&ordering=popular&instructor="
    )
    # Search, every filter and an ordering are all WHERE and ORDER BY clauses: COUNT + page.
    body = fetch(client, path + str(catalogue.owner.pk), auth + 2, django_assert_num_queries)

    assert len(body["items"]) == catalogue.size


def test_search_ranked_by_relevance_costs_two_queries(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    # The rank is computed in the page query itself.
    body = fetch(
        client, "/api/courses/?page_size=100&q=course", auth + 2, django_assert_num_queries
    )

    assert len(body["items"]) == catalogue.size


@pytest.mark.parametrize("search", ["", "&q=course"], ids=["all", "search"])
def test_course_list_with_facets_costs_three_queries(
    catalogue, viewer, search, django_assert_num_queries
):
    client, auth = viewer
    path = f"/api/courses/?page_size=100&facets=true{search}"
    # COUNT + page + 1 grouped query for all four facets, however many categories there are.
    body = fetch(client, path, auth + 3, django_assert_num_queries)

    assert len(body["facets"]["category"]) == catalogue.size
    assert body["facets"]["price"] == [{"value": "free", "count": catalogue.size}]


def test_an_unknown_category_costs_two_queries(catalogue, django_assert_num_queries):
    # COUNT (nothing matches) + 1 lookup that finds no such category; no page is read.
    with django_assert_num_queries(2):
        response = ApiClient().get("/api/courses/?category=no-such-category")

    assert response.status_code == 400


def test_my_course_list_costs_three_queries(catalogue, django_assert_num_queries):
    client = ApiClient(catalogue.owner)
    # 1 user for the token + 1 COUNT + 1 page: drafts included, same shape as the public list.
    body = fetch(client, "/api/courses/?page_size=100&instructor=me", 3, django_assert_num_queries)

    assert len(body["items"]) == catalogue.size + (catalogue.size + 1) // 2


def test_course_detail_costs_three_queries(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    # 1 course with category and owner + 1 its sections + 1 all their lessons (prefetch);
    # a logged-in viewer adds the token's user, their own enrollment in the course and whether
    # they saved it.
    body = fetch(
        client,
        f"/api/courses/{catalogue.course.pk}/",
        auth * 3 + 3,
        django_assert_num_queries,
    )

    assert len(body["sections"]) == catalogue.size
    assert len(body["sections"][0]["lessons"]) == catalogue.size


def test_section_list_costs_three_queries(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    path = f"/api/sections/?course={catalogue.course.pk}&page_size=100"
    # 1 course (visibility) + 1 COUNT + 1 page of sections with lesson_count and duration
    # aggregated in the same query.
    body = fetch(client, path, auth + 3, django_assert_num_queries)

    assert len(body["items"]) == catalogue.size
    assert body["items"][0]["lesson_count"] == catalogue.size


def test_section_detail_costs_two_queries(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    # 1 section joined to its course and owner (visibility) + 1 its lessons.
    body = fetch(
        client, f"/api/sections/{catalogue.section.pk}/", auth + 2, django_assert_num_queries
    )

    assert len(body["lessons"]) == catalogue.size


def test_lesson_list_of_a_section_costs_three_queries(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    path = f"/api/lessons/?section={catalogue.section.pk}&page_size=100"
    # 1 section joined to its course and owner + 1 COUNT + 1 page of lessons.
    body = fetch(client, path, auth + 3, django_assert_num_queries)

    assert len(body["items"]) == catalogue.size


def test_lesson_list_of_a_course_costs_three_queries(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    path = f"/api/lessons/?course={catalogue.course.pk}&page_size=100"
    # 1 course joined to its category and owner + 1 COUNT + 1 page of lessons joined to their
    # section for the ordering.
    body = fetch(client, path, auth + 3, django_assert_num_queries)

    assert len(body["items"]) == min(2 * catalogue.size - 1, 100)


def test_lesson_detail_costs_one_query(catalogue, viewer, django_assert_num_queries):
    client, auth = viewer
    # 1 lesson joined to its course, the course's owner and its section.
    body = fetch(
        client, f"/api/lessons/{catalogue.lesson.pk}/", auth + 1, django_assert_num_queries
    )

    assert body["id"] == catalogue.lesson.pk


def test_a_page_of_locked_lessons_costs_no_more_than_an_open_one(
    catalogue, django_assert_num_queries
):
    path = f"/api/lessons/?course={catalogue.course.pk}&page_size=100"
    # Body visibility is decided once per page from the course already loaded.
    anonymous = fetch(ApiClient(), path, 3, django_assert_num_queries)
    owner = fetch(ApiClient(catalogue.owner), path, AUTH_QUERY + 3, django_assert_num_queries)

    assert {item["is_locked"] for item in anonymous["items"]} == {True}
    assert {item["is_locked"] for item in owner["items"]} == {False}
