"""Registration, login, tokens, password and profile over HTTP, at the exact documented paths."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone
from ninja_jwt.tokens import RefreshToken

from django_coursehub.accounts.models import Profile
from django_coursehub.accounts.tokens import PASSWORD_STAMP_CLAIM, password_stamp
from tests.conftest import ApiClient
from tests.factories import PASSWORD, CourseFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/auth/register/"
LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/refresh/"
LOGOUT = "/api/auth/logout/"
PASSWORD_CHANGE = "/api/auth/password/"
PROFILE = "/api/auth/profile/"

NEW_PASSWORD = "Samarqand-Buxoro-1924"
PROFILE_FIELDS = {
    "id",
    "username",
    "email",
    "first_name",
    "last_name",
    "full_name",
    "headline",
    "bio",
    "avatar_url",
    "preferred_language",
    "is_instructor",
    "is_staff",
    "date_joined",
}


def everyone_teaches(user: Any) -> bool:
    return True


def nobody_teaches(user: Any) -> bool:
    return False


def registration(**overrides: Any) -> dict[str, Any]:
    return {
        "username": "dilnoza",
        "email": "dilnoza@example.uz",
        "password": "Tashkent-Samarqand-9",
        "first_name": "Dilnoza",
        "last_name": "Yusupova",
        **overrides,
    }


def login(client: ApiClient, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def bearer(access: str) -> ApiClient:
    client = ApiClient()
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {access}"
    return client


@pytest.fixture
def client() -> ApiClient:
    # Any 500 becomes a response to assert on, not an exception in the test.
    return ApiClient(raise_request_exception=False)


# Registration -----------------------------------------------------------------------------


def test_registration_returns_201_with_the_profile_and_a_working_token_pair(client):
    response = client.post(REGISTER, registration())

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= PROFILE_FIELDS
    assert body["username"] == "dilnoza"
    assert body["email"] == "dilnoza@example.uz"
    assert body["full_name"] == "Dilnoza Yusupova"
    assert body["is_instructor"] is False
    assert body["is_staff"] is False
    assert "password" not in body
    assert bearer(body["tokens"]["access"]).get(PROFILE).json()["id"] == body["id"]
    assert client.post(REFRESH, {"refresh": body["tokens"]["refresh"]}).status_code == 200


def test_registered_user_can_log_in_with_the_chosen_password(client):
    client.post(REGISTER, registration())
    assert login(client, "dilnoza", "Tashkent-Samarqand-9").status_code == 200


def test_registration_creates_an_active_plain_account_with_a_profile(client):
    client.post(REGISTER, registration())
    user = get_user_model().objects.get(username="dilnoza")
    assert user.is_active
    assert not user.is_staff
    assert not user.is_superuser
    assert Profile.objects.filter(user=user).exists()


def test_registration_ignores_privileged_fields_in_the_body(client):
    response = client.post(
        REGISTER, registration(is_staff=True, is_superuser=True, is_instructor=True, id=1)
    )
    assert response.status_code == 201
    user = get_user_model().objects.get(username="dilnoza")
    assert not user.is_staff
    assert not user.is_superuser
    assert response.json()["is_instructor"] is False


@pytest.mark.parametrize(
    "password",
    ["123", "password", "12345678901", "dilnoza123", "x"],
)
def test_password_rejected_by_the_validators_is_a_400_with_per_field_errors(client, password):
    response = client.post(REGISTER, registration(password=password))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["password"]
    assert all(isinstance(message, str) and message for message in body["errors"]["password"])
    assert not get_user_model().objects.filter(username="dilnoza").exists()


# The last two pass Django's validate_email but not the pattern the OpenAPI schema states.
@pytest.mark.parametrize(
    "email", ["not-an-address", '"dil noza"@example.uz', "dilnoza@[127.0.0.1]"]
)
def test_invalid_email_is_a_400_naming_the_field(client, email):
    response = client.post(REGISTER, registration(email=email))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["email"]


def test_username_with_forbidden_characters_is_a_400_naming_the_field(client):
    response = client.post(REGISTER, registration(username="dil noza!"))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["username"]


def test_registration_without_required_fields_is_a_422(client):
    response = client.post(REGISTER, {"username": "dilnoza"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "taken",
    [
        {"username": "dilnoza"},
        {"username": "DILNOZA"},
        {"email": "dilnoza@example.uz"},
        {"email": "Dilnoza@EXAMPLE.uz"},
    ],
)
def test_taken_username_or_email_is_a_409_case_insensitively(client, taken):
    UserFactory(username="dilnoza", email="dilnoza@example.uz")
    fresh = {"username": "someone", "email": "someone@example.uz"}
    response = client.post(REGISTER, registration(**{**fresh, **taken}))

    assert response.status_code == 409
    assert response.json()["code"] == "account_exists"
    assert get_user_model().objects.count() == 1


def test_taken_username_and_taken_email_get_the_same_answer(client):
    UserFactory(username="dilnoza", email="dilnoza@example.uz")
    by_username = client.post(REGISTER, registration(email="other@example.uz"))
    by_email = client.post(REGISTER, registration(username="other"))

    assert by_username.status_code == by_email.status_code == 409
    assert by_username.json() == by_email.json()


def test_full_width_lookalike_of_a_taken_username_is_a_409(client):
    UserFactory(username="admin", email="admin@example.uz")
    lookalike = "".join(chr(ord(char) + 0xFEE0) for char in "admin")
    response = client.post(REGISTER, registration(username=lookalike))
    assert response.status_code == 409


@override_settings(COURSEHUB={"REGISTRATION_OPEN": False})
def test_closed_registration_is_a_403_and_creates_nobody(client):
    response = client.post(REGISTER, registration())

    assert response.status_code == 403
    assert response.json()["code"] == "registration_closed"
    assert not get_user_model().objects.exists()


# Login -------------------------------------------------------------------------------------


def test_login_with_username_returns_a_token_pair(client):
    user = UserFactory()
    response = login(client, user.username)

    assert response.status_code == 200
    tokens = response.json()
    assert set(tokens) == {"access", "refresh"}
    assert bearer(tokens["access"]).get(PROFILE).json()["id"] == user.pk


def test_login_with_email_in_any_case_works(client):
    user = UserFactory(email="Aziz.Karimov@example.uz")
    response = login(client, "aziz.karimov@EXAMPLE.UZ")

    assert response.status_code == 200
    assert bearer(response.json()["access"]).get(PROFILE).json()["id"] == user.pk


def test_login_records_last_login(client):
    user = UserFactory()
    login(client, user.username)
    user.refresh_from_db()
    assert user.last_login is not None


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    user = UserFactory()
    wrong_password = login(client, user.username, "not-the-password")
    unknown_user = login(client, "nobody-by-this-name", "not-the-password")

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json()
    assert wrong_password.json()["code"] == "invalid_credentials"


def test_inactive_user_cannot_log_in_and_learns_nothing_more(client):
    UserFactory(username="gone", is_active=False)
    inactive = login(client, "gone")
    unknown = login(client, "nobody-by-this-name")

    assert inactive.status_code == 401
    assert inactive.json() == unknown.json()


def test_login_without_a_password_is_a_422(client):
    response = client.post(LOGIN, {"username": "someone"})
    assert response.status_code == 422


# Login throttling --------------------------------------------------------------------------

LIMIT = 3


@pytest.fixture
def throttled_settings(settings: Any) -> Any:
    settings.COURSEHUB = {"LOGIN_FAILURE_LIMIT": LIMIT, "LOGIN_FAILURE_WINDOW": 600}
    return settings


def fail_logins(client: ApiClient, username: str, times: int, **extra: Any) -> None:
    for _attempt in range(times):
        assert login(client, username, "wrong-password", **extra).status_code == 401


def test_login_is_throttled_after_the_failure_limit_even_with_the_right_password(
    client, throttled_settings
):
    user = UserFactory()
    fail_logins(client, user.username, LIMIT)

    response = login(client, user.username)

    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 600


def test_throttling_counts_unknown_usernames_too(client, throttled_settings):
    fail_logins(client, "nobody", LIMIT)
    assert login(client, "nobody").status_code == 429


def test_throttle_key_ignores_the_case_of_the_username(client, throttled_settings):
    user = UserFactory(username="aziza")
    fail_logins(client, "AZIZA", LIMIT)
    assert login(client, user.username).status_code == 429


def test_forged_x_forwarded_for_does_not_dodge_the_throttle_without_trusted_proxies(
    client, throttled_settings
):
    user = UserFactory()
    for attempt in range(LIMIT):
        forged = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{attempt}"}
        assert login(client, user.username, "wrong", **forged).status_code == 401

    response = login(client, user.username, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429


def test_with_one_trusted_proxy_the_right_most_forwarded_address_is_the_client(
    client, throttled_settings
):
    throttled_settings.COURSEHUB = {**throttled_settings.COURSEHUB, "NUM_PROXIES": 1}
    user = UserFactory()
    for attempt in range(LIMIT):
        # The client forges the left part; the proxy appends the address it saw.
        xff = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{attempt}, 192.0.2.10"}
        assert login(client, user.username, "wrong", **xff).status_code == 401

    same_client = login(client, user.username, HTTP_X_FORWARDED_FOR="10.0.0.1, 192.0.2.10")
    other_client = login(client, user.username, HTTP_X_FORWARDED_FOR="192.0.2.10, 192.0.2.11")
    direct = login(client, user.username)

    assert same_client.status_code == 429
    assert other_client.status_code == 200
    assert direct.status_code == 200


def test_successful_login_resets_the_failure_count(client, throttled_settings):
    user = UserFactory()
    fail_logins(client, user.username, LIMIT - 1)
    assert login(client, user.username).status_code == 200

    fail_logins(client, user.username, LIMIT - 1)
    assert login(client, user.username, "wrong").status_code == 401
    assert login(client, user.username).status_code == 429


def test_another_username_from_the_same_address_is_not_blocked(client, throttled_settings):
    victim, bystander = UserFactory(), UserFactory()
    fail_logins(client, victim.username, LIMIT)

    assert login(client, victim.username).status_code == 429
    assert login(client, bystander.username).status_code == 200


def test_throttled_attempts_do_not_check_the_password(client, throttled_settings, monkeypatch):
    fail_logins(client, "nobody", LIMIT)
    calls: list[Any] = []
    monkeypatch.setattr(
        "django_coursehub.accounts.services.authenticate", lambda **kw: calls.append(kw)
    )
    assert login(client, "nobody").status_code == 429
    assert calls == []


# Refresh -----------------------------------------------------------------------------------


def test_refresh_rotates_the_pair_and_refuses_the_old_refresh_token(client):
    tokens = login(client, UserFactory().username).json()

    response = client.post(REFRESH, {"refresh": tokens["refresh"]})

    assert response.status_code == 200
    rotated = response.json()
    assert set(rotated) == {"access", "refresh"}
    assert rotated["refresh"] != tokens["refresh"]
    assert bearer(rotated["access"]).get(PROFILE).status_code == 200

    again = client.post(REFRESH, {"refresh": tokens["refresh"]})
    assert again.status_code == 401
    assert again.json()["code"] == "token_not_valid"
    assert client.post(REFRESH, {"refresh": rotated["refresh"]}).status_code == 200


def signed(payload: dict[str, Any], key: str = settings.SECRET_KEY) -> str:
    now = timezone.now()
    claims = {"token_type": "refresh", "jti": "f" * 32, "exp": now + timedelta(hours=1)}
    return jwt.encode({**claims, **payload}, key, algorithm="HS256")


@pytest.mark.parametrize(
    "garbage",
    [
        "garbage",
        "a.b.c",
        "e30.e30.e30",
        "Bearer x",
        "😀" * 40,
        "x" * 4096,
        signed({"user_id": 1}, key="some-other-key-that-is-long-enough-for-hs256!"),
        signed({"user_id": 10**30}),
        signed({"user_id": "abc"}),
        signed({"user_id": [1]}),
        signed({"user_id": {"a": 1}}),
        signed({}),
        signed({"token_type": "access", "user_id": 1}),
        signed({"user_id": 1, "exp": timezone.now() - timedelta(seconds=5)}),
    ],
)
def test_garbage_refresh_token_is_a_json_401_never_a_500(client, garbage):
    UserFactory()
    response = client.post(REFRESH, {"refresh": garbage})

    assert response.status_code == 401, response.content
    assert response.json()["code"] == "token_not_valid"


def test_refresh_token_too_long_to_be_real_is_a_422(client):
    response = client.post(REFRESH, {"refresh": "x" * 5000})
    assert response.status_code == 422


def test_access_token_is_not_accepted_as_refresh_token(client):
    tokens = login(client, UserFactory().username).json()
    assert client.post(REFRESH, {"refresh": tokens["access"]}).status_code == 401


def test_refresh_token_is_not_accepted_as_bearer_token(client):
    tokens = login(client, UserFactory().username).json()
    assert bearer(tokens["refresh"]).get(PROFILE).status_code == 401


def test_token_minted_without_the_password_stamp_is_refused(client):
    user = UserFactory()
    stock = RefreshToken.for_user(user)
    assert client.post(REFRESH, {"refresh": str(stock)}).status_code == 401
    assert bearer(str(stock.access_token)).get(PROFILE).status_code == 401


def test_expired_access_token_is_a_401(client):
    user = UserFactory()
    refresh = RefreshToken.for_user(user)
    refresh[PASSWORD_STAMP_CLAIM] = password_stamp(user)
    access = refresh.access_token
    access.set_exp(from_time=timezone.now() - timedelta(hours=1))
    assert bearer(str(access)).get(PROFILE).status_code == 401


def test_tokens_of_a_deactivated_user_stop_working(client):
    user = UserFactory()
    tokens = login(client, user.username).json()
    user.is_active = False
    user.save()

    assert bearer(tokens["access"]).get(PROFILE).status_code == 401
    assert client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401


def test_tokens_of_a_deleted_user_stop_working(client):
    user = UserFactory()
    tokens = login(client, user.username).json()
    user.delete()

    assert bearer(tokens["access"]).get(PROFILE).status_code == 401
    assert client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401


# Logout ------------------------------------------------------------------------------------


def test_logout_blacklists_the_refresh_token(client):
    tokens = login(client, UserFactory().username).json()
    me = bearer(tokens["access"])

    response = me.post(LOGOUT, {"refresh": tokens["refresh"]})

    assert response.status_code == 200
    assert response.json()["detail"]
    refused = client.post(REFRESH, {"refresh": tokens["refresh"]})
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_not_valid"


def test_logging_out_twice_with_the_same_token_is_a_401(client):
    tokens = login(client, UserFactory().username).json()
    me = bearer(tokens["access"])
    me.post(LOGOUT, {"refresh": tokens["refresh"]})
    assert me.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 401


def test_logout_with_another_users_refresh_token_is_a_403_and_leaves_it_valid(client, api_as):
    victim_tokens = login(client, UserFactory().username).json()

    response = api_as(UserFactory()).post(LOGOUT, {"refresh": victim_tokens["refresh"]})

    assert response.status_code == 403
    assert response.json()["code"] == "token_not_yours"
    assert client.post(REFRESH, {"refresh": victim_tokens["refresh"]}).status_code == 200


def test_logout_without_an_access_token_is_a_401(client):
    tokens = login(client, UserFactory().username).json()
    response = client.post(LOGOUT, {"refresh": tokens["refresh"]})

    assert response.status_code == 401
    assert client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200


def test_logout_with_a_garbage_refresh_token_is_a_401(api_as):
    response = api_as(UserFactory()).post(LOGOUT, {"refresh": "garbage"})
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


# Password change ---------------------------------------------------------------------------


def change_password(client: ApiClient, old: str = PASSWORD, new: str = NEW_PASSWORD) -> Any:
    return client.post(PASSWORD_CHANGE, {"old_password": old, "new_password": new})


def test_password_change_revokes_earlier_access_and_refresh_tokens(client):
    user = UserFactory()
    tokens = login(client, user.username).json()
    other_session = login(client, user.username).json()

    response = change_password(bearer(tokens["access"]))

    assert response.status_code == 200
    for old in (tokens, other_session):
        assert bearer(old["access"]).get(PROFILE).status_code == 401
        assert client.post(REFRESH, {"refresh": old["refresh"]}).status_code == 401


def test_password_change_returns_a_new_pair_that_works(client):
    user = UserFactory()
    tokens = login(client, user.username).json()

    fresh = change_password(bearer(tokens["access"])).json()

    assert set(fresh) == {"access", "refresh"}
    assert bearer(fresh["access"]).get(PROFILE).status_code == 200
    assert client.post(REFRESH, {"refresh": fresh["refresh"]}).status_code == 200


def test_after_a_password_change_only_the_new_password_logs_in(client, api_as):
    user = UserFactory()
    change_password(api_as(user))

    assert login(client, user.username, PASSWORD).status_code == 401
    assert login(client, user.username, NEW_PASSWORD).status_code == 200


def test_wrong_old_password_is_a_400_and_changes_nothing(client, api_as):
    user = UserFactory()
    me = api_as(user)

    response = change_password(me, old="not-the-password")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["old_password"]
    assert me.get(PROFILE).status_code == 200
    assert login(client, user.username, PASSWORD).status_code == 200


def test_weak_new_password_is_a_400_naming_the_field(api_as):
    response = change_password(api_as(UserFactory()), new="123")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["new_password"]


def test_password_change_needs_a_token(client):
    assert change_password(client).status_code == 401


# Profile -----------------------------------------------------------------------------------


def test_profile_has_the_contract_fields(api_as):
    user = UserFactory(first_name="Aziz", last_name="Karimov")
    body = api_as(user).get(PROFILE).json()

    assert set(body) == PROFILE_FIELDS
    assert body["id"] == user.pk
    assert body["username"] == user.username
    assert body["email"] == user.email
    assert body["full_name"] == "Aziz Karimov"
    assert body["bio"] == body["headline"] == body["avatar_url"] == ""
    assert body["is_instructor"] is False


def test_instructor_sees_is_instructor_true(api_as, instructor):
    assert api_as(instructor).get(PROFILE).json()["is_instructor"] is True


def test_staff_sees_is_staff_true(api_as, staff):
    assert api_as(staff).get(PROFILE).json()["is_staff"] is True


@pytest.mark.parametrize("method", ["put", "patch"])
def test_profile_edit_changes_only_the_fields_sent(api_as, method):
    user = UserFactory(first_name="Aziz", last_name="Karimov")
    me = api_as(user)
    me.patch(PROFILE, {"headline": "Teacher", "bio": "Old bio"})

    response = getattr(me, method)(PROFILE, {"bio": "New bio", "first_name": "Azizbek"})

    assert response.status_code == 200
    body = response.json()
    assert body["bio"] == "New bio"
    assert body["first_name"] == "Azizbek"
    assert body["last_name"] == "Karimov"
    assert body["headline"] == "Teacher"
    assert me.get(PROFILE).json() == body


def test_profile_edit_saves_every_editable_field(api_as):
    user = UserFactory()
    changes = {
        "first_name": "Nodira",
        "last_name": "Begim",
        "email": "nodira@example.uz",
        "headline": "Poet",
        "bio": "Writes ghazals.",
        "avatar_url": "https://cdn.example.uz/nodira.png",
        "preferred_language": "uz",
    }
    response = api_as(user).put(PROFILE, changes)

    assert response.status_code == 200
    assert {key: response.json()[key] for key in changes} == changes
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email) == ("Nodira", "Begim", changes["email"])
    assert user.coursehub_profile.bio == "Writes ghazals."


def test_first_profile_edit_creates_the_profile_row(api_as):
    user = UserFactory()
    assert not Profile.objects.filter(user=user).exists()
    api_as(user).patch(PROFILE, {"headline": "Student"})
    assert Profile.objects.get(user=user).headline == "Student"


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize(
    "forbidden",
    [
        {"is_staff": True},
        {"is_superuser": True},
        {"is_instructor": True},
        {"is_active": False},
        {"username": "admin"},
        {"password": "md5$$hijacked"},
        {"id": 999},
        {"date_joined": "2000-01-01T00:00:00Z"},
    ],
)
def test_privileged_fields_in_the_profile_body_never_change_anything(api_as, method, forbidden):
    user = UserFactory()
    before = get_user_model().objects.values().get(pk=user.pk)
    me = api_as(user)

    response = getattr(me, method)(PROFILE, {**forbidden, "bio": "hello"})

    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    assert response.json()["is_instructor"] is False
    assert get_user_model().objects.values().get(pk=user.pk) == before
    assert get_user_model().objects.count() == 1
    assert me.get(PROFILE).status_code == 200


def test_profile_edit_cannot_touch_another_user(api_as):
    me, other = UserFactory(), UserFactory(first_name="Other")
    api_as(me).put(PROFILE, {"id": other.pk, "first_name": "Changed"})

    other.refresh_from_db()
    me.refresh_from_db()
    assert other.first_name == "Other"
    assert me.first_name == "Changed"


@pytest.mark.parametrize("email", ["taken@example.uz", "TAKEN@Example.UZ"])
def test_email_taken_by_someone_else_is_a_409(api_as, email):
    UserFactory(email="taken@example.uz")
    user = UserFactory()

    response = api_as(user).patch(PROFILE, {"email": email})

    assert response.status_code == 409
    assert response.json()["code"] == "account_exists"
    user.refresh_from_db()
    assert user.email != email


def test_changing_the_case_of_my_own_email_is_allowed(api_as):
    user = UserFactory(email="me@example.uz")
    response = api_as(user).patch(PROFILE, {"email": "Me@Example.uz"})
    assert response.status_code == 200
    assert response.json()["email"] == "Me@Example.uz"


def test_invalid_email_in_the_profile_is_a_400(api_as):
    response = api_as(UserFactory()).patch(PROFILE, {"email": "not-an-address"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["email"]


@pytest.mark.parametrize(
    "avatar_url",
    [
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "ftp://example.uz/me.png",
        "file:///etc/passwd",
        "not a url",
        "http://127.0.0.1/me.png",
    ],
)
def test_avatar_url_must_be_http_or_https(api_as, avatar_url):
    user = UserFactory()
    response = api_as(user).patch(PROFILE, {"avatar_url": avatar_url})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["avatar_url"]
    assert not Profile.objects.filter(user=user, avatar_url=avatar_url).exists()


def test_avatar_url_can_be_cleared(api_as):
    me = api_as(UserFactory())
    me.patch(PROFILE, {"avatar_url": "https://cdn.example.uz/a.png"})
    assert me.patch(PROFILE, {"avatar_url": ""}).json()["avatar_url"] == ""


@pytest.mark.parametrize("language", ["xx", "english", "UZ"])
def test_preferred_language_outside_the_sites_languages_is_a_400(api_as, language):
    response = api_as(UserFactory()).patch(PROFILE, {"preferred_language": language})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["preferred_language"]


@override_settings(LANGUAGES=[("uz", "Uzbek"), ("ru", "Russian")])
def test_preferred_language_follows_the_languages_setting(api_as):
    me = api_as(UserFactory())
    assert me.patch(PROFILE, {"preferred_language": "ru"}).status_code == 200
    assert me.patch(PROFILE, {"preferred_language": "en"}).status_code == 400


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize("field", ["first_name", "email", "bio", "avatar_url", "headline"])
def test_null_for_a_string_field_is_a_422(api_as, method, field):
    response = getattr(api_as(UserFactory()), method)(PROFILE, {field: None})
    assert response.status_code == 422


def test_too_long_profile_field_is_a_422(api_as):
    response = api_as(UserFactory()).patch(PROFILE, {"headline": "x" * 151})
    assert response.status_code == 422


def test_is_instructor_follows_the_is_instructor_setting(api_as, instructor):
    student = UserFactory()
    path = f"{__name__}.everyone_teaches"
    with override_settings(COURSEHUB={"IS_INSTRUCTOR": path}):
        assert api_as(student).get(PROFILE).json()["is_instructor"] is True
    with override_settings(COURSEHUB={"IS_INSTRUCTOR": f"{__name__}.nobody_teaches"}):
        assert api_as(instructor).get(PROFILE).json()["is_instructor"] is False
    assert api_as(student).get(PROFILE).json()["is_instructor"] is False
    assert api_as(instructor).get(PROFILE).json()["is_instructor"] is True


# Permission matrix -------------------------------------------------------------------------

AUTH_REQUIRED = [
    ("post", LOGOUT),
    ("post", PASSWORD_CHANGE),
    ("get", PROFILE),
    ("put", PROFILE),
    ("patch", PROFILE),
]


@pytest.mark.parametrize(("method", "path"), AUTH_REQUIRED)
def test_anonymous_is_refused_with_401_on_authenticated_endpoints(client, method, path):
    response = getattr(client, method)(path, {})
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), AUTH_REQUIRED)
def test_a_bad_bearer_token_is_refused_with_401_on_authenticated_endpoints(method, path):
    response = getattr(bearer("not-a-token"), method)(path, {})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", PROFILE, 200),
        ("put", PROFILE, 200),
        ("patch", PROFILE, 200),
        # An empty body: the user got past authentication, then the input was refused.
        ("post", LOGOUT, 422),
        ("post", PASSWORD_CHANGE, 422),
    ],
)
def test_user_passes_authentication_on_authenticated_endpoints(api_as, method, path, expected):
    response = getattr(api_as(UserFactory()), method)(path, {})
    assert response.status_code == expected


@pytest.mark.parametrize("as_user", [False, True])
def test_register_login_and_refresh_are_open_to_anyone(client, api_as, as_user):
    caller = api_as(UserFactory(username="caller")) if as_user else client
    user = UserFactory(username="target")

    assert caller.post(REGISTER, registration()).status_code == 201
    tokens = login(caller, user.username)
    assert tokens.status_code == 200
    assert caller.post(REFRESH, {"refresh": tokens.json()["refresh"]}).status_code == 200


# Query counts ------------------------------------------------------------------------------


def test_profile_costs_a_constant_number_of_queries(api_as, django_assert_num_queries):
    user = UserFactory()
    me = api_as(user)
    me.patch(PROFILE, {"bio": "Has a profile row."})

    # 1: the user behind the access token (JWTAuth);
    # 2: the user again with the profile joined in (the selector);
    # 3-4: the default IS_INSTRUCTOR check, ``has_perm``, loads the user's own and group
    #      permissions (Django's ModelBackend caches them on the user object afterwards).
    with django_assert_num_queries(4):
        response = me.get(PROFILE)
    assert response.status_code == 200


def test_profile_of_a_superuser_skips_the_permission_queries(api_as, django_assert_num_queries):
    admin = api_as(UserFactory(is_superuser=True, is_staff=True))
    # Superusers hold every permission without a lookup: the token user and the profile only.
    with django_assert_num_queries(2):
        response = admin.get(PROFILE)
    assert response.json()["is_instructor"] is True


def test_guessing_the_current_password_is_throttled(api_as, throttled_settings):
    me = api_as(UserFactory())
    for _attempt in range(LIMIT):
        assert change_password(me, old="guess").status_code == 400

    response = change_password(me)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_an_exact_username_wins_over_someone_elses_email(client):
    owner = UserFactory(username="nodira@example.uz", email="nodira@mail.uz")
    UserFactory(username="intruder", email="nodira@example.uz")

    tokens = login(client, owner.username).json()

    assert bearer(tokens["access"]).get(PROFILE).json()["id"] == owner.id


# Deleting my account -------------------------------------------------------------------------


def test_deleting_my_account_answers_204_and_closes_it(api_as):
    user = UserFactory()
    client = api_as(user)

    response = client.post("/api/auth/delete-account/", {"password": PASSWORD})

    assert response.status_code == 204
    assert response.content == b""
    user.refresh_from_db()
    assert (user.username, user.is_active) == (f"erased-{user.pk}", False)
    assert client.get("/api/auth/profile/").status_code == 401
    login = {"username": user.username, "password": PASSWORD}
    assert ApiClient().post("/api/auth/login/", login).status_code == 401


def test_deleting_my_account_with_a_wrong_password_is_a_400_and_changes_nothing(api_as):
    user = UserFactory()

    response = api_as(user).post("/api/auth/delete-account/", {"password": "not-it"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"password": ["The current password is wrong."]}
    user.refresh_from_db()
    assert user.is_active


def test_an_instructor_with_courses_is_told_to_hand_them_over_first(api_as):
    owner = CourseFactory().owner

    response = api_as(owner).post("/api/auth/delete-account/", {"password": PASSWORD})

    assert response.status_code == 409
    assert response.json()["code"] == "owns_courses"


def test_deleting_an_account_needs_a_token_and_a_password(api_as):
    assert ApiClient().post("/api/auth/delete-account/", {"password": PASSWORD}).status_code == 401
    assert api_as(UserFactory()).post("/api/auth/delete-account/", {}).status_code == 422
