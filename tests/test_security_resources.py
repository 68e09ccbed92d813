"""Resource consumption (OWASP API4): every list, body and filter is bounded.

Huge page sizes are cut to ``MAX_PAGE_SIZE``; page numbers, nesting depth, string lengths, body
sizes and repeated filters all have limits that answer a JSON 4xx before any real work is done.
Times are asserted loosely, as guards against unbounded work, not as benchmarks.
"""

from __future__ import annotations

import json
import time
import typing
from collections.abc import Callable
from typing import Any

import pydantic
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from django_coursehub.pagination import MAX_PAGE_NUMBER, PageParams
from django_coursehub.reviews.services import review_create
from django_coursehub.wishlist.services import wishlist_add
from tests.conftest import ApiClient
from tests.factories import (
    CertificateFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    EnrollmentFactory,
    InstructorFactory,
    LessonFactory,
    NotificationFactory,
    OrderFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)
from tests.urls import api

pytestmark = pytest.mark.django_db

#: Generous: every request here takes milliseconds; unbounded work would take far longer.
QUICKLY = 3.0


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def assert_json_4xx(response: Any, status: int | None = None) -> Any:
    assert 400 <= response.status_code < 500, response.content[:300]
    if status is not None:
        assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# Pagination on every list ------------------------------------------------------------------


def paginated_operations() -> set[str]:
    """The url names of every GET operation that takes ``page``/``page_size``."""
    return {
        operation.url_name
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        if "GET" in operation.methods
        and any(
            field.annotation is PageParams
            for model in operation.models
            for field in model.model_fields.values()
        )
    }


@pytest.fixture
def world() -> dict[str, Any]:
    """Two of everything every list shows, all visible to one staff ``viewer``."""
    viewer = StaffFactory()
    owner = InstructorFactory()
    course, other_course = CourseFactory.create_batch(2, owner=owner)
    section = SectionFactory(course=course)
    SectionFactory(course=course)
    LessonFactory.create_batch(2, section=section)
    for a_course in (course, other_course):
        CertificateFactory(enrollment=CompletedEnrollmentFactory(user=viewer, course=a_course))
        wishlist_add(user=viewer, course=a_course)
        OrderFactory(buyer=viewer)
        NotificationFactory(recipient=viewer)
    classmate = EnrollmentFactory(course=course).user
    review_create(user=viewer, course=course, rating=5)
    review_create(user=classmate, course=course, rating=4)
    return {"viewer": viewer, "course": course, "section": section}


def list_url(name: str, world: dict[str, Any]) -> str:
    course = world["course"]
    if name == "coursehub-enrollment-course-list":
        return reverse(f"coursehub-tests:{name}", kwargs={"course_id": course.pk})
    query = {"coursehub-section-list": "?course=", "coursehub-lesson-list": "?course="}
    return reverse(f"coursehub-tests:{name}") + (
        f"{query[name]}{course.pk}" if name in query else ""
    )


def with_page(url: str, query: str) -> str:
    return url + ("&" if "?" in url else "?") + query


LISTS = sorted(paginated_operations())


def test_every_paginated_list_is_exercised_below():
    assert len(LISTS) >= 12
    assert {"coursehub-course-list", "coursehub-order-list", "coursehub-notification-list"} <= set(
        LISTS
    )


@override_settings(COURSEHUB={"PAGE_SIZE": 1, "MAX_PAGE_SIZE": 1})
@pytest.mark.parametrize("name", LISTS)
def test_a_huge_page_size_is_cut_to_the_maximum_in_bounded_queries(
    world, name, django_assert_max_num_queries
):
    client = ApiClient(world["viewer"])
    url = list_url(name, world)

    with django_assert_max_num_queries(15):
        response = client.get(with_page(url, f"page_size={MAX_PAGE_NUMBER}"))

    assert response.status_code == 200, response.content
    assert len(response.json()["items"]) == 1
    assert response.json()["count"] >= 2


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    "query",
    [
        "page_size=0",
        "page_size=-1",
        "page_size=abc",
        "page_size=1e3",
        f"page_size={10**40}",
        "page=0",
        "page=-1",
        f"page={MAX_PAGE_NUMBER + 1}",
        f"page={10**40}",
        "page=NaN",
    ],
)
def test_out_of_range_or_non_numeric_page_parameters_are_a_json_422(name, query):
    # Refused by validation: no data is needed, and none is read.
    viewer = StaffFactory()
    empty_world = {"viewer": viewer, "course": CourseFactory(owner=viewer)}
    client = ApiClient(viewer, raise_request_exception=False)
    assert_json_4xx(client.get(with_page(list_url(name, empty_world), query)), 422)


