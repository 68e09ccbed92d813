from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course
from django_coursehub.exceptions import NotFound
from django_coursehub.reviews.models import Review

#: Also the answer for someone else's review that the caller may not change: "not yours" and
#: "not there" look the same.
REVIEW_NOT_FOUND = _("Review not found.")


def review_list(*, course_id: int | None = None) -> QuerySet[Review]:
    """Reviews of published courses (or of one course), newest first."""
    reviews = Review.objects.select_related("user")
    if course_id is None:
        reviews = reviews.filter(course__status=Course.Status.PUBLISHED)
    else:
        reviews = reviews.filter(course_id=course_id)
    return reviews.order_by("-created_at", "-id")


def review_get(*, review_id: int) -> Review:
    try:
        return Review.objects.select_related("user", "course").get(pk=review_id)
    except Review.DoesNotExist as error:
        raise NotFound(REVIEW_NOT_FOUND) from error
