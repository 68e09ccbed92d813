from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, StringConstraints

from django_coursehub.accounts.permissions import is_instructor
from django_coursehub.schemas import (
    DocumentedPattern,
    InputSchema,
    NoNul,
    Omittable,
    OneOfSiteLanguages,
    WebUrl,
)
from django_coursehub.validators import EMAIL_PATTERN

# Django's password hashers cost the same for any length up to this; longer is an attack.
MAX_PASSWORD_LENGTH = 4096
MAX_TOKEN_LENGTH = 4096

Username = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=150), NoNul
]
#: Checked by the services with :func:`validators.validate_email_address`.
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
    NoNul,
    DocumentedPattern(EMAIL_PATTERN),
]
#: Taken as typed: leading and trailing spaces are part of a password.
Password = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH), NoNul]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=150), NoNul]
Headline = Annotated[str, StringConstraints(strip_whitespace=True, max_length=150), NoNul]
Bio = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000), NoNul]
#: One of Django's LANGUAGES, or "" for none (the site's default language).
LanguageCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=10),
    NoNul,
    OneOfSiteLanguages(blank=True),
]


class RegisterIn(InputSchema):
    username: Username
    email: Email
    password: Password
    first_name: PersonName = ""
    last_name: PersonName = ""


class LoginIn(InputSchema):
    username: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254), NoNul
    ] = Field(description="Username or e-mail address.")
    password: Password


class RefreshIn(InputSchema):
    refresh: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TOKEN_LENGTH),
        NoNul,
    ]


class TokenPairOut(Schema):
    access: str
    refresh: str


class AccessOut(Schema):
    access: str
    refresh: str | None = Field(None, description="Present when refresh-token rotation is on.")


class PasswordChangeIn(InputSchema):
    old_password: Password
    new_password: Password


class AccountDeleteIn(InputSchema):
    """The current password, confirming that the account's owner is asking."""

    password: Password


class ProfileIn(InputSchema):
    """Editable profile fields. PUT and PATCH both change only the fields that are sent."""

    first_name: Omittable[PersonName] = None
    last_name: Omittable[PersonName] = None
    email: Omittable[Email] = None
    headline: Omittable[Headline] = None
    bio: Omittable[Bio] = None
    avatar_url: Omittable[WebUrl] = None
    preferred_language: Omittable[LanguageCode] = None


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
