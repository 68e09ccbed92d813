"""Every review endpoint costs a fixed number of queries, whatever the number of reviews.

Each one is measured on a course with 2 and with 30 reviews (each by its own learner, all on one
page). Clients are built before measuring: issuing their token is not part of the request. An
authenticated request loads the token's user (one query); every service runs in a transaction,
which inside the test's own transaction shows as a SAVEPOINT and its RELEASE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from django_coursehub.catalog.models import Course
from django_coursehub.reviews.models import Review
from django_coursehub.reviews.services import review_create
from tests.conftest import ApiClient
from tests.factories import CourseFactory, EnrollmentFactory, LessonFactory, StaffFactory
from tests.test_reviews_services import assert_rating_is_exact

pytestmark = pytest.mark.django_db

SIZES = [2, 30]
# The one query an authenticated request adds: loading the token's user.
AUTH_QUERY = 1


@dataclass
class Reviewed:
    course: Course
    review: Review
    newcomer: Any
    size: int


@pytest.fixture(params=SIZES, ids=lambda size: f"{size}-reviews")
def reviewed(request: Any) -> Reviewed:
    """A course (one lesson) with ``size`` reviews, the first rated 1; another course's reviews
    besides; and one enrolled learner who has not reviewed yet."""
    course = CourseFactory()
    LessonFactory(section__course=course)
    reviews = [
        review_create(
            user=EnrollmentFactory(course=course).user, course=course, rating=star % 5 + 1
        )
        for star in range(request.param)
    ]
    other = CourseFactory()
    for star in range(request.param):
        review_create(user=EnrollmentFactory(course=other).user, course=other, rating=star % 5 + 1)
    return Reviewed(
        course=course,
        review=reviews[0],
        newcomer=EnrollmentFactory(course=course).user,
        size=request.param,
    )


@pytest.fixture(params=["anonymous", "staff"])
def viewer(request: Any, reviewed: Reviewed) -> tuple[ApiClient, int]:
    """A reader and the queries its authentication costs."""
    if request.param == "anonymous":
        return ApiClient(), 0
    return ApiClient(StaffFactory()), AUTH_QUERY


def test_review_list_costs_two_queries(reviewed, viewer, django_assert_num_queries):
    client, auth = viewer
    # 1 COUNT + 1 page of reviews joined to their author (select_related) and filtered on the
    # course's status by a join: no query per review.
    with django_assert_num_queries(auth + 2):
        response = client.get("/api/reviews/?page_size=100")

    assert response.status_code == 200
    assert response.json()["count"] == 2 * reviewed.size
    assert all(item["user"]["username"] for item in response.json()["items"])


def test_review_list_of_one_course_costs_two_queries(reviewed, viewer, django_assert_num_queries):
    client, auth = viewer
    # 1 course (may the caller see it? its rating count is the list's count) + 1 page of
    # reviews joined to their author.
    with django_assert_num_queries(auth + 2):
        response = client.get(f"/api/reviews/?course={reviewed.course.pk}&page_size=100")

    assert response.status_code == 200
    assert response.json()["count"] == reviewed.size
    assert len(response.json()["items"]) == reviewed.size


def test_creating_a_review_costs_eleven_queries(reviewed, django_assert_num_queries):
    client = ApiClient(reviewed.newcomer)
    body = {"course": reviewed.course.pk, "rating": 5}
    # 1 user + 1 course (visible?) + SAVEPOINT + 1 course locked FOR UPDATE + 1 EXISTS enrollment
    # with access + SAVEPOINT + 1 INSERT review + RELEASE + 1 UPDATE of the course's rating
    # counters + RELEASE + 1 review with its author for the response.
    with django_assert_num_queries(11):
        response = client.post("/api/reviews/", body)

    assert response.status_code == 201
    assert_rating_is_exact(reviewed.course)


def test_changing_a_rating_costs_nine_queries(reviewed, django_assert_num_queries):
    client = ApiClient(reviewed.review.user)
    # 1 user + 1 review (author?) + SAVEPOINT + 1 course locked + 1 review locked + 1 UPDATE
    # review + 1 UPDATE of the course's rating counters + RELEASE + 1 review for the response.
    with django_assert_num_queries(9):
        response = client.patch(f"/api/reviews/{reviewed.review.pk}/", {"rating": 5})

    assert response.status_code == 200
    assert_rating_is_exact(reviewed.course)


def test_changing_only_a_comment_costs_eight_queries(reviewed, django_assert_num_queries):
    client = ApiClient(reviewed.review.user)
    # As a rating change, without the UPDATE of the course: its rating does not move.
    with django_assert_num_queries(8):
        response = client.put(f"/api/reviews/{reviewed.review.pk}/", {"comment": "Updated."})

    assert response.status_code == 200
    assert_rating_is_exact(reviewed.course)


@pytest.mark.parametrize("deleter", ["author", "staff"])
def test_deleting_a_review_costs_eight_queries(reviewed, deleter, django_assert_num_queries):
    client = ApiClient(reviewed.review.user if deleter == "author" else StaffFactory())
    # 1 user + 1 review (author or staff?) + SAVEPOINT + 1 course locked + 1 review locked
    # + 1 DELETE + 1 UPDATE of the course's rating counters + RELEASE.
    with django_assert_num_queries(8):
        response = client.delete(f"/api/reviews/{reviewed.review.pk}/")

    assert response.status_code == 204
    assert_rating_is_exact(reviewed.course)


def test_course_detail_with_its_rating_histogram_costs_the_same_whatever_the_reviews(
    reviewed, django_assert_num_queries
):
    # The histogram is stored on the course row: no aggregate over reviews. 1 course with
    # category and owner + 1 sections + 1 lessons (as the catalogue's detail).
    with django_assert_num_queries(3):
        response = ApiClient().get(f"/api/courses/{reviewed.course.pk}/")

    assert sum(response.json()["rating_histogram"].values()) == reviewed.size
