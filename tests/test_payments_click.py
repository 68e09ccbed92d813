"""Click SHOP API over HTTP at its exact paths: Prepare and Complete, every answer code, the
published signature vectors, Click's test-collection matrix, repeats, cancellation after
payment, malformed input, and the pay link."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from django_coursehub.catalog.models import Course
from django_coursehub.learning.models import Enrollment
from django_coursehub.payments import services
from django_coursehub.payments.click.checkout import checkout_url
from django_coursehub.payments.click.protocol import (
    COMPLETE_FIELDS,
    PREPARE_FIELDS,
    Action,
    click_signature,
)
from django_coursehub.payments.models import ClickTransaction, Order
from django_coursehub.payments.providers import PROVIDER_DEFAULTS
from tests.conftest import PAYMENT_SETTINGS
from tests.factories import OrderFactory, PaidCourseFactory

pytestmark = pytest.mark.django_db

PREPARE_URL = "/api/payments/click/prepare/"
COMPLETE_URL = "/api/payments/click/complete/"
SECRET = PAYMENT_SETTINGS["click"]["SECRET_KEY"]
SERVICE_ID = PAYMENT_SETTINGS["click"]["SERVICE_ID"]
SIGN_TIME = "2025-01-15 12:30:45"
CLICK_TRANS_ID = 2096371522
PRICE = "150000.00"


@pytest.fixture(autouse=True)
def _click_enabled(payments: dict[str, Any]) -> None:
    """Every test runs with the providers enabled, Click with the spec's test keys."""


@pytest.fixture
def order() -> Order:
    return OrderFactory(provider=Order.Provider.CLICK)


def signed(
    action: int,
    merchant_trans_id: Any,
    /,
    *,
    click_trans_id: Any = CLICK_TRANS_ID,
    amount: str = PRICE,
    error: Any = 0,
    merchant_prepare_id: Any = None,
    secret: str = SECRET,
    **overrides: Any,
) -> dict[str, str]:
    """The form Click posts, signed as Click signs it (by the formula of ``action``)."""
    fields = {
        "click_trans_id": str(click_trans_id),
        "service_id": SERVICE_ID,
        "click_paydoc_id": "3344556677",
        "merchant_trans_id": str(merchant_trans_id),
        "amount": amount,
        "action": str(action),
        "error": str(error),
        "error_note": "Success" if str(error) == "0" else "Card blocked",
        "sign_time": SIGN_TIME,
    }
    if merchant_prepare_id is not None:
        fields["merchant_prepare_id"] = str(merchant_prepare_id)
    fields.update({name: str(value) for name, value in overrides.items()})
    formula = Action.COMPLETE if action == Action.COMPLETE else Action.PREPARE
    fields["sign_string"] = click_signature(fields, secret, formula)
    return fields


