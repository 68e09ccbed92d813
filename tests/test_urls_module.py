"""``django_coursehub.urls`` serves the whole API for hosts without a NinjaAPI of their own."""

from __future__ import annotations

import pytest
from django.urls import include, path

from tests.factories import CourseFactory

urlpatterns = [path("learn/", include("django_coursehub.urls"))]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_ready_urlconf_serves_the_catalogue(anon):
    course = CourseFactory()

    response = anon.get("/learn/courses/")

    assert response.status_code == 200
    assert response.json()["items"][0]["id"] == course.id


def test_ready_urlconf_serves_the_schema_and_swagger_ui(anon):
    schema = anon.get("/learn/openapi.json")
    docs = anon.get("/learn/docs")

    assert schema.status_code == 200
    assert "/learn/auth/login/" in schema.json()["paths"]
    assert docs.status_code == 200


def test_ready_urlconf_answers_domain_errors_as_json(anon):
    response = anon.get("/learn/courses/987654/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_ready_urlconf_answers_unknown_paths_and_wrong_methods_in_json(anon):
    missing = anon.get("/learn/no-such-thing/")
    wrong_method = anon.put("/learn/courses/")

    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")


def test_ready_urlconf_writes_text_as_utf8_not_escapes(anon):
    CourseFactory(title="Основы Python")

    response = anon.get("/learn/courses/")

    assert "Основы Python".encode() in response.content
    assert b"\\u" not in response.content
