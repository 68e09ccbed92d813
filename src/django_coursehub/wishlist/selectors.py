from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from django_coursehub.catalog.models import Course
from django_coursehub.catalog.selectors import CARD_FIELDS, course_card
from django_coursehub.wishlist.models import WishlistItem


def wishlist_courses(*, user: Any) -> QuerySet[Course]:
    """The published courses ``user`` saved, most recently saved first.

    Drafts and archived courses stay in the wishlist but are hidden: they reappear if the
    course is published again.
    """
    return (
        Course.objects.filter(wishlisted_by__user=user, status=Course.Status.PUBLISHED)
        .annotate(added_at=F("wishlisted_by__created_at"), entry_id=F("wishlisted_by__id"))
        .order_by("-added_at", "-entry_id")
    )


def wishlist_cards(courses: QuerySet[Course]) -> list[dict[str, Any]]:
    """Course cards (``WishlistCourseOut``) of a page of :func:`wishlist_courses`, one query."""
    return [
        {**course_card(row), "added_at": row["added_at"]}
        for row in courses.values(*CARD_FIELDS, "added_at")
    ]


def course_is_saved(*, user: Any, course_id: int) -> bool:
    """Whether ``user`` saved the course, hidden or not; one query, none anonymous."""
    if not user.is_authenticated:
        return False
    return WishlistItem.objects.filter(user=user, course_id=course_id).exists()


def wishlist_card(*, user: Any, course_id: int) -> dict[str, Any]:
    return wishlist_cards(wishlist_courses(user=user).filter(pk=course_id))[0]
