"""Error rendering when the package's router is mounted on a host API with no handlers of its own.

The host below is the smallest possible one: a ``NinjaAPI`` that mounts the router and registers
no exception handler. Every failure must still come back as JSON 4xx, never as a 500.
"""

from __future__ import annotations

import json
import typing
from typing import Any

import pydantic
import pytest
from django.test import Client, override_settings
from django.urls import path
from ninja import NinjaAPI, Schema
from ninja.errors import set_default_exc_handlers

from django_coursehub.accounts.tokens import token_pair_for_user
from django_coursehub.api import router as coursehub_router
from django_coursehub.schemas import MAX_ID
from tests.factories import (
    PASSWORD,
    CourseFactory,
    DraftCourseFactory,
    LessonFactory,
    StaffFactory,
    UserFactory,
)

bare_api = NinjaAPI(title="bare host", urls_namespace="coursehub-bare-host")
bare_api.add_router("/", coursehub_router)

urlpatterns = [path("api/", bare_api.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def client() -> Client:
    # A 500 must show up as a response here rather than as an exception in the test.
    return Client(raise_request_exception=False)


def post_json(client: Client, url: str, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type="application/json", **extra)


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_pair_for_user(user)['access']}"}


def assert_json_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str | list)
    if code is not None:
        assert body["code"] == code
        assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_the_bare_host_registers_no_exception_handlers_of_its_own():
    defaults = NinjaAPI(urls_namespace="coursehub-bare-host-defaults")
    set_default_exc_handlers(defaults)
    assert set(bare_api._exception_handlers) == set(defaults._exception_handlers)


def test_unknown_course_is_a_json_404_with_a_code(client):
    response = client.get("/api/courses/999999/")
    assert_json_error(response, 404, "not_found")


def test_someone_elses_draft_is_a_json_404_like_an_unknown_course(client):
    draft = DraftCourseFactory()
    unknown = client.get("/api/courses/999999/").json()
    hidden = client.get(f"/api/courses/{draft.pk}/").json()
    assert hidden == unknown


def test_forbidden_action_is_a_json_403_with_a_code(client):
    response = post_json(client, "/api/categories/", {"name": "Mine now"}, **bearer(UserFactory()))
    assert_json_error(response, 403, "permission_denied")


def test_changing_someone_elses_course_is_a_json_404_like_a_missing_one(client):
    course = CourseFactory()
    response = client.patch(
        f"/api/courses/{course.pk}/",
        json.dumps({"title": "Mine now"}),
        content_type="application/json",
        **bearer(UserFactory()),
    )
    assert_json_error(response, 404, "not_found")


def test_duplicate_registration_is_a_json_409_with_a_code(client):
    UserFactory(username="aziza", email="aziza@example.uz")
    response = post_json(
        client,
        "/api/auth/register/",
        {"username": "aziza", "email": "other@example.uz", "password": "Tashkent-Samarqand-9"},
    )
    assert_json_error(response, 409, "account_exists")


def test_invalid_credentials_are_a_json_401_with_a_code(client):
    UserFactory(username="aziza")
    response = post_json(
        client, "/api/auth/login/", {"username": "aziza", "password": "not-" + PASSWORD}
    )
    assert_json_error(response, 401, "invalid_credentials")


@override_settings(COURSEHUB={"LOGIN_FAILURE_LIMIT": 1})
def test_throttled_login_is_a_json_429_with_retry_after(client):
    credentials = {"username": "nobody", "password": "wrong-password"}
    post_json(client, "/api/auth/login/", credentials)
    response = post_json(client, "/api/auth/login/", credentials)
    assert_json_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1


def test_password_validation_failure_is_a_json_400_with_field_errors(client):
    response = post_json(
        client,
        "/api/auth/register/",
        {"username": "aziza", "email": "aziza@example.uz", "password": "123"},
    )
    body = assert_json_error(response, 400, "invalid")
    assert body["errors"]["password"]


def test_missing_token_is_a_json_401(client):
    response = client.get("/api/auth/profile/")
    assert_json_error(response, 401)


