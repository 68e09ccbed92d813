"""Reviews over HTTP at their exact paths: listing, writing, editing, deleting, and the course's
rating following every change."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils.dateparse import parse_datetime

from django_coursehub.catalog.models import Course
from django_coursehub.reviews.models import Review
from django_coursehub.reviews.services import review_create
from tests.conftest import ApiClient
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    StaffFactory,
    UserFactory,
)
from tests.test_reviews_services import assert_rating_is_exact, stored_rating

pytestmark = pytest.mark.django_db

LIST = "/api/reviews/"
MILLISECOND = timedelta(milliseconds=1)
ITEM_FIELDS = {"id", "course", "user", "rating", "comment", "created_at", "updated_at"}


def detail(review: Review | int) -> str:
    return f"{LIST}{getattr(review, 'pk', review)}/"


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def same_instant(text: str, moment: datetime) -> bool:
    """JSON times carry milliseconds; the database keeps microseconds."""
    parsed = parse_datetime(text)
    return parsed is not None and parsed.tzinfo is not None and abs(parsed - moment) < MILLISECOND


def unpublish(course: Course) -> None:
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT, published_at=None)


@pytest.fixture
def course(instructor: Any) -> Course:
    return CourseFactory(owner=instructor)


@pytest.fixture
def learner(course: Course) -> Any:
    return EnrollmentFactory(course=course, user=UserFactory(first_name="Dilnoza")).user


@pytest.fixture
def review(course: Course, learner: Any) -> Review:
    return review_create(user=learner, course=course, rating=4, comment="Well paced.")


def reviewed_by_new_learner(course: Course, rating: int = 5, comment: str = "") -> Review:
    user = EnrollmentFactory(course=course).user
    return review_create(user=user, course=course, rating=rating, comment=comment)


# Listing -------------------------------------------------------------------------------------


def test_review_list_item_has_the_contract_fields(anon, review, learner):
    response = anon.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert set(item) >= ITEM_FIELDS
    assert item["id"] == review.pk
    assert item["course"] == review.course_id
    assert item["user"] == {
        "id": learner.pk,
        "username": learner.username,
        "full_name": learner.get_full_name(),
    }
    assert (item["rating"], item["comment"]) == (4, "Well paced.")
    assert same_instant(item["created_at"], review.created_at)
    assert same_instant(item["updated_at"], review.updated_at)


def test_review_list_is_newest_first(anon, course):
    first, second, third = (reviewed_by_new_learner(course, rating) for rating in (1, 2, 3))

    assert ids(anon.get(LIST)) == [third.pk, second.pk, first.pk]


def test_review_list_filters_one_course(anon, course, review):
    other = reviewed_by_new_learner(CourseFactory())

    assert ids(anon.get(LIST, {"course": course.pk})) == [review.pk]
    assert ids(anon.get(LIST, {"course": other.course_id})) == [other.pk]
    assert set(ids(anon.get(LIST))) == {review.pk, other.pk}


def test_review_list_of_a_course_without_reviews_is_empty(anon, course):
    assert anon.get(LIST, {"course": course.pk}).json() == {"items": [], "count": 0}


def test_review_list_is_paginated(anon, course):
    reviews = [reviewed_by_new_learner(course) for _ in range(5)]

    response = anon.get(LIST, {"page": 2, "page_size": 2})

    assert response.json()["count"] == 5
    assert ids(response) == [reviews[2].pk, reviews[1].pk]
    assert anon.get(LIST, {"page": 9, "page_size": 2}).status_code == 404
    assert anon.get(LIST, {"page": "x"}).status_code == 422


def test_reviews_of_a_draft_course_do_not_leak_into_the_unfiltered_list(anon, course, review):
    visible = reviewed_by_new_learner(CourseFactory())
    unpublish(course)

    assert ids(anon.get(LIST)) == [visible.pk]
    assert ids(ApiClient(StaffFactory()).get(LIST)) == [visible.pk]


def test_review_list_counts_the_reviews_it_lists(anon, course, review):
    other = CourseFactory()
    for _ in range(3):
        reviewed_by_new_learner(other)
    unpublished = reviewed_by_new_learner(CourseFactory())
    unpublish(unpublished.course)

    def counted(params: dict[str, Any]) -> tuple[int, int]:
        body = anon.get(LIST, {**params, "page_size": 100}).json()
        return body["count"], len(body["items"])

    assert counted({}) == (4, 4)
    assert counted({"course": other.pk}) == (3, 3)
    assert ApiClient(review.user).delete(f"{LIST}{review.pk}/").status_code == 204
    assert counted({}) == (3, 3)
    assert counted({"course": course.pk}) == (0, 0)
    unpublish(other)
    assert counted({}) == (0, 0)


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_reviews_of_a_hidden_course_are_not_found_for_who_cannot_see_it(course, review, status):
    Course.objects.filter(pk=course.pk).update(status=status, published_at=None)

    for client in (ApiClient(), ApiClient(UserFactory())):
        response = client.get(LIST, {"course": course.pk})
        assert response.status_code == 404, response.content
        assert str(review.comment) not in response.content.decode()


def test_reviews_of_a_draft_course_are_listed_for_its_owner_and_staff(course, review):
    unpublish(course)

    assert ids(ApiClient(course.owner).get(LIST, {"course": course.pk})) == [review.pk]
    assert ids(ApiClient(StaffFactory()).get(LIST, {"course": course.pk})) == [review.pk]


def test_reviews_of_an_archived_course_stay_visible_to_its_learners(course, review, learner):
    Course.objects.filter(pk=course.pk).update(status=Course.Status.ARCHIVED)

    assert ids(ApiClient(learner).get(LIST, {"course": course.pk})) == [review.pk]


@pytest.mark.parametrize("value", ["999999", "0", "-1", "abc", "1.5", str(2**64)])
def test_review_list_of_an_unknown_or_malformed_course_is_a_4xx(anon, value):
    assert anon.get(LIST, {"course": value}).status_code in (404, 422)


# Creating ------------------------------------------------------------------------------------


def test_an_enrolled_learner_posts_a_review(course, learner):
    response = ApiClient(learner).post(LIST, {"course": course.pk, "rating": 5, "comment": "Zo'r!"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= ITEM_FIELDS
    assert (body["course"], body["rating"], body["comment"]) == (course.pk, 5, "Zo'r!")
    assert body["user"]["id"] == learner.pk
    assert Review.objects.get().pk == body["id"]
    assert_rating_is_exact(course)


def test_a_review_without_a_comment_has_an_empty_one(course, learner):
    response = ApiClient(learner).post(LIST, {"course": course.pk, "rating": 3})

    assert response.status_code == 201
    assert response.json()["comment"] == ""


def test_a_comment_is_stored_without_surrounding_whitespace(course, learner):
    response = ApiClient(learner).post(
        LIST, {"course": course.pk, "rating": 3, "comment": "  Ok \n"}
    )

    assert response.json()["comment"] == "Ok"


def test_a_user_who_is_not_enrolled_cannot_post_a_review(course):
    response = ApiClient(UserFactory()).post(LIST, {"course": course.pk, "rating": 5})

    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"
    assert not Review.objects.exists()


def test_the_owner_cannot_review_their_own_course(course):
    response = ApiClient(course.owner).post(LIST, {"course": course.pk, "rating": 5})

    assert response.status_code == 403
    assert response.json()["code"] == "own_course"


def test_second_review_by_same_user_is_a_conflict(course, learner, review):
    response = ApiClient(learner).post(LIST, {"course": course.pk, "rating": 1})

    assert response.status_code == 409
    assert response.json()["code"] == "already_reviewed"
    assert Review.objects.get().rating == 4
    assert_rating_is_exact(course)


def test_anonymous_visitors_cannot_post_a_review(anon, course):
    assert anon.post(LIST, {"course": course.pk, "rating": 5}).status_code == 401


@pytest.mark.parametrize("course_id", [999999, 2**70, 0, -3, "1", True, None])
def test_a_review_of_an_unknown_or_malformed_course_is_refused(learner, course_id):
    response = ApiClient(learner).post(LIST, {"course": course_id, "rating": 5})

    assert response.status_code in (404, 422), response.content
    assert not Review.objects.exists()


def test_a_review_of_a_draft_course_is_not_found_for_someone_not_learning_it(course):
    unpublish(course)

    response = ApiClient(UserFactory()).post(LIST, {"course": course.pk, "rating": 5})

    assert response.status_code == 404


def test_a_learner_can_still_review_a_course_that_went_back_to_draft(course, learner):
    unpublish(course)

    response = ApiClient(learner).post(LIST, {"course": course.pk, "rating": 5})

    assert response.status_code == 201


@pytest.mark.parametrize("rating", [0, 6, -1, "5", True, False, 4.5, None, [5], {"value": 5}])
def test_a_rating_that_is_not_a_whole_number_from_1_to_5_is_refused(course, learner, rating):
    response = ApiClient(learner).post(LIST, {"course": course.pk, "rating": rating})

    assert response.status_code == 422, response.content
    assert not Review.objects.exists()
    assert stored_rating(course)["rating_count"] == 0


def test_a_review_without_a_rating_is_refused(course, learner):
    assert ApiClient(learner).post(LIST, {"course": course.pk}).status_code == 422


def test_a_comment_with_a_nul_character_is_refused(course, learner):
    response = ApiClient(learner).post(
        LIST, {"course": course.pk, "rating": 5, "comment": "Good\x00course"}
    )

    assert response.status_code == 422
    assert not Review.objects.exists()


def test_a_comment_of_5000_characters_is_the_longest_accepted(course, learner):
    client = ApiClient(learner)

    too_long = client.post(LIST, {"course": course.pk, "rating": 5, "comment": "a" * 5001})
    longest = client.post(LIST, {"course": course.pk, "rating": 5, "comment": "ы" * 5000})

    assert too_long.status_code == 422
    assert longest.status_code == 201
    assert len(Review.objects.get().comment) == 5000


@pytest.mark.parametrize("body", ['"review"', "[1, 2]", "{", "null", '{"course": 1, "rating": 5'])
def test_a_body_that_is_not_a_review_object_is_a_4xx(course, learner, body):
    response = ApiClient(learner).post(LIST, body)

    assert 400 <= response.status_code < 500
    assert not Review.objects.exists()


# Editing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch"])
def test_the_author_changes_the_rating_and_the_course_follows(course, learner, review, method):
    reviewed_by_new_learner(course, 5)

    response = getattr(ApiClient(learner), method)(detail(review), {"rating": 1})

    assert response.status_code == 200, response.content
    assert (response.json()["rating"], response.json()["comment"]) == (1, "Well paced.")
    assert stored_rating(course) == {
        "rating_avg": Decimal("3.00"),
        "rating_count": 2,
        "rating_histogram": {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1},
    }


@pytest.mark.parametrize("method", ["put", "patch"])
def test_fields_that_are_not_sent_stay_unchanged(course, learner, review, method):
    client = ApiClient(learner)

    comment_only = getattr(client, method)(detail(review), {"comment": "Even better now."})
    nothing = getattr(client, method)(detail(review), {})

    assert comment_only.status_code == nothing.status_code == 200
    assert (nothing.json()["rating"], nothing.json()["comment"]) == (4, "Even better now.")
    assert stored_rating(course)["rating_histogram"]["4"] == 1
    assert_rating_is_exact(course)


def test_an_edit_moves_updated_at_and_keeps_created_at(learner, review):
    body = ApiClient(learner).patch(detail(review), {"comment": "Later."}).json()

    stored = Review.objects.get()
    assert stored.created_at == review.created_at
    assert same_instant(body["created_at"], review.created_at)
    assert stored.updated_at > review.updated_at
    assert same_instant(body["updated_at"], stored.updated_at)


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize(
    "payload",
    [
        {"rating": None},
        {"rating": 0},
        {"rating": 6},
        {"rating": "3"},
        {"rating": True},
        {"rating": 2.5},
        {"comment": None},
        {"comment": "x" * 5001},
        {"comment": "bad\x00byte"},
    ],
)
def test_an_invalid_edit_is_refused_and_changes_nothing(course, learner, review, method, payload):
    response = getattr(ApiClient(learner), method)(detail(review), payload)

    assert response.status_code == 422, response.content
    assert Review.objects.values_list("rating", "comment").get() == (4, "Well paced.")
    assert_rating_is_exact(course)


def test_a_null_rating_is_a_validation_error(learner, review):
    assert ApiClient(learner).put(detail(review), {"rating": None}).status_code == 422


def test_fields_other_than_rating_and_comment_are_ignored(course, learner, review):
    other_course = CourseFactory()

    response = ApiClient(learner).patch(
        detail(review), {"course": other_course.pk, "user": course.owner.pk, "comment": "Hi"}
    )

    assert response.status_code == 200
    review.refresh_from_db()
    assert (review.course_id, review.user_id, review.comment) == (course.pk, learner.pk, "Hi")
    assert stored_rating(other_course)["rating_count"] == 0


@pytest.mark.parametrize("method", ["put", "patch"])
def test_only_the_author_may_edit_a_review(course, review, method):
    for user in (
        UserFactory(),
        course.owner,
        StaffFactory(),
        EnrollmentFactory(course=course).user,
    ):
        response = getattr(ApiClient(user), method)(detail(review), {"rating": 1})
        assert response.status_code == 404, (user, response.content)

    assert Review.objects.get().rating == 4


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_anonymous_visitors_cannot_change_a_review(anon, review, method):
    assert getattr(anon, method)(detail(review)).status_code == 401
    assert Review.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_an_unknown_review_is_not_found(learner, method):
    assert getattr(ApiClient(learner), method)(detail(999999)).status_code == 404


@pytest.mark.parametrize("review_id", ["0", "abc", str(2**64)])
def test_a_malformed_review_id_is_a_4xx(learner, review_id):
    response = ApiClient(learner).patch(f"{LIST}{review_id}/", {"rating": 3})

    assert 400 <= response.status_code < 500


# Deleting ------------------------------------------------------------------------------------


def test_the_author_deletes_their_review_and_the_course_follows(course, learner, review):
    reviewed_by_new_learner(course, 1)

    response = ApiClient(learner).delete(detail(review))

    assert response.status_code == 204
    assert not Review.objects.filter(pk=review.pk).exists()
    assert stored_rating(course)["rating_histogram"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0}
    assert_rating_is_exact(course)


def test_staff_may_delete_any_review(course, review):
    response = ApiClient(StaffFactory()).delete(detail(review))

    assert response.status_code == 204
    assert stored_rating(course)["rating_count"] == 0


def test_nobody_else_may_delete_a_review(course, review):
    for user in (UserFactory(), course.owner, EnrollmentFactory(course=course).user):
        assert ApiClient(user).delete(detail(review)).status_code == 404

    assert Review.objects.exists()
    assert stored_rating(course)["rating_count"] == 1


def test_deleting_a_review_twice_is_not_found_the_second_time(course, learner, review):
    client = ApiClient(learner)

    assert client.delete(detail(review)).status_code == 204
    assert client.delete(detail(review)).status_code == 404
    assert stored_rating(course)["rating_count"] == 0


def test_a_learner_may_review_again_after_deleting_their_review(course, learner, review):
    client = ApiClient(learner)
    client.delete(detail(review))

    assert client.post(LIST, {"course": course.pk, "rating": 2}).status_code == 201
    assert stored_rating(course)["rating_avg"] == Decimal("2.00")


# The course follows --------------------------------------------------------------------------


def course_rating(client: ApiClient, course: Course) -> dict[str, Any]:
    body = client.get(f"/api/courses/{course.pk}/").json()
    return {key: body[key] for key in ("rating_avg", "rating_count", "rating_histogram")}


def test_the_course_detail_and_list_follow_every_review_change(anon, course):
    alice, bob, carol = (EnrollmentFactory(course=course).user for _ in range(3))
    assert course_rating(anon, course) == {
        "rating_avg": "0.00",
        "rating_count": 0,
        "rating_histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
    }

    ApiClient(alice).post(LIST, {"course": course.pk, "rating": 5})
    ApiClient(bob).post(LIST, {"course": course.pk, "rating": 4})
    carol_review = ApiClient(carol).post(LIST, {"course": course.pk, "rating": 4}).json()
    assert course_rating(anon, course) == {
        "rating_avg": "4.33",
        "rating_count": 3,
        "rating_histogram": {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1},
    }

    ApiClient(carol).patch(detail(carol_review["id"]), {"rating": 1})
    assert course_rating(anon, course) == {
        "rating_avg": "3.33",
        "rating_count": 3,
        "rating_histogram": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1},
    }

    ApiClient(StaffFactory()).delete(detail(carol_review["id"]))
    assert course_rating(anon, course) == {
        "rating_avg": "4.50",
        "rating_count": 2,
        "rating_histogram": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
    }
    [item] = [i for i in anon.get("/api/courses/").json()["items"] if i["id"] == course.pk]
    assert (item["rating_avg"], item["rating_count"]) == ("4.50", 2)
    assert_rating_is_exact(course)


def test_the_course_rating_cannot_be_set_by_its_owner(course, review):
    client = ApiClient(course.owner)

    client.patch(
        f"/api/courses/{course.pk}/",
        {"rating_avg": "5.00", "rating_count": 99, "rating_histogram": {"5": 99}},
    )

    assert_rating_is_exact(course)
    assert stored_rating(course)["rating_count"] == 1


# The permission matrix -----------------------------------------------------------------------

ROLES = ("anonymous", "student", "learner", "author", "owner", "staff")

# What each role gets from each endpoint, the author's review being the object.
MATRIX = {
    "list": dict.fromkeys(ROLES, 200),
    "list_course": dict.fromkeys(ROLES, 200),
    "create": {
        "anonymous": 401,
        "student": 403,
        "learner": 201,
        "author": 409,
        "owner": 403,
        "staff": 403,
    },
    # Someone else's review answers like one that does not exist.
    "put": {**dict.fromkeys(ROLES, 404), "anonymous": 401, "author": 200},
    "patch": {**dict.fromkeys(ROLES, 404), "anonymous": 401, "author": 200},
    "delete": {**dict.fromkeys(ROLES, 404), "anonymous": 401, "author": 204, "staff": 204},
}
CASES = [
    (endpoint, role, status) for endpoint, row in MATRIX.items() for role, status in row.items()
]


@pytest.mark.parametrize(("endpoint", "role", "status"), CASES)
def test_review_endpoints_answer_each_role_as_the_matrix_says(endpoint, role, status, course):
    author = EnrollmentFactory(course=course).user
    review = review_create(user=author, course=course, rating=4, comment="Original")
    users = {
        "anonymous": None,
        "student": UserFactory(),
        "learner": EnrollmentFactory(course=course).user,
        "author": author,
        "owner": course.owner,
        "staff": StaffFactory(),
    }
    client = ApiClient(users[role])
    calls = {
        "list": lambda: client.get(LIST),
        "list_course": lambda: client.get(LIST, {"course": course.pk}),
        "create": lambda: client.post(LIST, {"course": course.pk, "rating": 2}),
        "put": lambda: client.put(detail(review), {"rating": 2, "comment": "Changed"}),
        "patch": lambda: client.patch(detail(review), {"rating": 2}),
        "delete": lambda: client.delete(detail(review)),
    }

    response = calls[endpoint]()

    assert response.status_code == status, response.content
    if status >= 400:
        assert "detail" in response.json()
        assert Review.objects.values_list("pk", "rating", "comment").get() == (
            review.pk,
            4,
            "Original",
        )
    assert_rating_is_exact(course)
