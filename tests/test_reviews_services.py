"""Review services: who may review, one review per learner, and a stored rating that always
equals the true aggregate of the reviews table."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from django_coursehub import signals
from django_coursehub.catalog.models import Course
from django_coursehub.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from django_coursehub.learning.models import Enrollment
from django_coursehub.learning.services import enrollment_cancel, lesson_complete
from django_coursehub.reviews.models import Review
from django_coursehub.reviews.services import review_create, review_delete, review_update
from tests.factories import CourseFactory, EnrollmentFactory, LessonFactory, UserFactory

pytestmark = pytest.mark.django_db

NO_RATINGS = {
    "rating_avg": Decimal("0"),
    "rating_count": 0,
    "rating_histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
}


def true_rating(course: Course) -> dict[str, Any]:
    """The course's rating computed from scratch from its rows in the reviews table."""
    ratings = list(Review.objects.filter(course_id=course.pk).values_list("rating", flat=True))
    average = (
        (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if ratings
        else Decimal("0")
    )
    return {
        "rating_avg": average,
        "rating_count": len(ratings),
        "rating_histogram": {str(star): ratings.count(star) for star in range(1, 6)},
    }


def stored_rating(course: Course) -> dict[str, Any]:
    """The rating the course row holds now (what lists and the detail page show)."""
    course = Course.objects.get(pk=course.pk)
    return {
        "rating_avg": course.rating_avg,
        "rating_count": course.rating_count,
        "rating_histogram": course.rating_histogram,
    }


def assert_rating_is_exact(course: Course) -> None:
    assert stored_rating(course) == true_rating(course)


@pytest.fixture
def course() -> Course:
    return CourseFactory()


@pytest.fixture
def learner(course: Course) -> Any:
    return EnrollmentFactory(course=course).user


def review_by_new_learner(course: Course, rating: int, comment: str = "") -> Review:
    user = EnrollmentFactory(course=course).user
    return review_create(user=user, course=course, rating=rating, comment=comment)


# Who may review -----------------------------------------------------------------------------


def test_an_active_learner_reviews_a_course_and_its_rating_follows(course, learner):
    review = review_create(user=learner, course=course, rating=4, comment="Clear and practical.")

    assert (review.user, review.course, review.rating) == (learner, course, 4)
    assert review.comment == "Clear and practical."
    assert stored_rating(course) == {
        "rating_avg": Decimal("4.00"),
        "rating_count": 1,
        "rating_histogram": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0},
    }


def test_a_learner_who_completed_the_course_may_review_it(course, learner):
    lesson_complete(user=learner, lesson=LessonFactory(section__course=course))
    assert Enrollment.objects.get(user=learner, course=course).status == "completed"

    review_create(user=learner, course=course, rating=5)

    assert stored_rating(course)["rating_count"] == 1


def test_a_user_who_is_not_enrolled_cannot_review(course):
    with pytest.raises(PermissionDenied) as refused:
        review_create(user=UserFactory(), course=course, rating=5)

    assert refused.value.code == "not_enrolled"
    assert not Review.objects.exists()
    assert stored_rating(course) == NO_RATINGS


def test_a_learner_enrolled_in_another_course_cannot_review_this_one(course):
    user = EnrollmentFactory().user

    with pytest.raises(PermissionDenied):
        review_create(user=user, course=course, rating=5)


def test_a_learner_who_cancelled_cannot_review(course, learner):
    Enrollment.objects.filter(user=learner, course=course).update(source=Enrollment.Source.FREE)
    enrollment_cancel(enrollment=Enrollment.objects.get(user=learner, course=course))

    with pytest.raises(PermissionDenied) as refused:
        review_create(user=learner, course=course, rating=1)

    assert refused.value.code == "not_enrolled"
    assert stored_rating(course) == NO_RATINGS


def test_a_refunded_learner_cannot_review(course, learner):
    # Refunds belong to payments; the status is what review_create looks at.
    Enrollment.objects.filter(user=learner, course=course).update(status="refunded")

    with pytest.raises(PermissionDenied):
        review_create(user=learner, course=course, rating=1)


