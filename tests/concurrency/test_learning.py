"""Invariants of the learning loop under parallel requests; real threads on PostgreSQL.

Each thread has its own database connection (Django opens one per thread), closed when the
thread ends. Requests go over HTTP so that a failure shows as the 500 a client would get.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from django_coursehub.catalog.models import Course, Lesson
from django_coursehub.learning import services
from django_coursehub.learning.models import Enrollment, LessonProgress
from django_coursehub.learning.selectors import progress_of
from tests.concurrency.threads import run_in_parallel
from tests.conftest import ApiClient
from tests.factories import CourseFactory, LessonFactory, SectionFactory, UserFactory


def client(user: Any = None) -> ApiClient:
    return ApiClient(user, raise_request_exception=False)


def build_course(lessons: int) -> tuple[Course, list[Lesson]]:
    """A free course with two sections of ``lessons // 2`` lessons; lessons in outline order."""
    course = CourseFactory()
    for _ in range(2):
        LessonFactory.create_batch(lessons // 2, section=SectionFactory(course=course))
    ordered = Lesson.objects.filter(course=course).order_by("section__order", "order")
    return Course.objects.get(pk=course.pk), list(ordered)


def assert_enrollment_count_exact(course: Course) -> None:
    stored = Course.objects.get(pk=course.pk).enrollment_count
    assert (
        stored
        == Enrollment.objects.filter(course=course, status__in=Enrollment.ACCESS_STATUSES).count()
    )


def assert_progress_exact(enrollment: Enrollment) -> None:
    """The stored counter equals the completed progress rows of the course's current lessons,
    with one row at most per lesson, and the percent follows from it."""
    enrollment = Enrollment.objects.select_related("course").get(pk=enrollment.pk)
    rows = LessonProgress.objects.filter(enrollment=enrollment, lesson__isnull=False)
    per_lesson = Counter(rows.values_list("lesson_id", flat=True))
    assert set(per_lesson.values()) <= {1}
    completed = rows.filter(completed_at__isnull=False, lesson__course=enrollment.course).count()
    total = Lesson.objects.filter(course=enrollment.course).count()
    assert enrollment.course.lesson_count == total
    assert enrollment.completed_lessons == completed
    progress = progress_of(enrollment)
    assert progress.percent == (100 * completed // total if total else 0)
    assert progress.percent <= 100


def test_fifty_parallel_enrollments_of_one_user_make_one_enrollment():
    course = CourseFactory()
    learner = UserFactory()
    token = client(learner).defaults["HTTP_AUTHORIZATION"]

    def enroll(_: int) -> Any:
        api = ApiClient(raise_request_exception=False, HTTP_AUTHORIZATION=token)
        return api.post("/api/enrollments/", {"course": course.pk})

    responses = run_in_parallel(enroll, 50)

    assert Counter(r.status_code for r in responses) == {201: 1, 200: 49}
    assert len({r.json()["id"] for r in responses}) == 1
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1
    assert Course.objects.get(pk=course.pk).enrollment_count == 1


def test_parallel_enrollments_of_many_users_keep_enrollment_count_exact():
    course = CourseFactory()
    newcomers = UserFactory.create_batch(16)
    leaving = UserFactory.create_batch(8)
    returning = UserFactory.create_batch(6)
    for user in leaving + returning:
        services.enrollment_create(user=user, course=course)
    for user in returning:
        services.enrollment_cancel(enrollment=Enrollment.objects.get(user=user, course=course))
    clients = [client(user) for user in newcomers + leaving + returning]
    leaving_ids = {user.pk: Enrollment.objects.get(user=user, course=course).pk for user in leaving}

    def act(index: int) -> int:
        api = clients[index]
        if api.user.pk in leaving_ids:
            return api.delete(f"/api/enrollments/{leaving_ids[api.user.pk]}/").status_code
        return api.post("/api/enrollments/", {"course": course.pk}).status_code

    statuses = run_in_parallel(act, len(clients))

    assert Counter(statuses) == {201: len(newcomers) + len(returning), 200: len(leaving)}
    assert Course.objects.get(pk=course.pk).enrollment_count == len(newcomers) + len(returning)
    assert_enrollment_count_exact(course)


@pytest.mark.parametrize("deleted_index", [0, 3, 5], ids=["first", "middle", "last"])
def test_parallel_completions_and_a_lesson_deletion_keep_progress_exact(deleted_index):
    course, lessons = build_course(lessons=6)
    learner = UserFactory()
    enrollment, _ = services.enrollment_create(user=learner, course=course)
    deleted = lessons[deleted_index]
    # Four requests for the first lesson, two for each of the others, one deletion.
    targets = [lessons[0]] * 2 + [lesson for lesson in lessons for _ in range(2)]
    learner_api, owner_api = client(learner), client(course.owner)

    def act(index: int) -> int:
        if index == len(targets):
            return owner_api.delete(f"/api/lessons/{deleted.pk}/").status_code
        return learner_api.post(f"/api/enrollments/complete/{targets[index].pk}/").status_code

    statuses = run_in_parallel(act, len(targets) + 1)

    assert statuses[-1] == 204
    completions = statuses[:-1]
    assert set(completions) <= {200, 404}
    assert all(
        status == 200
        for status, target in zip(completions, targets, strict=True)
        if target != deleted
    )
    assert_progress_exact(enrollment)
    finished = Enrollment.objects.get(pk=enrollment.pk)
    # Every remaining lesson was completed: the course is, once.
    assert (finished.completed_lessons, progress_of(finished).percent) == (5, 100)
    assert finished.status == Enrollment.Status.COMPLETED
    assert finished.completed_at is not None
    body = learner_api.get(f"/api/enrollments/progress/{course.pk}/").json()
    assert (body["completed_lessons"], body["total_lessons"], body["percent"]) == (5, 5, 100)


def test_parallel_completions_by_many_learners_and_deletions_keep_every_counter_exact():
    course, lessons = build_course(lessons=8)
    learners = UserFactory.create_batch(6)
    enrollments = [services.enrollment_create(user=u, course=course)[0] for u in learners]
    doomed = {lessons[1].pk, lessons[6].pk}
    jobs: list[tuple[Any, str]] = [
        (learner, f"/api/enrollments/complete/{lesson.pk}/")
        for learner in learners
        for lesson in lessons[::2] + lessons[1:2]
    ]
    jobs += [(course.owner, f"/api/lessons/{pk}/") for pk in doomed]
    clients = {user.pk: client(user) for user in [*learners, course.owner]}

    def act(index: int) -> int:
        user, path = jobs[index]
        if user == course.owner:
            return clients[user.pk].delete(path).status_code
        return clients[user.pk].post(path).status_code

    statuses = run_in_parallel(act, len(jobs))

    assert 500 not in statuses
    assert statuses[-len(doomed) :] == [204] * len(doomed)
    for enrollment in enrollments:
        assert_progress_exact(enrollment)
        assert Enrollment.objects.get(pk=enrollment.pk).completed_lessons == 3
    assert Course.objects.get(pk=course.pk).lesson_count == len(lessons) - len(doomed)


def test_leaving_and_returning_while_lessons_are_deleted_neither_deadlocks_nor_drifts():
    course, lessons = build_course(lessons=6)
    learners = UserFactory.create_batch(8)
    for learner in learners:
        enrollment, _ = services.enrollment_create(user=learner, course=course)
        for lesson in lessons[:4]:
            services.lesson_complete(user=learner, lesson=lesson)
    # Half of them already left; the others leave now while their lessons are deleted, and the
    # first half come back.
    for learner in learners[:4]:
        services.enrollment_cancel(enrollment=Enrollment.objects.get(user=learner))
    ids = {learner.pk: Enrollment.objects.get(user=learner).pk for learner in learners}
    owner_api = client(course.owner)
    clients = [client(learner) for learner in learners]

    def act(index: int) -> int:
        if index >= len(learners):
            return owner_api.delete(
                f"/api/lessons/{lessons[index - len(learners)].pk}/"
            ).status_code
        api = clients[index]
        if index < 4:
            return api.post("/api/enrollments/", {"course": course.pk}).status_code
        return api.delete(f"/api/enrollments/{ids[api.user.pk]}/").status_code

    statuses = run_in_parallel(act, len(learners) + 3)

    assert statuses == [201] * 4 + [200] * 4 + [204] * 3
    assert_enrollment_count_exact(course)
    for enrollment in Enrollment.objects.filter(course=course):
        assert_progress_exact(enrollment)
        assert enrollment.completed_lessons == 1


def test_enrolling_while_the_course_is_deleted_never_fails_with_a_server_error():
    course, _ = build_course(lessons=2)
    learners = UserFactory.create_batch(8)
    owner_api = client(course.owner)
    clients = [client(learner) for learner in learners]

    def act(index: int) -> int:
        if index == len(learners):
            return owner_api.delete(f"/api/courses/{course.pk}/").status_code
        return clients[index].post("/api/enrollments/", {"course": course.pk}).status_code

    statuses = run_in_parallel(act, len(learners) + 1)

    deletion, enrollments = statuses[-1], statuses[:-1]
    assert set(enrollments) <= {201, 404}
    stored = Course.objects.filter(pk=course.pk).first()
    if deletion == 204:
        assert stored is None
        assert set(enrollments) == {404}
        assert not Enrollment.objects.exists()
    else:
        assert deletion == 200
        assert stored is not None
        assert stored.status == Course.Status.ARCHIVED
        assert stored.enrollment_count == enrollments.count(201)
        assert_enrollment_count_exact(stored)
