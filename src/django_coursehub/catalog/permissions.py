"""Who may see and change what in the catalogue.

Visibility depends on enrollments (learners read lesson bodies and keep archived courses), the
one place where the catalogue looks at the learning domain's data.
"""

from __future__ import annotations

from typing import Any

from django_coursehub.catalog.models import Course
from django_coursehub.learning.models import Enrollment


def can_manage_course(user: Any, course: Course) -> bool:
    """Owners and staff may edit a course and everything in it."""
    return _is_owner_or_staff(user, course.owner_id)


def _is_owner_or_staff(user: Any, owner_id: int) -> bool:
    return bool(user.is_authenticated and (user.is_staff or owner_id == user.pk))


def is_learner(user: Any, course: Course | int) -> bool:
    """Whether ``user`` holds an enrollment in ``course`` (or the course of that id) that gives
    access (one query)."""
    return bool(
        user.is_authenticated
        and Enrollment.objects.giving_access().filter(user=user, course=course).exists()
    )


def can_view_course(user: Any, course: Course) -> bool:
    """Published courses are public. An unpublished one (draft or archived) is visible to who
    manages it and to its learners, who keep what they enrolled in."""
    return can_view_course_fields(
        user, course_id=course.pk, owner_id=course.owner_id, status=course.status
    )


def can_view_course_fields(user: Any, *, course_id: int, owner_id: int, status: str) -> bool:
    """:func:`can_view_course` for a course read as values rather than as an instance."""
    if status == Course.Status.PUBLISHED:
        return True
    return _is_owner_or_staff(user, owner_id) or is_learner(user, course_id)


def can_view_lesson_bodies(user: Any, course: Course) -> bool:
    """Whether ``user`` sees the content of every lesson of ``course`` (previews are public):
    its learners, its owner and staff."""
    return can_manage_course(user, course) or is_learner(user, course)
