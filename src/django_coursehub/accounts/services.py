"""Account state changes: registration, login, tokens, profile, password and erasure."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.models import update_last_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from ninja_jwt.exceptions import TokenError
from ninja_jwt.settings import api_settings as jwt_settings
from ninja_jwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from ninja_jwt.tokens import RefreshToken
from ninja_jwt.utils import datetime_from_epoch

from django_coursehub.accounts.models import Profile
from django_coursehub.accounts.throttling import reserve_login_attempt, reset_login_failures
from django_coursehub.accounts.tokens import (
    AccessOnly,
    TokenPair,
    token_pair_for_user,
    user_for_token,
)
from django_coursehub.catalog.models import Course
from django_coursehub.conf import app_settings
from django_coursehub.exceptions import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
)
from django_coursehub.notifications.delivery import reviewer_renamed
from django_coursehub.notifications.models import Notification, NotificationPreference
from django_coursehub.reviews.models import Review
from django_coursehub.signals import account_erased, send_on_commit
from django_coursehub.validators import validate_email_address, validate_web_url
from django_coursehub.wishlist.models import WishlistItem

USER_FIELDS = ("first_name", "last_name", "email")
PROFILE_FIELDS = ("headline", "bio", "avatar_url", "preferred_language")

ACCOUNT_EXISTS = _("An account with this username or e-mail address already exists.")
INVALID_CREDENTIALS = _("Unable to log in with the provided credentials.")
INVALID_TOKEN = _("The token is invalid, expired or already used.")


def _field_error(field: str, error: ValidationError) -> InvalidInput:
    return InvalidInput(errors={field: [str(message) for message in error.messages]})


def _validate_email(email: str) -> str:
    try:
        validate_email_address(email)
    except ValidationError as error:
        raise _field_error("email", error) from error
    return email


def _email_taken(email: str, *, exclude_user_id: int | None = None) -> bool:
    users = get_user_model()._default_manager.filter(email__iexact=email)
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return users.exists()


@transaction.atomic
def user_register(
    *, username: str, email: str, password: str, first_name: str = "", last_name: str = ""
) -> Any:
    """Create an active student account.

    Raises :class:`PermissionDenied` when registration is closed, :class:`InvalidInput` for a
    bad username, e-mail or password, and :class:`Conflict` (one message for both cases) when
    the username or e-mail address is taken.
    """
    if not app_settings.REGISTRATION_OPEN:
        raise PermissionDenied(_("Registration is closed."), code="registration_closed")
    user_model = get_user_model()
    # NFKC, as Django's own forms do, so a full-width look-alike of "admin" is "admin".
    username = user_model.normalize_username(username)
    user = user_model(
        username=username, email=_validate_email(email), first_name=first_name, last_name=last_name
    )
    try:
        user_model._meta.get_field("username").run_validators(username)
    except ValidationError as error:
        raise _field_error("username", error) from error
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise _field_error("password", error) from error

    manager = user_model._default_manager
    if manager.filter(username__iexact=username).exists() or _email_taken(email):
        raise Conflict(ACCOUNT_EXISTS, code="account_exists")
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # lost a race for the same username
        raise Conflict(ACCOUNT_EXISTS, code="account_exists") from error
    Profile.objects.create(user=user)
    return user


def tokens_issue(*, user: Any) -> TokenPair:
    """Issue a token pair for ``user`` (recorded as outstanding for later blacklisting)."""
    return token_pair_for_user(user)


def _login_account(identifier: str) -> tuple[str, Any | None]:
    """The username whose password a login with ``identifier`` checks, and that account's pk.

    An exact username wins, so nobody can capture a login by taking someone's e-mail-shaped
    username as their own e-mail address; then a unique e-mail address. The pk is None when no
    account answers to the identifier.
    """
    user_model = get_user_model()
    manager = user_model._default_manager
    username_field = user_model.USERNAME_FIELD
    exact = list(manager.filter(**{username_field: identifier}).values_list("pk", flat=True)[:1])
    if exact:
        return identifier, exact[0]
    if "@" in identifier:
        by_email = list(
            manager.filter(email__iexact=identifier).values_list("pk", username_field)[:2]
        )
        if len(by_email) == 1:
            return by_email[0][1], by_email[0][0]
    # A case variant of a username fails with Django's backend, but might not with a host's
    # case-insensitive one: it must count against the account, not get a counter of its own.
    by_case = manager.filter(**{f"{username_field}__iexact": identifier})
    similar = list(by_case.values_list("pk", flat=True)[:2])
    return identifier, similar[0] if len(similar) == 1 else None


def user_login(*, identifier: str, password: str, client_ip: str) -> TokenPair:
    """Check credentials (username or e-mail) and issue a token pair.

    Failures are counted per identifier and client IP (``LOGIN_FAILURE_LIMIT``) and per account
    from all addresses together (``LOGIN_ACCOUNT_FAILURE_LIMIT``); past either limit within
    ``LOGIN_FAILURE_WINDOW`` seconds the login raises :class:`Throttled` without checking the
    password. Every failure gives the same message, whether or not the account exists.
    """
    identifier = unicodedata.normalize("NFKC", identifier)  # as Django's login form does
    username, account_pk = _login_account(identifier)
    # An unknown identifier is limited under its own name, exactly like an account, so the
    # limits reveal nothing about which accounts exist.
    account = f"user:{account_pk}" if account_pk is not None else f"name:{identifier.casefold()}"
    reserve_login_attempt(identifier, client_ip, account=account)
    user = authenticate(username=username, password=password)
    if user is None:
        raise NotAuthenticated(INVALID_CREDENTIALS, code="invalid_credentials")
    reset_login_failures(identifier, client_ip, account=account)
    if jwt_settings.UPDATE_LAST_LOGIN:
        update_last_login(type(user), user)  # the user's class is the sender Django sends
    return token_pair_for_user(user)


def _verified_refresh_token(raw: str) -> tuple[RefreshToken, Any]:
    try:
        token = RefreshToken(raw)
    except TokenError as error:
        raise NotAuthenticated(INVALID_TOKEN, code="token_not_valid") from error
    user = user_for_token(token)
    if user is None:
        raise NotAuthenticated(INVALID_TOKEN, code="token_not_valid")
    return token, user


def _blacklist_once(token: RefreshToken, raw: str, user: Any) -> None:
    """Blacklist ``token``; raise if another request blacklisted it first.

    The unique row in the blacklist is the lock: of several parallel uses of one refresh
    token, exactly one insert succeeds.
    """
    try:
        with transaction.atomic():
            outstanding, _created = OutstandingToken.objects.get_or_create(
                # JTI_CLAIM is typed optional; read the payload as ninja-jwt's blacklist() does.
                jti=token.payload[jwt_settings.JTI_CLAIM],
                defaults={
                    "user": user,
                    "token": raw,
                    "expires_at": datetime_from_epoch(token["exp"]),
                },
            )
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError as error:
        raise NotAuthenticated(INVALID_TOKEN, code="token_not_valid") from error


def token_refresh(*, refresh: str) -> AccessOnly | TokenPair:
    """Exchange a refresh token for a new access token.

    With ``ROTATE_REFRESH_TOKENS`` on, the used refresh token is blacklisted and a new pair is
    returned; concurrent refreshes of the same token yield exactly one new pair.
    """
    token, user = _verified_refresh_token(refresh)
    if not jwt_settings.ROTATE_REFRESH_TOKENS:
        return {"access": str(token.access_token)}
    _blacklist_once(token, refresh, user)
    return token_pair_for_user(user)


def token_blacklist(*, user: Any, refresh: str) -> None:
    """Log out: the refresh token can no longer be used."""
    token, token_user = _verified_refresh_token(refresh)
    if token_user.pk != user.pk:
        raise PermissionDenied(_("This token belongs to another user."), code="token_not_yours")
    _blacklist_once(token, refresh, user)


def _confirm_password(user: Any, password: str, *, field: str, client_ip: str) -> None:
    """Check the caller's current password, with guesses throttled like logins, so that a
    stolen access token cannot be used to find the password (or to close the account)."""
    throttle_key = f"current-password:{user.pk}"
    reserve_login_attempt(throttle_key, client_ip, account=throttle_key)
    if not user.check_password(password):
        raise InvalidInput(errors={field: [str(_("The current password is wrong."))]})
    reset_login_failures(throttle_key, client_ip, account=throttle_key)


@transaction.atomic
def password_change(
    *, user: Any, old_password: str, new_password: str, client_ip: str
) -> TokenPair:
    """Set a new password; every token issued before stops working. Returns a fresh pair.

    Guesses of the current password are throttled like logins, so a stolen access token cannot
    be used to find the password.
    """
    _confirm_password(user, old_password, field="old_password", client_ip=client_ip)
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise _field_error("new_password", error) from error
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return token_pair_for_user(user)


def _validate_profile_changes(user: Any, changes: dict[str, Any]) -> None:
    if "email" in changes:
        _validate_email(changes["email"])
        if _email_taken(changes["email"], exclude_user_id=user.pk):
            raise Conflict(ACCOUNT_EXISTS, code="account_exists")
    if changes.get("avatar_url"):
        try:
            validate_web_url(changes["avatar_url"])
        except ValidationError as error:
            raise _field_error("avatar_url", error) from error
    language = changes.get("preferred_language")
    if language and language not in dict(settings.LANGUAGES):
        raise InvalidInput(
            errors={"preferred_language": [str(_("Not one of the site's languages."))]}
        )


@transaction.atomic
def profile_update(*, user: Any, changes: dict[str, Any]) -> Any:
    """Change the user's own names, e-mail and profile fields; nothing else is writable."""
    _validate_profile_changes(user, changes)
    user_changes = {k: v for k, v in changes.items() if k in USER_FIELDS}
    if user_changes:
        for name, value in user_changes.items():
            setattr(user, name, value)
        user.save(update_fields=list(user_changes))
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile_changes = {k: v for k, v in changes.items() if k in PROFILE_FIELDS}
    if profile_changes:
        for name, value in profile_changes.items():
            setattr(profile, name, value)
        profile.save(update_fields=[*profile_changes, "updated_at"])
    user.coursehub_profile = profile
    return user


