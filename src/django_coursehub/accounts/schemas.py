from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from django_coursehub.accounts.permissions import is_instructor
from django_coursehub.schemas import InputSchema, text

# Django's password hashers cost the same for any length up to this; longer is an attack.
MAX_PASSWORD_LENGTH = 4096
MAX_TOKEN_LENGTH = 4096


class RegisterIn(InputSchema):
    username: text(150, min_length=1)
    email: text(254, min_length=3)
    password: text(MAX_PASSWORD_LENGTH, min_length=1, strip=False)
    first_name: text(150) = ""
    last_name: text(150) = ""


class LoginIn(InputSchema):
    username: text(254, min_length=1) = Field(description="Username or e-mail address.")
    password: text(MAX_PASSWORD_LENGTH, min_length=1, strip=False)


class RefreshIn(InputSchema):
    refresh: text(MAX_TOKEN_LENGTH, min_length=1)


class TokenPairOut(Schema):
    access: str
    refresh: str


class AccessOut(Schema):
    access: str
    refresh: str | None = Field(None, description="Present when refresh-token rotation is on.")


class PasswordChangeIn(InputSchema):
    old_password: text(MAX_PASSWORD_LENGTH, min_length=1, strip=False)
    new_password: text(MAX_PASSWORD_LENGTH, min_length=1, strip=False)


class ProfileIn(InputSchema):
    """Editable profile fields. PUT and PATCH both change only the fields that are sent."""

    first_name: text(150) = None
    last_name: text(150) = None
    email: text(254, min_length=3) = None
    headline: text(150) = None
    bio: text(5000) = None
    avatar_url: text(500) = None
    preferred_language: text(10) = None


def _profile_attr(user: Any, name: str) -> str:
    profile = getattr(user, "coursehub_profile", None)
    return getattr(profile, name, "") if profile is not None else ""


class ProfileOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    full_name: str
    headline: str
    bio: str
    avatar_url: str
    preferred_language: str
    is_instructor: bool
    is_staff: bool
    date_joined: datetime

    @staticmethod
    def resolve_full_name(user: Any) -> str:
        return user.get_full_name()

    @staticmethod
    def resolve_headline(user: Any) -> str:
        return _profile_attr(user, "headline")

    @staticmethod
    def resolve_bio(user: Any) -> str:
        return _profile_attr(user, "bio")

    @staticmethod
    def resolve_avatar_url(user: Any) -> str:
        return _profile_attr(user, "avatar_url")

    @staticmethod
    def resolve_preferred_language(user: Any) -> str:
        return _profile_attr(user, "preferred_language")

    @staticmethod
    def resolve_is_instructor(user: Any) -> bool:
        return is_instructor(user)


class RegisterOut(ProfileOut):
    tokens: TokenPairOut