def call(url: str, fields: dict[str, str]) -> dict[str, Any]:
    response = Client().post(
        url, urlencode(fields), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def prepare(order_id: Any, **kwargs: Any) -> dict[str, Any]:
    return call(PREPARE_URL, signed(0, order_id, **kwargs))


def complete(order_id: Any, prepare_id: Any, **kwargs: Any) -> dict[str, Any]:
    return call(COMPLETE_URL, signed(1, order_id, merchant_prepare_id=prepare_id, **kwargs))


def prepared(order: Order, click_trans_id: int = CLICK_TRANS_ID) -> int:
    answer = prepare(order.pk, click_trans_id=click_trans_id)
    assert answer["error"] == 0
    return int(answer["merchant_prepare_id"])


def paid(order: Order, click_trans_id: int = CLICK_TRANS_ID) -> int:
    prepare_id = prepared(order, click_trans_id)
    assert complete(order.pk, prepare_id, click_trans_id=click_trans_id)["error"] == 0
    return prepare_id


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def enrollment_of(order: Order) -> Enrollment:
    return Enrollment.objects.get(user=order.buyer, course=order.course)


def enrollment_count(order: Order) -> int:
    return Course.objects.get(pk=order.course_id).enrollment_count


def errors_of(*answers: dict[str, Any]) -> list[int]:
    return [answer["error"] for answer in answers]


# The pay link --------------------------------------------------------------------------------


def test_pay_link_carries_every_value_percent_encoded(order):
    config = {
        **PROVIDER_DEFAULTS["click"],
        **PAYMENT_SETTINGS["click"],
        "RETURN_URL": "https://shop.example/paid?order={order_id}&lang=uz",
    }

    url = checkout_url(order, config)

    assert url == (
        "https://my.click.uz/services/pay?service_id=12345&merchant_id=67890"
        f"&amount=150000.00&transaction_param={order.pk}"
        "&return_url=https%3A%2F%2Fshop.example%2Fpaid%3Forder%3D"
        f"{order.pk}%26lang%3Duz&merchant_user_id=111"
    )
    query = dict(parse_qsl(urlsplit(url).query))
    assert query["return_url"] == f"https://shop.example/paid?order={order.pk}&lang=uz"


def test_pay_link_leaves_out_an_empty_return_url_and_merchant_user_id():
    order = OrderFactory(
        provider=Order.Provider.CLICK, course=PaidCourseFactory(price=Decimal("99.5"))
    )
    config = {**PROVIDER_DEFAULTS["click"], **PAYMENT_SETTINGS["click"], "MERCHANT_USER_ID": ""}

    url = checkout_url(order, config)

    assert url == (
        "https://my.click.uz/services/pay?service_id=12345&merchant_id=67890"
        f"&amount=99.50&transaction_param={order.pk}"
    )


def test_ordering_through_click_answers_the_pay_link(student, api_as):
    course = PaidCourseFactory()

    response = api_as(student).post(
        "/api/payments/orders/", {"course": course.pk, "provider": "click"}
    )

    assert response.status_code == 201
    body = response.json()
    query = dict(parse_qsl(urlsplit(body["checkout_url"]).query))
    assert query == {
        "service_id": "12345",
        "merchant_id": "67890",
        "amount": "150000.00",
        "transaction_param": str(body["id"]),
        "merchant_user_id": "111",
    }


# Signatures ----------------------------------------------------------------------------------

VECTOR = {
    "click_trans_id": "2096371522",
    "service_id": "12345",
    "merchant_trans_id": "17",
    "amount": "150000.00",
    "sign_time": "2025-01-15 12:30:45",
}


def test_prepare_signature_matches_the_published_vector():
    fields = {**VECTOR, "action": "0"}

    assert click_signature(fields, "SECRETKEY", Action.PREPARE) == (
        "782bb2d5cbbd4267ea3c73c9b7ff8a89"
    )


def test_complete_signature_matches_the_published_vector():
    fields = {**VECTOR, "action": "1", "merchant_prepare_id": "55"}

    assert click_signature(fields, "SECRETKEY", Action.COMPLETE) == (
        "55acfad24ba404a4cc06f350814e9c48"
    )


def test_the_published_vectors_are_accepted_end_to_end():
    order = OrderFactory(pk=17, provider=Order.Provider.CLICK)
    form = {**VECTOR, "click_paydoc_id": "1", "error": "0", "error_note": "Success"}
    prepare_form = {**form, "action": "0", "sign_string": "782bb2d5cbbd4267ea3c73c9b7ff8a89"}
    # Our transaction 55 for Click's payment, as if Prepare had stored it.
    attempt = ClickTransaction.objects.create(
        pk=55, click_trans_id=2096371522, click_paydoc_id=1, order=order, amount=order.amount
    )
    complete_form = {
        **form,
        "action": "1",
        "merchant_prepare_id": "55",
        "sign_string": "55acfad24ba404a4cc06f350814e9c48",
    }

    assert call(PREPARE_URL, prepare_form)["merchant_prepare_id"] == attempt.pk
    assert call(COMPLETE_URL, complete_form) == {
        "click_trans_id": 2096371522,
        "merchant_trans_id": "17",
        "merchant_confirm_id": 55,
        "error": 0,
        "error_note": "Success",
    }


def test_an_upper_case_signature_is_the_same_signature(order):
    fields = signed(0, order.pk)
    fields["sign_string"] = fields["sign_string"].upper()

    assert call(PREPARE_URL, fields)["error"] == 0


@pytest.mark.parametrize("url", [PREPARE_URL, COMPLETE_URL])
@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "ANOTHERKEY"},
        {"sign_string": "782bb2d5cbbd4267ea3c73c9b7ff8a89"},
        {"sign_string": "not hex at all \x00 ʻ"},
    ],
    ids=["other secret", "another call's signature", "garbage"],
)
def test_a_bad_signature_is_minus_1_and_changes_nothing(order, url, tamper):
    action = 0 if url == PREPARE_URL else 1
    secret = tamper.get("secret", SECRET)
    fields = signed(action, order.pk, merchant_prepare_id=1 if action else None, secret=secret)
    if "sign_string" in tamper:
        fields["sign_string"] = tamper["sign_string"]

    answer = call(url, fields)

    assert answer["error"] == -1
    assert answer["error_note"] == "SIGN CHECK FAILED!"
    assert not ClickTransaction.objects.exists()
    assert fresh(order).status == Order.Status.PENDING


