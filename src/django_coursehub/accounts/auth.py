"""Authentication classes for the package's routers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from django_coursehub.accounts.languages import speak_profile_language
from django_coursehub.accounts.schemas import MAX_TOKEN_LENGTH
from django_coursehub.accounts.tokens import user_for_access_token
from django_coursehub.conf import app_settings


class AuthenticatedRequest(HttpRequest):
    """The request of an operation behind ``jwt_auth``: ``auth`` is the caller's account."""

    auth: AbstractBaseUser


class OptionalAuthRequest(HttpRequest):
    """The request of an operation behind ``optional_jwt_auth``: anonymous callers included."""

    auth: AbstractBaseUser | AnonymousUser


class JWTAuth(HttpBearer):
    """``Authorization: Bearer <access>``; answers 401 when the token is missing or invalid."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        if len(token) > MAX_TOKEN_LENGTH or "\x00" in token:
            return None
        user = user_for_access_token(token)
        if user is not None:
            request.user = user
            if app_settings.USE_PROFILE_LANGUAGE:
                speak_profile_language(request, user)
        return user


class OptionalJWTAuth(JWTAuth):
    """Anonymous access allowed; a token that is sent must still be valid (else 401)."""

    def __call__(self, request: HttpRequest) -> Any | None:
        if not request.headers.get(self.header):
            request.user = AnonymousUser()
            return request.user
        return super().__call__(request)


jwt_auth = JWTAuth()
optional_jwt_auth = OptionalJWTAuth()

#: ``openapi_extra`` of every operation behind ``optional_jwt_auth``: its OpenAPI security
#: lists the empty requirement next to the bearer token, which is how OpenAPI says "a token is
#: optional". django-ninja documents an auth class as required and has no flag for this.
ANONYMOUS_ALLOWED: dict[str, Any] = {"security": [{}]}