def test_garbage_token_is_a_json_401(client):
    response = client.get("/api/auth/profile/", HTTP_AUTHORIZATION="Bearer not.a.jwt")
    assert_json_error(response, 401)


@pytest.mark.parametrize(
    "body",
    ['{"username": "aziza", ', "not json at all", "[1, 2", '{"username": "\\ud800"'],
)
def test_broken_json_body_is_a_json_400(client, body):
    response = post_json(client, "/api/auth/login/", body)
    assert_json_error(response, 400)


def test_absurdly_nested_json_is_a_json_400(client):
    depth = 100_000
    response = post_json(client, "/api/auth/login/", "[" * depth + "]" * depth)
    assert_json_error(response, 400)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", "username=aziza&password=x"),
        ("application/x-www-form-urlencoded", "username=aziza&password=x"),
        ("application/xml", "<login/>"),
    ],
)
def test_a_body_that_is_not_json_is_a_json_4xx(client, content_type, body):
    response = client.post("/api/auth/login/", body, content_type=content_type)
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/json")


def test_json_body_that_is_not_an_object_is_a_json_4xx(client):
    for body in ("[]", "42", "null", '"text"'):
        response = post_json(client, "/api/auth/login/", body)
        assert 400 <= response.status_code < 500, (body, response.content)
        assert response["Content-Type"].startswith("application/json")


def test_body_in_an_unexpected_encoding_is_a_json_4xx(client):
    response = client.post(
        "/api/auth/login/", b'{"username": "\xff\xfe", "password": "x"}', "application/json"
    )
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/json")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_oversized_body_is_a_json_413(client):
    body = {"username": "aziza", "email": "aziza@example.uz", "password": "x" * 4000}
    response = post_json(client, "/api/auth/register/", body)
    assert_json_error(response, 413, "request_too_large")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_oversized_body_to_an_authenticated_endpoint_is_a_json_413(client):
    user = UserFactory()
    response = client.patch(
        "/api/auth/profile/",
        json.dumps({"bio": "b" * 4000}),
        content_type="application/json",
        **bearer(user),
    )
    assert_json_error(response, 413, "request_too_large")


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/auth/login/", {"username": "aziza\x00", "password": "x"}),
        ("/api/auth/login/", {"username": "aziza", "password": "pass\x00word"}),
        (
            "/api/auth/register/",
            {"username": "a\x00", "email": "aziza@example.uz", "password": "Tashkent-9-x"},
        ),
        ("/api/auth/refresh/", {"refresh": "abc\x00def"}),
    ],
)
def test_nul_byte_in_a_string_field_is_a_json_4xx(client, url, body):
    response = post_json(client, url, body)
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/json")


def test_nul_byte_in_a_profile_field_is_a_json_4xx(client):
    response = client.patch(
        "/api/auth/profile/",
        json.dumps({"bio": "hello\x00world"}),
        content_type="application/json",
        **bearer(UserFactory()),
    )
    assert 400 <= response.status_code < 500, response.content


def test_nul_byte_in_the_bearer_token_is_a_json_401(client):
    response = client.get("/api/auth/profile/", HTTP_AUTHORIZATION="Bearer abc\x00def")
    assert_json_error(response, 401)


