"""Payme's Merchant API over HTTP at /api/payments/payme/: authentication, the JSON-RPC
envelope, every method and error code, the two sandbox scenarios of Payme's test suite, the
12-hour timeout, refunds, and the checkout link."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from django_coursehub.catalog.models import Course
from django_coursehub.learning.models import Enrollment
from django_coursehub.payments.models import Order, PaymeTransaction
from django_coursehub.payments.payme import protocol
from django_coursehub.payments.payme.checkout import checkout_url
from django_coursehub.payments.payme.protocol import PaymeError, localized
from django_coursehub.payments.providers import PROVIDER_DEFAULTS
from tests.conftest import ApiClient
from tests.factories import EnrollmentFactory, OrderFactory, PaidCourseFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/payments/payme/"
PRICE_TIYIN = 15_000_000  # the factories' 150 000.00 UZS
TIMEOUT_MS = PROVIDER_DEFAULTS["payme"]["TIMEOUT_MS"]
# A fixed clock: Payme's times and ours are comparable, and repeated answers provably stored.
NOW = 1_700_000_000_000


def basic(credentials: bytes) -> str:
    return "Basic " + base64.b64encode(credentials).decode()


AUTH = basic(b"Paycom:TEST_KEY_123")


def payme_id(number: int) -> str:
    return f"{number:024x}"


def post(body: Any, *, auth: str | None = AUTH, **extra: Any) -> Any:
    """POST ``body`` (JSON-encoded unless bytes/str) and check the answer is HTTP 200 JSON."""
    if auth is not None:
        extra["HTTP_AUTHORIZATION"] = auth
    response = ApiClient().post(URL, body, **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def rpc(method: str, params: Any, *, request_id: Any = 7, auth: str | None = AUTH) -> Any:
    return post({"method": method, "params": params, "id": request_id}, auth=auth)


def result(method: str, params: Any) -> dict[str, Any]:
    answer = rpc(method, params)
    assert "error" not in answer, answer
    assert answer["id"] == 7
    return answer["result"]


def error(method: str, params: Any, **kwargs: Any) -> dict[str, Any]:
    answer = rpc(method, params, **kwargs)
    assert "result" not in answer, answer
    assert set(answer["error"]["message"]) == {"ru", "uz", "en"}
    return answer["error"]


def code(method: str, params: Any, **kwargs: Any) -> int:
    return error(method, params, **kwargs)["code"]


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Our clock in Payme milliseconds; set ``clock[0]`` to move it."""
    now = [NOW]
    monkeypatch.setattr(protocol, "now_ms", lambda: now[0])
    yield now


@pytest.fixture
def order(payments: Any, clock: list[int]) -> Order:
    return OrderFactory()


def account(order: Order | int | str) -> dict[str, Any]:
    return {"order_id": str(order.pk if isinstance(order, Order) else order)}


def check_params(order: Order | int | str, amount: Any = PRICE_TIYIN) -> dict[str, Any]:
    return {"amount": amount, "account": account(order)}


def create_params(
    order: Order | int | str, number: int = 1, *, time: Any = NOW, amount: Any = PRICE_TIYIN
) -> dict[str, Any]:
    return {"id": payme_id(number), "time": time, "amount": amount, "account": account(order)}


def create(order: Order, number: int = 1, **kwargs: Any) -> dict[str, Any]:
    return result("CreateTransaction", create_params(order, number, **kwargs))


def perform(number: int = 1) -> dict[str, Any]:
    return result("PerformTransaction", {"id": payme_id(number)})


def cancel(number: int = 1, reason: int = 5) -> dict[str, Any]:
    return result("CancelTransaction", {"id": payme_id(number), "reason": reason})


def check(number: int = 1) -> dict[str, Any]:
    return result("CheckTransaction", {"id": payme_id(number)})


def stored(number: int = 1) -> PaymeTransaction:
    return PaymeTransaction.objects.get(payme_id=payme_id(number))


def enrollment_of(order: Order) -> Enrollment:
    return Enrollment.objects.get(user=order.buyer, course=order.course)


def enrollment_count(order: Order) -> int:
    return Course.objects.get(pk=order.course_id).enrollment_count


# Sandbox scenarios (Payme's own test suite, replayed) ----------------------------------------

