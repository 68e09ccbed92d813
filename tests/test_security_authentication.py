"""Authentication attacks (OWASP API2) over HTTP: forged and stale tokens, enumeration, guessing.

Every refused token must answer exactly like a missing or garbage one, a JSON 401, on an endpoint
that needs a user (``GET /api/auth/profile/``) and on one where a user is optional
(``GET /api/courses/`` answers anonymous callers, but a token that is sent must be valid).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.utils import timezone

from django_coursehub.accounts.tokens import PASSWORD_STAMP_CLAIM, password_stamp
from tests.conftest import ApiClient
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/auth/login/"
REGISTER = "/api/auth/register/"
REFRESH = "/api/auth/refresh/"
LOGOUT = "/api/auth/logout/"
PASSWORD_CHANGE = "/api/auth/password/"
PROFILE = "/api/auth/profile/"
COURSES = "/api/courses/"
#: One endpoint that needs a user, one where a user is optional.
GUARDED = [PROFILE, COURSES]

SIGNING_KEY = settings.NINJA_JWT["SIGNING_KEY"]
OTHER_KEY = "an-attackers-own-key-long-enough-for-hs256-0123456789"


@pytest.fixture
def client() -> ApiClient:
    # A 500 must show up as a response to assert on, not as an exception in the test.
    return ApiClient(raise_request_exception=False)


@pytest.fixture
def victim(db: None) -> Any:
    return UserFactory(username="victim", email="victim@example.uz")


def with_header(value: str) -> ApiClient:
    client = ApiClient(raise_request_exception=False)
    client.defaults["HTTP_AUTHORIZATION"] = value
    return client


def bearer(token: str) -> ApiClient:
    return with_header(f"Bearer {token}")


def assert_refused(response: Any) -> None:
    """The answer to any refused credential: a JSON 401 that says nothing more."""
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str)


def assert_header_refused_everywhere(header: str) -> None:
    for path in GUARDED:
        assert_refused(with_header(header).get(path))


def assert_refused_everywhere(token: str) -> None:
    assert_header_refused_everywhere(f"Bearer {token}")


def claims_for(user: Any, **overrides: Any) -> dict[str, Any]:
    """The claims of a genuine access token of ``user``, valid for five more minutes."""
    now = timezone.now()
    return {
        "token_type": "access",
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "iat": int(now.timestamp()),
        "jti": "a" * 32,
        "user_id": user.pk,
        PASSWORD_STAMP_CLAIM: password_stamp(user),
        **overrides,
    }


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    encoded = [b64url(json.dumps(part).encode()) for part in (header, claims)]
    return ".".join([*encoded, b64url(signature)])


def login(client: ApiClient, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


# The control: the forgeries below differ from this token in one respect only ----------------


def test_a_token_made_like_the_forgeries_but_genuinely_signed_is_accepted(victim):
    token = jwt.encode(claims_for(victim), SIGNING_KEY, algorithm="HS256")

    for path in GUARDED:
        assert bearer(token).get(path).status_code == 200
    assert bearer(token).get(PROFILE).json()["username"] == "victim"


# Forged signatures and algorithms ----------------------------------------------------------


def test_unsigned_token_with_alg_none_is_refused(victim):
    assert_refused_everywhere(jwt.encode(claims_for(victim), None, algorithm="none"))


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_hand_made_unsigned_token_in_any_spelling_of_none_is_refused(victim, alg):
    assert_refused_everywhere(hand_made({"alg": alg, "typ": "JWT"}, claims_for(victim)))


def test_token_signed_with_another_key_is_refused(victim):
    assert_refused_everywhere(jwt.encode(claims_for(victim), OTHER_KEY, algorithm="HS256"))


@pytest.mark.parametrize("alg", ["HS384", "HS512"])
def test_token_signed_with_the_right_key_but_another_hmac_algorithm_is_refused(victim, alg):
    # Only the configured algorithm is accepted, even with the genuine key.
    assert_refused_everywhere(jwt.encode(claims_for(victim), SIGNING_KEY, algorithm=alg))


@pytest.mark.parametrize("alg", ["RS256", "ES256", "PS256"])
def test_key_confusion_hmac_signature_under_an_asymmetric_alg_is_refused(victim, alg):
    # The classic confusion attack: claim an RSA/EC algorithm, then sign with HMAC using the
    # key the server knows, hoping it verifies the "public key" as an HMAC secret.
    header = {"alg": alg, "typ": "JWT"}
    claims = claims_for(victim)
    signing_input = ".".join(b64url(json.dumps(part).encode()) for part in (header, claims))
    signature = hmac.new(SIGNING_KEY.encode(), signing_input.encode(), hashlib.sha256).digest()
    assert_refused_everywhere(hand_made(header, claims, signature))


def test_token_with_a_swapped_user_id_and_the_original_signature_is_refused(victim):
    attacker = UserFactory(username="attacker")
    genuine = jwt.encode(claims_for(attacker), SIGNING_KEY, algorithm="HS256")
    header, _payload, signature = genuine.split(".")
    forged_claims = {**claims_for(attacker), "user_id": victim.pk}
    forged = ".".join([header, b64url(json.dumps(forged_claims).encode()), signature])

    assert bearer(genuine).get(PROFILE).status_code == 200
    assert_refused_everywhere(forged)


def test_token_whose_signature_is_stripped_is_refused(victim):
    genuine = jwt.encode(claims_for(victim), SIGNING_KEY, algorithm="HS256")
    assert_refused_everywhere(genuine.rsplit(".", 1)[0] + ".")


# Time ----------------------------------------------------------------------------------------


def test_expired_token_is_refused(victim):
    expired = int((timezone.now() - timedelta(seconds=1)).timestamp())
    assert_refused_everywhere(
        jwt.encode(claims_for(victim, exp=expired), SIGNING_KEY, algorithm="HS256")
    )


def test_token_without_an_expiry_is_refused(victim):
    claims = claims_for(victim)
    del claims["exp"]
    assert_refused_everywhere(jwt.encode(claims, SIGNING_KEY, algorithm="HS256"))


def test_token_not_valid_before_a_future_time_is_refused(victim):
    later = int((timezone.now() + timedelta(minutes=1)).timestamp())
    assert_refused_everywhere(
        jwt.encode(claims_for(victim, nbf=later), SIGNING_KEY, algorithm="HS256")
    )


# Claims that do not make an access token ---------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"token_type": "refresh"},
        {"token_type": None},
        {"user_id": None},
        {"user_id": "1 OR 1=1"},
        {"user_id": 10**40},
        {PASSWORD_STAMP_CLAIM: "0" * 20},
        {PASSWORD_STAMP_CLAIM: None},
    ],
    ids=lambda o: ",".join(f"{k}={v!r}"[:30] for k, v in o.items()),
)
def test_genuinely_signed_token_with_wrong_claims_is_refused(victim, overrides):
    assert_refused_everywhere(
        jwt.encode(claims_for(victim, **overrides), SIGNING_KEY, algorithm="HS256")
    )


def test_refresh_token_is_not_an_access_token(client, victim):
    tokens = login(client, victim.username).json()
    assert_refused_everywhere(tokens["refresh"])


def test_access_token_cannot_be_used_to_refresh(client, victim):
    tokens = login(client, victim.username).json()

    response = client.post(REFRESH, {"refresh": tokens["access"]})

    assert_refused(response)
    assert response.json()["code"] == "token_not_valid"


# Tokens that stopped applying ----------------------------------------------------------------


def test_tokens_of_a_deactivated_user_are_refused(client, victim):
    tokens = login(client, victim.username).json()
    victim.is_active = False
    victim.save(update_fields=["is_active"])

    assert_refused_everywhere(tokens["access"])
    assert_refused(client.post(REFRESH, {"refresh": tokens["refresh"]}))


def test_tokens_of_a_deleted_user_are_refused_even_if_the_id_is_reused(client, victim):
    tokens = login(client, victim.username).json()
    victim_id = victim.pk
    victim.delete()
    # A new account may get the old id on some databases; the password stamp still differs.
    UserFactory(id=victim_id, username="newcomer")

    assert_refused_everywhere(tokens["access"])
    assert_refused(client.post(REFRESH, {"refresh": tokens["refresh"]}))


def test_every_token_issued_before_a_password_change_is_refused(client, victim):
    first = login(client, victim.username).json()
    second = login(client, victim.username).json()

    changed = bearer(first["access"]).post(
        PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password": "Navoiy-Street-77"}
    )

    assert changed.status_code == 200
    for tokens in (first, second):
        assert_refused_everywhere(tokens["access"])
        assert_refused(client.post(REFRESH, {"refresh": tokens["refresh"]}))
    assert bearer(changed.json()["access"]).get(PROFILE).status_code == 200


def test_password_set_outside_the_api_also_revokes_tokens(client, victim):
    tokens = login(client, victim.username).json()
    victim.set_password("Set-In-The-Admin-2026")
    victim.save(update_fields=["password"])

    assert_refused_everywhere(tokens["access"])
    assert_refused(client.post(REFRESH, {"refresh": tokens["refresh"]}))


def test_after_logout_the_refresh_token_is_dead_but_the_access_token_lives_until_it_expires(
    client, victim
):
    # Documented behaviour (docs/security.md): logout blacklists the refresh token only. An
    # access token is not looked up anywhere, so it works until its short lifetime ends; a
    # password change is what revokes every token at once.
    tokens = login(client, victim.username).json()

    assert bearer(tokens["access"]).post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 200

    assert_refused(client.post(REFRESH, {"refresh": tokens["refresh"]}))
    assert bearer(tokens["access"]).get(PROFILE).status_code == 200


def test_a_rotated_refresh_token_cannot_be_replayed(client, victim):
    tokens = login(client, victim.username).json()
    assert client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 200

    assert_refused(client.post(REFRESH, {"refresh": tokens["refresh"]}))


# Malformed Authorization headers -----------------------------------------------------------


@pytest.fixture
def genuine_access(victim: Any) -> str:
    return jwt.encode(claims_for(victim), SIGNING_KEY, algorithm="HS256")


@pytest.mark.parametrize(
    "header",
    [
        "{token}",
        "Token {token}",
        "Basic {token}",
        "JWT {token}",
        "Bearer",
        "Bearer ",
        "Bearer  {token}",
        "Bearer {token} ",
        "Bearer {token} {token}",
        "Bearer\t{token}",
        "Bearer {token}\x00",
        "Bearer тест",
        "Bearer ʻoʻgʻ.ʻoʻgʻ.ʻoʻgʻ",
        "Bearer " + "A" * 100_000,
        "Bearer " + "a." * 50_000,
        "Bearer ...",
        "Bearer e30.e30.",
    ],
    ids=lambda h: repr(h[:24]),
)
def test_malformed_authorization_header_is_a_json_401(genuine_access, header):
    assert_header_refused_everywhere(header.replace("{token}", genuine_access))


def test_the_scheme_name_is_case_insensitive(genuine_access):
    # RFC 9110 11.1: "bearer" and "BEARER" name the same scheme; this is not a bypass.
    for scheme in ("bearer", "BEARER"):
        assert with_header(f"{scheme} {genuine_access}").get(PROFILE).status_code == 200


def test_non_latin1_header_bytes_are_a_json_401(client, genuine_access):
    # WSGI servers pass header bytes through as latin-1; a UTF-8 token arrives as mojibake.
    mojibake = "Bearer токен".encode().decode("latin-1")
    for path in GUARDED:
        assert_refused(client.get(path, HTTP_AUTHORIZATION=mojibake))


# Enumeration -------------------------------------------------------------------------------


def login_answer(username: str, password: str, address: str) -> tuple[int, str, bytes]:
    # Each case from its own address, so no throttling counter tells them apart.
    response = ApiClient(REMOTE_ADDR=address).post(
        LOGIN, {"username": username, "password": password}
    )
    return response.status_code, response["Content-Type"], response.content


def test_unknown_user_wrong_password_and_inactive_user_get_byte_equal_answers(victim):
    UserFactory(username="dormant", email="dormant@example.uz", is_active=False)

    answers = {
        "unknown username": login_answer("nobody", PASSWORD, "192.0.2.1"),
        "unknown e-mail": login_answer("nobody@example.uz", PASSWORD, "192.0.2.2"),
        "wrong password": login_answer("victim", "Wrong-Password-1", "192.0.2.3"),
        "wrong password by e-mail": login_answer("victim@example.uz", "Wrong-1", "192.0.2.4"),
        "inactive, right password": login_answer("dormant", PASSWORD, "192.0.2.5"),
        "inactive by e-mail": login_answer("dormant@example.uz", PASSWORD, "192.0.2.6"),
    }

    assert len(set(answers.values())) == 1, answers
    status, _content_type, content = answers["unknown username"]
    assert status == 401
    assert json.loads(content)["code"] == "invalid_credentials"


def registration(**overrides: str) -> dict[str, str]:
    return {
        "username": "fresh",
        "email": "fresh@example.uz",
        "password": "Chorsu-Bazaar-1847",
        **overrides,
    }


def test_taken_username_and_taken_email_get_one_byte_equal_409(client, victim):
    # The contract allows revealing that *an* account exists (see the security page); it must
    # not reveal whether the username or the e-mail address is the taken one.
    taken_username = client.post(REGISTER, registration(username="VICTIM"))
    taken_email = client.post(REGISTER, registration(email="Victim@Example.UZ"))
    both_taken = client.post(REGISTER, registration(username="victim", email="victim@example.uz"))

    assert taken_username.status_code == 409
    assert taken_username.content == taken_email.content == both_taken.content
    assert taken_username.json()["code"] == "account_exists"
    message = taken_username.json()["detail"].lower()
    assert "username or e-mail" in message


# Throttling --------------------------------------------------------------------------------

CLIENT_LIMIT = 3
ACCOUNT_LIMIT = 6


@pytest.fixture
def throttled(settings: Any) -> Iterator[Any]:
    settings.COURSEHUB = {
        "LOGIN_FAILURE_LIMIT": CLIENT_LIMIT,
        "LOGIN_ACCOUNT_FAILURE_LIMIT": ACCOUNT_LIMIT,
        "LOGIN_FAILURE_WINDOW": 600,
    }
    yield settings


def proxied(num_proxies: int, settings: Any) -> None:
    settings.COURSEHUB = {**settings.COURSEHUB, "NUM_PROXIES": num_proxies}


def test_forged_x_forwarded_for_is_ignored_without_trusted_proxies(client, throttled, victim):
    statuses = [
        login(client, "victim", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(CLIENT_LIMIT + 3)
    ]

    assert statuses == [401] * CLIENT_LIMIT + [429] * 3
    assert login(client, "victim", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


def test_behind_one_proxy_a_forged_leftmost_address_gets_no_fresh_counter(
    client, throttled, victim
):
    proxied(1, throttled)

    def attempt(n: int, password: str = "wrong") -> int:
        # The attacker writes the left part; the trusted proxy appends the address it saw.
        forwarded = f"203.0.113.{n}, 10.{n}.0.1, 192.0.2.50"
        return login(client, "victim", password, HTTP_X_FORWARDED_FOR=forwarded).status_code

    statuses = [attempt(n) for n in range(CLIENT_LIMIT + 3)]

    assert statuses == [401] * CLIENT_LIMIT + [429] * 3
    assert attempt(99, PASSWORD) == 429


def test_behind_one_proxy_the_address_it_saw_is_the_client(client, throttled, victim):
    proxied(1, throttled)
    for _n in range(CLIENT_LIMIT):
        login(client, "victim", "wrong", HTTP_X_FORWARDED_FOR="192.0.2.50")

    assert login(client, "victim", HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 429
    assert login(client, "victim", HTTP_X_FORWARDED_FOR="192.0.2.51").status_code == 200


def guess_from(address: str, identifier: str, password: str = "wrong") -> int:
    return login(ApiClient(REMOTE_ADDR=address), identifier, password).status_code


def test_an_attacker_rotating_real_addresses_is_stopped_per_account(throttled, victim):
    # Each address stays under the per-address limit; the account limit still holds.
    statuses = [guess_from(f"198.51.100.{n}", "victim") for n in range(ACCOUNT_LIMIT + 2)]

    assert statuses == [401] * ACCOUNT_LIMIT + [429] * 2
    # Even the right password from an address never seen before is not checked now.
    assert guess_from("192.0.2.200", "victim", PASSWORD) == 429


def test_username_email_and_case_variants_share_the_account_counter(throttled, victim):
    identifiers = ["victim", "victim@example.uz", "VICTIM@EXAMPLE.UZ", "Victim", "ＶＩＣＴＩＭ"]
    statuses = [
        guess_from(f"198.51.100.{n}", identifiers[n % len(identifiers)])
        for n in range(ACCOUNT_LIMIT + 1)
    ]

    assert statuses == [401] * ACCOUNT_LIMIT + [429]


def test_the_account_limit_treats_unknown_names_like_accounts(throttled, victim):
    # Same sequence of answers for a real and an invented name: no enumeration through 429s.
    real = [guess_from(f"198.51.100.{n}", "victim") for n in range(ACCOUNT_LIMIT + 1)]
    invented = [guess_from(f"198.51.100.{n}", "nobody") for n in range(ACCOUNT_LIMIT + 1)]

    assert real == invented


def test_the_account_limit_spares_the_owners_own_successful_logins(throttled, victim):
    for n in range(ACCOUNT_LIMIT + 2):
        assert guess_from(f"192.0.2.{n}", "victim", PASSWORD) == 200


def test_a_successful_login_does_not_give_an_attacker_a_fresh_account_budget(throttled, victim):
    for n in range(ACCOUNT_LIMIT - 1):
        assert guess_from(f"198.51.100.{n}", "victim") == 401
    assert guess_from("192.0.2.1", "victim", PASSWORD) == 200

    assert guess_from("198.51.100.200", "victim") == 401
    assert guess_from("198.51.100.201", "victim") == 429


def test_attempts_one_client_makes_past_its_own_limit_do_not_lock_the_account(
    client, throttled, victim
):
    for _attempt in range(ACCOUNT_LIMIT * 3):
        login(client, "victim", "wrong")

    assert login(client, "victim").status_code == 429
    assert guess_from("192.0.2.99", "victim", PASSWORD) == 200


def test_another_account_is_not_affected_by_a_locked_one(throttled, victim):
    bystander = UserFactory()
    for n in range(ACCOUNT_LIMIT):
        guess_from(f"198.51.100.{n}", "victim")

    assert guess_from("198.51.100.1", bystander.username, PASSWORD) == 200


def test_guessing_the_current_password_with_a_stolen_token_is_limited_per_account(
    throttled, victim
):
    access = login(ApiClient(), "victim").json()["access"]

    def guess(address: str) -> int:
        thief = bearer(access)
        thief.defaults["REMOTE_ADDR"] = address
        body = {"old_password": "guess", "new_password": "Whatever-2026-x"}
        return thief.post(PASSWORD_CHANGE, body).status_code

    statuses = [guess(f"198.51.100.{n}") for n in range(ACCOUNT_LIMIT + 1)]

    assert statuses == [400] * ACCOUNT_LIMIT + [429]