@pytest.mark.parametrize("name", LISTS)
def test_the_last_allowed_page_number_is_a_json_404_not_a_database_error(world, name):
    client = ApiClient(world["viewer"], raise_request_exception=False)

    response, elapsed = timed(
        lambda: client.get(with_page(list_url(name, world), f"page={MAX_PAGE_NUMBER}"))
    )

    assert assert_json_4xx(response, 404)["code"] == "page_not_found"
    assert elapsed < QUICKLY


# Deeply nested JSON ------------------------------------------------------------------------

DEPTH = 10_000


def nested_arrays(depth: int = DEPTH) -> str:
    return "[" * depth + "]" * depth


def nested_objects(depth: int = DEPTH) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


@pytest.mark.parametrize("body", [nested_arrays(), nested_objects()], ids=["arrays", "objects"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/auth/login/"),
        ("post", "/api/auth/register/"),
        ("post", "/api/courses/"),
        ("patch", "/api/auth/profile/"),
        ("put", "/api/notifications/preferences/"),
        ("post", "/api/payments/orders/"),
    ],
)
def test_deeply_nested_json_is_a_quick_json_400(method, path, body):
    client = ApiClient(InstructorFactory(), raise_request_exception=False)

    response, elapsed = timed(lambda: getattr(client, method)(path, body))

    assert_json_4xx(response, 400)
    assert elapsed < QUICKLY


@pytest.mark.parametrize(
    "field", ["title", "short_description", "price", "category", "is_published", "extra"]
)
def test_nesting_just_below_the_parser_limit_inside_a_field_is_a_json_4xx(field):
    # 900 levels parse fine; validation must refuse them without recursing into trouble.
    client = ApiClient(InstructorFactory(), raise_request_exception=False)
    body = f'{{"title": "Python", "{field}": {nested_arrays(900)}}}'

    response, elapsed = timed(lambda: client.post("/api/courses/", body))

    if field == "extra":  # unknown keys are ignored, the rest is a valid course
        assert response.status_code == 201
    else:
        assert_json_4xx(response, 422)
    assert elapsed < QUICKLY


def test_deep_json_to_the_payment_callbacks_is_answered_quickly_without_a_500(payments):
    client = ApiClient(raise_request_exception=False)
    for path in (
        "/api/payments/payme/",
        "/api/payments/click/prepare/",
        "/api/payments/stripe/webhook/",
    ):
        for body in (nested_arrays(), nested_arrays(900)):
            response, elapsed = timed(lambda path=path, body=body: client.post(path, body))
            assert response.status_code < 500, (path, response.content[:200])
            assert response["Content-Type"].startswith("application/json")
            assert elapsed < QUICKLY


# Long strings ------------------------------------------------------------------------------

ONE_MEGABYTE_OF_TEXT = "a" * 1_000_001


def _accepts_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    return any(_accepts_text(arg) for arg in typing.get_args(annotation))


def text_fields() -> list[tuple[type[pydantic.BaseModel], str]]:
    """Every field that takes text, of every request body and query of every operation."""
    found: dict[tuple[str, str], tuple[type[pydantic.BaseModel], str]] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for params in operation.models:
                    for field in params.model_fields.values():
                        schema = field.annotation
                        if not (
                            isinstance(schema, type) and issubclass(schema, pydantic.BaseModel)
                        ):
                            continue
                        for name, inner in schema.model_fields.items():
                            if _accepts_text(inner.annotation):
                                found[(schema.__name__, name)] = (schema, name)
    return sorted(found.values(), key=lambda pair: (pair[0].__name__, pair[1]))


def test_text_inputs_of_bodies_and_queries_are_all_collected():
    collected = {(schema.__name__, name) for schema, name in text_fields()}
    assert {
        ("RegisterIn", "username"),
        ("ProfileIn", "bio"),
        ("CourseFilters", "q"),
        ("LessonIn", "content"),
        ("RefreshIn", "refresh"),
        ("ReviewIn", "comment"),
    } <= collected


