"""The router keeps working inside host APIs configured in ways the package does not control."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from django_coursehub.api import router
from tests.factories import PASSWORD, CourseFactory, UserFactory

# A host whose API requires a Django session by default for everything it mounts.
session_api = NinjaAPI(auth=django_auth, urls_namespace="coursehub-session-host")
session_api.add_router("/", router)
urlpatterns = [path("api/", session_api.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def test_login_and_refresh_stay_public_under_a_host_wide_auth(anon):
    user = UserFactory()

    login = anon.post("/api/auth/login/", {"username": user.username, "password": PASSWORD})
    refresh = anon.post("/api/auth/refresh/", {"refresh": login.json()["refresh"]})

    assert login.status_code == 200
    assert refresh.status_code == 200


def test_registration_stays_public_under_a_host_wide_auth(anon):
    body = {"username": "malika", "email": "malika@example.uz", "password": "Samarqand-1991"}

    assert anon.post("/api/auth/register/", body).status_code == 201


def test_catalogue_stays_readable_anonymously_under_a_host_wide_auth(anon):
    CourseFactory()

    assert anon.get("/api/courses/").status_code == 200
