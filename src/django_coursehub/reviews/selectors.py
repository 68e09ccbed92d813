from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course
from django_coursehub.exceptions import NotFound
from django_coursehub.reviews.models import Review

#: Also the answer for someone else's review that the caller may not change: "not yours" and
#: "not there" look the same.
REVIEW_NOT_FOUND = _("Review not found.")


class CourseReviews:
    """One course's reviews, newest first, counted by the course's ``rating_count`` (which the
    review services keep exact) instead of row by row."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self.reviews = _newest_first(Review.objects.filter(course=course))

    def count(self) -> int:
        return self.course.rating_count

    def __getitem__(self, page: slice) -> QuerySet[Review]:
        return self.reviews[page]


def review_list(*, course: Course | None = None) -> QuerySet[Review] | CourseReviews:
    """The reviews of every published course, or of ``course`` (one the caller may see),
    newest first."""
    if course is not None:
        return CourseReviews(course)
    return _newest_first(Review.objects.filter(course__status=Course.Status.PUBLISHED))


def _newest_first(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return reviews.select_related("user").order_by("-created_at", "-id")


def review_get(*, review_id: int) -> Review:
    try:
        return Review.objects.select_related("user", "course").get(pk=review_id)
    except Review.DoesNotExist as error:
        raise NotFound(REVIEW_NOT_FOUND) from error