ALL_METHODS = [
    ("CheckPerformTransaction", lambda order: check_params(order)),
    ("CreateTransaction", lambda order: create_params(order)),
    ("PerformTransaction", lambda order: {"id": payme_id(1)}),
    ("CancelTransaction", lambda order: {"id": payme_id(1), "reason": 1}),
    ("CheckTransaction", lambda order: {"id": payme_id(1)}),
    ("GetStatement", lambda order: {"from": 0, "to": NOW}),
]


def sandbox_preliminaries(order: Order) -> None:
    """Scenario steps 1–4: bad credentials, a wrong amount, a wrong account, then allowed."""
    for method, params in ALL_METHODS:
        assert code(method, params(order), auth=basic(b"Paycom:WRONG_KEY")) == -32504
    for method in ("CheckPerformTransaction", "CreateTransaction"):
        params = dict(ALL_METHODS)[method](order)
        assert code(method, {**params, "amount": PRICE_TIYIN - 100}) == -31001
        wrong = error(method, {**params, "account": account(order.pk + 1000)})
        assert (wrong["code"], wrong["data"]) == (-31050, "order_id")
    assert result("CheckPerformTransaction", check_params(order)) == {"allow": True}
    assert not PaymeTransaction.objects.exists()


def sandbox_create(order: Order) -> dict[str, Any]:
    """Create, its repeat, CheckTransaction, and a second Payme id for the same order."""
    created = create(order)
    assert created == {"create_time": NOW, "transaction": str(stored().pk), "state": 1}
    assert create(order) == created
    assert check()["state"] == 1
    assert code("CreateTransaction", create_params(order, 2)) == -31008
    assert fresh(order).status == Order.Status.AWAITING
    return created


def test_sandbox_scenario_1_create_and_cancel_an_unperformed_transaction(order, clock):
    sandbox_preliminaries(order)
    created = sandbox_create(order)

    clock[0] += 5_000
    cancelled = cancel(reason=3)
    clock[0] += 5_000

    transaction_id = created["transaction"]
    assert cancelled == {"transaction": transaction_id, "cancel_time": NOW + 5_000, "state": -1}
    assert cancel(reason=3) == cancelled
    assert check() == {
        "create_time": NOW,
        "perform_time": 0,
        "cancel_time": NOW + 5_000,
        "transaction": created["transaction"],
        "state": -1,
        "reason": 3,
    }
    assert fresh(order).status == Order.Status.PENDING
    assert not Enrollment.objects.exists()


def test_sandbox_scenario_2_create_perform_and_cancel_a_performed_transaction(
    order, clock, order_signals, django_capture_on_commit_callbacks
):
    sandbox_preliminaries(order)
    created = sandbox_create(order)

    with django_capture_on_commit_callbacks(execute=True):
        clock[0] += 60_000
        performed = perform()
        clock[0] += 1_000
        assert perform() == performed
    transaction_id = created["transaction"]
    assert performed == {"transaction": transaction_id, "perform_time": NOW + 60_000, "state": 2}
    assert check()["state"] == 2
    assert fresh(order).status == Order.Status.PAID
    assert enrollment_of(order).has_access

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = cancel(reason=5)
        clock[0] += 1_000
        assert cancel(reason=5) == cancelled
    assert cancelled == {"transaction": transaction_id, "cancel_time": NOW + 61_000, "state": -2}
    assert check() == {
        "create_time": NOW,
        "perform_time": NOW + 60_000,
        "cancel_time": NOW + 61_000,
        "transaction": created["transaction"],
        "state": -2,
        "reason": 5,
    }
    assert fresh(order).status == Order.Status.REFUNDED
    assert enrollment_of(order).status == Enrollment.Status.REFUNDED
    assert order_signals == [("order_paid", order), ("order_refunded", order)]


# Authentication --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer TEST_KEY_123",
        "Basic",
        "Basic not-base64!",
        basic(b"Paycom"),
        basic(b"Paycom:"),
        basic(b"Paycom:WRONG_KEY"),
        basic(b"Paycom:TEST_KEY_12"),
        basic(b"Paycom:TEST_KEY_1234"),
        basic(b"paycom:TEST_KEY_123"),
        basic(b"Admin:TEST_KEY_123"),
        basic(b":TEST_KEY_123"),
        basic(b"TEST_KEY_123"),
        basic(b"Paycom:TEST_KEY_123\x00"),
        basic("Paycom:TEST_KEY_123é".encode()),
    ],
)
def test_bad_credentials_are_refused_before_anything_is_read(order, header):
    answer = rpc("CreateTransaction", create_params(order), request_id=41, auth=header)

    assert answer["id"] == 41
    assert answer["error"]["code"] == -32504
    assert set(answer["error"]["message"]) == {"ru", "uz", "en"}
    assert not PaymeTransaction.objects.exists()
    assert fresh(order).status == Order.Status.PENDING