def test_the_owner_cannot_review_their_own_course_even_when_enrolled(course):
    EnrollmentFactory(user=course.owner, course=course)

    with pytest.raises(PermissionDenied) as refused:
        review_create(user=course.owner, course=course, rating=5)

    assert refused.value.code == "own_course"
    assert stored_rating(course) == NO_RATINGS


def test_second_review_by_same_user_is_a_conflict(course, learner):
    first = review_create(user=learner, course=course, rating=2, comment="Too fast.")

    with pytest.raises(Conflict) as refused:
        review_create(user=learner, course=course, rating=5, comment="Changed my mind.")

    assert refused.value.code == "already_reviewed"
    assert list(Review.objects.values_list("pk", "rating")) == [(first.pk, 2)]
    assert stored_rating(course)["rating_histogram"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}


def test_a_learner_may_review_each_of_their_courses_once(course, learner):
    other = CourseFactory()
    EnrollmentFactory(user=learner, course=other)

    review_create(user=learner, course=course, rating=5)
    review_create(user=learner, course=other, rating=1)

    assert (stored_rating(course)["rating_avg"], stored_rating(other)["rating_avg"]) == (
        Decimal("5.00"),
        Decimal("1.00"),
    )


# Ratings outside 1..5 ------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [0, 6])
def test_the_database_refuses_a_rating_outside_1_to_5(course, learner, rating):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(course=course, user=learner, rating=rating)


@pytest.mark.parametrize("rating", [0, 6, -1, True, 4.5])
def test_review_create_refuses_a_rating_outside_1_to_5_as_invalid_input(course, learner, rating):
    with pytest.raises(InvalidInput):
        review_create(user=learner, course=course, rating=rating)

    assert not Review.objects.exists()
    assert stored_rating(course) == NO_RATINGS


@pytest.mark.parametrize("rating", [0, 6, None])
def test_review_update_refuses_a_rating_outside_1_to_5_as_invalid_input(course, learner, rating):
    review = review_create(user=learner, course=course, rating=3)

    with pytest.raises(InvalidInput):
        review_update(review=review, changes={"rating": rating})

    assert Review.objects.get().rating == 3
    assert_rating_is_exact(course)


def test_the_database_refuses_a_rating_count_that_is_not_the_histograms_sum(course):
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(rating_count=F("rating_count") + 1)


# Editing and deleting ------------------------------------------------------------------------


def test_changing_the_rating_moves_the_review_to_its_new_star(course, learner):
    review = review_create(user=learner, course=course, rating=5)
    review_by_new_learner(course, 3)

    review_update(review=review, changes={"rating": 2})

    assert stored_rating(course) == {
        "rating_avg": Decimal("2.50"),
        "rating_count": 2,
        "rating_histogram": {"1": 0, "2": 1, "3": 1, "4": 0, "5": 0},
    }


def test_changing_only_the_comment_leaves_the_ratings_alone(course, learner):
    review = review_create(user=learner, course=course, rating=4, comment="Good.")
    before = stored_rating(course)

    updated = review_update(review=review, changes={"comment": "Good, with great exercises."})

    assert (updated.rating, updated.comment) == (4, "Good, with great exercises.")
    assert updated.updated_at > review.created_at
    assert Review.objects.get().comment == "Good, with great exercises."
    assert stored_rating(course) == before


def test_an_update_without_changes_changes_nothing(course, learner):
    review_create(user=learner, course=course, rating=4, comment="Good.")
    review = Review.objects.get()
    before = stored_rating(course)

    review_update(review=review, changes={})

    assert Review.objects.values_list("rating", "comment").get() == (4, "Good.")
    assert stored_rating(course) == before


def test_an_update_through_a_stale_instance_moves_the_stored_rating_not_the_stale_one(
    course, learner
):
    stale = review_create(user=learner, course=course, rating=5)
    review_update(review=Review.objects.get(pk=stale.pk), changes={"rating": 3})

    review_update(review=stale, changes={"rating": 1})

    assert stored_rating(course)["rating_histogram"] == {"1": 1, "2": 0, "3": 0, "4": 0, "5": 0}
    assert_rating_is_exact(course)


def test_deleting_the_last_review_resets_the_rating(course, learner):
    review = review_create(user=learner, course=course, rating=3)

    review_delete(review=review)

    assert not Review.objects.exists()
    assert stored_rating(course) == NO_RATINGS


