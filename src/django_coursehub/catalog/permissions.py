"""Who may see and change what in the catalogue. Pure functions over loaded objects."""

from __future__ import annotations

from typing import Any

from django_coursehub.catalog.models import Course


def can_manage_course(user: Any, course: Course) -> bool:
    """Owners and staff may edit a course and everything in it."""
    return bool(user.is_authenticated and (user.is_staff or course.owner_id == user.pk))


def can_view_course(user: Any, course: Course) -> bool:
    """Published courses are public; drafts and archived courses only to who manages them."""
    return course.status == Course.Status.PUBLISHED or can_manage_course(user, course)


def can_view_lesson_bodies(user: Any, course: Course) -> bool:
    """Whether ``user`` sees the content of every lesson of ``course`` (previews are public)."""
    return can_manage_course(user, course)