def test_oversized_bearer_token_is_a_json_401(client):
    response = client.get("/api/auth/profile/", HTTP_AUTHORIZATION="Bearer " + "a" * 10_000)
    assert_json_error(response, 401)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/courses/{MAX_ID + 1}/",
        f"/api/courses/{10**40}/",
        "/api/courses/0/",
        "/api/courses/-1/",
        f"/api/categories/{10**40}/",
        f"/api/sections/{10**40}/",
        f"/api/lessons/{10**40}/",
        f"/api/courses/?page={10**40}",
        "/api/courses/?page=0",
        "/api/courses/?page=abc",
        f"/api/courses/?page_size={10**40}",
        f"/api/courses/?instructor={10**40}",
        "/api/courses/?instructor=abc",
        f"/api/sections/?course={10**40}",
        f"/api/lessons/?course={10**40}",
        f"/api/lessons/?section={10**40}",
    ],
)
def test_huge_or_malformed_ids_in_path_or_query_are_a_json_4xx(client, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")


def test_huge_number_as_category_filter_is_never_a_500(client):
    # A category filter that is not a valid id is read as a slug, so this is not an error.
    response = client.get(f"/api/courses/?category={10**40}")
    assert response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/json")


def test_largest_valid_id_is_simply_not_found(client):
    response = client.get(f"/api/courses/{MAX_ID}/")
    assert_json_error(response, 404, "not_found")


def test_wrong_json_types_are_a_json_4xx_never_500(client):
    for body in (
        {"username": 1, "password": 2},
        {"username": ["aziza"], "password": {"x": 1}},
        {"username": None, "password": None},
        {"username": True, "password": False},
    ):
        response = post_json(client, "/api/auth/login/", body)
        assert 400 <= response.status_code < 500, (body, response.content)


def _accepts_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    return any(_accepts_text(arg) for arg in typing.get_args(annotation))


def _input_schemas() -> dict[str, type[Schema]]:
    schemas: dict[str, type[Schema]] = {}
    for _prefix, router in bare_api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for params in operation.models:
                    for field in params.model_fields.values():
                        if isinstance(field.annotation, type) and issubclass(
                            field.annotation, Schema
                        ):
                            schemas[field.annotation.__name__] = field.annotation
    return schemas


def _text_fields() -> list[tuple[type[Schema], str]]:
    return [
        (schema, name)
        for schema in _input_schemas().values()
        for name, field in schema.model_fields.items()
        if _accepts_text(field.annotation)
    ]


def test_every_request_schema_with_text_is_covered():
    names = {schema.__name__ for schema, _field in _text_fields()}
    assert {"RegisterIn", "LoginIn", "ProfileIn", "RefreshIn", "PasswordChangeIn"} <= names


@pytest.mark.parametrize(
    ("schema", "field"), _text_fields(), ids=lambda v: getattr(v, "__name__", v)
)
def test_every_text_field_of_every_request_refuses_nul_bytes(schema, field):
    # PostgreSQL refuses NUL in text with a DataError; it must never get that far.
    with pytest.raises(pydantic.ValidationError) as raised:
        schema.model_validate({field: "before\x00after"})
    assert (field,) in {tuple(error["loc"]) for error in raised.value.errors()}


JUNK_BODIES = [
    "{",
    "[]",
    json.dumps(
        {
            "title": 10**40,
            "name": ["x"],
            "course": "1",
            "section": 10**40,
            "position": -(10**40),
            "price": "NaN",
            "is_published": "maybe",
            "duration": 1e308,
            "category": {"id": 1},
            "refresh": None,
        }
    ),
]


def _routes() -> list[str]:
    routes = {str(pattern.pattern) for pattern in bare_api.urls[0]}
    return sorted(route for route in routes if route.endswith("/"))


def test_no_input_to_any_route_produces_a_500(client):
    lesson = LessonFactory()
    ids = {
        "<category_id>": lesson.course.category_id,
        "<course_id>": lesson.course_id,
        "<section_id>": lesson.section_id,
        "<lesson_id>": lesson.pk,
    }
    staff = bearer(StaffFactory())
    failures = []
    for route in _routes():
        for ids_kind in ("real", "huge"):
            url = "/api/" + route
            for placeholder, real_id in ids.items():
                url = url.replace(placeholder, str(real_id if ids_kind == "real" else 10**40))
            for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                for body in JUNK_BODIES:
                    response = client.generic(
                        method, url, body, content_type="application/json", **staff
                    )
                    if response.status_code >= 500:
                        failures.append((method, url, body[:20], response.status_code))
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [("uz", "Kurs topilmadi."), ("ru", "Курс не найден."), ("en", "Course not found.")],
)
def test_error_messages_follow_the_requested_language(language, message):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/api/courses/987654/")

    assert response.status_code == 404
    assert response.json()["detail"] == message


@pytest.mark.django_db
def test_error_messages_are_written_as_utf8_whatever_the_sites_renderer():
    response = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/api/courses/987654/")

    assert "Курс не найден.".encode() in response.content
