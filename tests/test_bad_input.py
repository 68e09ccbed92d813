"""Hostile input to the catalogue never produces a 500, and every error answers in JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings

from django_coursehub.catalog.models import Category, Course, Lesson, Section
from django_coursehub.schemas import MAX_ID
from tests.conftest import ApiClient
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    InstructorFactory,
    LessonFactory,
    SectionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def assert_json_error(response: Any, status: int | None = None) -> dict[str, Any]:
    """A 4xx (``status`` if given) with a JSON body carrying ``detail``."""
    assert response.status_code < 500, response.content
    if status is None:
        assert 400 <= response.status_code < 500, response.content
    else:
        assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    return body


def snapshot() -> tuple[list[tuple[Any, ...]], ...]:
    return tuple(
        list(model.objects.order_by("pk").values_list())
        for model in (Category, Course, Section, Lesson)
    )


@pytest.fixture
def owner() -> Any:
    return InstructorFactory()


@pytest.fixture
def client(owner: Any) -> ApiClient:
    return ApiClient(owner, raise_request_exception=False)


@pytest.fixture
def staff_client() -> ApiClient:
    return ApiClient(StaffFactory(), raise_request_exception=False)


@pytest.fixture
def anon_client() -> ApiClient:
    return ApiClient(raise_request_exception=False)


@pytest.fixture
def tree(owner: Any) -> dict[str, Any]:
    course = CourseFactory(owner=owner)
    section = SectionFactory(course=course)
    return {
        "category": course.category,
        "course": course,
        "section": section,
        "lesson": LessonFactory(section=section),
    }


# Wrong JSON types -------------------------------------------------------------------------

# (method, path template, body): every body is well-formed JSON of the wrong shape.
WRONG_TYPES = [
    ("post", "/api/sections/", {"course": "str:{course}", "title": "String id"}),
    ("post", "/api/sections/", {"course": True, "title": "Boolean id"}),
    # 2.0 is the integer 2 to JSON Schema (and accepted); a fraction is not an id.
    ("post", "/api/sections/", {"course": 1.5, "title": "Fractional id"}),
    ("post", "/api/sections/", {"course": ["{course}"], "title": "List id"}),
    ("post", "/api/sections/", {"course": {"id": 1}, "title": "Object id"}),
    ("post", "/api/sections/", {"course": None, "title": "Null id"}),
    ("post", "/api/lessons/", {"section": False, "title": "x"}),
    ("post", "/api/courses/", {"title": ["a", "b"]}),
    ("post", "/api/courses/", {"title": {"uz": "Salom"}}),
    ("post", "/api/courses/", {"title": 12345}),
    ("post", "/api/courses/", {"title": "X", "category": "1"}),
    ("post", "/api/courses/", {"title": "X", "category": True}),
    ("post", "/api/courses/", {"title": "X", "is_published": "true"}),
    ("post", "/api/courses/", {"title": "X", "is_published": 1}),
    ("post", "/api/courses/", {"title": "X", "price": [1]}),
    ("post", "/api/courses/", {"title": "X", "level": "expert"}),
    ("post", "/api/categories/", {"name": None}),
    ("patch", "/api/courses/{course}/", {"title": None}),
    ("patch", "/api/courses/{course}/", {"slug": "has spaces"}),
    ("patch", "/api/lessons/{lesson}/", {"duration": "300"}),
    ("patch", "/api/lessons/{lesson}/", {"duration": 1.5}),
    ("patch", "/api/lessons/{lesson}/", {"duration": -1}),
    ("patch", "/api/lessons/{lesson}/", {"is_preview": "yes"}),
    ("patch", "/api/lessons/{lesson}/", {"kind": "audio"}),
    ("patch", "/api/lessons/{lesson}/", {"content": None}),
    ("post", "/api/sections/{section}/move/", {"position": "0"}),
    ("post", "/api/sections/{section}/move/", {"position": False}),
    ("post", "/api/sections/{section}/move/", {}),
    ("post", "/api/lessons/{lesson}/move/", {"position": 0, "section": "{section}x"}),
    # The whole body of the wrong JSON type: a list, a number, a string, null.
    ("post", "/api/courses/", [{"title": "In a list"}]),
    ("post", "/api/courses/", 42),
    ("post", "/api/courses/", "Python asoslari"),
    ("patch", "/api/courses/{course}/", "hello"),
    ("put", "/api/sections/{section}/", "intro"),
    ("put", "/api/lessons/{lesson}/", "intro"),
    ("patch", "/api/categories/{category}/", ["name"]),
]


def fill(tree: dict[str, Any], template: Any) -> Any:
    ids = {name: obj.pk for name, obj in tree.items()}
    if isinstance(template, str) and template.startswith("str:"):
        return template.removeprefix("str:").format(**ids)
    if isinstance(template, str) and template.strip("{}") in ids:
        return ids[template.strip("{}")]
    if isinstance(template, str):
        return template.format(**ids)
    if isinstance(template, list):
        return [fill(tree, item) for item in template]
    if isinstance(template, dict):
        return {key: fill(tree, value) for key, value in template.items()}
    return template


@pytest.mark.parametrize(("method", "path", "body"), WRONG_TYPES)
def test_wrong_json_types_are_a_json_4xx_and_change_nothing(
    client, staff_client, tree, method, path, body
):
    caller = staff_client if "categories" in path else client
    before = snapshot()

    response = getattr(caller, method)(fill(tree, path), json.dumps(fill(tree, body)))

    assert_json_error(response)
    assert snapshot() == before


def test_a_bare_json_string_does_not_rename_a_course(client, tree):
    # ninja would otherwise read "title" off the str object ("hello".title() == "Hello").
    response = client.patch(f"/api/courses/{tree['course'].pk}/", '"hello"')

    assert_json_error(response, 422)
    tree["course"].refresh_from_db()
    assert tree["course"].title != "Hello"


# Unknown and out-of-range ids -------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/api/categories/999999/", None, 404),
        ("get", "/api/courses/999999/", None, 404),
        ("get", "/api/sections/999999/", None, 404),
        ("get", "/api/lessons/999999/", None, 404),
        ("get", "/api/sections/?course=999999", None, 404),
        ("get", "/api/lessons/?course=999999", None, 404),
        ("get", "/api/lessons/?section=999999", None, 404),
        ("get", f"/api/courses/{MAX_ID}/", None, 404),
        ("patch", "/api/courses/999999/", {"title": "x"}, 404),
        ("delete", "/api/lessons/999999/", None, 404),
        ("post", "/api/sections/", {"course": 999999, "title": "x"}, 404),
        ("post", "/api/sections/", {"course": MAX_ID, "title": "x"}, 404),
        ("post", "/api/lessons/", {"section": 999999, "title": "x"}, 404),
        ("post", "/api/lessons/{lesson}/move/", {"position": 0, "section": 999999}, 404),
        ("post", "/api/courses/", {"title": "x", "category": 999999}, 400),
        ("post", "/api/courses/", {"title": "x", "category": MAX_ID}, 400),
    ],
)
def test_unknown_ids_are_a_json_404_or_400(client, tree, method, path, body, status):
    before = snapshot()
    path = fill(tree, path)

    if body is None:
        response = getattr(client, method)(path)
    else:
        response = getattr(client, method)(path, body)

    assert_json_error(response, status)
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        f"/api/courses/{MAX_ID + 1}/",
        f"/api/courses/{2**64}/",
        f"/api/categories/{10**30}/",
        f"/api/sections/{MAX_ID + 1}/",
        f"/api/lessons/{MAX_ID + 1}/",
        f"/api/lessons/{MAX_ID + 1}/move/",
        "/api/courses/0/",
        "/api/courses/-5/",
        "/api/courses/1e3/",
        "/api/courses/0x10/",
        f"/api/sections/?course={MAX_ID + 1}",
        f"/api/lessons/?section={10**30}",
        f"/api/lessons/?course={MAX_ID + 1}",
        f"/api/courses/?instructor={MAX_ID + 1}",
        f"/api/courses/?instructor={10**30}",
    ],
)
def test_ids_beyond_64_bits_or_not_positive_are_a_json_4xx(client, path):
    moving = path.endswith("/move/")
    response = client.post(path, {"position": 0}) if moving else client.get(path)

    assert_json_error(response)


@pytest.mark.parametrize(
    "body",
    [
        {"course": MAX_ID + 1, "title": "x"},
        {"course": 2**64, "title": "x"},
        {"course": 10**100, "title": "x"},
        {"course": 0, "title": "x"},
        {"course": -1, "title": "x"},
        {"course": 1e300, "title": "x"},
    ],
)
def test_ids_beyond_64_bits_in_a_body_are_a_json_422(client, body):
    assert_json_error(client.post("/api/sections/", body), 422)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/courses/", {"title": "x", "price": 10**30}),
        ("/api/courses/", {"title": "x", "price": "1" * 400}),
        ("/api/lessons/{lesson}/", {"duration": 10**30}),
        ("/api/sections/{section}/move/", {"position": 10**20}),
        ("/api/sections/", {"course": "{course}", "title": "x", "position": 2**63}),
    ],
)
def test_huge_numbers_in_a_body_are_a_json_4xx(client, tree, path, body):
    path = fill(tree, path)
    method = "patch" if path.startswith("/api/lessons/") else "post"

    assert_json_error(getattr(client, method)(path, fill(tree, body)))


# Pagination -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=abc",
        "page=1.5",
        f"page={10**30}",
        "page=%00",
        "page=",
        "page_size=0",
        "page_size=-3",
        "page_size=abc",
        f"page_size={10**30}",
    ],
)
@pytest.mark.parametrize(
    "path", ["/api/categories/", "/api/courses/", "/api/lessons/?course={course}"]
)
def test_malformed_page_parameters_are_a_json_422(anon_client, tree, path, query):
    separator = "&" if "?" in path else "?"

    response = anon_client.get(fill(tree, path) + separator + query)

    assert_json_error(response, 422)


@pytest.mark.parametrize("page", [2, 3, 10_000_000])
def test_page_beyond_the_last_is_a_json_404(anon_client, page):
    CourseFactory()

    body = assert_json_error(anon_client.get(f"/api/courses/?page={page}"), 404)

    assert body["code"] == "page_not_found"


def test_first_page_of_an_empty_list_is_simply_empty(anon_client):
    response = anon_client.get("/api/courses/?page=1")

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0, "facets": None}


def test_huge_page_size_is_capped_to_the_maximum(anon_client):
    CategoryFactory.create_batch(101)

    response = anon_client.get("/api/categories/?page_size=1000000")

    assert response.status_code == 200
    assert len(response.json()["items"]) == 100
    assert response.json()["count"] == 101


@override_settings(COURSEHUB={"PAGE_SIZE": 2, "MAX_PAGE_SIZE": 3})
def test_page_size_cap_follows_the_live_setting(anon_client):
    CourseFactory.create_batch(5)

    default = anon_client.get("/api/courses/")
    capped = anon_client.get("/api/courses/?page_size=50")
    last = anon_client.get("/api/courses/?page=2&page_size=50")

    assert len(default.json()["items"]) == 2
    assert len(capped.json()["items"]) == 3
    assert len(last.json()["items"]) == 2
    assert_json_error(anon_client.get("/api/courses/?page=3&page_size=50"), 404)


# Broken bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        '{"title": "x"',
        "{'title': 'x'}",
        '{"title": "x",}',
        "not json",
        "",
        "[" * 100_000,
        "[" * 50_000 + "]" * 50_000,
        '{"title": "\\ud800"}',
        '{"title": "x", "price": 1e999999}',
    ],
)
def test_broken_json_is_a_json_4xx(client, raw):
    response = client.post("/api/courses/", raw)

    assert_json_error(response)
    assert not Course.objects.exists()


def test_body_that_is_not_utf8_is_a_json_4xx(client, tree):
    response = client.generic(
        "POST",
        "/api/sections/",
        b'{"course": %d, "title": "\xff\xfe"}' % tree["course"].pk,
        content_type="application/json",
    )

    assert_json_error(response)


def test_form_encoded_body_is_a_json_4xx(tree, owner):
    client = ApiClient(owner, raise_request_exception=False)

    response = super(ApiClient, client).post(
        "/api/sections/", {"course": tree["course"].pk, "title": "x"}
    )

    assert_json_error(response, 400)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/courses/"),
        ("patch", "/api/courses/{course}/"),
        ("post", "/api/lessons/"),
        ("put", "/api/lessons/{lesson}/"),
        ("post", "/api/categories/"),
    ],
)
def test_oversized_body_is_a_json_413(client, tree, method, path):
    body = {"title": "x", "section": tree["section"].pk, "content": "a" * 10_000}

    response = getattr(client, method)(fill(tree, path), body)

    body = assert_json_error(response, 413)
    assert body["code"] == "request_too_large"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_oversized_body_from_an_anonymous_caller_is_still_json(anon_client):
    response = anon_client.post("/api/courses/", {"title": "x" * 10_000})

    # The size is checked before authentication: no work is spent on an oversized body.
    assert assert_json_error(response, 413)["code"] == "request_too_large"


# NUL bytes, unusual characters and lengths ------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/courses/", {"title": "Py\x00thon"}),
        ("post", "/api/courses/", {"title": "X", "slug": "a\x00b"}),
        ("post", "/api/courses/", {"title": "X", "description": "\x00"}),
        ("post", "/api/courses/", {"title": "X", "currency": "US\x00"}),
        ("post", "/api/courses/", {"title": "X", "language": "u\x00"}),
        ("patch", "/api/courses/{course}/", {"short_description": "a\x00"}),
        ("post", "/api/sections/", {"course": "{course}", "title": "\x00"}),
        ("patch", "/api/sections/{section}/", {"title": "a\x00b"}),
        ("post", "/api/lessons/", {"section": "{section}", "title": "x", "content": "a\x00b"}),
        ("patch", "/api/lessons/{lesson}/", {"video_url": "https://v.example.uz/\x00"}),
        ("patch", "/api/lessons/{lesson}/", {"attachment_url": "https://f.example.uz/\x00"}),
    ],
)
def test_nul_bytes_in_body_strings_are_a_json_422(client, tree, method, path, body):
    before = snapshot()

    response = getattr(client, method)(fill(tree, path), fill(tree, body))

    assert_json_error(response, 422)
    assert snapshot() == before


def test_nul_bytes_in_a_category_name_are_a_json_422(staff_client):
    assert_json_error(staff_client.post("/api/categories/", {"name": "Web\x00"}), 422)
    assert not Category.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/api/courses/?category=%00",
        "/api/courses/?category=python%00",
        "/api/courses/?instructor=%00",
        "/api/courses/?instructor=me%00",
        "/api/sections/?course=%00",
        "/api/lessons/?section=1%00",
        "/api/courses/%00/",
        "/api/lessons/1%00/",
    ],
)
def test_nul_bytes_in_the_query_string_or_path_are_a_json_4xx(anon_client, path):
    assert_json_error(anon_client.get(path))


@pytest.mark.parametrize(
    "value", ["%FF", "%ED%A0%80", "%C2%B2", "%D9%A3", "1%20OR%201=1", "'", "x" * 500, "%E2%80%AE"]
)
def test_odd_category_filters_are_never_a_500(anon_client, value):
    response = anon_client.get(f"/api/courses/?category={value}")

    # 422 when the value is too long, otherwise 400: no category has such a slug.
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"].startswith("application/json")


def test_superscript_digit_category_filter_is_read_as_a_slug(anon_client):
    category = CategoryFactory(slug="²")
    course = CourseFactory(category=category)

    response = anon_client.get("/api/courses/?category=%C2%B2")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [course.pk]


@pytest.mark.parametrize(
    ("field", "length"),
    [
        ("title", 201),
        ("short_description", 301),
        ("slug", 201),
        ("currency", 4),
        ("language", 11),
        ("description", 50_001),
    ],
)
def test_strings_longer_than_their_column_are_a_json_422(client, field, length):
    body = {"title": "X", field: "a" * length}

    response = client.post("/api/courses/", body)

    assert_json_error(response, 422)
    assert not Course.objects.exists()


@pytest.mark.parametrize(("field", "length"), [("name", 101), ("slug", 121), ("description", 2001)])
def test_category_strings_longer_than_their_column_are_a_json_422(staff_client, field, length):
    response = staff_client.post("/api/categories/", {"name": "X", field: "a" * length})

    assert_json_error(response, 422)


@pytest.mark.parametrize(
    ("field", "length"),
    [("title", 201), ("video_url", 501), ("attachment_url", 501), ("content", 200_001)],
)
def test_lesson_strings_longer_than_their_column_are_a_json_422(client, tree, field, length):
    body = {"section": tree["section"].pk, "title": "X", field: "a" * length}

    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000_000):
        response = client.post("/api/lessons/", body)

    assert_json_error(response, 422)


def test_strings_of_exactly_the_column_length_are_accepted(client):
    response = client.post("/api/courses/", {"title": "ў" * 200, "short_description": "a" * 300})

    assert response.status_code == 201
    assert len(response.json()["title"]) == 200


def test_blank_titles_are_refused(client):
    assert_json_error(client.post("/api/courses/", {"title": "   "}), 422)


@pytest.mark.parametrize(
    "title",
    ["Oʻzbek tili", "Ўзбек тили", "日本語", "emoji 🚀", "<script>x</script>"],
)
def test_unicode_and_markup_round_trip_unchanged(client, title):
    response = client.post("/api/courses/", {"title": title})

    assert response.status_code == 201
    assert response.json()["title"] == title