def test_the_published_authorization_header_is_accepted(order):
    assert AUTH == "Basic UGF5Y29tOlRFU1RfS0VZXzEyMw=="
    assert result("CheckPerformTransaction", check_params(order)) == {"allow": True}


def test_the_scheme_name_is_case_insensitive(order):
    lower_case = AUTH.replace("Basic", "basic")
    answer = rpc("CheckPerformTransaction", check_params(order), auth=lower_case)
    assert answer["result"] == {"allow": True}


def test_a_previous_key_is_accepted_during_rotation(order, payments):
    payments["payme"].update(KEY="NEW_KEY", PREVIOUS_KEYS=["TEST_KEY_123"])

    assert rpc("CheckTransaction", {"id": payme_id(1)})["error"]["code"] == -31003
    new = rpc("CheckTransaction", {"id": payme_id(1)}, auth=basic(b"Paycom:NEW_KEY"))
    assert new["error"]["code"] == -31003
    gone = rpc("CheckTransaction", {"id": payme_id(1)}, auth=basic(b"Paycom:OLDER"))
    assert gone["error"]["code"] == -32504


def test_the_login_is_checked_with_the_key(order, payments):
    payments["payme"]["LOGIN"] = "Merchant"

    assert code("CheckTransaction", {"id": payme_id(1)}) == -32504
    answer = rpc("CheckTransaction", {"id": payme_id(1)}, auth=basic(b"Merchant:TEST_KEY_123"))
    assert answer["error"]["code"] == -31003


def test_a_refused_call_that_is_not_json_answers_with_a_null_id(order):
    answer = post(b"not json", auth=basic(b"Paycom:WRONG"))
    assert (answer["id"], answer["error"]["code"]) == (None, -32504)


# Envelope and transport ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"method": "CheckTransaction", ',
        b"\xff\xfe\x00garbage",
        b'{"method": "CheckTransaction", "params": {"id": "a\x00b"}, "id": 1}',
        b'{"method": "GetStatement", "params": {"from": NaN, "to": Infinity}, "id": 1}',
        b'{"method": "GetStatement", "params": {"from": 0, "to": ' + b"9" * 5000 + b'}, "id": 1}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=["empty", "text", "truncated", "binary", "raw-nul", "nan", "huge-number", "deep"],
)
def test_a_body_that_is_not_json_is_a_parse_error_with_a_null_id(order, body):
    answer = post(body)
    assert (answer["id"], answer["error"]["code"]) == (None, -32700)


@pytest.mark.parametrize(
    ("body", "data", "request_id"),
    [
        ([{"method": "CheckTransaction", "params": {}, "id": 1}], None, None),
        (json.dumps("CheckTransaction"), None, None),
        (42, None, None),
        ({"params": {"id": payme_id(1)}, "id": 3}, "method", 3),
        ({"method": 5, "params": {"id": payme_id(1)}, "id": 3}, "method", 3),
        ({"method": "CheckTransaction", "id": 3}, "params", 3),
        ({"method": "CheckTransaction", "params": [payme_id(1)], "id": 3}, "params", 3),
        ({"method": "CheckTransaction", "params": None, "id": "x"}, "params", "x"),
        ({"method": "CheckTransaction", "params": {}, "id": {"n": 1}}, "id", None),
        ({"method": "CheckTransaction", "params": {}, "id": True}, "id", None),
    ],
)
def test_an_invalid_envelope_is_an_invalid_request(order, body, data, request_id):
    answer = post(body)

    assert answer["id"] == request_id
    assert answer["error"]["code"] == -32600
    assert answer["error"].get("data") == data


@pytest.mark.parametrize(
    "method", ["ChangePassword", "SetFiscalData", "checkTransaction", "", "Get\x00Statement"]
)
def test_an_unknown_method_is_method_not_found_naming_it(order, method):
    answer = error(method, {"password": "NEW"})
    assert (answer["code"], answer["data"]) == (-32601, method)