def test_the_amount_is_signed_as_sent_not_as_parsed(order):
    fields = signed(0, order.pk, amount="150000")
    fields["amount"] = "150000.00"

    assert call(PREPARE_URL, fields)["error"] == -1


# Prepare -------------------------------------------------------------------------------------


def test_prepare_reserves_the_order_and_answers_our_transaction_id(order):
    answer = prepare(order.pk)

    attempt = ClickTransaction.objects.get()
    assert answer == {
        "click_trans_id": CLICK_TRANS_ID,
        "merchant_trans_id": str(order.pk),
        "merchant_prepare_id": attempt.pk,
        "error": 0,
        "error_note": "Success",
    }
    assert attempt.state == ClickTransaction.State.PREPARED
    assert (attempt.click_trans_id, attempt.click_paydoc_id) == (CLICK_TRANS_ID, 3344556677)
    assert (attempt.order, attempt.amount) == (order, Decimal(PRICE))
    assert fresh(order).status == Order.Status.AWAITING


def test_a_repeated_prepare_gets_the_same_answer_and_no_second_transaction(order):
    first, second = prepare(order.pk), prepare(order.pk)

    assert first == second
    assert ClickTransaction.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("150000", 0),
        ("150000.00", 0),
        ("150000.0", 0),
        ("150000.001", 0),
        ("1.5e5", 0),
        ("150000.5", -2),
        ("150000.01", -2),
        ("149999.99", -2),
        ("1e5", -2),
        ("300", -2),
        ("-1", -2),
        ("-150000.00", -2),
        ("0", -2),
        ("1e999999999", -2),
        ("9" * 30, -2),
        ("abc", -8),
        ("NaN", -8),
        ("Infinity", -8),
        ("150_000", -8),
        (" 150000", -8),
        ("150000,00", -8),
        ("١٥٠٠٠٠", -8),
        ("9" * 31, -8),
    ],
)
def test_prepare_compares_the_amount_in_som_to_the_cent(order, amount, error):
    assert prepare(order.pk, amount=amount)["error"] == error
    assert ClickTransaction.objects.count() == (1 if error == 0 else 0)


def test_prepare_of_a_paid_order_is_minus_4(order):
    paid(order)

    answer = prepare(order.pk, click_trans_id=CLICK_TRANS_ID + 1)

    assert errors_of(answer) == [-4]
    assert answer["error_note"] == "Already paid"
    assert answer["merchant_prepare_id"] is None


