"""JWT issuance and verification on top of django-ninja-jwt.

Every token carries a ``pwd`` claim derived from the user's password hash, so changing the
password invalidates all tokens issued before the change, however it was changed.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare
from ninja_jwt.exceptions import TokenError
from ninja_jwt.settings import api_settings as jwt_settings
from ninja_jwt.tokens import AccessToken, RefreshToken

PASSWORD_STAMP_CLAIM = "pwd"


class TokenPair(TypedDict):
    access: str
    refresh: str


class AccessOnly(TypedDict):
    access: str


def password_stamp(user: Any) -> str:
    return user.get_session_auth_hash()[:20]


def token_pair_for_user(user: Any) -> TokenPair:
    # ninja-jwt annotates ``for_user(cls: T) -> T`` with T bound to a token instance, so mypy
    # takes the class for the instance and reads the result as ``type[RefreshToken]``.
    refresh = cast(RefreshToken, RefreshToken.for_user(user))  # type: ignore[misc]
    refresh[PASSWORD_STAMP_CLAIM] = password_stamp(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def user_for_token(token: AccessToken | RefreshToken) -> Any | None:
    """The active user a verified token belongs to, or None if it no longer applies."""
    user_model = get_user_model()
    try:
        # The profile comes in the same query: it names the language the caller is answered in.
        user = user_model._default_manager.select_related("coursehub_profile").get(
            **{jwt_settings.USER_ID_FIELD: token[jwt_settings.USER_ID_CLAIM]}
        )
    except (KeyError, user_model.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if not user.is_active:
        return None
    if not constant_time_compare(str(token.get(PASSWORD_STAMP_CLAIM, "")), password_stamp(user)):
        return None
    return user


def user_for_access_token(raw: str) -> Any | None:
    try:
        token = AccessToken(raw)
    except TokenError:
        return None
    return user_for_token(token)
