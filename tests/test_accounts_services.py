"""The account services called directly: no request, no HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.test import override_settings
from ninja_jwt.exceptions import TokenError
from ninja_jwt.settings import api_settings as jwt_settings
from ninja_jwt.token_blacklist.models import BlacklistedToken
from ninja_jwt.tokens import RefreshToken

from django_coursehub.accounts import services
from django_coursehub.accounts.models import Profile
from django_coursehub.accounts.tokens import user_for_access_token, user_for_token
from django_coursehub.certificates.models import Certificate
from django_coursehub.exceptions import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
    Throttled,
)
from django_coursehub.learning.models import Enrollment
from django_coursehub.notifications.models import NotificationPreference
from django_coursehub.reviews.models import Review
from django_coursehub.reviews.services import review_create
from django_coursehub.signals import account_erased
from django_coursehub.wishlist.models import WishlistItem
from tests.factories import (
    PASSWORD,
    CertificateFactory,
    CourseFactory,
    EnrollmentFactory,
    NotificationFactory,
    NotificationPreferenceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

IP = "192.0.2.1"
NEW_PASSWORD = "Samarqand-Buxoro-1924"


def fullwidth(ascii_text: str) -> str:
    """The look-alike of ``ascii_text`` in full-width letters (NFKC maps it back)."""
    return "".join(chr(ord(char) + 0xFEE0) for char in ascii_text)


def register(**overrides: Any) -> Any:
    fields = {
        "username": "jasur",
        "email": "jasur@example.uz",
        "password": "Tashkent-Samarqand-9",
        **overrides,
    }
    return services.user_register(**fields)


def refresh_is_usable(raw: str) -> bool:
    """Whether ``raw`` verifies (signature, expiry, blacklist) for a current user."""
    try:
        token = RefreshToken(raw)
    except TokenError:
        return False
    return user_for_token(token) is not None


# user_register ------------------------------------------------------------------------------


def test_register_creates_an_active_user_with_a_hashed_password_and_a_profile():
    user = register(first_name="Jasur", last_name="Aliyev")

    user.refresh_from_db()
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert user.check_password("Tashkent-Samarqand-9")
    assert user.password != "Tashkent-Samarqand-9"
    assert user.get_full_name() == "Jasur Aliyev"
    assert Profile.objects.filter(user=user).exists()


@override_settings(COURSEHUB={"REGISTRATION_OPEN": False})
def test_register_is_refused_while_registration_is_closed():
    with pytest.raises(PermissionDenied) as raised:
        register()
    assert raised.value.code == "registration_closed"
    assert not get_user_model().objects.exists()


def test_register_reports_weak_passwords_per_field():
    with pytest.raises(InvalidInput) as raised:
        register(password="jasur")
    assert list(raised.value.errors) == ["password"]
    assert len(raised.value.errors["password"]) >= 1


def test_register_checks_the_password_against_the_users_own_attributes():
    with pytest.raises(InvalidInput) as raised:
        register(username="muhammadjon", password="muhammadjon1")
    assert list(raised.value.errors) == ["password"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "no-at-sign"), ("email", "two@@example.uz"), ("username", "has space")],
)
def test_register_reports_a_malformed_field_by_name(field, value):
    with pytest.raises(InvalidInput) as raised:
        register(**{field: value})
    assert list(raised.value.errors) == [field]


@pytest.mark.parametrize(
    "clash", [{"username": "Jasur"}, {"email": "JASUR@example.uz"}, {"username": "JASUR"}]
)
def test_register_conflicts_with_an_existing_username_or_email_ignoring_case(clash):
    UserFactory(username="jasur", email="jasur@example.uz")
    with pytest.raises(Conflict) as raised:
        register(**{"username": "other", "email": "other@example.uz", **clash})
    assert raised.value.code == "account_exists"
    assert get_user_model().objects.count() == 1


def test_register_uses_one_message_for_username_and_email_conflicts():
    UserFactory(username="jasur", email="jasur@example.uz")
    with pytest.raises(Conflict) as by_username:
        register(email="free@example.uz")
    with pytest.raises(Conflict) as by_email:
        register(username="free")
    assert str(by_username.value.message) == str(by_email.value.message)


def test_register_normalizes_the_username_like_djangos_own_forms():
    user = register(username=fullwidth("jasur"))
    assert user.username == "jasur"


def test_register_refuses_a_lookalike_of_an_existing_username():
    UserFactory(username="admin", email="admin@example.uz")
    with pytest.raises(Conflict):
        register(username=fullwidth("admin"))


# user_login ---------------------------------------------------------------------------------


def test_login_by_username_returns_tokens_for_that_user():
    user = UserFactory()
    tokens = services.user_login(identifier=user.username, password=PASSWORD, client_ip=IP)
    assert user_for_access_token(tokens["access"]) == user
    assert refresh_is_usable(tokens["refresh"])


def test_login_by_email_ignores_case():
    user = UserFactory(email="Jasur@Example.uz")
    tokens = services.user_login(identifier="jasur@example.UZ", password=PASSWORD, client_ip=IP)
    assert user_for_access_token(tokens["access"]) == user


def test_login_by_an_email_shared_by_two_accounts_does_not_pick_one():
    UserFactory(email="shared@example.uz")
    UserFactory(email="shared@example.uz")
    with pytest.raises(NotAuthenticated):
        services.user_login(identifier="shared@example.uz", password=PASSWORD, client_ip=IP)


def test_login_with_a_username_that_looks_like_an_email_works():
    user = UserFactory(username="jasur@school", email="jasur@example.uz")
    tokens = services.user_login(identifier="jasur@school", password=PASSWORD, client_ip=IP)
    assert user_for_access_token(tokens["access"]) == user


@pytest.mark.parametrize(
    ("identifier", "password"),
    [("known", "wrong-password"), ("unknown", PASSWORD), ("inactive", PASSWORD)],
)
def test_every_login_failure_raises_the_same_error(identifier, password):
    UserFactory(username="known")
    UserFactory(username="inactive", is_active=False)
    with pytest.raises(NotAuthenticated) as raised:
        services.user_login(identifier=identifier, password=password, client_ip=IP)
    assert raised.value.code == "invalid_credentials"
    assert str(raised.value.message) == str(services.INVALID_CREDENTIALS)


@override_settings(COURSEHUB={"LOGIN_FAILURE_LIMIT": 2, "LOGIN_FAILURE_WINDOW": 60})
def test_login_is_throttled_per_identifier_and_client_ip():
    user = UserFactory()
    for _attempt in range(2):
        with pytest.raises(NotAuthenticated):
            services.user_login(identifier=user.username, password="wrong", client_ip=IP)

    with pytest.raises(Throttled) as raised:
        services.user_login(identifier=user.username, password=PASSWORD, client_ip=IP)
    assert 1 <= raised.value.retry_after <= 60
    assert services.user_login(identifier=user.username, password=PASSWORD, client_ip="192.0.2.2")


def test_login_updates_last_login():
    user = UserFactory()
    services.user_login(identifier=user.username, password=PASSWORD, client_ip=IP)
    user.refresh_from_db()
    assert user.last_login is not None


def test_login_normalizes_the_username_like_djangos_login_form():
    user = UserFactory(username="jasur")
    tokens = services.user_login(identifier=fullwidth("jasur"), password=PASSWORD, client_ip=IP)
    assert user_for_access_token(tokens["access"]) == user


@override_settings(COURSEHUB={"LOGIN_FAILURE_LIMIT": 2, "LOGIN_FAILURE_WINDOW": 60})
def test_overlapping_guesses_cannot_check_more_passwords_than_the_limit(monkeypatch):
    # One guess is still checking its password when the others arrive: each nested call below
    # plays a request that overlaps with the ones around it, without threads.
    checked: list[str] = []
    overlapping = iter(["guess-2", "guess-3", "guess-4"])

    def overlapping_authenticate(**credentials: Any) -> Any:
        checked.append(credentials["password"])
        following = next(overlapping, None)
        if following is not None:
            with pytest.raises((NotAuthenticated, Throttled)):
                services.user_login(identifier="target", password=following, client_ip=IP)
        return authenticate(**credentials)

    UserFactory(username="target")
    monkeypatch.setattr(services, "authenticate", overlapping_authenticate)
    with pytest.raises(NotAuthenticated):
        services.user_login(identifier="target", password="guess-1", client_ip=IP)

    assert len(checked) == 2


# token_refresh ------------------------------------------------------------------------------


def test_refresh_with_rotation_blacklists_the_used_token_and_returns_a_new_pair():
    user = UserFactory()
    tokens = services.tokens_issue(user=user)

    rotated = services.token_refresh(refresh=tokens["refresh"])

    assert set(rotated) == {"access", "refresh"}
    assert user_for_access_token(rotated["access"]) == user
    assert not refresh_is_usable(tokens["refresh"])
    assert refresh_is_usable(rotated["refresh"])
    with pytest.raises(NotAuthenticated) as raised:
        services.token_refresh(refresh=tokens["refresh"])
    assert raised.value.code == "token_not_valid"


def test_refresh_without_rotation_returns_only_a_working_access_token(monkeypatch):
    monkeypatch.setattr(jwt_settings, "ROTATE_REFRESH_TOKENS", False)
    user = UserFactory()
    tokens = services.tokens_issue(user=user)

    result = services.token_refresh(refresh=tokens["refresh"])

    assert set(result) == {"access"}
    assert user_for_access_token(result["access"]) == user
    assert refresh_is_usable(tokens["refresh"])


@pytest.mark.parametrize("raw", ["", "garbage", "a.b.c", "x" * 500])
def test_refresh_with_garbage_raises_not_authenticated(raw):
    with pytest.raises(NotAuthenticated):
        services.token_refresh(refresh=raw)


def test_refresh_of_an_inactive_users_token_is_refused():
    user = UserFactory()
    tokens = services.tokens_issue(user=user)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(NotAuthenticated):
        services.token_refresh(refresh=tokens["refresh"])


# token_blacklist ----------------------------------------------------------------------------


def test_blacklist_makes_the_refresh_token_unusable():
    user = UserFactory()
    tokens = services.tokens_issue(user=user)

    services.token_blacklist(user=user, refresh=tokens["refresh"])

    assert BlacklistedToken.objects.filter(token__user=user).count() == 1
    with pytest.raises(NotAuthenticated):
        services.token_refresh(refresh=tokens["refresh"])


def test_blacklisting_someone_elses_token_is_denied_and_leaves_it_usable():
    owner, intruder = UserFactory(), UserFactory()
    tokens = services.tokens_issue(user=owner)

    with pytest.raises(PermissionDenied) as raised:
        services.token_blacklist(user=intruder, refresh=tokens["refresh"])

    assert raised.value.code == "token_not_yours"
    assert not BlacklistedToken.objects.exists()
    assert refresh_is_usable(tokens["refresh"])


def test_blacklisting_the_same_token_twice_is_refused():
    user = UserFactory()
    tokens = services.tokens_issue(user=user)
    services.token_blacklist(user=user, refresh=tokens["refresh"])
    with pytest.raises(NotAuthenticated):
        services.token_blacklist(user=user, refresh=tokens["refresh"])
    assert BlacklistedToken.objects.count() == 1


def test_blacklisting_an_access_token_is_refused():
    user = UserFactory()
    tokens = services.tokens_issue(user=user)
    with pytest.raises(NotAuthenticated):
        services.token_blacklist(user=user, refresh=tokens["access"])


# password_change ----------------------------------------------------------------------------


def test_password_change_sets_the_new_password_and_revokes_earlier_tokens():
    user = UserFactory()
    earlier = services.tokens_issue(user=user)

    fresh = services.password_change(
        user=user, old_password=PASSWORD, new_password=NEW_PASSWORD, client_ip="10.0.0.1"
    )

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user_for_access_token(earlier["access"]) is None
    with pytest.raises(NotAuthenticated):
        services.token_refresh(refresh=earlier["refresh"])
    assert user_for_access_token(fresh["access"]) == user
    assert services.token_refresh(refresh=fresh["refresh"])


def test_password_change_with_the_wrong_old_password_changes_nothing():
    user = UserFactory()
    tokens = services.tokens_issue(user=user)

    with pytest.raises(InvalidInput) as raised:
        services.password_change(
            user=user, old_password="wrong", new_password=NEW_PASSWORD, client_ip="10.0.0.1"
        )

    assert list(raised.value.errors) == ["old_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user_for_access_token(tokens["access"]) == user


def test_password_change_validates_the_new_password():
    user = UserFactory()
    with pytest.raises(InvalidInput) as raised:
        services.password_change(
            user=user, old_password=PASSWORD, new_password="123", client_ip="10.0.0.1"
        )
    assert list(raised.value.errors) == ["new_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_set_any_other_way_also_revokes_earlier_tokens():
    user = UserFactory()
    tokens = services.tokens_issue(user=user)

    # What the admin's password form and ``changepassword`` do.
    admin_copy = get_user_model().objects.get(pk=user.pk)
    admin_copy.set_password(NEW_PASSWORD)
    admin_copy.save()

    assert user_for_access_token(tokens["access"]) is None
    with pytest.raises(NotAuthenticated):
        services.token_refresh(refresh=tokens["refresh"])
    with pytest.raises(NotAuthenticated):
        services.token_blacklist(user=admin_copy, refresh=tokens["refresh"])


def test_saving_a_user_without_touching_the_password_keeps_tokens_valid():
    user = UserFactory()
    tokens = services.tokens_issue(user=user)
    user.first_name = "Renamed"
    user.save()
    assert user_for_access_token(tokens["access"]) == user


# profile_update -----------------------------------------------------------------------------


def test_profile_update_changes_user_and_profile_fields_it_is_given():
    user = UserFactory(first_name="Jasur", last_name="Aliyev")

    updated = services.profile_update(
        user=user, changes={"first_name": "Jamshid", "headline": "Mentor", "bio": "Hi"}
    )

    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Jamshid", "Aliyev")
    profile = Profile.objects.get(user=user)
    assert (profile.headline, profile.bio) == ("Mentor", "Hi")
    assert updated.coursehub_profile == profile


def test_profile_update_with_no_changes_creates_an_empty_profile_only():
    user = UserFactory()
    services.profile_update(user=user, changes={})
    profile = Profile.objects.get(user=user)
    assert (profile.headline, profile.bio, profile.avatar_url) == ("", "", "")


def test_profile_update_never_writes_fields_outside_the_editable_set():
    user = UserFactory()
    before = get_user_model().objects.values().get(pk=user.pk)
    services.profile_update(
        user=user,
        changes={"is_staff": True, "is_superuser": True, "username": "root", "password": "x"},
    )
    assert get_user_model().objects.values().get(pk=user.pk) == before


def test_profile_update_refuses_an_email_used_by_another_account():
    UserFactory(email="taken@example.uz")
    user = UserFactory()
    with pytest.raises(Conflict):
        services.profile_update(user=user, changes={"email": "Taken@Example.uz"})
    user.refresh_from_db()
    assert user.email != "Taken@Example.uz"


def test_profile_update_leaves_nothing_half_written_when_validation_fails():
    user = UserFactory(first_name="Jasur")
    with pytest.raises(InvalidInput):
        services.profile_update(
            user=user, changes={"first_name": "Changed", "avatar_url": "javascript:alert(1)"}
        )
    user.refresh_from_db()
    assert user.first_name == "Jasur"
    assert not Profile.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"avatar_url": "javascript:alert(1)"}, "avatar_url"),
        ({"avatar_url": "//evil.example/x.png"}, "avatar_url"),
        ({"preferred_language": "klingon"}, "preferred_language"),
        ({"email": "nope"}, "email"),
    ],
)
def test_profile_update_reports_invalid_values_per_field(changes, field):
    with pytest.raises(InvalidInput) as raised:
        services.profile_update(user=UserFactory(), changes=changes)
    assert list(raised.value.errors) == [field]


def test_profile_update_accepts_empty_strings_to_clear_optional_fields():
    user = UserFactory()
    services.profile_update(
        user=user, changes={"avatar_url": "https://a.example/x.png", "preferred_language": "uz"}
    )
    services.profile_update(user=user, changes={"avatar_url": "", "preferred_language": ""})
    profile = Profile.objects.get(user=user)
    assert (profile.avatar_url, profile.preferred_language) == ("", "")


# Erasing an account --------------------------------------------------------------------------


def test_erasing_an_account_removes_the_personal_data_and_closes_it():
    user = UserFactory(username="madina", email="madina@example.uz", first_name="Madina")
    Profile.objects.create(user=user, bio="Talaba", preferred_language="uz")
    NotificationFactory(recipient=user)
    NotificationPreferenceFactory(user=user)
    WishlistItem.objects.create(user=user, course=CourseFactory())

    erased = services.account_erase(user=user)

    erased.refresh_from_db()
    assert (erased.username, erased.email, erased.first_name, erased.last_name) == (
        f"erased-{user.pk}",
        "",
        "",
        "",
    )
    assert not erased.is_active
    assert not erased.has_usable_password()
    assert not Profile.objects.filter(user=user).exists()
    assert not erased.coursehub_notifications.exists()
    assert not NotificationPreference.objects.filter(user=user).exists()
    assert not WishlistItem.objects.filter(user=user).exists()


def test_erasing_keeps_the_stars_of_a_review_but_not_its_words():
    course = CourseFactory()
    user = EnrollmentFactory(course=course).user
    review_create(user=user, course=course, rating=4, comment="Ustoz Karimovaga rahmat!")
    other = review_create(
        user=EnrollmentFactory(course=course).user, course=course, rating=2, comment="Sekin"
    )

    services.account_erase(user=user)

    assert Review.objects.get(user=user).comment == ""
    assert Review.objects.get(pk=other.pk).comment == "Sekin"
    course.refresh_from_db()
    assert (course.rating_count, course.rating_avg) == (2, Decimal("3.00"))


def test_erasing_keeps_what_others_rely_on_under_the_placeholder_name():
    certificate = CertificateFactory()
    user = certificate.user
    review = review_create(user=user, course=certificate.course, rating=5, comment="Zo'r")
    holder_name = certificate.holder_name

    services.account_erase(user=user)

    assert Enrollment.objects.filter(user=user, status=Enrollment.Status.COMPLETED).exists()
    review.refresh_from_db()
    assert (review.user.username, review.rating) == (f"erased-{user.pk}", 5)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.holder_name) == (
        Certificate.Status.ISSUED,
        holder_name,
    )


def test_every_token_of_an_erased_account_stops_working():
    user = UserFactory()
    tokens = services.tokens_issue(user=user)

    services.account_erase(user=user)

    assert user_for_access_token(tokens["access"]) is None
    with pytest.raises(NotAuthenticated):
        services.token_refresh(refresh=tokens["refresh"])


def test_the_username_and_email_of_an_erased_account_are_free_again():
    user = UserFactory(username="madina", email="madina@example.uz")
    services.account_erase(user=user)

    again = services.user_register(
        username="madina", email="madina@example.uz", password=NEW_PASSWORD
    )

    assert again.pk != user.pk


def test_an_instructor_who_owns_courses_cannot_be_erased():
    course = CourseFactory()

    with pytest.raises(Conflict) as refused:
        services.account_erase(user=course.owner)

    assert refused.value.code == "owns_courses"
    course.owner.refresh_from_db()
    assert course.owner.is_active


def test_account_erased_is_sent_once_the_erasure_commits(django_capture_on_commit_callbacks):
    received: list[Any] = []

    def receive(sender: type, user: Any, **kwargs: Any) -> None:
        received.append(user.username)

    account_erased.connect(receive)
    try:
        user = UserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            services.account_erase(user=user)
    finally:
        account_erased.disconnect(receive)

    assert received == [f"erased-{user.pk}"]


def test_closing_ones_own_account_needs_the_current_password():
    user = UserFactory()

    with pytest.raises(InvalidInput) as refused:
        services.account_close(user=user, password="not-it", client_ip=IP)

    assert list(refused.value.errors) == ["password"]
    user.refresh_from_db()
    assert user.is_active


def test_guesses_of_the_password_to_close_an_account_are_throttled(settings):
    settings.COURSEHUB = {"LOGIN_FAILURE_LIMIT": 2}
    user = UserFactory()
    for _attempt in range(2):
        with pytest.raises(InvalidInput):
            services.account_close(user=user, password="not-it", client_ip=IP)

    with pytest.raises(Throttled):
        services.account_close(user=user, password=PASSWORD, client_ip=IP)
    user.refresh_from_db()
    assert user.is_active