@pytest.mark.parametrize(
    "merchant_trans_id",
    ["424242", "abc", "17\x00", "-1", "1.0", "99999999999999999999", "9223372036854775807"],
)
def test_prepare_for_no_such_order_is_minus_5(merchant_trans_id):
    answer = prepare(merchant_trans_id)

    assert answer["error"] == -5
    assert answer["error_note"] == "User does not exist"
    assert answer["merchant_trans_id"] == merchant_trans_id


@pytest.mark.parametrize("provider", [Order.Provider.PAYME, Order.Provider.STRIPE])
def test_an_order_made_for_another_provider_is_not_clicks_to_pay(provider):
    order = OrderFactory(provider=provider)

    assert prepare(order.pk)["error"] == -5
    assert fresh(order).status == Order.Status.PENDING


@pytest.mark.parametrize(
    "status", [Order.Status.CANCELLED, Order.Status.EXPIRED, Order.Status.REFUNDED]
)
def test_prepare_of_a_closed_order_is_minus_9(order, status):
    Order.objects.filter(pk=order.pk).update(status=status)

    answer = prepare(order.pk)

    assert errors_of(answer) == [-9]
    assert answer["error_note"] == "Transaction cancelled"
    assert not ClickTransaction.objects.exists()


def test_prepare_with_an_error_from_click_cancels_the_attempt_and_frees_the_order(order):
    prepare_id = prepared(order)

    cancelled = prepare(order.pk, error=-5017)
    repeated = prepare(order.pk)

    assert errors_of(cancelled, repeated) == [-9, -9]
    assert cancelled["merchant_prepare_id"] == prepare_id
    attempt = ClickTransaction.objects.get()
    assert (attempt.state, attempt.click_error) == (ClickTransaction.State.CANCELLED, -5017)
    assert fresh(order).status == Order.Status.PENDING


def test_prepare_with_an_error_from_click_and_no_attempt_records_nothing(order):
    assert prepare(order.pk, error=-1)["error"] == -9
    assert not ClickTransaction.objects.exists()
    assert fresh(order).status == Order.Status.PENDING


def test_a_cancelled_attempt_leaves_the_order_reserved_for_another_running_one(order):
    prepared(order, CLICK_TRANS_ID)
    prepared(order, CLICK_TRANS_ID + 1)

    assert prepare(order.pk, click_trans_id=CLICK_TRANS_ID, error=-5017)["error"] == -9

    assert fresh(order).status == Order.Status.AWAITING


def test_a_new_attempt_may_follow_a_cancelled_one(order):
    prepared(order, CLICK_TRANS_ID)
    prepare(order.pk, click_trans_id=CLICK_TRANS_ID, error=-5017)

    prepare_id = prepared(order, CLICK_TRANS_ID + 1)

    assert complete(order.pk, prepare_id, click_trans_id=CLICK_TRANS_ID + 1)["error"] == 0
    assert fresh(order).status == Order.Status.PAID


def test_a_click_id_already_used_for_another_order_is_minus_8(order):
    prepared(order)
    other = OrderFactory(provider=Order.Provider.CLICK)

    assert prepare(other.pk)["error"] == -8
    assert fresh(other).status == Order.Status.PENDING


# Action, service id and malformed calls ---------------------------------------------------


@pytest.mark.parametrize("action", ["2", "-1", "9"])
def test_an_unknown_action_is_minus_3(order, action):
    answer = call(PREPARE_URL, signed(0, order.pk, action=action))

    assert answer["error"] == -3
    assert answer["error_note"] == "Action not found"


def test_each_endpoint_takes_only_its_own_action(order):
    complete_on_prepare = call(PREPARE_URL, signed(1, order.pk, merchant_prepare_id=1))
    prepare_on_complete = call(COMPLETE_URL, signed(0, order.pk, merchant_prepare_id=1))

    assert errors_of(complete_on_prepare, prepare_on_complete) == [-3, -3]
    assert not ClickTransaction.objects.exists()


