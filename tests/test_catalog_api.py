"""The catalogue over HTTP: categories, courses, sections and lessons at their exact paths."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils.dateparse import parse_datetime

from django_coursehub.catalog.models import Category, Course, Lesson, Section
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    DraftCourseFactory,
    InstructorFactory,
    LessonFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CONTRACT_ITEM_FIELDS = {
    "id",
    "title",
    "slug",
    "short_description",
    "category",
    "instructor",
    "price",
    "currency",
    "is_free",
    "level",
    "language",
    "rating_avg",
    "rating_count",
    "enrollment_count",
    "lesson_count",
    "created_at",
}


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def section_orders(course: Course) -> list[tuple[int, int]]:
    return list(course.sections.order_by("order").values_list("id", "order"))


def lesson_ids(section: Section) -> list[int]:
    return list(section.lessons.order_by("order").values_list("id", flat=True))


def assert_contiguous(queryset: Any) -> None:
    assert sorted(queryset.values_list("order", flat=True)) == list(range(queryset.count()))


@pytest.fixture
def other_instructor(db: None) -> Any:
    return InstructorFactory()


@pytest.fixture
def course(instructor: Any) -> Course:
    return CourseFactory(owner=instructor)


@pytest.fixture
def draft(instructor: Any) -> Course:
    return DraftCourseFactory(owner=instructor)


# Categories -------------------------------------------------------------------------------


def test_category_list_counts_only_published_courses(anon):
    python = CategoryFactory(name="Python", slug="python")
    empty = CategoryFactory(name="Design", slug="design")
    CourseFactory.create_batch(2, category=python)
    DraftCourseFactory(category=python)
    CourseFactory(category=python, status=Course.Status.ARCHIVED)

    response = anon.get("/api/categories/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_slug = {item["slug"]: item for item in body["items"]}
    assert by_slug["python"]["course_count"] == 2
    assert by_slug["design"]["course_count"] == 0
    assert set(by_slug["python"]) >= {"id", "name", "slug", "course_count"}
    assert by_slug["design"]["id"] == empty.id


def test_category_list_is_ordered_by_name_and_paginated(anon):
    for name in ("Web", "Art", "Math"):
        CategoryFactory(name=name)

    first = anon.get("/api/categories/?page_size=2")
    second = anon.get("/api/categories/?page=2&page_size=2")

    assert [c["name"] for c in first.json()["items"]] == ["Art", "Math"]
    assert [c["name"] for c in second.json()["items"]] == ["Web"]
    assert first.json()["count"] == second.json()["count"] == 3


def test_category_detail_shows_its_published_course_count(anon):
    category = CategoryFactory()
    CourseFactory(category=category)
    DraftCourseFactory(category=category)

    response = anon.get(f"/api/categories/{category.id}/")

    assert response.status_code == 200
    assert response.json()["course_count"] == 1


def test_unknown_category_is_not_found(anon):
    response = anon.get("/api/categories/999999/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_staff_creates_a_category_with_a_generated_unicode_slug(api_as, staff):
    response = api_as(staff).post("/api/categories/", {"name": "Dasturlash asoslari"})

    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "dasturlash-asoslari"
    assert body["course_count"] == 0
    assert Category.objects.filter(pk=body["id"], name="Dasturlash asoslari").exists()


def test_staff_creates_a_category_with_a_given_slug(api_as, staff):
    response = api_as(staff).post("/api/categories/", {"name": "Веб", "slug": "veb"})

    assert response.status_code == 201
    assert response.json()["slug"] == "veb"


def test_category_with_a_taken_name_is_a_conflict(api_as, staff):
    CategoryFactory(name="Python")

    response = api_as(staff).post("/api/categories/", {"name": "Python"})

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert Category.objects.filter(name="Python").count() == 1


def test_category_with_a_taken_slug_is_a_conflict(api_as, staff):
    CategoryFactory(slug="python")

    response = api_as(staff).post("/api/categories/", {"name": "Python 3", "slug": "python"})

    assert response.status_code == 409


def test_staff_replaces_a_category(api_as, staff):
    category = CategoryFactory(name="Old", slug="old", description="Before")

    response = api_as(staff).put(
        f"/api/categories/{category.id}/", {"name": "New", "slug": "new", "description": "After"}
    )

    assert response.status_code == 200
    category.refresh_from_db()
    assert (category.name, category.slug, category.description) == ("New", "new", "After")


def test_staff_patches_only_the_given_category_fields(api_as, staff):
    category = CategoryFactory(name="Old", slug="old", description="Kept")

    response = api_as(staff).patch(f"/api/categories/{category.id}/", {"name": "New"})

    assert response.status_code == 200
    category.refresh_from_db()
    assert (category.name, category.slug, category.description) == ("New", "old", "Kept")


def test_replacing_a_category_with_a_null_slug_regenerates_it(api_as, staff):
    category = CategoryFactory(name="Old", slug="old")

    response = api_as(staff).put(f"/api/categories/{category.id}/", {"name": "Yangi", "slug": None})

    assert response.status_code == 200
    assert response.json()["slug"] == "yangi"


def test_renaming_a_category_to_a_taken_slug_is_a_conflict(api_as, staff):
    CategoryFactory(slug="taken")
    category = CategoryFactory(slug="mine")

    response = api_as(staff).patch(f"/api/categories/{category.id}/", {"slug": "taken"})

    assert response.status_code == 409
    category.refresh_from_db()
    assert category.slug == "mine"


def test_staff_deletes_an_empty_category(api_as, staff):
    category = CategoryFactory()

    response = api_as(staff).delete(f"/api/categories/{category.id}/")

    assert response.status_code == 204
    assert not Category.objects.filter(pk=category.pk).exists()


@pytest.mark.parametrize("factory", [CourseFactory, DraftCourseFactory])
def test_deleting_a_category_that_holds_courses_is_a_conflict(api_as, staff, factory):
    category = CategoryFactory()
    factory(category=category)

    response = api_as(staff).delete(f"/api/categories/{category.id}/")

    assert response.status_code == 409
    assert response.json()["code"] == "category_in_use"
    assert Category.objects.filter(pk=category.pk).exists()


def test_only_staff_manage_categories(api_as, anon, instructor):
    category = CategoryFactory()
    path = f"/api/categories/{category.id}/"

    assert anon.post("/api/categories/", {"name": "X"}).status_code == 401
    assert api_as(instructor).post("/api/categories/", {"name": "X"}).status_code == 403
    assert api_as(instructor).patch(path, {"name": "X"}).status_code == 403
    assert api_as(instructor).delete(path).status_code == 403
    category.refresh_from_db()
    assert category.name != "X"


# Course list ------------------------------------------------------------------------------


def test_course_list_shows_only_published_courses(anon):
    published = CourseFactory()
    DraftCourseFactory()
    CourseFactory(status=Course.Status.ARCHIVED)

    response = anon.get("/api/courses/")

    assert ids(response) == [published.id]
    assert response.json()["count"] == 1


def test_course_list_item_has_the_contract_fields(anon):
    category = CategoryFactory(name="Python", slug="python")
    owner = InstructorFactory(username="aziz", first_name="Aziz", last_name="Karimov")
    course = CourseFactory(
        category=category, owner=owner, price=Decimal("120000"), currency="UZS", title="Django"
    )

    item = anon.get("/api/courses/").json()["items"][0]

    assert set(item) >= CONTRACT_ITEM_FIELDS
    assert item["id"] == course.id
    assert item["category"] == {"id": category.id, "name": "Python", "slug": "python"}
    assert item["instructor"] == {"id": owner.id, "username": "aziz", "full_name": "Aziz Karimov"}
    assert item["price"] == "120000.00"
    assert item["currency"] == "UZS"
    assert item["is_free"] is False
    assert item["rating_avg"] == "0.00"
    assert parse_datetime(item["created_at"]).tzinfo is not None


def test_free_course_is_marked_free_with_a_zero_price(anon):
    CourseFactory(price=Decimal("0"), category=None)

    item = anon.get("/api/courses/").json()["items"][0]

    assert item["is_free"] is True
    assert item["price"] == "0.00"
    assert item["category"] is None


def test_course_list_is_newest_first_and_paginated(anon):
    courses = CourseFactory.create_batch(3)
    newest_first = sorted(courses, key=lambda c: (c.published_at, c.id), reverse=True)

    first = anon.get("/api/courses/?page_size=2")
    second = anon.get("/api/courses/?page=2&page_size=2")

    assert ids(first) + ids(second) == [c.id for c in newest_first]
    assert first.json()["count"] == 3


def test_course_list_filters_by_category_id(anon):
    python, design = CategoryFactory.create_batch(2)
    course = CourseFactory(category=python)
    CourseFactory(category=design)

    assert ids(anon.get(f"/api/courses/?category={python.id}")) == [course.id]


@pytest.mark.parametrize("slug", ["python", "дизайн", "oʻzbek-tili"])
def test_course_list_filters_by_category_slug(anon, slug):
    category = CategoryFactory(slug=slug)
    course = CourseFactory(category=category)
    CourseFactory()

    assert ids(anon.get("/api/courses/", {"category": slug})) == [course.id]


@pytest.mark.parametrize("category", ["no-such-category", "999999"])
def test_course_list_with_an_unknown_category_is_a_400_naming_it(anon, category):
    CourseFactory()

    response = anon.get("/api/courses/", {"category": category})

    assert response.status_code == 400
    assert response.json()["errors"]["category"] == ["Unknown category."]


def test_course_list_of_a_category_without_published_courses_is_empty(anon):
    category = CategoryFactory()
    DraftCourseFactory(category=category)

    assert ids(anon.get("/api/courses/", {"category": category.slug})) == []


def test_course_list_filters_by_instructor_id(anon, instructor):
    mine = CourseFactory(owner=instructor)
    DraftCourseFactory(owner=instructor)
    CourseFactory()

    assert ids(anon.get(f"/api/courses/?instructor={instructor.id}")) == [mine.id]


def test_instructor_me_lists_all_my_courses_including_drafts(api_as, instructor):
    published = CourseFactory(owner=instructor)
    draft = DraftCourseFactory(owner=instructor)
    archived = CourseFactory(owner=instructor, status=Course.Status.ARCHIVED)
    CourseFactory()
    DraftCourseFactory()

    response = api_as(instructor).get("/api/courses/?instructor=me")

    assert set(ids(response)) == {published.id, draft.id, archived.id}
    statuses = {item["id"]: item["status"] for item in response.json()["items"]}
    assert statuses[draft.id] == "draft"


def test_instructor_me_needs_login(anon):
    response = anon.get("/api/courses/?instructor=me")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("value", ["abc", "0", "-1", "1.5", "me2", "ME", "", "9" * 19, "1 OR 1"])
def test_invalid_instructor_filter_is_rejected_naming_the_parameter(anon, value):
    response = anon.get("/api/courses/", {"instructor": value})

    assert response.status_code == 422
    assert any(error["loc"][-1] == "instructor" for error in response.json()["detail"])


# Course detail ----------------------------------------------------------------------------


def test_course_detail_has_its_sections_and_lessons_in_order(anon, course):
    first, second = SectionFactory.create_batch(2, course=course)
    second.to(0)
    lesson_a = LessonFactory(section=first, title="A", duration=60, is_preview=True)
    lesson_b = LessonFactory(section=first, title="B", duration=120)
    lesson_b.to(0)
    lesson_c = LessonFactory(section=second, title="C")

    response = anon.get(f"/api/courses/{course.id}/")

    assert response.status_code == 200
    sections = response.json()["sections"]
    assert [s["id"] for s in sections] == [second.id, first.id]
    assert [lesson["id"] for lesson in sections[0]["lessons"]] == [lesson_c.id]
    assert [lesson["id"] for lesson in sections[1]["lessons"]] == [lesson_b.id, lesson_a.id]
    outline_lesson = sections[1]["lessons"][1]
    assert {"id", "title", "duration", "is_preview"} <= set(outline_lesson)
    assert (outline_lesson["title"], outline_lesson["duration"]) == ("A", 60)
    assert outline_lesson["is_preview"] is True
    assert response.json()["lesson_count"] == 3


def test_course_detail_never_carries_lesson_bodies(anon, course):
    LessonFactory(section=SectionFactory(course=course), content="secret", is_preview=True)

    lesson = anon.get(f"/api/courses/{course.id}/").json()["sections"][0]["lessons"][0]

    assert "content" not in lesson
    assert "video_url" not in lesson


def test_unknown_course_is_not_found(anon):
    response = anon.get("/api/courses/999999/")

    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("viewer", ["owner", "staff"])
def test_draft_course_is_visible_to_its_owner_and_staff(api_as, draft, staff, viewer):
    user = draft.owner if viewer == "owner" else staff

    response = api_as(user).get(f"/api/courses/{draft.id}/")

    assert response.status_code == 200
    assert response.json()["status"] == "draft"


@pytest.mark.parametrize("viewer", ["anonymous", "student", "other_instructor"])
def test_draft_course_is_hidden_from_everybody_else(api_as, anon, draft, viewer):
    client = {
        "anonymous": anon,
        "student": api_as(UserFactory()),
        "other_instructor": api_as(InstructorFactory()),
    }[viewer]

    response = client.get(f"/api/courses/{draft.id}/")

    assert response.status_code == 404
    assert response.json()["detail"] == "Course not found."


def test_archived_course_is_hidden_from_others_but_kept_for_its_owner(api_as, anon, instructor):
    archived = CourseFactory(owner=instructor, status=Course.Status.ARCHIVED)

    assert anon.get(f"/api/courses/{archived.id}/").status_code == 404
    assert api_as(instructor).get(f"/api/courses/{archived.id}/").status_code == 200


# Course create ----------------------------------------------------------------------------


def test_instructor_creates_a_draft_course_and_becomes_its_owner(api_as, instructor):
    category = CategoryFactory()

    response = api_as(instructor).post(
        "/api/courses/",
        {
            "title": "Django asoslari",
            "category": category.id,
            "price": "120000",
            "level": "beginner",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["instructor"]["id"] == instructor.id
    assert body["status"] == "draft"
    assert body["is_published"] is False
    assert body["published_at"] is None
    assert body["price"] == "120000.00"
    assert body["currency"] == "UZS"
    assert body["language"] == "uz"
    assert body["slug"] == "django-asoslari"
    assert body["sections"] == []
    course = Course.objects.get(pk=body["id"])
    assert course.owner == instructor
    assert course.category == category


def test_course_created_as_published_is_listed_with_a_publication_date(api_as, anon, instructor):
    response = api_as(instructor).post("/api/courses/", {"title": "Live", "is_published": True})

    assert response.status_code == 201
    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None
    assert ids(anon.get("/api/courses/")) == [response.json()["id"]]


def test_course_created_with_a_cyrillic_title_gets_a_unicode_slug(api_as, instructor):
    response = api_as(instructor).post("/api/courses/", {"title": "Основы Python"})

    assert response.json()["slug"] == "основы-python"


def test_course_created_with_a_taken_slug_is_a_conflict(api_as, instructor):
    CourseFactory(slug="taken")

    response = api_as(instructor).post("/api/courses/", {"title": "X", "slug": "taken"})

    assert response.status_code == 409
    assert Course.objects.count() == 1


def test_course_with_an_unknown_category_is_rejected(api_as, instructor):
    response = api_as(instructor).post("/api/courses/", {"title": "X", "category": 999999})

    assert response.status_code == 400
    assert "category" in response.json()["errors"]
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("currency", "GBP"), ("currency", "uzs"), ("language", "de")]
)
def test_currency_and_language_outside_the_settings_are_rejected(api_as, instructor, field, value):
    response = api_as(instructor).post("/api/courses/", {"title": "X", field: value})

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Course.objects.exists()


@override_settings(
    COURSEHUB={"CURRENCIES": ["USD"], "DEFAULT_CURRENCY": "USD", "COURSE_LANGUAGES": ["en"]}
)
def test_currencies_and_languages_follow_the_live_settings(api_as, instructor):
    client = api_as(instructor)

    assert client.post("/api/courses/", {"title": "X", "currency": "UZS"}).status_code == 400
    assert client.post("/api/courses/", {"title": "X", "language": "uz"}).status_code == 400
    created = client.post("/api/courses/", {"title": "X"})
    assert created.status_code == 201
    assert (created.json()["currency"], created.json()["language"]) == ("USD", "en")


@pytest.mark.parametrize(
    "price",
    [
        "-1",
        -1,
        "-0.01",
        "1.005",
        1.005,
        "0.001",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e20",
        "abc",
        True,
    ],
)
def test_invalid_price_is_rejected(api_as, instructor, price):
    response = api_as(instructor).post("/api/courses/", {"title": "X", "price": price})

    assert 400 <= response.status_code < 500
    assert not Course.objects.exists()


def test_literal_nan_price_in_the_json_is_rejected(api_as, instructor):
    response = api_as(instructor).post("/api/courses/", '{"title": "X", "price": NaN}')

    assert 400 <= response.status_code < 500
    assert not Course.objects.exists()


@pytest.mark.parametrize("price", [99.9, 0.5, "1e3", " 15", "+15", "1_000", "", "15.", ".5"])
def test_a_price_not_written_in_plain_digits_is_a_422_never_rounded(api_as, instructor, price):
    response = api_as(instructor).post("/api/courses/", {"title": "X", "price": price})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "price"
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("price", "stored"), [("99.9", "99.90"), (15, "15.00"), (15.0, "15.00"), ("0", "0.00")]
)
def test_valid_prices_are_stored_with_two_decimals(api_as, instructor, price, stored):
    response = api_as(instructor).post("/api/courses/", {"title": "X", "price": price})

    assert response.status_code == 201
    assert response.json()["price"] == stored


READ_ONLY_COURSE_FIELDS = {
    "owner": None,
    "instructor": None,
    "owner_id": None,
    "lesson_count": 99,
    "enrollment_count": 1000,
    "rating_avg": "5.00",
    "rating_count": 77,
    "status": "published",
    "published_at": "2020-01-01T00:00:00Z",
    "created_at": "2020-01-01T00:00:00Z",
    "id": 424242,
}


def read_only_values(course: Course) -> tuple[Any, ...]:
    course.refresh_from_db()
    return (
        course.owner_id,
        course.lesson_count,
        course.enrollment_count,
        course.rating_avg,
        course.rating_count,
        course.status,
    )


def test_client_cannot_set_owner_counters_or_rating_on_create(api_as, instructor, staff):
    payload = {"title": "X", **READ_ONLY_COURSE_FIELDS, "owner": staff.id, "owner_id": staff.id}
    payload["instructor"] = {"id": staff.id}

    response = api_as(instructor).post("/api/courses/", payload)

    assert response.status_code == 201
    course = Course.objects.get()
    assert course.pk != 424242
    assert read_only_values(course) == (instructor.id, 0, 0, Decimal("0"), 0, "draft")
    assert course.published_at is None


@pytest.mark.parametrize("method", ["put", "patch"])
def test_client_cannot_change_owner_counters_or_rating_on_edit(api_as, draft, staff, method):
    before = read_only_values(draft)
    payload = {"title": "Edited", **READ_ONLY_COURSE_FIELDS, "owner": staff.id}

    response = getattr(api_as(draft.owner), method)(f"/api/courses/{draft.id}/", payload)

    assert response.status_code == 200
    assert read_only_values(draft) == before
    assert draft.title == "Edited"


# Course update and delete -----------------------------------------------------------------


def test_owner_patches_only_the_given_course_fields(api_as, course):
    title, published_at = course.title, course.published_at

    response = api_as(course.owner).patch(f"/api/courses/{course.id}/", {"price": "50000.50"})

    assert response.status_code == 200
    assert response.json()["price"] == "50000.50"
    course.refresh_from_db()
    assert course.price == Decimal("50000.50")
    assert (course.title, course.status, course.published_at) == (
        title,
        Course.Status.PUBLISHED,
        published_at,
    )


def test_owner_replaces_a_course_with_put(api_as, course):
    category = CategoryFactory()
    payload = {
        "title": "Replaced",
        "short_description": "New short",
        "category": category.id,
        "price": "10",
        "currency": "USD",
        "level": "advanced",
        "language": "ru",
    }

    response = api_as(course.owner).put(f"/api/courses/{course.id}/", payload)

    assert response.status_code == 200
    course.refresh_from_db()
    assert (course.title, course.category_id, course.price, course.currency) == (
        "Replaced",
        category.id,
        Decimal("10"),
        "USD",
    )
    assert (course.level, course.language) == ("advanced", "ru")


def test_staff_edits_any_course(api_as, staff, draft):
    response = api_as(staff).patch(f"/api/courses/{draft.id}/", {"title": "By staff"})

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.title == "By staff"
    assert draft.owner_id != staff.id


def test_other_instructor_editing_a_course_is_told_it_does_not_exist(
    api_as, course, other_instructor
):
    response = api_as(other_instructor).patch(f"/api/courses/{course.id}/", {"title": "Mine"})

    assert response.status_code == 404
    course.refresh_from_db()
    assert course.title != "Mine"


def test_publishing_a_draft_sets_its_publication_date(api_as, draft):
    response = api_as(draft.owner).patch(f"/api/courses/{draft.id}/", {"is_published": True})

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Course.Status.PUBLISHED
    assert draft.published_at is not None


def test_unpublishing_a_course_hides_it_from_the_catalogue(api_as, anon, course):
    response = api_as(course.owner).patch(f"/api/courses/{course.id}/", {"is_published": False})

    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert ids(anon.get("/api/courses/")) == []


def test_course_category_can_be_cleared_and_must_exist(api_as, course):
    client = api_as(course.owner)

    assert client.patch(f"/api/courses/{course.id}/", {"category": 999999}).status_code == 400
    assert client.patch(f"/api/courses/{course.id}/", {"category": None}).status_code == 200
    course.refresh_from_db()
    assert course.category is None


def test_editing_to_a_currency_outside_the_settings_is_rejected(api_as, course):
    response = api_as(course.owner).patch(f"/api/courses/{course.id}/", {"currency": "XYZ"})

    assert response.status_code == 400
    course.refresh_from_db()
    assert course.currency == "UZS"


def test_owner_deletes_a_course_nobody_depends_on(api_as, course):
    section = SectionFactory(course=course)
    LessonFactory(section=section)

    response = api_as(course.owner).delete(f"/api/courses/{course.id}/")

    assert response.status_code == 204
    assert not Course.objects.filter(pk=course.pk).exists()
    assert not Section.objects.exists()
    assert not Lesson.objects.exists()


def test_staff_deletes_a_draft_course(api_as, staff, draft):
    assert api_as(staff).delete(f"/api/courses/{draft.id}/").status_code == 204
    assert not Course.objects.filter(pk=draft.pk).exists()


def test_other_instructor_cannot_delete_a_course(api_as, course, other_instructor):
    assert api_as(other_instructor).delete(f"/api/courses/{course.id}/").status_code == 404
    assert Course.objects.filter(pk=course.pk).exists()


# Sections ---------------------------------------------------------------------------------


def test_section_list_needs_the_course_parameter(anon):
    response = anon.get("/api/sections/")

    assert response.status_code == 422
    assert any(error["loc"][-1] == "course" for error in response.json()["detail"])


def test_section_list_is_ordered_with_lesson_counts(anon, course):
    first, second, third = SectionFactory.create_batch(3, course=course)
    third.to(0)
    LessonFactory.create_batch(2, section=first)
    SectionFactory()

    response = anon.get(f"/api/sections/?course={course.id}")

    assert ids(response) == [third.id, first.id, second.id]
    items = response.json()["items"]
    assert [item["order"] for item in items] == [0, 1, 2]
    assert [item["lesson_count"] for item in items] == [0, 2, 0]
    assert items[1]["course"] == course.id
    assert items[1]["title"] == first.title


def test_section_list_of_a_draft_course_is_hidden_from_others(anon, api_as, draft):
    SectionFactory(course=draft)

    assert anon.get(f"/api/sections/?course={draft.id}").status_code == 404
    assert ids(api_as(draft.owner).get(f"/api/sections/?course={draft.id}")) != []


def test_section_is_added_at_the_end(api_as, course):
    existing = SectionFactory(course=course)

    response = api_as(course.owner).post("/api/sections/", {"course": course.id, "title": "Oxirgi"})

    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["order"], body["course"]) == ("Oxirgi", 1, course.id)
    assert body["lessons"] == []
    assert [pk for pk, _order in section_orders(course)] == [existing.id, body["id"]]


def test_section_is_added_at_a_given_position(api_as, course):
    first, second = SectionFactory.create_batch(2, course=course)

    response = api_as(course.owner).post(
        "/api/sections/", {"course": course.id, "title": "Kirish", "position": 0}
    )

    assert response.status_code == 201
    new_id = response.json()["id"]
    assert section_orders(course) == [(new_id, 0), (first.id, 1), (second.id, 2)]


def test_section_may_be_added_right_after_the_last_one(api_as, course):
    SectionFactory(course=course)

    response = api_as(course.owner).post(
        "/api/sections/", {"course": course.id, "title": "End", "position": 1}
    )

    assert response.status_code == 201
    assert response.json()["order"] == 1


@pytest.mark.parametrize(("position", "status"), [(2, 400), (1_000_000, 400), (-1, 422)])
def test_section_position_out_of_range_is_rejected(api_as, course, position, status):
    SectionFactory(course=course)

    response = api_as(course.owner).post(
        "/api/sections/", {"course": course.id, "title": "X", "position": position}
    )

    assert response.status_code == status
    assert course.sections.count() == 1


def test_section_detail_lists_its_lessons_in_order(anon, course):
    section = SectionFactory(course=course)
    first, second = LessonFactory.create_batch(2, section=section, duration=100)
    second.to(0)

    response = anon.get(f"/api/sections/{section.id}/")

    assert response.status_code == 200
    body = response.json()
    assert [lesson["id"] for lesson in body["lessons"]] == [second.id, first.id]
    assert body["lesson_count"] == 2
    assert body["duration"] == 200


def test_section_of_a_draft_course_is_hidden_from_others(anon, draft):
    section = SectionFactory(course=draft)

    assert anon.get(f"/api/sections/{section.id}/").status_code == 404


@pytest.mark.parametrize("method", ["put", "patch"])
def test_owner_renames_a_section(api_as, course, method):
    section = SectionFactory(course=course)

    response = getattr(api_as(course.owner), method)(
        f"/api/sections/{section.id}/", {"title": "Renamed"}
    )

    assert response.status_code == 200
    section.refresh_from_db()
    assert section.title == "Renamed"
    assert section.order == 0


def test_section_put_needs_a_title(api_as, course):
    section = SectionFactory(course=course)

    assert api_as(course.owner).put(f"/api/sections/{section.id}/", {}).status_code == 422


@pytest.mark.parametrize(
    ("position", "expected"), [(0, ["c", "a", "b"]), (1, ["a", "c", "b"]), (2, ["a", "b", "c"])]
)
def test_section_moves_to_a_new_position(api_as, course, position, expected):
    sections = {name: SectionFactory(course=course, title=name) for name in "abc"}

    response = api_as(course.owner).post(
        f"/api/sections/{sections['c'].id}/move/", {"position": position}
    )

    assert response.status_code == 200
    assert response.json()["order"] == position
    titles = list(course.sections.order_by("order").values_list("title", flat=True))
    assert titles == expected
    assert_contiguous(course.sections.all())


@pytest.mark.parametrize(("position", "status"), [(3, 400), (-1, 422), ("1", 422)])
def test_section_move_out_of_range_is_rejected(api_as, course, position, status):
    sections = SectionFactory.create_batch(3, course=course)
    before = section_orders(course)

    response = api_as(course.owner).post(
        f"/api/sections/{sections[0].id}/move/", {"position": position}
    )

    assert response.status_code == status
    assert section_orders(course) == before


def test_deleting_a_section_closes_the_gap_and_keeps_lesson_count_exact(api_as, course):
    first, second, third = SectionFactory.create_batch(3, course=course)
    LessonFactory.create_batch(2, section=second)
    LessonFactory(section=third)
    course.refresh_from_db()
    assert course.lesson_count == 3

    response = api_as(course.owner).delete(f"/api/sections/{second.id}/")

    assert response.status_code == 204
    assert section_orders(course) == [(first.id, 0), (third.id, 1)]
    course.refresh_from_db()
    assert course.lesson_count == 1 == Lesson.objects.filter(course=course).count()


# Lessons ----------------------------------------------------------------------------------


def test_lesson_list_needs_a_section_or_a_course(anon):
    response = anon.get("/api/lessons/")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_lesson_list_by_section_is_in_order(anon, course):
    section = SectionFactory(course=course)
    first, second, third = LessonFactory.create_batch(3, section=section)
    third.to(0)
    LessonFactory(section=SectionFactory(course=course))

    response = anon.get(f"/api/lessons/?section={section.id}")

    assert ids(response) == [third.id, first.id, second.id]
    assert [item["order"] for item in response.json()["items"]] == [0, 1, 2]


def test_lesson_list_by_course_follows_section_then_lesson_order(anon, course):
    early, late = SectionFactory.create_batch(2, course=course)
    late_lesson = LessonFactory(section=late)
    early_b, early_a = LessonFactory.create_batch(2, section=early)
    early_a.to(0)
    late.to(0)
    LessonFactory()

    response = anon.get(f"/api/lessons/?course={course.id}")

    assert ids(response) == [late_lesson.id, early_a.id, early_b.id]


def test_lessons_of_a_draft_course_are_hidden_from_others(anon, draft):
    lesson = LessonFactory(section=SectionFactory(course=draft))

    assert anon.get(f"/api/lessons/?course={draft.id}").status_code == 404
    assert anon.get(f"/api/lessons/?section={lesson.section_id}").status_code == 404
    assert anon.get(f"/api/lessons/{lesson.id}/").status_code == 404


@pytest.fixture
def locked_and_preview(course: Course) -> tuple[Lesson, Lesson]:
    section = SectionFactory(course=course)
    locked = LessonFactory(
        section=section,
        kind=Lesson.Kind.VIDEO,
        content="Paid body",
        video_url="https://video.example.uz/1",
        attachment_url="https://files.example.uz/1.pdf",
    )
    preview = LessonFactory(
        section=section,
        content="Free body",
        video_url="https://video.example.uz/2",
        is_preview=True,
    )
    return locked, preview


def lesson_body(lesson: dict[str, Any]) -> tuple[Any, ...]:
    return (lesson["is_locked"], lesson["content"], lesson["video_url"], lesson["attachment_url"])


@pytest.mark.parametrize("viewer", ["anonymous", "student", "other_instructor"])
def test_lesson_bodies_are_hidden_from_outsiders_unless_preview(
    api_as, anon, locked_and_preview, viewer
):
    locked, preview = locked_and_preview
    client = {
        "anonymous": anon,
        "student": api_as(UserFactory()),
        "other_instructor": api_as(InstructorFactory()),
    }[viewer]

    listed = client.get(f"/api/lessons/?section={locked.section_id}").json()["items"]
    detail = client.get(f"/api/lessons/{locked.id}/").json()

    assert lesson_body(listed[0]) == lesson_body(detail) == (True, None, None, None)
    assert listed[0]["title"] == locked.title
    assert listed[0]["duration"] == locked.duration
    assert lesson_body(listed[1]) == (False, "Free body", "https://video.example.uz/2", "")
    assert lesson_body(client.get(f"/api/lessons/{preview.id}/").json())[1] == "Free body"


@pytest.mark.parametrize("viewer", ["owner", "staff"])
def test_owner_and_staff_see_every_lesson_body(api_as, staff, locked_and_preview, viewer):
    locked, _preview = locked_and_preview
    client = api_as(locked.course.owner if viewer == "owner" else staff)

    listed = client.get(f"/api/lessons/?course={locked.course_id}").json()["items"]
    detail = client.get(f"/api/lessons/{locked.id}/").json()

    expected = (False, "Paid body", "https://video.example.uz/1", "https://files.example.uz/1.pdf")
    assert lesson_body(listed[0]) == lesson_body(detail) == expected


def test_owner_adds_a_lesson_at_the_end_and_the_lesson_count_grows(api_as, course):
    section = SectionFactory(course=course)
    existing = LessonFactory(section=section)
    payload = {
        "section": section.id,
        "title": "Oʻzgaruvchilar",
        "kind": "video",
        "video_url": "https://video.example.uz/42",
        "content": "  Matn  ",
        "duration": 600,
        "is_preview": True,
    }

    response = api_as(course.owner).post("/api/lessons/", payload)

    assert response.status_code == 201
    body = response.json()
    assert body["order"] == 1
    assert (body["course"], body["section"], body["kind"]) == (course.id, section.id, "video")
    assert body["content"] == "  Matn  "
    assert body["is_locked"] is False
    assert lesson_ids(section) == [existing.id, body["id"]]
    course.refresh_from_db()
    assert course.lesson_count == 2


def test_lesson_is_added_at_a_given_position(api_as, course):
    section = SectionFactory(course=course)
    first, second = LessonFactory.create_batch(2, section=section)

    response = api_as(course.owner).post(
        "/api/lessons/", {"section": section.id, "title": "New", "position": 1}
    )

    assert response.status_code == 201
    assert lesson_ids(section) == [first.id, response.json()["id"], second.id]
    assert_contiguous(section.lessons.all())


def test_lesson_position_out_of_range_is_rejected(api_as, course):
    section = SectionFactory(course=course)
    LessonFactory(section=section)

    response = api_as(course.owner).post(
        "/api/lessons/", {"section": section.id, "title": "New", "position": 2}
    )

    assert response.status_code == 400
    assert "position" in response.json()["errors"]
    course.refresh_from_db()
    assert section.lessons.count() == course.lesson_count == 1


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://files.example.uz/a",
        "not a url",
        "//evil.example/x",
        # Accepted by Django's URLValidator, outside what the OpenAPI schema states.
        "http://192.168.0.10/video.mp4",
        "https://user:secret@videos.example.uz/a.mp4",
    ],
)
def test_lesson_urls_must_be_http_links(api_as, course, url):
    section = SectionFactory(course=course)

    response = api_as(course.owner).post(
        "/api/lessons/", {"section": section.id, "title": "X", "video_url": url}
    )

    assert response.status_code == 400
    assert "video_url" in response.json()["errors"]
    assert not Lesson.objects.exists()


def test_lesson_cannot_be_added_to_another_instructors_section(api_as, course, other_instructor):
    section = SectionFactory(course=course)

    response = api_as(other_instructor).post(
        "/api/lessons/", {"section": section.id, "title": "Intruder"}
    )

    assert response.status_code == 404
    assert not Lesson.objects.exists()


def test_owner_replaces_a_lesson_with_put(api_as, course):
    lesson = LessonFactory(section=SectionFactory(course=course), duration=10)

    response = api_as(course.owner).put(
        f"/api/lessons/{lesson.id}/",
        {"title": "New title", "kind": "file", "attachment_url": "https://f.example.uz/a.pdf"},
    )

    assert response.status_code == 200
    lesson.refresh_from_db()
    assert (lesson.title, lesson.kind, lesson.attachment_url) == (
        "New title",
        "file",
        "https://f.example.uz/a.pdf",
    )
    assert lesson.duration == 10


def test_owner_patches_a_lesson(api_as, course):
    lesson = LessonFactory(section=SectionFactory(course=course), title="Kept")

    response = api_as(course.owner).patch(
        f"/api/lessons/{lesson.id}/", {"is_preview": True, "duration": 42}
    )

    assert response.status_code == 200
    lesson.refresh_from_db()
    assert (lesson.title, lesson.is_preview, lesson.duration, lesson.order) == ("Kept", True, 42, 0)


def test_owner_deletes_a_lesson_and_the_gap_closes(api_as, course):
    section = SectionFactory(course=course)
    first, second, third = LessonFactory.create_batch(3, section=section)

    response = api_as(course.owner).delete(f"/api/lessons/{second.id}/")

    assert response.status_code == 204
    assert list(section.lessons.order_by("order").values_list("id", "order")) == [
        (first.id, 0),
        (third.id, 1),
    ]
    course.refresh_from_db()
    assert course.lesson_count == 2


def test_lesson_moves_within_its_section(api_as, course):
    section = SectionFactory(course=course)
    first, second, third = LessonFactory.create_batch(3, section=section)

    response = api_as(course.owner).post(f"/api/lessons/{first.id}/move/", {"position": 2})

    assert response.status_code == 200
    assert response.json()["order"] == 2
    assert lesson_ids(section) == [second.id, third.id, first.id]


def test_lesson_moves_to_another_section_of_the_same_course(api_as, course):
    source, target = SectionFactory.create_batch(2, course=course)
    moving, staying = LessonFactory.create_batch(2, section=source)
    target_first, target_second = LessonFactory.create_batch(2, section=target)

    response = api_as(course.owner).post(
        f"/api/lessons/{moving.id}/move/", {"position": 1, "section": target.id}
    )

    assert response.status_code == 200
    assert response.json()["section"] == target.id
    assert lesson_ids(source) == [staying.id]
    assert lesson_ids(target) == [target_first.id, moving.id, target_second.id]
    assert_contiguous(source.lessons.all())
    assert_contiguous(target.lessons.all())
    course.refresh_from_db()
    assert course.lesson_count == 4


def test_lesson_may_move_to_the_end_of_another_section(api_as, course):
    source, target = SectionFactory.create_batch(2, course=course)
    moving = LessonFactory(section=source)
    existing = LessonFactory(section=target)

    response = api_as(course.owner).post(
        f"/api/lessons/{moving.id}/move/", {"position": 1, "section": target.id}
    )

    assert response.status_code == 200
    assert lesson_ids(target) == [existing.id, moving.id]


def test_lesson_cannot_move_into_another_courses_section(api_as, course):
    section = SectionFactory(course=course)
    lesson = LessonFactory(section=section)
    foreign = SectionFactory(course=CourseFactory(owner=course.owner))

    response = api_as(course.owner).post(
        f"/api/lessons/{lesson.id}/move/", {"position": 0, "section": foreign.id}
    )

    assert response.status_code == 400
    assert "section" in response.json()["errors"]
    lesson.refresh_from_db()
    assert (lesson.section_id, lesson.course_id, lesson.order) == (section.id, course.id, 0)


def test_lesson_move_into_an_unknown_section_is_not_found(api_as, course):
    lesson = LessonFactory(section=SectionFactory(course=course))

    response = api_as(course.owner).post(
        f"/api/lessons/{lesson.id}/move/", {"position": 0, "section": 999999}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("into_other_section", [False, True])
def test_lesson_move_out_of_range_changes_nothing(api_as, course, into_other_section):
    source, target = SectionFactory.create_batch(2, course=course)
    moving, other = LessonFactory.create_batch(2, section=source)
    LessonFactory(section=target)
    payload: dict[str, Any] = {"position": 2}
    if into_other_section:
        payload = {"position": 5, "section": target.id}

    response = api_as(course.owner).post(f"/api/lessons/{moving.id}/move/", payload)

    assert response.status_code == 400
    assert lesson_ids(source) == [moving.id, other.id]
    assert target.lessons.count() == 1


def test_course_lesson_count_stays_exact_through_lesson_and_section_changes(api_as, course):
    client = api_as(course.owner)

    def lesson_count() -> int:
        return client.get(f"/api/courses/{course.id}/").json()["lesson_count"]

    first = client.post("/api/sections/", {"course": course.id, "title": "One"}).json()["id"]
    second = client.post("/api/sections/", {"course": course.id, "title": "Two"}).json()["id"]
    made = [
        client.post("/api/lessons/", {"section": section, "title": f"L{n}"}).json()["id"]
        for n, section in enumerate([first, first, second, second, second])
    ]
    assert lesson_count() == 5

    assert client.delete(f"/api/lessons/{made[0]}/").status_code == 204
    assert lesson_count() == 4

    assert client.post(f"/api/lessons/{made[1]}/move/", {"position": 0, "section": second})
    assert lesson_count() == 4

    assert client.delete(f"/api/sections/{second}/").status_code == 204
    assert lesson_count() == 0 == Lesson.objects.filter(course=course).count()
    assert client.get(f"/api/sections/?course={course.id}").json()["items"][0]["lesson_count"] == 0
