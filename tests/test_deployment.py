"""Deployment safety: the example production settings pass ``check --deploy``, and a bug inside
the package's router is answered with a JSON 500 that keeps its traceback in the logs."""

from __future__ import annotations

import importlib
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import Http404

from django_coursehub.catalog.models import Category
from django_coursehub.catalog.services import category_create
from tests.conftest import ApiClient
from tests.factories import StaffFactory

EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "example_project"
PRODUCTION = "example_project.settings_production"


def production_environ() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "courses.example.uz, www.courses.example.uz",
        "DATABASE_URL": "postgres://coursehub:secret@db.internal:5432/coursehub",
        "REDIS_URL": "redis://cache.internal:6379/0",
    }


def run_deploy_check(settings_module: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: nothing from the developer's shell (a stray ALGORITHM or
    # SIGNING_KEY would reach django-ninja-jwt) and nothing from the test settings.
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONDONTWRITEBYTECODE": "1",
        **production_environ(),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=EXAMPLE_PROJECT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_at_warning_level():
    # Django imports the PostgreSQL driver while it sets up, before any check runs.
    pytest.importorskip("psycopg", reason="the production settings use PostgreSQL")
    result = run_deploy_check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.fixture
def load_production(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``load_production(**environ)`` imports the production settings afresh under ``environ``."""
    monkeypatch.syspath_prepend(str(EXAMPLE_PROJECT))

    def load(**environ: str) -> Any:
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        for module in (PRODUCTION, "example_project.settings", "example_project"):
            monkeypatch.delitem(sys.modules, module, raising=False)
        return importlib.import_module(PRODUCTION)

    yield load
    for module in (PRODUCTION, "example_project.settings", "example_project"):
        sys.modules.pop(module, None)


def test_production_settings_take_every_secret_from_the_environment(load_production):
    environ = production_environ()
    settings = load_production(**environ)

    assert settings.DEBUG is False
    assert environ["DJANGO_SECRET_KEY"] == settings.SECRET_KEY
    assert settings.NINJA_JWT["SIGNING_KEY"] == environ["JWT_SIGNING_KEY"]
    assert settings.ALLOWED_HOSTS == ["courses.example.uz", "www.courses.example.uz"]
    assert settings.DATABASES["default"]["HOST"] == "db.internal"
    assert settings.CACHES["default"]["LOCATION"] == environ["REDIS_URL"]


@pytest.mark.parametrize(
    "missing",
    ["DJANGO_SECRET_KEY", "JWT_SIGNING_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"],
)
def test_a_missing_secret_or_host_setting_is_named_in_a_clear_error(load_production, missing):
    environ = {**production_environ(), missing: ""}

    with pytest.raises(ImproperlyConfigured, match=missing):
        load_production(**environ)


def test_the_jwt_key_must_differ_from_the_secret_key(load_production):
    environ = production_environ()

    with pytest.raises(ImproperlyConfigured, match="JWT_SIGNING_KEY must differ"):
        load_production(**{**environ, "JWT_SIGNING_KEY": environ["DJANGO_SECRET_KEY"]})


# Unexpected errors inside the router ----------------------------------------------------------

SECRET_DETAIL = "password=hunter2 at db.internal"


def failing_category_create(**fields: Any) -> Any:
    category_create(**fields)  # written first, so a rollback can be observed
    raise RuntimeError(SECRET_DETAIL)


@pytest.fixture
def broken_view(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "django_coursehub.catalog.api.services.category_create", failing_category_create
    )


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_is_a_json_500_without_its_traceback(
    settings, caplog, broken_view, debug
):
    settings.DEBUG = debug
    client = ApiClient(StaffFactory(), raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django_coursehub"):
        response = client.post("/api/categories/", {"name": "Robototexnika"})

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "Something went wrong on our side. Try again later.",
        "code": "server_error",
    }
    assert SECRET_DETAIL not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    logged = [record for record in caplog.records if record.exc_info]
    assert len(logged) == 1
    assert logged[0].exc_info[0] is RuntimeError
    assert "POST /api/categories/" in logged[0].getMessage()


@pytest.mark.django_db
def test_under_atomic_requests_what_the_failed_request_wrote_is_rolled_back(
    monkeypatch, broken_view
):
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    client = ApiClient(StaffFactory(), raise_request_exception=False)

    response = client.post("/api/categories/", {"name": "Robototexnika"})

    assert response.status_code == 500
    assert not Category.objects.exists()


@pytest.mark.django_db
def test_djangos_own_404_raised_inside_a_view_is_still_a_404(monkeypatch):
    def not_there(**fields: Any) -> Any:
        raise Http404

    monkeypatch.setattr("django_coursehub.catalog.api.services.category_create", not_there)
    client = ApiClient(StaffFactory(), raise_request_exception=False)

    response = client.post("/api/categories/", {"name": "Robototexnika"})

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
