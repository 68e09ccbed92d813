"""The example project's ``seed_demo`` command: a realistic catalogue, created exactly once."""

from __future__ import annotations

import importlib
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from django_coursehub.accounts.permissions import is_instructor
from django_coursehub.catalog.models import Category, Course, Lesson, Section

EXAMPLE_PROJECT = Path(__file__).resolve().parent.parent / "example_project"

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_module(monkeypatch: pytest.MonkeyPatch) -> Any:
    # The demo app is not in the test settings' INSTALLED_APPS: import its command directly.
    monkeypatch.syspath_prepend(str(EXAMPLE_PROJECT))
    return importlib.import_module("demo.management.commands.seed_demo")


@pytest.fixture
def seed(seed_module: Any) -> Any:
    def run() -> str:
        out = StringIO()
        call_command(seed_module.Command(), stdout=out)
        return out.getvalue()

    return run


def counts() -> dict[str, int]:
    return {
        "users": get_user_model()._default_manager.count(),
        "categories": Category.objects.count(),
        "courses": Course.objects.count(),
        "sections": Section.objects.count(),
        "lessons": Lesson.objects.count(),
    }


def test_seed_demo_creates_categories_accounts_and_courses(seed: Any) -> None:
    seed()

    assert set(Category.objects.values_list("name", flat=True)) == {
        "Frontend",
        "Backend",
        "Mobile",
        "Design",
    }
    users = {user.username: user for user in get_user_model()._default_manager.all()}
    assert set(users) == {"admin", "dilnoza", "gayrat", "student"}
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert is_instructor(users["dilnoza"]) and is_instructor(users["gayrat"])
    assert not is_instructor(users["student"])
    assert any("\u02bb" in user.get_full_name() for user in users.values())


def test_seed_demo_catalogue_is_varied(seed: Any) -> None:
    seed()

    published = Course.objects.filter(status=Course.Status.PUBLISHED)
    assert published.count() == 6
    assert Course.objects.filter(status=Course.Status.DRAFT).count() == 1
    assert set(published.values_list("language", flat=True)) == {"uz", "ru", "en"}
    assert published.filter(price=0).exists()
    assert published.filter(price__gt=0, currency="UZS").exists()
    assert published.filter(price__gt=0, currency="USD").count() == 1
    assert set(Lesson.objects.values_list("kind", flat=True)) == {"video", "text", "file"}
    assert Lesson.objects.filter(is_preview=True).exists()
    assert not Lesson.objects.filter(duration=0).exists()
    for course in Course.objects.all():
        sections = list(course.sections.all())
        assert 2 <= len(sections) <= 3, course.title
        for section in sections:
            assert 2 <= section.lessons.count() <= 4, section.title


def test_running_seed_demo_twice_creates_nothing_twice(seed: Any) -> None:
    seed()
    after_first_run = counts()

    output = seed()

    assert counts() == after_first_run
    assert "nothing to create" in output


def test_stored_lesson_count_matches_the_lessons(seed: Any) -> None:
    seed()
    seed()

    for course in Course.objects.all():
        assert course.lesson_count == course.lessons.count(), course.title


def test_seed_demo_prints_logins_that_work(seed: Any, seed_module: Any) -> None:
    output = seed()

    for username in ("admin", "dilnoza", "gayrat", "student"):
        assert username in output
        assert authenticate(username=username, password=seed_module.DEMO_PASSWORD) is not None
    assert seed_module.DEMO_PASSWORD in output


def test_seeded_catalogue_is_served_by_the_api(seed: Any, anon: Any) -> None:
    seed()

    response = anon.get("/api/courses/")

    assert response.status_code == 200
    assert response.json()["count"] == 6