def test_deleting_a_review_twice_is_not_found_and_counts_it_once(course, learner):
    review = review_create(user=learner, course=course, rating=3)
    review_by_new_learner(course, 5)
    review_delete(review=Review.objects.get(pk=review.pk))

    with pytest.raises(NotFound):
        review_delete(review=review)

    assert stored_rating(course) == {
        "rating_avg": Decimal("5.00"),
        "rating_count": 1,
        "rating_histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
    }


def test_a_deleted_review_can_be_written_again(course, learner):
    review_delete(review=review_create(user=learner, course=course, rating=1))

    review_create(user=learner, course=course, rating=5)

    assert stored_rating(course)["rating_avg"] == Decimal("5.00")


# The average ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "average"),
    [
        ([5, 5, 4], Decimal("4.67")),  # 4.666...
        ([1, 1, 1, 1, 1, 1, 1, 2], Decimal("1.13")),  # 1.125: half-up, where half-even says 1.12
        ([4, 4, 4, 4, 4, 4, 4, 5], Decimal("4.13")),  # 4.125
        ([1, 2], Decimal("1.50")),
        ([2, 2, 3], Decimal("2.33")),  # 2.333...
    ],
)
def test_the_average_has_two_decimals_rounded_half_up(course, ratings, average):
    for rating in ratings:
        review_by_new_learner(course, rating)

    assert stored_rating(course)["rating_avg"] == average
    assert_rating_is_exact(course)


def test_any_sequence_of_creates_updates_and_deletes_keeps_the_rating_exact():
    """A property-style walk: random operations (fixed seed), the invariant checked after each."""
    chooser = random.Random(20261103)
    courses = [CourseFactory(), CourseFactory()]
    learners = {
        course.pk: [EnrollmentFactory(course=course).user for _ in range(8)] for course in courses
    }
    outsider = UserFactory()
    refusals = 0

    for step in range(250):
        course = chooser.choice(courses)
        user = chooser.choice(learners[course.pk])
        review = Review.objects.filter(course=course, user=user).first()
        action = chooser.choice(["create", "create", "update", "update", "comment", "delete"])
        if review is None or action == "create":
            try:
                review_create(user=user, course=course, rating=chooser.randint(1, 5))
            except Conflict:
                refusals += 1
        elif action == "update":
            review_update(review=review, changes={"rating": chooser.randint(1, 5)})
        elif action == "comment":
            review_update(review=review, changes={"comment": f"Step {step}"})
        else:
            review_delete(review=review)
        if chooser.random() < 0.05:
            with pytest.raises(PermissionDenied):
                review_create(user=outsider, course=course, rating=5)
        for checked in courses:
            assert_rating_is_exact(checked)

    assert refusals > 0
    assert all(stored_rating(course)["rating_count"] > 0 for course in courses)


# Signals -------------------------------------------------------------------------------------


@pytest.fixture
def received() -> Any:
    calls: list[dict[str, Any]] = []

    def receiver(**kwargs: Any) -> None:
        calls.append(kwargs)

    signals.review_created.connect(receiver, dispatch_uid="test-reviews-services")
    yield calls
    signals.review_created.disconnect(dispatch_uid="test-reviews-services")


def test_review_created_is_sent_once_the_transaction_commits(
    course, learner, received, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        review = review_create(user=learner, course=course, rating=5)
        assert received == []

    for callback in callbacks:
        callback()

    assert len(received) == 1
    assert received[0]["sender"] is Review
    assert received[0]["review"] == review


def test_review_created_is_not_sent_when_the_transaction_rolls_back(
    course, learner, received, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        review_create(user=learner, course=course, rating=5)
        raise RuntimeError("rolled back")

    assert received == []
    assert stored_rating(course) == NO_RATINGS


def test_review_created_is_not_sent_for_refusals_edits_or_deletes(
    course, learner, received, django_capture_on_commit_callbacks
):
    review = review_create(user=learner, course=course, rating=5)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Conflict):
            review_create(user=learner, course=course, rating=4)
        with pytest.raises(PermissionDenied):
            review_create(user=UserFactory(), course=course, rating=4)
        review_update(review=review, changes={"rating": 1})
        review_delete(review=review)

    assert received == []
