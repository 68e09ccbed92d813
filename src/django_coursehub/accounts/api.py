from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from django_coursehub.accounts import services
from django_coursehub.accounts.auth import AuthenticatedRequest, jwt_auth
from django_coursehub.accounts.schemas import (
    AccessOut,
    AccountDeleteIn,
    LoginIn,
    PasswordChangeIn,
    ProfileIn,
    ProfileOut,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    TokenPairOut,
)
from django_coursehub.accounts.selectors import user_with_profile
from django_coursehub.conf import app_settings
from django_coursehub.schemas import MessageOut, error_responses

router = Router(tags=["auth"])


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting ``X-Forwarded-For`` only as far as ``NUM_PROXIES`` says.

    With ``NUM_PROXIES = N``, the N-th address from the right of ``X-Forwarded-For`` is the one
    your last trusted proxy saw; anything to its left was written by the client and is ignored.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    num_proxies = app_settings.NUM_PROXIES
    if num_proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if forwarded:
            return forwarded[-min(num_proxies, len(forwarded))]
    return remote_addr


@router.post(
    "/register/",
    auth=None,
    response={201: RegisterOut, **error_responses(400, 403, 409)},
    summary="Create an account",
    url_name="coursehub-register",
)
def register(request: HttpRequest, payload: RegisterIn) -> Any:
    user = services.user_register(**payload.dict())
    user.tokens = services.tokens_issue(user=user)
    return Status(201, user)


@router.post(
    "/login/",
    auth=None,
    response={200: TokenPairOut, **error_responses(400, 401, 429)},
    summary="Log in with username (or e-mail) and password",
    url_name="coursehub-login",
)
def login(request: HttpRequest, payload: LoginIn) -> Any:
    return services.user_login(
        identifier=payload.username, password=payload.password, client_ip=client_ip(request)
    )


@router.post(
    "/refresh/",
    auth=None,
    response={200: AccessOut, **error_responses(400, 401)},
    summary="Get a new access token (and a rotated refresh token when rotation is on)",
    url_name="coursehub-refresh",
)
def refresh(request: HttpRequest, payload: RefreshIn) -> Any:
    return services.token_refresh(refresh=payload.refresh)


@router.post(
    "/logout/",
    auth=jwt_auth,
    response={200: MessageOut, **error_responses(400, 401, 403)},
    summary="Blacklist a refresh token",
    url_name="coursehub-logout",
)
def logout(request: AuthenticatedRequest, payload: RefreshIn) -> Any:
    services.token_blacklist(user=request.auth, refresh=payload.refresh)
    return {"detail": _("Logged out.")}


@router.post(
    "/password/",
    auth=jwt_auth,
    response={200: TokenPairOut, **error_responses(400, 401, 429)},
    summary="Change my password (all earlier tokens stop working)",
    url_name="coursehub-password-change",
)
def password_change(request: AuthenticatedRequest, payload: PasswordChangeIn) -> Any:
    return services.password_change(
        user=request.auth,
        old_password=payload.old_password,
        new_password=payload.new_password,
        client_ip=client_ip(request),
    )


@router.post(
    "/delete-account/",
    auth=jwt_auth,
    response={204: None, **error_responses(400, 401, 409, 429)},
    summary="Delete my account (my personal data is erased)",
    description=(
        "Confirmed with the current password. The name, e-mail address, password, profile, "
        "notifications and wishlist are erased and the account is closed; enrollments, reviews, "
        "orders and certificates stay, under the username `erased-<id>`. Every token stops "
        "working. An instructor who still owns courses gets 409 `owns_courses`."
    ),
    url_name="coursehub-delete-account",
)
def delete_account(request: AuthenticatedRequest, payload: AccountDeleteIn) -> Any:
    services.account_close(
        user=request.auth, password=payload.password, client_ip=client_ip(request)
    )
    return Status(204, None)


@router.get(
    "/profile/",
    auth=jwt_auth,
    response={200: ProfileOut, **error_responses(401)},
    summary="My profile",
    url_name="coursehub-profile",
)
def profile(request: AuthenticatedRequest) -> Any:
    return user_with_profile(request.auth.pk)


@router.put(
    "/profile/",
    auth=jwt_auth,
    response={200: ProfileOut, **error_responses(400, 401, 409)},
    summary="Replace my profile's editable fields",
    url_name="coursehub-profile-put",
)
def profile_replace(request: AuthenticatedRequest, payload: ProfileIn) -> Any:
    return services.profile_update(user=request.auth, changes=payload.dict(exclude_unset=True))


@router.patch(
    "/profile/",
    auth=jwt_auth,
    response={200: ProfileOut, **error_responses(400, 401, 409)},
    summary="Change some of my profile's fields",
    url_name="coursehub-profile-patch",
)
def profile_partial_update(request: AuthenticatedRequest, payload: ProfileIn) -> Any:
    return services.profile_update(user=request.auth, changes=payload.dict(exclude_unset=True))
