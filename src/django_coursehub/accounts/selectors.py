from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model


def user_with_profile(user_id: int) -> Any:
    """The user with their profile joined in (one query)."""
    return get_user_model()._default_manager.select_related("coursehub_profile").get(pk=user_id)