def test_a_correctly_signed_call_for_another_service_is_minus_8(order):
    answer = prepare(order.pk, service_id="54321")

    assert answer["error"] == -8
    assert answer["error_note"] == "Error in request from click"
    assert not ClickTransaction.objects.exists()


@pytest.mark.parametrize("missing", PREPARE_FIELDS)
def test_prepare_without_a_required_field_is_minus_8(order, missing):
    fields = signed(0, order.pk)
    del fields[missing]

    assert call(PREPARE_URL, fields)["error"] == -8


@pytest.mark.parametrize("missing", COMPLETE_FIELDS)
def test_complete_without_a_required_field_is_minus_8(order, missing):
    fields = signed(1, order.pk, merchant_prepare_id=prepared(order))
    del fields[missing]

    assert call(COMPLETE_URL, fields)["error"] == -8
    assert fresh(order).status == Order.Status.AWAITING


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("click_trans_id", "abc"),
        ("click_trans_id", "-5"),
        ("click_trans_id", "1.0"),
        ("click_trans_id", "9223372036854775808"),
        ("click_trans_id", "9" * 40),
        ("click_trans_id", "12\x00"),
        ("click_paydoc_id", "1e3"),
        ("service_id", "twelve"),
        ("action", "zero"),
        ("action", "9" * 20),
        ("error", "-"),
        ("error", "-9999999999"),
        ("merchant_prepare_id", "x"),
        ("merchant_prepare_id", "9223372036854775808"),
        ("amount", ""),
        ("sign_time", ""),
    ],
)
def test_an_unparseable_field_is_minus_8_never_a_500(order, field, value):
    fields = signed(1, order.pk, **{"merchant_prepare_id": 1, field: value})

    answer = call(COMPLETE_URL, fields)

    assert answer["error"] == -8
    assert answer["merchant_confirm_id"] is None


def test_an_unparseable_click_id_is_echoed_as_null(order):
    answer = prepare(order.pk, click_trans_id="abc")

    assert answer["click_trans_id"] is None
    assert answer["merchant_trans_id"] == str(order.pk)


def test_a_field_sent_twice_is_minus_8(order):
    body = urlencode(signed(0, order.pk)) + "&action=1"

    response = Client().post(PREPARE_URL, body, content_type="application/x-www-form-urlencoded")

    assert response.json()["error"] == -8


def test_json_instead_of_a_form_is_minus_8(order, anon):
    response = anon.post(PREPARE_URL, signed(0, order.pk))

    assert response.status_code == 200
    assert response.json() == {
        "click_trans_id": None,
        "merchant_trans_id": "",
        "merchant_prepare_id": None,
        "error": -8,
        "error_note": "Error in request from click",
    }


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00garbage=%%%", "application/x-www-form-urlencoded"),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        (b"anything", "multipart/form-data"),
        (b"<xml/>", "text/xml"),
    ],
)
def test_an_unreadable_body_is_minus_8(body, content_type):
    response = Client().post(COMPLETE_URL, body, content_type=content_type)

    assert response.status_code == 200
    assert response.json()["error"] == -8


def test_a_multipart_form_is_read_like_a_urlencoded_one(order):
    response = Client().post(PREPARE_URL, signed(0, order.pk))

    assert response.json()["error"] == 0


def test_a_nul_byte_anywhere_is_refused_without_a_500(order):
    in_order_id = prepare(f"{order.pk}\x00")
    in_signature = call(PREPARE_URL, {**signed(0, order.pk), "sign_string": "\x00"})
    in_sign_time = prepare(order.pk, sign_time="2025-01-15\x0012:30:45")

    assert errors_of(in_order_id, in_signature) == [-5, -1]
    # The time is only signed, never stored: a signed NUL in it is Click's business.
    assert in_sign_time["error"] == 0