def test_a_huge_request_id_is_echoed_exactly(order):
    answer = rpc("CheckTransaction", {"id": payme_id(1)}, request_id=10**30)
    assert answer["id"] == 10**30


def test_a_call_without_an_id_is_answered_with_a_null_id(order):
    answer = post({"method": "CheckTransaction", "params": {"id": payme_id(1)}})
    assert (answer["id"], answer["error"]["code"]) == (None, -31003)


def test_paymes_text_json_content_type_is_accepted(order):
    response = ApiClient().generic(
        "POST",
        URL,
        json.dumps({"method": "CheckPerformTransaction", "params": check_params(order), "id": 1}),
        content_type="text/json; charset=UTF-8",
        HTTP_AUTHORIZATION=AUTH,
    )
    assert response.json()["result"] == {"allow": True}


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_a_request_that_is_not_a_post_is_refused_in_json_rpc(order, method):
    response = getattr(ApiClient(), method)(URL, HTTP_AUTHORIZATION=AUTH)

    assert response.status_code == 200
    assert response.json()["error"]["code"] == -32300


@pytest.mark.parametrize("method", ["post", "get"])
def test_a_disabled_provider_answers_404_json(method):
    response = getattr(ApiClient(), method)(URL, HTTP_AUTHORIZATION=AUTH)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unexpected_failure_is_a_system_error_and_is_logged(order, monkeypatch, caplog):
    def broken(params: Any, config: Any) -> Any:
        raise RuntimeError("database is down")

    monkeypatch.setitem(protocol.METHODS, "CheckTransaction", broken)

    answer = rpc("CheckTransaction", {"id": payme_id(1)}, request_id=12)

    assert (answer["id"], answer["error"]["code"]) == (12, -32400)
    assert "database is down" not in json.dumps(answer)
    [record] = [r for r in caplog.records if r.name == "django_coursehub.payments" and r.exc_info]
    assert record.levelname == "ERROR"


def test_messages_are_rendered_in_each_of_paymes_languages_whatever_the_request_language():
    assert localized(_("Course not found.")) == {
        "ru": "Курс не найден.",
        "uz": "Kurs topilmadi.",
        "en": "Course not found.",
    }
    with translation.override("ru"):
        assert PaymeError(-31003).as_json() == {
            "code": -31003,
            "message": localized(_("Transaction not found.")),
        }


def test_the_endpoint_is_documented_in_the_openapi_schema():
    from tests.urls import api

    operation = api.get_openapi_schema()["paths"][URL]["post"]

    assert "Payme" in operation["summary"]
    assert set(api.get_openapi_schema()["paths"][URL]) == {"post"}


# Parameters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "params", "data"),
    [
        ("CreateTransaction", {"id": 123}, "id"),
        ("CreateTransaction", {"id": ""}, "id"),
        ("CreateTransaction", {"id": "x" * 65}, "id"),
        ("CreateTransaction", {"id": "abc\x00"}, "id"),
        ("CreateTransaction", {"time": "now"}, "time"),
        ("CreateTransaction", {"time": True}, "time"),
        ("CreateTransaction", {"time": 10**30}, "time"),
        ("CreateTransaction", {"time": -1}, "time"),
        ("CreateTransaction", {"time": None}, "time"),
        ("CreateTransaction", {"amount": "15000000"}, "amount"),
        ("CreateTransaction", {"amount": 1.5}, "amount"),
        ("CreateTransaction", {"amount": False}, "amount"),
        ("CreateTransaction", {"account": "1"}, "account"),
        ("CreateTransaction", {"account": None}, "account"),
        ("CheckPerformTransaction", {"amount": None}, "amount"),
        ("CheckPerformTransaction", {"account": [1]}, "account"),
        ("PerformTransaction", {"id": None}, "id"),
        ("CheckTransaction", {"id": ["a"]}, "id"),
        ("CancelTransaction", {"reason": None}, "reason"),
        ("CancelTransaction", {"reason": "5"}, "reason"),
        ("CancelTransaction", {"reason": 0}, "reason"),
        ("CancelTransaction", {"reason": 10**6}, "reason"),
        ("GetStatement", {"from": "yesterday"}, "from"),
        ("GetStatement", {"to": 2**63}, "to"),
    ],
)
def test_a_missing_or_ill_typed_parameter_is_an_invalid_request(order, method, params, data):
    valid = {
        "CheckPerformTransaction": check_params(order),
        "CreateTransaction": create_params(order),
        "PerformTransaction": {"id": payme_id(1)},
        "CheckTransaction": {"id": payme_id(1)},
        "CancelTransaction": {"id": payme_id(1), "reason": 5},
        "GetStatement": {"from": 0, "to": NOW},
    }[method]

    answer = error(method, {**valid, **params})
    missing = error(method, {key: value for key, value in valid.items() if key != data})

    assert (answer["code"], answer["data"]) == (-32600, data)
    assert (missing["code"], missing["data"]) == (-32600, data)
    assert not PaymeTransaction.objects.exists()


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "",
        " 1",
        "1.5",
        "-1",
        "0",
        "1\x00",
        "١",
        "99999999999999999999",
        10**30,
        -1,
        1.0,
        True,
        None,
        [1],
        {"id": 1},
    ],
)
@pytest.mark.parametrize("method", ["CheckPerformTransaction", "CreateTransaction"])
def test_an_account_that_names_no_order_is_an_account_error(order, method, value):
    params = create_params(order) if method == "CreateTransaction" else check_params(order)

    answer = error(method, {**params, "account": {"order_id": value}})
    missing = error(method, {**params, "account": {"course_id": order.pk}})

    assert (answer["code"], answer["data"]) == (-31050, "order_id")
    assert (missing["code"], missing["data"]) == (-31050, "order_id")
    assert not PaymeTransaction.objects.exists()


