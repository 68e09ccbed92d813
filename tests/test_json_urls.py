"""``json_urls(api)``: inside the API's prefix, every answer is JSON, 404s and 405s included."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import path
from ninja import NinjaAPI

from django_coursehub.api import router
from django_coursehub.catalog.models import Course
from django_coursehub.json_urls import json_urls

host_api = NinjaAPI(urls_namespace="coursehub-json-urls")
host_api.add_router("/", router)


@host_api.get("/host/ping/")
def ping(request: HttpRequest) -> dict[str, str]:
    return {"pong": "sync"}


@host_api.get("/host/async-ping/")
async def async_ping(request: HttpRequest) -> dict[str, str]:
    return {"pong": "async"}


def _status_page(request: HttpRequest) -> dict[str, str]:
    return {"status": "up"}


status_api = NinjaAPI(urls_namespace="coursehub-json-urls-status")
status_api.get("/")(_status_page)

urlpatterns = [
    path("api/status/", status_api.urls),  # a host API under the same prefix, listed first
    path("api/", json_urls(host_api)),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_an_unknown_path_under_the_prefix_is_a_json_404(anon):
    response = anon.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No API operation at this path.", "code": "not_found"}


def test_the_bare_prefix_is_a_json_404_too(anon):
    response = anon.get("/api/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No API operation at this path.", "code": "not_found"}


def test_a_path_without_its_trailing_slash_is_told_the_right_path_and_creates_nothing(
    api_as, instructor
):
    api = api_as(instructor)
    assert api.post("/api/courses/", {"title": "Flask asoslari"}).status_code == 201

    response = api.post("/api/courses", {"title": "Django asoslari"})

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No API operation at this path. Paths end with a slash: /api/courses/",
        "code": "not_found",
    }
    assert not Course.objects.filter(title="Django asoslari").exists()


def test_a_missing_slash_on_a_path_that_would_not_exist_either_gets_no_hint(anon):
    response = anon.get("/api/no-such-thing")

    assert response.json()["detail"] == "No API operation at this path."


def test_a_known_path_with_a_method_it_does_not_have_is_a_json_405_with_allow(anon):
    response = anon.delete("/api/courses/")

    assert response.status_code == 405
    assert response.json() == {
        "detail": "This method is not allowed on this path.",
        "code": "method_not_allowed",
    }
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_the_host_apis_own_operations_answer_json_405s_too_async_ones_included(anon):
    assert anon.get("/api/host/ping/").json() == {"pong": "sync"}
    assert anon.get("/api/host/async-ping/").json() == {"pong": "async"}

    for url in ("/api/host/ping/", "/api/host/async-ping/"):
        response = anon.post(url)
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"
        assert response["Allow"] == "GET"


@pytest.mark.parametrize(
    ("language", "not_found", "not_allowed"),
    [
        ("uz", "Bu manzilda API amali yoʻq.", "Bu manzilda bu usulga ruxsat berilmagan."),
        ("ru", "По этому адресу нет операции API.", "Этот метод не разрешён для этого адреса."),
    ],
)
def test_both_answers_speak_the_callers_language(anon, language, not_found, not_allowed):
    missing = anon.get("/api/no-such-thing/", headers={"accept-language": language})
    wrong_method = anon.delete("/api/courses/", headers={"accept-language": language})

    assert missing.json()["detail"] == not_found
    assert wrong_method.json()["detail"] == not_allowed
    assert not_found.encode() in missing.content  # UTF-8, not \\u escapes


def test_unknown_paths_need_no_csrf_token_like_the_api_itself():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/api/no-such-thing/", "{}", content_type="application/json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_urls_listed_before_it_under_the_same_prefix_keep_working(anon):
    assert anon.get("/api/status/").json() == {"status": "up"}


def test_the_schema_and_swagger_ui_are_still_served(anon):
    assert anon.get("/api/openapi.json").status_code == 200
    assert anon.get("/api/docs").status_code == 200


def test_paths_outside_the_prefix_are_left_to_the_site(anon):
    response = anon.get("/elsewhere/")

    assert response.status_code == 404
    assert response["Content-Type"] != "application/json"