def test_the_endpoints_answer_404_when_click_is_disabled(settings, order):
    settings.COURSEHUB = {"PAYMENTS": {"payme": PAYMENT_SETTINGS["payme"]}}

    for url in (PREPARE_URL, COMPLETE_URL):
        response = Client().post(
            url, urlencode(signed(0, order.pk)), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_an_unexpected_failure_is_minus_7_logged_and_rolled_back(order, monkeypatch, caplog):
    prepare_id = prepared(order)

    def broken(order: Order) -> bool:
        Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, paid_at=timezone.now())
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "order_pay", broken)

    with caplog.at_level(logging.ERROR, logger="django_coursehub.payments"):
        answer = complete(order.pk, prepare_id)

    assert answer == {
        "click_trans_id": CLICK_TRANS_ID,
        "merchant_trans_id": str(order.pk),
        "merchant_confirm_id": None,
        "error": -7,
        "error_note": "Failed to update user",
    }
    assert "database went away" in caplog.text
    assert fresh(order).status == Order.Status.AWAITING
    assert ClickTransaction.objects.get().state == ClickTransaction.State.PREPARED


def test_an_unset_secret_key_is_never_a_signature_key(settings, order, caplog):
    settings.COURSEHUB = {"PAYMENTS": {"click": {**PAYMENT_SETTINGS["click"], "SECRET_KEY": None}}}

    with caplog.at_level(logging.ERROR, logger="django_coursehub.payments"):
        answer = prepare(order.pk, secret="None")

    assert answer["error"] == -7
    assert "SECRET_KEY" in caplog.text
    assert not ClickTransaction.objects.exists()


# Complete ------------------------------------------------------------------------------------


def test_complete_pays_the_order_and_enrolls_the_buyer_once(
    order, order_signals, django_capture_on_commit_callbacks
):
    prepare_id = prepared(order)

    with django_capture_on_commit_callbacks(execute=True):
        answer = complete(order.pk, prepare_id)

    assert answer == {
        "click_trans_id": CLICK_TRANS_ID,
        "merchant_trans_id": str(order.pk),
        "merchant_confirm_id": prepare_id,
        "error": 0,
        "error_note": "Success",
    }
    order = fresh(order)
    assert order.status == Order.Status.PAID
    assert order.paid_at is not None
    assert ClickTransaction.objects.get().state == ClickTransaction.State.COMPLETED
    enrollment = enrollment_of(order)
    assert (enrollment.status, enrollment.source) == (
        Enrollment.Status.ACTIVE,
        Enrollment.Source.PURCHASE,
    )
    assert enrollment_count(order) == 1
    assert order_signals == [("order_paid", order)]


def test_a_repeated_complete_is_minus_4_without_a_second_effect(
    order, order_signals, django_capture_on_commit_callbacks
):
    prepare_id = prepared(order)

    with django_capture_on_commit_callbacks(execute=True):
        first = complete(order.pk, prepare_id)
        repeats = [complete(order.pk, prepare_id) for _ in range(2)]

    assert errors_of(first, *repeats) == [0, -4, -4]
    assert repeats[0] == repeats[1]
    assert repeats[0]["error_note"] == "Already paid"
    assert repeats[0]["merchant_confirm_id"] == prepare_id
    assert order_signals == [("order_paid", order)]
    assert Enrollment.objects.filter(user=order.buyer).count() == 1
    assert enrollment_count(order) == 1


def test_complete_with_an_unknown_prepare_id_is_minus_6(order):
    prepare_id = prepared(order)
    other = OrderFactory(provider=Order.Provider.CLICK)
    other_id = prepared(other, CLICK_TRANS_ID + 1)

    answers = [
        complete(order.pk, 999999999),
        complete(order.pk, other_id),
        complete(order.pk, prepare_id, click_trans_id=CLICK_TRANS_ID + 1),
        complete(other.pk, prepare_id),
        complete("abc", prepare_id),
        complete(424242, prepare_id),
    ]

    assert errors_of(*answers) == [-6] * 6
    assert {answer["error_note"] for answer in answers} == {"Transaction does not exist"}
    assert {answer["merchant_confirm_id"] for answer in answers} == {None}
    assert fresh(order).status == fresh(other).status == Order.Status.AWAITING


