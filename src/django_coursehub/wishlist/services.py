from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course
from django_coursehub.exceptions import Conflict
from django_coursehub.wishlist.models import WishlistItem


def wishlist_add(*, user: Any, course: Course) -> tuple[WishlistItem, bool]:
    """Save a published ``course`` to ``user``'s wishlist; returns the entry and whether it is new.

    Saving twice is harmless: the second call returns the first entry, also when both race
    (the database's unique constraint decides).
    """
    if course.status != Course.Status.PUBLISHED:
        raise Conflict(
            _("Only published courses can be added to a wishlist."), code="course_not_published"
        )
    try:
        with transaction.atomic():
            return WishlistItem.objects.create(user=user, course=course), True
    except IntegrityError:
        return WishlistItem.objects.get(user=user, course=course), False


def wishlist_remove(*, user: Any, course_id: int) -> bool:
    """Take a course off ``user``'s wishlist; returns whether it was there."""
    deleted, _per_model = WishlistItem.objects.filter(user=user, course_id=course_id).delete()
    return deleted > 0
