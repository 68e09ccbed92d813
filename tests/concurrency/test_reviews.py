"""Reviews under parallel requests (real threads on PostgreSQL): the course's stored rating
equals the true aggregate of the reviews table afterwards, and one learner keeps one review."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django_coursehub.catalog.models import Course
from django_coursehub.learning.models import Enrollment
from django_coursehub.reviews.models import Review
from django_coursehub.reviews.services import review_create
from tests.concurrency.threads import THREADS, run_in_parallel
from tests.conftest import ApiClient
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    StaffFactory,
    UserFactory,
)
from tests.test_reviews_services import stored_rating, true_rating

LIST = "/api/reviews/"
LEARNERS = 24


def client(user: Any) -> ApiClient:
    return ApiClient(user, raise_request_exception=False)


def assert_rating_is_exact(course: Course) -> None:
    truth = true_rating(course)
    assert stored_rating(course) == truth
    assert truth["rating_count"] == Review.objects.filter(course=course).count()


def test_parallel_creates_edits_and_deletes_by_many_learners_keep_the_rating_exact():
    course = CourseFactory()
    learners = [EnrollmentFactory(course=course).user for _ in range(LEARNERS)]
    # Two thirds start with a review, so edits and deletes race the creates of the others.
    existing = {
        index: review_create(user=user, course=course, rating=index % 5 + 1).pk
        for index, user in enumerate(learners)
        if index % 3
    }
    clients = [client(user) for user in learners]

    def act(index: int) -> list[int]:
        api = clients[index]
        rating = (index * 7) % 5 + 1
        if index % 3 == 0:
            created = api.post(LIST, {"course": course.pk, "rating": rating})
            statuses = [created.status_code]
            if created.status_code == 201:
                path = f"{LIST}{created.json()['id']}/"
                statuses.append(api.patch(path, {"rating": 6 - rating}).status_code)
                if index % 2:
                    statuses.append(api.delete(path).status_code)
            return statuses
        path = f"{LIST}{existing[index]}/"
        if index % 3 == 1:
            return [
                api.patch(path, {"rating": rating}).status_code,
                api.put(path, {"comment": f"Edited by {index}"}).status_code,
                api.put(path, {"rating": 6 - rating, "comment": "Again"}).status_code,
            ]
        return [
            api.delete(path).status_code,
            api.post(LIST, {"course": course.pk, "rating": rating}).status_code,
        ]

    results = run_in_parallel(act, count=LEARNERS)

    for index, statuses in enumerate(results):
        if index % 3 == 0:
            assert statuses == ([201, 200, 204] if index % 2 else [201, 200]), (index, statuses)
        elif index % 3 == 1:
            assert statuses == [200, 200, 200], (index, statuses)
        else:
            assert statuses == [204, 201], (index, statuses)
    assert_rating_is_exact(course)
    # 16 reviews at the start, 8 created of which 4 deleted again, 8 deleted and re-created.
    assert stored_rating(course)["rating_count"] == 20


def test_parallel_double_submit_of_one_review_creates_one_row():
    course = CourseFactory()
    learner = EnrollmentFactory(course=course).user
    clients = [client(learner) for _ in range(THREADS)]

    statuses = run_in_parallel(
        lambda index: (
            clients[index].post(LIST, {"course": course.pk, "rating": index % 5 + 1}).status_code
        )
    )

    assert Counter(statuses) == {201: 1, 409: THREADS - 1}
    assert Review.objects.filter(course=course, user=learner).count() == 1
    assert_rating_is_exact(course)
    assert stored_rating(course)["rating_count"] == 1


def test_parallel_deletes_of_one_review_count_it_out_once():
    course = CourseFactory()
    author = EnrollmentFactory(course=course).user
    review = review_create(user=author, course=course, rating=2)
    review_create(user=EnrollmentFactory(course=course).user, course=course, rating=5)
    clients = [client(author if index % 2 else StaffFactory()) for index in range(THREADS)]

    statuses = run_in_parallel(
        lambda index: clients[index].delete(f"{LIST}{review.pk}/").status_code
    )

    assert Counter(statuses) == {204: 1, 404: THREADS - 1}
    assert_rating_is_exact(course)
    assert stored_rating(course)["rating_histogram"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}


def test_parallel_edits_of_one_review_leave_it_counted_once_under_its_last_rating():
    course = CourseFactory()
    author = EnrollmentFactory(course=course).user
    review = review_create(user=author, course=course, rating=3)
    clients = [client(author) for _ in range(THREADS)]

    statuses = run_in_parallel(
        lambda index: (
            clients[index].patch(f"{LIST}{review.pk}/", {"rating": index % 5 + 1}).status_code
        )
    )

    assert statuses == [200] * THREADS
    final = Review.objects.get(pk=review.pk).rating
    histogram = {str(star): int(star == final) for star in range(1, 6)}
    assert stored_rating(course)["rating_histogram"] == histogram
    assert_rating_is_exact(course)


def test_reviews_racing_enrollments_and_lesson_completions_neither_deadlock_nor_drift():
    course = CourseFactory()
    lesson = LessonFactory(section__course=course)
    reviewers = [EnrollmentFactory(course=course).user for _ in range(THREADS // 2)]
    joiners = [UserFactory() for _ in range(THREADS - len(reviewers))]
    clients = [client(user) for user in reviewers + joiners]

    def act(index: int) -> list[int]:
        api = clients[index]
        if index < len(reviewers):
            created = api.post(LIST, {"course": course.pk, "rating": index % 5 + 1})
            path = f"{LIST}{created.json().get('id')}/"
            return [
                created.status_code,
                api.post(f"/api/enrollments/complete/{lesson.pk}/").status_code,
                api.patch(path, {"rating": 5}).status_code,
            ]
        return [
            api.post("/api/enrollments/", {"course": course.pk}).status_code,
            api.post(f"/api/enrollments/complete/{lesson.pk}/").status_code,
        ]

    results = run_in_parallel(act)

    for index, statuses in enumerate(results):
        expected = [201, 200, 200] if index < len(reviewers) else [201, 200]
        assert statuses == expected, (index, statuses)
    assert_rating_is_exact(course)
    assert stored_rating(course)["rating_histogram"]["5"] == len(reviewers)
    stored = Course.objects.get(pk=course.pk)
    assert stored.enrollment_count == THREADS
    assert Enrollment.objects.filter(course=course, status="completed").count() == THREADS
