"""The example project's ``seed_demo`` command: a realistic catalogue, created exactly once."""

from __future__ import annotations

import importlib
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from django_coursehub.accounts.permissions import is_instructor
from django_coursehub.catalog.models import Category, Course, Lesson, Section
from django_coursehub.certificates.models import Certificate
from django_coursehub.learning.models import Enrollment, LessonProgress
from django_coursehub.notifications.models import Notification
from django_coursehub.reviews.models import Review
from django_coursehub.wishlist.models import WishlistItem

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
        "enrollments": Enrollment.objects.count(),
        "lesson_progress": LessonProgress.objects.count(),
        "reviews": Review.objects.count(),
    }


LEARNERS = {"student", "aziz", "nilufar", "olga"}


def test_seed_demo_creates_categories_accounts_and_courses(seed: Any) -> None:
    seed()

    assert set(Category.objects.values_list("name", flat=True)) == {
        "Frontend",
        "Backend",
        "Mobile",
        "Design",
    }
    users = {user.username: user for user in get_user_model()._default_manager.all()}
    assert set(users) == {"admin", "dilnoza", "gayrat"} | LEARNERS
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert is_instructor(users["dilnoza"]) and is_instructor(users["gayrat"])
    assert not any(is_instructor(users[name]) for name in LEARNERS)
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

    for username in ("admin", "dilnoza", "gayrat", *sorted(LEARNERS)):
        assert username in output
        assert authenticate(username=username, password=seed_module.DEMO_PASSWORD) is not None
    assert seed_module.DEMO_PASSWORD in output


def test_seeded_catalogue_is_served_by_the_api(seed: Any, anon: Any) -> None:
    seed()

    response = anon.get("/api/courses/")

    assert response.status_code == 200
    assert response.json()["count"] == 6


def _enrollment(username: str, slug: str) -> Enrollment:
    return Enrollment.objects.select_related("course").get(
        user__username=username, course__slug=slug
    )


def test_seed_demo_enrolls_the_student_once_even_when_run_twice(seed: Any) -> None:
    seed()
    seed()

    student = Enrollment.objects.filter(user__username="student")
    assert set(student.values_list("course__slug", flat=True)) == {
        "react-asoslari",
        "figma-ui-dizayn",
        "django-rest-api",
    }
    assert student.count() == 3

    started = _enrollment("student", "react-asoslari")
    assert started.source == Enrollment.Source.FREE
    assert started.status == Enrollment.Status.ACTIVE
    assert started.completed_at is None
    assert 0 < started.completed_lessons < started.course.lesson_count

    finished = _enrollment("student", "figma-ui-dizayn")
    assert finished.course.is_free
    assert finished.status == Enrollment.Status.COMPLETED
    assert finished.completed_at is not None
    assert finished.completed_lessons == finished.course.lesson_count

    granted = _enrollment("student", "django-rest-api")
    assert not granted.course.is_free
    assert granted.source == Enrollment.Source.MANUAL
    assert granted.status == Enrollment.Status.ACTIVE


def test_seeded_progress_matches_the_progress_rows(seed: Any) -> None:
    seed()
    seed()

    for enrollment in Enrollment.objects.all():
        done = LessonProgress.objects.filter(enrollment=enrollment, completed_at__isnull=False)
        assert enrollment.completed_lessons == done.count(), enrollment
        assert not done.exclude(lesson__course=enrollment.course_id).exists()


def test_seed_demo_leaves_reviews_once_with_different_ratings(seed: Any) -> None:
    seed()
    seed()

    reviews = list(Review.objects.select_related("user", "course"))
    pairs = [(review.user.username, review.course.slug) for review in reviews]
    assert len(pairs) == len(set(pairs)) >= 4
    assert len({review.rating for review in reviews}) >= 3
    assert {review.user.username for review in reviews} >= {"student", "aziz", "nilufar"}
    for review in reviews:
        assert Enrollment.objects.filter(
            user=review.user, course=review.course, status__in=Enrollment.ACCESS_STATUSES
        ).exists(), review
        assert review.course.owner_id != review.user.pk


def test_seeded_course_counters_equal_the_true_aggregates(seed: Any) -> None:
    seed()
    seed()

    for course in Course.objects.all():
        ratings = list(course.reviews.values_list("rating", flat=True))
        assert course.rating_count == len(ratings), course.title
        expected_avg = (
            (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if ratings
            else Decimal("0")
        )
        assert course.rating_avg == expected_avg, course.title
        stars = Counter(ratings)
        assert course.rating_histogram == {str(star): stars[star] for star in range(1, 6)}
        assert (
            course.enrollment_count
            == course.enrollments.filter(status__in=Enrollment.ACCESS_STATUSES).count()
        ), course.title
    assert Course.objects.filter(rating_count__gt=0).count() >= 2


def test_seeded_learning_is_served_by_the_api(seed: Any, api_as: Any) -> None:
    seed()
    student = get_user_model()._default_manager.get(username="student")
    react = Course.objects.get(slug="react-asoslari")

    mine = api_as(student).get("/api/enrollments/my/")
    detail = api_as(student).get(f"/api/courses/{react.pk}/")
    reviews = api_as(student).get(f"/api/reviews/?course={react.pk}")

    assert mine.status_code == 200
    assert mine.json()["count"] == 3
    assert detail.status_code == 200
    assert detail.json()["enrollment"]["progress"]["completed"] > 0
    assert detail.json()["rating_count"] == reviews.json()["count"] == 3


def test_completed_demo_courses_have_one_certificate_each_printed_and_verifiable(
    seed: Any, anon: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # In a test the commit callbacks run when the block ends, after the first run printed.
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    with django_capture_on_commit_callbacks(execute=True):
        output = seed()

    completed = Enrollment.objects.filter(status=Enrollment.Status.COMPLETED)
    certificates = Certificate.objects.all()
    assert sorted(c.enrollment_id for c in certificates) == sorted(e.pk for e in completed)
    assert len(certificates) == 3
    for certificate in certificates:
        assert f"/api/certificates/{certificate.code}/pdf/" in output
        assert anon.get(f"/api/certificates/{certificate.code}/").json()["valid"] is True


def test_the_demo_fills_wishlists_and_inboxes(
    seed: Any, seed_module: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        seed()

    assert sorted(WishlistItem.objects.values_list("user__username", "course__slug")) == sorted(
        seed_module.WISHLIST
    )
    kinds = Counter(Notification.objects.values_list("kind", flat=True))
    assert kinds[Notification.Kind.ENROLLMENT_CONFIRMED] == len(seed_module.ENROLLMENTS)
    assert kinds[Notification.Kind.CERTIFICATE_ISSUED] == 3
    assert kinds[Notification.Kind.REVIEW_RECEIVED] == len(seed_module.REVIEWS)