def test_the_account_field_name_is_a_setting(order, payments):
    payments["payme"]["ACCOUNT_FIELD"] = "invoice"

    answer = error("CheckPerformTransaction", check_params(order))
    assert (answer["code"], answer["data"]) == (-31050, "invoice")
    params = {"amount": PRICE_TIYIN, "account": {"invoice": order.pk}}
    assert result("CheckPerformTransaction", params) == {"allow": True}
    created = result("CreateTransaction", {**params, "id": payme_id(1), "time": NOW})
    assert created["state"] == 1
    assert stored().account == {"invoice": str(order.pk)}


# CheckPerformTransaction -----------------------------------------------------------------------


@pytest.mark.parametrize("order_id", [str, int])
def test_check_perform_allows_an_open_order_at_its_price(order, order_id):
    params = {"amount": float(PRICE_TIYIN), "account": {"order_id": order_id(order.pk)}}
    assert result("CheckPerformTransaction", params) == {"allow": True}
    assert fresh(order).status == Order.Status.PENDING


@pytest.mark.parametrize(
    "amount", [PRICE_TIYIN - 1, PRICE_TIYIN + 1, 150_000, 0, -PRICE_TIYIN, 10**40]
)
@pytest.mark.parametrize("method", ["CheckPerformTransaction", "CreateTransaction"])
def test_any_other_amount_is_a_wrong_amount(order, method, amount):
    params = create_params(order) if method == "CreateTransaction" else check_params(order)

    assert code(method, {**params, "amount": amount}) == -31001
    assert not PaymeTransaction.objects.exists()


@pytest.mark.parametrize("status", ["paid", "refunded", "cancelled", "expired"])
@pytest.mark.parametrize("method", ["CheckPerformTransaction", "CreateTransaction"])
def test_a_closed_order_cannot_be_paid(payments, clock, method, status):
    order = OrderFactory(status=status, paid_at="2026-01-01T00:00:00Z")
    params = create_params(order) if method == "CreateTransaction" else check_params(order)

    assert code(method, params) == -31008
    assert not PaymeTransaction.objects.exists()


@pytest.mark.parametrize("method", ["CheckPerformTransaction", "CreateTransaction"])
def test_a_buyer_who_already_has_the_course_cannot_pay_for_it(order, method):
    EnrollmentFactory(user=order.buyer, course=order.course)
    params = create_params(order) if method == "CreateTransaction" else check_params(order)

    assert code(method, params) == -31008
    assert fresh(order).status == Order.Status.PENDING


@pytest.mark.parametrize("method", ["CheckPerformTransaction", "CreateTransaction"])
def test_an_order_made_for_another_provider_cannot_be_paid_through_payme(payments, clock, method):
    order = OrderFactory(provider=Order.Provider.CLICK)
    params = create_params(order) if method == "CreateTransaction" else check_params(order)

    assert code(method, params) == -31008


def test_check_perform_refuses_an_order_a_transaction_is_paying(order):
    create(order)
    assert code("CheckPerformTransaction", check_params(order)) == -31008