def test_complete_with_another_amount_is_minus_2(order):
    prepare_id = prepared(order)

    assert complete(order.pk, prepare_id, amount="300")["error"] == -2
    assert fresh(order).status == Order.Status.AWAITING


def test_complete_with_an_error_from_click_cancels_and_frees_the_order(order):
    prepare_id = prepared(order)

    cancelled = complete(order.pk, prepare_id, error=-5017)
    repeated = complete(order.pk, prepare_id, error=-5017)
    confirmed_after = complete(order.pk, prepare_id)

    assert errors_of(cancelled, repeated, confirmed_after) == [-9, -9, -9]
    assert cancelled == repeated
    assert cancelled["merchant_confirm_id"] == prepare_id
    assert fresh(order).status == Order.Status.PENDING
    assert not Enrollment.objects.exists()


def test_a_closed_order_whose_payment_click_confirms_is_paid(order):
    prepare_id = prepared(order)
    services.order_cancel(fresh(order))

    assert complete(order.pk, prepare_id)["error"] == 0
    assert fresh(order).status == Order.Status.PAID


def test_a_second_debit_of_a_paid_order_is_minus_4_and_logged_for_a_refund(order, caplog):
    first = prepared(order, CLICK_TRANS_ID)
    second = prepared(order, CLICK_TRANS_ID + 1)
    complete(order.pk, first, click_trans_id=CLICK_TRANS_ID)

    with caplog.at_level(logging.ERROR, logger="django_coursehub.payments"):
        answer = complete(order.pk, second, click_trans_id=CLICK_TRANS_ID + 1)

    assert answer["error"] == -4
    assert f"click_trans_id={CLICK_TRANS_ID + 1}" in caplog.text
    assert ClickTransaction.objects.filter(state="completed").count() == 1
    assert enrollment_count(order) == 1


def test_a_debit_for_a_course_bought_in_another_order_is_minus_7_and_logged(order, caplog):
    prepare_id = prepared(order)
    OrderFactory(
        buyer=order.buyer,
        course=order.course,
        status=Order.Status.PAID,
        paid_at=timezone.now(),
    )

    with caplog.at_level(logging.ERROR, logger="django_coursehub.payments"):
        answers = [complete(order.pk, prepare_id) for _ in range(2)]

    assert errors_of(*answers) == [-7, -7]
    assert answers[0]["error_note"] == "Failed to update user"
    assert "refund it" in caplog.text
    assert fresh(order).status == Order.Status.AWAITING
    assert ClickTransaction.objects.get().state == ClickTransaction.State.PREPARED


# Cancellation after payment ---------------------------------------------------------------


