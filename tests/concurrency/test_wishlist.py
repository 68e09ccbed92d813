"""The wishlist under parallel saves: one entry per user and course, whoever wins."""

from __future__ import annotations

from collections import Counter

from django_coursehub.wishlist.models import WishlistItem
from tests.concurrency.threads import run_in_parallel
from tests.conftest import ApiClient
from tests.factories import CourseFactory, UserFactory
from tests.test_wishlist import LIST


def test_parallel_saves_of_one_course_make_one_entry_and_one_201() -> None:
    user, course = UserFactory(), CourseFactory()

    statuses = run_in_parallel(
        lambda _index: (
            ApiClient(user, raise_request_exception=False)
            .post(LIST, {"course": course.pk})
            .status_code
        )
    )

    assert Counter(statuses) == {201: 1, 200: len(statuses) - 1}
    assert WishlistItem.objects.filter(user=user, course=course).count() == 1