# CreateTransaction -----------------------------------------------------------------------------


def test_create_reserves_the_order_and_stores_paymes_values(order, clock):
    clock[0] = NOW + 2_500

    created = create(order, time=NOW)

    payment = stored()
    assert created == {"create_time": NOW + 2_500, "transaction": str(payment.pk), "state": 1}
    assert (payment.order, payment.payme_time, payment.amount) == (order, NOW, PRICE_TIYIN)
    assert payment.account == {"order_id": str(order.pk)}
    assert (payment.perform_time, payment.cancel_time, payment.reason) == (0, 0, None)
    assert fresh(order).status == Order.Status.AWAITING


def test_a_repeated_create_answers_the_stored_values_later(order, clock):
    created = create(order)
    clock[0] += 3_600_000

    assert create(order) == created
    assert PaymeTransaction.objects.count() == 1


@pytest.mark.parametrize("state", [2, -1, -2])
def test_create_again_after_the_transaction_moved_on_is_refused(order, state):
    create(order)
    PaymeTransaction.objects.update(state=state)

    assert code("CreateTransaction", create_params(order)) == -31008


def test_a_create_payme_made_longer_ago_than_the_timeout_stores_nothing(order):
    assert code("CreateTransaction", create_params(order, time=NOW - TIMEOUT_MS - 1)) == -31008
    assert not PaymeTransaction.objects.exists()
    assert fresh(order).status == Order.Status.PENDING

    assert create(order, time=NOW - TIMEOUT_MS)["state"] == 1


def test_the_codes_payme_has_not_settled_are_settings(order, payments):
    payments["payme"].update(RESERVED_ORDER_ERROR=-31050, STALE_CREATE_ERROR=-31051)
    stale = error("CreateTransaction", create_params(order, 1, time=NOW - TIMEOUT_MS - 1))
    create(order, 1)

    reserved = error("CreateTransaction", create_params(order, 2))
    checked = error("CheckPerformTransaction", check_params(order))

    assert (stale["code"], stale["data"]) == (-31051, "time")
    assert (reserved["code"], reserved["data"]) == (-31050, "order_id")
    assert (checked["code"], checked["data"]) == (-31050, "order_id")
    assert PaymeTransaction.objects.count() == 1


def test_a_cancelled_transaction_frees_the_order_for_a_new_one(order):
    create(order, 1)
    cancel(1, reason=1)

    assert result("CheckPerformTransaction", check_params(order)) == {"allow": True}
    assert create(order, 2)["state"] == 1
    assert fresh(order).status == Order.Status.AWAITING


# Timeout ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["CreateTransaction", "PerformTransaction"])
def test_a_transaction_past_the_timeout_is_cancelled_by_timeout(order, clock, method):
    created = create(order, time=NOW - 1_000)
    clock[0] = NOW - 1_000 + TIMEOUT_MS + 1
    params = (
        create_params(order, time=NOW - 1_000)
        if method == "CreateTransaction"
        else {"id": payme_id(1)}
    )

    assert code(method, params) == -31008

    assert check() == {
        **created,
        "perform_time": 0,
        "cancel_time": clock[0],
        "state": -1,
        "reason": 4,
    }
    assert fresh(order).status == Order.Status.PENDING
    assert not Enrollment.objects.exists()
    clock[0] += 1_000
    assert code(method, params) == -31008
    assert check()["cancel_time"] == NOW - 1_000 + TIMEOUT_MS + 1


def test_the_timeout_is_a_setting_and_counts_from_paymes_time(order, clock, payments):
    payments["payme"]["TIMEOUT_MS"] = 60_000
    create(order, time=NOW - 30_000)
    clock[0] = NOW + 30_000

    assert perform()["state"] == 2


def test_a_transaction_performed_in_time_is_not_touched_by_the_timeout(order, clock):
    create(order)
    performed = perform()
    clock[0] += 2 * TIMEOUT_MS

    assert perform() == performed
    assert check()["state"] == 2


# PerformTransaction ----------------------------------------------------------------------------