@pytest.mark.parametrize(
    ("schema", "field"), text_fields(), ids=lambda value: getattr(value, "__name__", value)
)
def test_every_text_input_has_an_upper_bound(schema, field):
    # A megabyte of text in any one field is refused by validation, before any query.
    with pytest.raises(pydantic.ValidationError) as raised:
        schema.model_validate({field: ONE_MEGABYTE_OF_TEXT})
    assert (field,) in {tuple(error["loc"][:1]) for error in raised.value.errors()}


LONG = "x" * 100_001


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/auth/register/", {"username": LONG, "email": "a@b.uz", "password": "p"}),
        ("post", "/api/auth/register/", {"username": "a", "email": "a@b.uz", "password": LONG}),
        ("post", "/api/auth/login/", {"username": LONG, "password": "secret"}),
        ("post", "/api/auth/login/", {"username": "aziza", "password": LONG}),
        ("post", "/api/auth/refresh/", {"refresh": LONG}),
    ],
)
def test_long_strings_from_anyone_are_refused_without_touching_the_database(
    method, path, body, django_assert_num_queries
):
    client = ApiClient(raise_request_exception=False)

    with django_assert_num_queries(0):
        response = getattr(client, method)(path, body)

    assert_json_4xx(response, 422)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "/api/auth/profile/", {"bio": LONG}),
        ("post", "/api/auth/password/", {"old_password": LONG, "new_password": "x"}),
        ("post", "/api/courses/", {"title": LONG}),
        ("post", "/api/courses/", {"title": "x", "description": LONG}),
        ("post", "/api/reviews/", {"course": 1, "rating": 5, "comment": LONG}),
        ("post", "/api/categories/", {"name": LONG}),
    ],
)
def test_long_strings_from_a_user_are_refused_before_any_write(method, path, body):
    client = ApiClient(StaffFactory(), raise_request_exception=False)

    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, body)

    assert_json_4xx(response, 422)
    # Only the token's user is read; nothing is looked up or written for the body.
    assert len(queries) <= 1, [q["sql"] for q in queries]


# Filters and query strings -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "&".join(f"category={n}" for n in range(1, 1001)),
        "&".join("level=beginner" for _n in range(1000)),
        "&".join(f"instructor={n}" for n in range(1, 1001)),
        "&".join(f"q=python{n}" for n in range(1000)),
        "&".join(f"unknown{n}=1" for n in range(1000)),
        "q=" + "python " * 28,
        "q=" + "%25_" * 100,
        "q=" + "a" * 100_000,
        "category=" + "a" * 100_000,
        "ordering=" + "title," * 1000,
    ],
    ids=lambda q: f"{q[:25]}…({len(q)})",
)
def test_many_or_long_course_filters_are_answered_in_bounded_time_and_queries(
    query, django_assert_max_num_queries
):
    CourseFactory.create_batch(3)
    client = ApiClient(raise_request_exception=False)

    with django_assert_max_num_queries(6):
        response, elapsed = timed(lambda: client.get(f"/api/courses/?{query}"))

    assert response.status_code in (200, 400, 422), response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert elapsed < QUICKLY


@pytest.mark.parametrize("name", ["q", "category", "level", "language", "ordering", "price"])
def test_nul_bytes_in_any_course_filter_are_a_json_4xx(name):
    response = ApiClient(raise_request_exception=False).get(f"/api/courses/?{name}=py%00thon")
    assert_json_4xx(response)


# Body size ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "authenticated"),
    [
        ("/api/auth/register/", False),
        ("/api/auth/login/", False),
        ("/api/payments/payme/", False),
        ("/api/payments/stripe/webhook/", False),
        ("/api/courses/", True),
        ("/api/auth/profile/", True),
    ],
)
def test_a_body_above_the_default_upload_limit_is_a_json_413(settings, path, authenticated):
    # Django's default DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), not a lowered test value.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    client = ApiClient(UserFactory() if authenticated else None, raise_request_exception=False)
    body = json.dumps({"title": "x", "bio": "b" * 3_000_000})
    method = client.patch if path.endswith("profile/") else client.post

    response, elapsed = timed(lambda: method(path, body))

    assert response.status_code == 413, response.content[:200]
    assert response.json()["code"] == "request_too_large"
    assert elapsed < QUICKLY
