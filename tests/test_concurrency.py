"""Invariants that must hold under parallel requests; real threads on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from django_coursehub.accounts.tokens import token_pair_for_user
from django_coursehub.catalog.models import Course, Lesson, Section
from tests.conftest import ApiClient
from tests.factories import CourseFactory, InstructorFactory, SectionFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
    ),
]

THREADS = 12


def run_in_parallel(call: Callable[[int], Any], count: int = THREADS) -> list[Any]:
    """Start ``count`` threads together and return what each ``call(i)`` returned."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = call(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


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


def test_parallel_courses_with_one_title_get_distinct_slugs():
    instructor = InstructorFactory()

    def create(_: int) -> Any:
        client = ApiClient(instructor, raise_request_exception=False)
        return client.post("/api/courses/", {"title": "Python asoslari"})

    responses = run_in_parallel(create)

    assert [r.status_code for r in responses] == [201] * THREADS
    slugs = {r.json()["slug"] for r in responses}
    assert len(slugs) == THREADS