def test_perform_pays_the_order_and_enrolls_the_buyer_once(
    order, clock, order_signals, django_capture_on_commit_callbacks
):
    create(order)
    before = enrollment_count(order)
    clock[0] += 10_000

    with django_capture_on_commit_callbacks(execute=True):
        performed = perform()
        clock[0] += 10_000
        repeated = perform()

    assert (
        performed
        == repeated
        == {
            "transaction": str(stored().pk),
            "perform_time": NOW + 10_000,
            "state": 2,
        }
    )
    order = fresh(order)
    assert order.status == Order.Status.PAID and order.paid_at is not None
    enrollment = enrollment_of(order)
    assert (enrollment.source, enrollment.status) == ("purchase", "active")
    assert enrollment_count(order) == before + 1
    assert order_signals == [("order_paid", order)]


def test_perform_of_an_unknown_transaction_is_not_found(order):
    assert code("PerformTransaction", {"id": payme_id(9)}) == -31003


@pytest.mark.parametrize("reason", [1, 5])
def test_perform_of_a_cancelled_transaction_is_refused(order, reason):
    create(order)
    cancel(reason=reason)

    assert code("PerformTransaction", {"id": payme_id(1)}) == -31008
    assert fresh(order).status == Order.Status.PENDING


def test_perform_of_a_refunded_transaction_is_refused(order):
    create(order)
    perform()
    cancel()

    assert code("PerformTransaction", {"id": payme_id(1)}) == -31008
    assert fresh(order).status == Order.Status.REFUNDED


def test_perform_is_refused_when_the_buyer_bought_the_course_in_another_order(order):
    create(order)
    OrderFactory(
        buyer=order.buyer, course=order.course, status="paid", paid_at="2026-01-01T00:00:00Z"
    )

    assert code("PerformTransaction", {"id": payme_id(1)}) == -31008
    assert stored().state == 1
    assert fresh(order).status == Order.Status.AWAITING


# CancelTransaction -----------------------------------------------------------------------------


def test_cancel_of_a_created_transaction_releases_the_order(order, clock, order_signals):
    created = create(order)
    clock[0] += 7_000

    cancelled = cancel(reason=2)
    clock[0] += 7_000

    transaction_id = created["transaction"]
    assert cancelled == {"transaction": transaction_id, "cancel_time": NOW + 7_000, "state": -1}
    assert cancel(reason=2) == cancelled
    assert (stored().state, stored().reason) == (-1, 2)
    assert fresh(order).status == Order.Status.PENDING
    assert order_signals == []


def test_cancel_of_an_expired_transaction_keeps_paymes_reason(order, clock):
    create(order)
    clock[0] += TIMEOUT_MS + 1

    assert cancel(reason=4)["state"] == -1
    assert stored().reason == 4
    assert fresh(order).status == Order.Status.PENDING


def test_cancel_of_a_performed_transaction_refunds_and_revokes_access(
    order, clock, order_signals, django_capture_on_commit_callbacks
):
    create(order)
    with django_capture_on_commit_callbacks(execute=True):
        perform()
    before = enrollment_count(order)
    clock[0] += 86_400_000

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = cancel(reason=5)
        repeated = cancel(reason=5)

    assert cancelled == repeated
    assert (cancelled["state"], cancelled["cancel_time"]) == (-2, NOW + 86_400_000)
    order = fresh(order)
    assert order.status == Order.Status.REFUNDED and order.refunded_at is not None
    enrollment = enrollment_of(order)
    assert (enrollment.status, enrollment.has_access) == (Enrollment.Status.REFUNDED, False)
    assert enrollment_count(order) == before - 1
    assert order_signals == [("order_paid", order), ("order_refunded", order)]


def test_a_performed_transaction_is_not_cancellable_when_the_site_forbids_it(order, payments):
    payments["payme"]["ALLOW_CANCEL_PERFORMED"] = False
    create(order)
    performed = perform()

    assert code("CancelTransaction", {"id": payme_id(1), "reason": 5}) == -31007
    assert perform() == performed
    assert fresh(order).status == Order.Status.PAID
    assert enrollment_of(order).has_access


def test_cancel_of_an_unknown_transaction_is_not_found(order):
    assert code("CancelTransaction", {"id": payme_id(9), "reason": 1}) == -31003


# CheckTransaction ------------------------------------------------------------------------------


def test_check_transaction_reports_a_created_transaction_with_zero_times(order):
    created = create(order)

    assert check() == {**created, "perform_time": 0, "cancel_time": 0, "reason": None}


def test_check_of_an_unknown_transaction_is_not_found(order):
    assert code("CheckTransaction", {"id": payme_id(9)}) == -31003