def test_cancel_after_payment_refunds_by_default(
    order, order_signals, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        prepare_id = paid(order)
        cancelled = complete(order.pk, prepare_id, error=-5017)
        repeated = complete(order.pk, prepare_id, error=-5017)

    assert errors_of(cancelled, repeated) == [-9, -9]
    assert cancelled == repeated
    order = fresh(order)
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_at is not None
    attempt = ClickTransaction.objects.get()
    assert (attempt.state, attempt.click_error) == (ClickTransaction.State.CANCELLED, -5017)
    assert enrollment_of(order).status == Enrollment.Status.REFUNDED
    assert enrollment_count(order) == 0
    assert order_signals == [("order_paid", order), ("order_refunded", order)]


def test_cancel_after_payment_keeps_the_order_paid_when_the_site_says_so(
    settings, order, order_signals, django_capture_on_commit_callbacks, caplog
):
    settings.COURSEHUB["PAYMENTS"]["click"]["REFUND_ON_CANCEL_AFTER_PAYMENT"] = False

    with django_capture_on_commit_callbacks(execute=True):
        prepare_id = paid(order)
        with caplog.at_level(logging.WARNING, logger="django_coursehub.payments"):
            answers = [complete(order.pk, prepare_id, error=-5017) for _ in range(2)]

    assert errors_of(*answers) == [-4, -4]
    assert "kept paid" in caplog.text
    assert fresh(order).status == Order.Status.PAID
    assert ClickTransaction.objects.get().state == ClickTransaction.State.COMPLETED
    assert enrollment_of(order).status == Enrollment.Status.ACTIVE
    assert enrollment_count(order) == 1
    assert order_signals == [("order_paid", order)]


# Click's test collection ------------------------------------------------------------------


def test_clicks_fifteen_step_test_collection():
    """The steps of Click's generated Postman collection, in its order. Our orders are
    one-time, so each step that starts a new payment uses a fresh order."""
    first = OrderFactory(provider=Order.Provider.CLICK)
    bad_sign = signed(0, first.pk)
    bad_sign["sign_string"] = "0" * 32
    assert call(PREPARE_URL, bad_sign)["error"] == -1  # 1
    assert prepare(999999999)["error"] == -5  # 2
    prepare_id = prepared(first)  # 3
    bad_sign = signed(1, first.pk, merchant_prepare_id=prepare_id)
    bad_sign["sign_string"] = "0" * 32
    assert call(COMPLETE_URL, bad_sign)["error"] == -1  # 4
    assert complete(first.pk, prepare_id, amount="300")["error"] == -2  # 5
    assert complete(first.pk, prepare_id)["error"] == 0  # 6
    assert complete(first.pk, prepare_id)["error"] == -4  # 7
    assert complete(first.pk, prepare_id, error=-5017)["error"] == -9  # 8

    second = OrderFactory(provider=Order.Provider.CLICK, buyer=first.buyer, course=first.course)
    second_id = prepared(second, CLICK_TRANS_ID + 1)  # 9
    assert complete(second.pk, 999999999, click_trans_id=CLICK_TRANS_ID + 1)["error"] == -6  # 10
    assert complete(second.pk, second_id, click_trans_id=CLICK_TRANS_ID + 1)["error"] == 0  # 11

    third = OrderFactory(provider=Order.Provider.CLICK)
    third_id = prepared(third, CLICK_TRANS_ID + 2)  # 12
    cancel = {"click_trans_id": CLICK_TRANS_ID + 2, "error": -5017}
    assert complete(third.pk, third_id, **cancel)["error"] == -9  # 13
    assert complete(third.pk, third_id, **cancel)["error"] == -9  # 14
    assert complete(third.pk, third_id, click_trans_id=CLICK_TRANS_ID + 2)["error"] == -9  # 15

    assert [fresh(o).status for o in (first, second, third)] == [
        Order.Status.REFUNDED,
        Order.Status.PAID,
        Order.Status.PENDING,
    ]
    assert enrollment_of(second).status == Enrollment.Status.ACTIVE


def test_the_endpoints_are_documented_in_the_openapi_schema():
    schema = Client().get("/api/openapi.json").json()

    for path, fields in (
        ("/api/payments/click/prepare/", PREPARE_FIELDS),
        ("/api/payments/click/complete/", COMPLETE_FIELDS),
    ):
        operation = schema["paths"][path]["post"]
        form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
        assert form["schema"]["required"] == list(fields)
        assert operation["summary"].startswith("Click")
        assert "security" not in operation


def test_every_answer_has_the_same_five_keys(order):
    prepare_keys = set(prepare(order.pk))
    complete_keys = set(complete(order.pk, 1))

    common = {"click_trans_id", "merchant_trans_id", "error", "error_note"}
    assert prepare_keys == common | {"merchant_prepare_id"}
    assert complete_keys == common | {"merchant_confirm_id"}


def test_a_form_with_too_many_fields_is_minus_8(settings, order):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    fields = {**signed(0, order.pk), **{f"extra{i}": "x" for i in range(20)}}

    assert call(PREPARE_URL, fields)["error"] == -8