@transaction.atomic
def account_erase(*, user: Any) -> Any:
    """Erase the personal data of an account and close it for good; returns the closed user.

    The name, e-mail address, password, profile, notifications, notification preferences,
    wishlist and the text of reviews go. What other people and the books rely on stays, under
    the placeholder username ``erased-<id>``, which the course owners' "new review"
    notifications name from then on: enrollments and progress (course statistics), the reviews'
    star ratings (course ratings), orders and provider transactions (accounting), and issued
    certificates, which keep the holder's name as issued (staff may revoke them). An instructor
    who still owns courses is refused with :class:`Conflict`: their learners depend on those
    courses.
    """
    user = get_user_model()._default_manager.select_for_update().get(pk=user.pk)
    if Course.objects.filter(owner=user).exists():
        raise Conflict(
            _("You still own courses. Ask the site's staff to hand them over first."),
            code="owns_courses",
        )
    for field in ("first_name", "last_name", user.get_email_field_name()):
        if hasattr(user, field):
            setattr(user, field, "")
    setattr(user, user.USERNAME_FIELD, f"erased-{user.pk}")
    user.set_unusable_password()
    user.is_active = False
    user.save()
    Profile.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    WishlistItem.objects.filter(user=user).delete()
    # The stars count in the course's rating; the words were the person's own, and may name them.
    Review.objects.filter(user=user).update(comment="")
    reviewer_renamed(reviewer=user)
    send_on_commit(account_erased, sender=type(user), user=user)
    return user


@transaction.atomic
def account_close(*, user: Any, password: str, client_ip: str) -> None:
    """The user closes their own account: the password confirms it, then :func:`account_erase`."""
    _confirm_password(user, password, field="password", client_ip=client_ip)
    account_erase(user=user)