# GetStatement ----------------------------------------------------------------------------------


def test_get_statement_lists_paymes_range_inclusively_in_paymes_time_order(payments, clock):
    orders = [OrderFactory() for _ in range(4)]
    # Created in another order than Payme's times, so the answer's order is not insertion order.
    offsets = [3_000, 1_000, 2_000, 9_000]
    for number, (order, offset) in enumerate(zip(orders, offsets, strict=True), start=1):
        create(order, number, time=NOW + offset)
    cancel(3, reason=3)
    clock[0] += 5_000
    perform(2)

    statement = result("GetStatement", {"from": NOW + 1_000, "to": NOW + 3_000})["transactions"]

    assert [entry["id"] for entry in statement] == [payme_id(2), payme_id(3), payme_id(1)]
    first = statement[0]
    assert first == {
        "id": payme_id(2),
        "time": NOW + 1_000,
        "amount": PRICE_TIYIN,
        "account": {"order_id": str(orders[1].pk)},
        "create_time": NOW,
        "perform_time": NOW + 5_000,
        "cancel_time": 0,
        "transaction": str(stored(2).pk),
        "state": 2,
        "reason": None,
        "receivers": None,
    }
    assert (statement[1]["state"], statement[1]["reason"]) == (-1, 3)


def test_get_statement_of_an_empty_range_is_an_empty_list(order):
    create(order, time=NOW)

    assert result("GetStatement", {"from": NOW + 1, "to": NOW + 10})["transactions"] == []
    assert result("GetStatement", {"from": NOW + 10, "to": NOW})["transactions"] == []


def test_a_refused_create_never_appears_in_the_statement(order):
    error("CreateTransaction", create_params(order, amount=1))

    assert result("GetStatement", {"from": 0, "to": NOW})["transactions"] == []


# Checkout link ---------------------------------------------------------------------------------


def payme_config(**overrides: Any) -> dict[str, Any]:
    return {**PROVIDER_DEFAULTS["payme"], "MERCHANT_ID": "587f72c72cac0d162c722ae2", **overrides}


def decoded(url: str, host: str = "https://checkout.paycom.uz/") -> str:
    assert url.startswith(host)
    return base64.b64decode(url.removeprefix(host)).decode()


def test_the_checkout_link_matches_paymes_published_vector():
    order = Order(pk=197, amount=Decimal("5.00"), currency="UZS")

    with translation.override(None):
        url = checkout_url(order, payme_config())

    assert (
        url
        == "https://checkout.paycom.uz/bT01ODdmNzJjNzJjYWMwZDE2MmM3MjJhZTI7YWMub3JkZXJfaWQ9MTk3O2E9NTAw"
    )


@pytest.mark.parametrize(
    ("language", "suffix"), [("uz", ";l=uz"), ("ru", ";l=ru"), ("en", ";l=en"), ("de", "")]
)
def test_the_checkout_link_speaks_the_active_language_when_payme_does(language, suffix):
    order = Order(pk=197, amount=Decimal("150000.00"), currency="UZS")

    with translation.override(language):
        url = checkout_url(order, payme_config())

    assert decoded(url) == f"m=587f72c72cac0d162c722ae2;ac.order_id=197;a=15000000{suffix}"


def test_the_checkout_link_carries_the_return_url_without_a_raw_semicolon():
    order = Order(pk=42, amount=Decimal("1000.50"), currency="UZS")
    config = payme_config(
        CHECKOUT_URL="https://test.paycom.uz",
        ACCOUNT_FIELD="invoice",
        RETURN_URL="https://shop.example/orders/{order_id}/?a=1;b=2",
    )

    with translation.override(None):
        url = checkout_url(order, config)

    assert decoded(url, "https://test.paycom.uz/") == (
        "m=587f72c72cac0d162c722ae2;ac.invoice=42;a=100050;"
        "c=https://shop.example/orders/42/?a=1%3Bb=2"
    )


def test_ordering_through_payme_answers_the_checkout_link(payments, api_as):
    course = PaidCourseFactory()

    response = api_as(UserFactory()).post(
        "/api/payments/orders/", {"course": course.pk, "provider": "payme"}
    )

    assert response.status_code == 201
    body = response.json()
    assert decoded(body["checkout_url"]).startswith(
        f"m=587f72c72cac0d162c722ae2;ac.order_id={body['id']};a=15000000"
    )
