from __future__ import annotations

from typing import Any

from django_coursehub.conf import app_settings


def holds_add_course_permission(user: Any) -> bool:
    """Default ``IS_INSTRUCTOR`` check: the user may add courses (``coursehub.add_course``)."""
    return bool(user.is_active and user.has_perm("coursehub.add_course"))


def is_instructor(user: Any) -> bool:
    """Whether ``user`` may create courses, as decided by ``COURSEHUB["IS_INSTRUCTOR"]``."""
    if not user.is_authenticated:
        return False
    return bool(app_settings.IS_INSTRUCTOR(user))
