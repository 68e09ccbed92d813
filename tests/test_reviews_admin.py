"""The review admin, driven as a superuser would: moderation never lets the course rating drift."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from django_coursehub.catalog.models import Course
from django_coursehub.reviews.models import Review
from django_coursehub.reviews.services import review_create
from tests.factories import CourseFactory, EnrollmentFactory
from tests.test_reviews_services import assert_rating_is_exact, stored_rating

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/coursehub/review/"


def change_page(review: Review) -> str:
    return f"{CHANGELIST}{review.pk}/change/"


def reviews_of(course: Course, *ratings: int) -> list[Review]:
    return [
        review_create(
            user=EnrollmentFactory(course=course).user,
            course=course,
            rating=rating,
            comment=f"Rated {rating}",
        )
        for rating in ratings
    ]


@pytest.fixture
def course() -> Course:
    return CourseFactory(title="Python asoslari")


def test_changelist_loads_for_a_superuser(admin_client, course):
    reviews_of(course, 5, 3)

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"q": "Python"}, 2),
        ({"q": '"Rated 3"'}, 1),
        ({"rating": "3"}, 1),
        ({"created_at__year": str(timezone.localdate().year)}, 3),
    ],
    ids=["search-course", "search-comment", "filter-rating", "date-hierarchy"],
)
def test_changelist_search_and_filters_work(admin_client, course, query, found):
    reviews_of(course, 5, 3)
    reviews_of(CourseFactory(title="Django"), 4)

    response = admin_client.get(CHANGELIST, query)

    assert response.status_code == 200
    assert response.context["cl"].result_count == found


def test_changelist_filters_one_course(admin_client, course):
    reviews_of(course, 5, 3)
    reviews_of(CourseFactory(), 4)

    response = admin_client.get(CHANGELIST, {"course__id__exact": course.pk})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def test_change_page_loads_for_a_superuser(admin_client, course):
    [review] = reviews_of(course, 4)

    response = admin_client.get(change_page(review))

    assert response.status_code == 200
    assert "Rated 4" in response.content.decode()


def test_reviews_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_a_review_cannot_be_rewritten_in_the_admin(admin_client, course):
    [review] = reviews_of(course, 4)

    admin_client.post(change_page(review), {"rating": 1, "comment": "Edited by staff"})

    assert Review.objects.values_list("rating", "comment").get() == (4, "Rated 4")
    assert_rating_is_exact(course)


def test_deleting_a_review_in_the_admin_keeps_the_course_rating_exact(admin_client, course):
    review, _kept = reviews_of(course, 1, 5)

    response = admin_client.post(f"{CHANGELIST}{review.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Review.objects.filter(pk=review.pk).exists()
    assert stored_rating(course) == {
        "rating_avg": Decimal("5.00"),
        "rating_count": 1,
        "rating_histogram": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
    }
    assert_rating_is_exact(course)


def test_bulk_deleting_reviews_in_the_admin_keeps_every_course_rating_exact(admin_client, course):
    other = CourseFactory()
    doomed = reviews_of(course, 1, 2, 5) + reviews_of(other, 3)
    reviews_of(course, 4)
    reviews_of(other, 5, 5)

    response = admin_client.post(
        CHANGELIST,
        {
            "action": "delete_selected",
            "_selected_action": [review.pk for review in doomed],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert Review.objects.count() == 3
    assert stored_rating(course)["rating_histogram"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    assert stored_rating(other)["rating_avg"] == Decimal("5.00")
    assert_rating_is_exact(course)
    assert_rating_is_exact(other)


def test_bulk_deleting_every_review_of_a_course_resets_its_rating(admin_client, course):
    doomed = reviews_of(course, 2, 3, 4)

    admin_client.post(
        CHANGELIST,
        {
            "action": "delete_selected",
            "_selected_action": [review.pk for review in doomed],
            "post": "yes",
        },
    )

    assert stored_rating(course)["rating_count"] == 0
    assert stored_rating(course)["rating_avg"] == Decimal("0")
    assert_rating_is_exact(course)


def test_the_course_admin_shows_the_rating_read_only(admin_client, course):
    reviews_of(course, 4, 5)

    response = admin_client.get(f"/admin/coursehub/course/{course.pk}/change/")

    assert response.status_code == 200
    assert "4.50" in response.content.decode()
    assert 'name="rating_avg"' not in response.content.decode()
