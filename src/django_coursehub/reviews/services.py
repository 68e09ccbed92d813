"""Reviews and the course's stored rating, kept equal to the true aggregate.

Every change locks the course row and adjusts its per-star counters; the average is derived
from those counters under the same lock, so concurrent reviews never lose an update.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from django_coursehub import signals
from django_coursehub.catalog.models import Course
from django_coursehub.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from django_coursehub.learning.models import Enrollment
from django_coursehub.reviews.models import Review

STAR_FIELDS = {star: f"rating_{star}_count" for star in range(1, 6)}


def _check_rating(rating: Any) -> None:
    # The database refuses other values too, but as an IntegrityError that would read as a
    # duplicate review (create) or escape as a server error (update).
    if isinstance(rating, bool) or rating not in STAR_FIELDS:
        raise InvalidInput(errors={"rating": [str(_("A rating is a whole number from 1 to 5."))]})


def _lock_course(course_id: int) -> Course:
    # NO KEY UPDATE serialises rating changes without blocking learners, whose services hold
    # the course row only FOR KEY SHARE.
    return Course.objects.select_for_update(no_key=True).get(pk=course_id)


def _apply_ratings(course: Course, *, add: int | None = None, remove: int | None = None) -> None:
    """Adjust the locked ``course``'s star counters and re-derive its count and average."""
    for star, delta in ((add, 1), (remove, -1)):
        if star is not None:
            field = STAR_FIELDS[star]
            setattr(course, field, getattr(course, field) + delta)
    counts = {star: getattr(course, field) for star, field in STAR_FIELDS.items()}
    course.rating_count = sum(counts.values())
    total = sum(star * count for star, count in counts.items())
    course.rating_avg = (
        (Decimal(total) / course.rating_count).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if course.rating_count
        else Decimal("0")
    )
    course.save(update_fields=[*STAR_FIELDS.values(), "rating_count", "rating_avg"])


@transaction.atomic
def review_create(*, user: Any, course: Course, rating: int, comment: str = "") -> Review:
    """Review a course one is enrolled in; one review per learner, never one's own course."""
    _check_rating(rating)
    course = _lock_course(course.pk)
    if course.owner_id == user.pk:
        raise PermissionDenied(_("You cannot review your own course."), code="own_course")
    if not Enrollment.objects.giving_access().filter(user=user, course=course).exists():
        raise PermissionDenied(
            _("Only enrolled learners can review a course."), code="not_enrolled"
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(user=user, course=course, rating=rating, comment=comment)
    except IntegrityError as error:
        raise Conflict(
            _("You have already reviewed this course."), code="already_reviewed"
        ) from error
    _apply_ratings(course, add=rating)
    signals.send_on_commit(signals.review_created, sender=Review, review=review)
    return review


def _locked_review(review: Review) -> Review:
    try:
        return Review.objects.select_for_update().get(pk=review.pk)
    except Review.DoesNotExist as error:
        raise NotFound(_("Review not found.")) from error


@transaction.atomic
def review_update(*, review: Review, changes: dict[str, Any]) -> Review:
    """Change the rating and/or comment; the course's rating follows."""
    if "rating" in changes:
        _check_rating(changes["rating"])
    course = _lock_course(review.course_id)
    review = _locked_review(review)
    old_rating = review.rating
    for name in ("rating", "comment"):
        if name in changes:
            setattr(review, name, changes[name])
    review.save(update_fields=["rating", "comment", "updated_at"])
    if review.rating != old_rating:
        _apply_ratings(course, add=review.rating, remove=old_rating)
    return review


@transaction.atomic
def review_delete(*, review: Review) -> None:
    course = _lock_course(review.course_id)
    review = _locked_review(review)
    review.delete()
    _apply_ratings(course, remove=review.rating)
