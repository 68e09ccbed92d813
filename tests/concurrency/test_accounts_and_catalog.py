"""Accounts and the catalogue under parallel requests: token rotation, registration, lesson and
section order, slugs and the stored catalogue total."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.test import Client

from django_coursehub.accounts.tokens import token_pair_for_user
from django_coursehub.catalog import services
from django_coursehub.catalog.models import Course, Lesson, Section
from tests.concurrency.threads import THREADS, run_in_parallel
from tests.conftest import ApiClient
from tests.factories import (
    CourseFactory,
    DraftCourseFactory,
    InstructorFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)
from tests.test_catalog_totals import stored_total, true_total


def test_parallel_refreshes_of_one_token_yield_exactly_one_new_pair():
    refresh = token_pair_for_user(UserFactory())["refresh"]

    statuses = run_in_parallel(
        lambda _: (
            ApiClient(raise_request_exception=False)
            .post("/api/auth/refresh/", {"refresh": refresh})
            .status_code
        )
    )

    assert Counter(statuses) == {200: 1, 401: THREADS - 1}


def test_parallel_registrations_of_one_username_create_one_account():
    def register(index: int) -> int:
        body = {
            "username": "dilnoza",
            "email": f"d{index}@example.uz",
            "password": "Tashkent-2026!",
        }
        return (
            ApiClient(raise_request_exception=False).post("/api/auth/register/", body).status_code
        )

    statuses = run_in_parallel(register)

    assert Counter(statuses) == {201: 1, 409: THREADS - 1}


def test_parallel_lesson_creation_keeps_order_and_lesson_count_exact():
    section = SectionFactory()
    owner = section.course.owner

    def add_lesson(index: int) -> int:
        body = {"section": section.pk, "title": f"Lesson {index}", "duration": 60}
        return (
            ApiClient(owner, raise_request_exception=False).post("/api/lessons/", body).status_code
        )

    statuses = run_in_parallel(add_lesson)

    assert statuses == [201] * THREADS
    orders = sorted(Lesson.objects.filter(section=section).values_list("order", flat=True))
    assert orders == list(range(THREADS))
    assert Course.objects.get(pk=section.course_id).lesson_count == THREADS


def test_parallel_section_moves_leave_a_gapless_order():
    course = CourseFactory()
    sections = [SectionFactory(course=course) for _ in range(6)]
    owner = course.owner

    def move(index: int) -> int:
        section = sections[index % len(sections)]
        body = {"position": (index * 5) % len(sections)}
        client = ApiClient(owner, raise_request_exception=False)
        return client.post(f"/api/sections/{section.pk}/move/", body).status_code

    statuses = run_in_parallel(move)

    assert set(statuses) == {200}
    orders = sorted(Section.objects.filter(course=course).values_list("order", flat=True))
    assert orders == list(range(len(sections)))


def test_admin_move_buttons_and_api_moves_in_parallel_leave_a_gapless_order():
    course = CourseFactory()
    sections = [SectionFactory(course=course) for _ in range(6)]
    admin = StaffFactory(is_superuser=True)
    shifts = ("top", "up", "down", "bottom")

    def move(index: int) -> int:
        section = sections[index % len(sections)]
        if index % 2:
            client = ApiClient(course.owner, raise_request_exception=False)
            body = {"position": (index * 5) % len(sections)}
            return client.post(f"/api/sections/{section.pk}/move/", body).status_code
        browser = Client(raise_request_exception=False)
        browser.force_login(admin)
        shift = shifts[(index // 2) % len(shifts)]
        return browser.post(f"/admin/coursehub/section/{section.pk}/move-{shift}/").status_code

    statuses = run_in_parallel(move)

    assert set(statuses) == {200, 302}
    orders = sorted(Section.objects.filter(course=course).values_list("order", flat=True))
    assert orders == list(range(len(sections)))


def test_parallel_courses_with_one_title_get_distinct_slugs():
    instructor = InstructorFactory()

    def create(_: int) -> Any:
        client = ApiClient(instructor, raise_request_exception=False)
        return client.post("/api/courses/", {"title": "Python asoslari"})

    responses = run_in_parallel(create)

    assert [r.status_code for r in responses] == [201] * THREADS
    slugs = {r.json()["slug"] for r in responses}
    assert len(slugs) == THREADS


def test_parallel_publishing_and_unpublishing_keep_the_total_exact():
    owner = InstructorFactory()
    courses = CourseFactory.create_batch(8, owner=owner) + DraftCourseFactory.create_batch(
        8, owner=owner
    )
    services.catalogue_totals_refresh()
    client = ApiClient(owner, raise_request_exception=False)

    def flip(index: int) -> int:
        course = courses[index]
        publish = course.status != Course.Status.PUBLISHED
        return client.patch(f"/api/courses/{course.pk}/", {"is_published": publish}).status_code

    statuses = run_in_parallel(flip, count=len(courses))

    assert set(statuses) == {200}
    assert stored_total() == true_total() == 8
