"""Stripe Checkout and its webhook, over HTTP at their exact paths.

Orders talk to the real SDK through a fake ``stripe.HTTPClient`` (no network); webhook bodies
are signed here the way Stripe signs them (``Stripe-Signature``: HMAC-SHA256 of ``t.body``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import stripe
from django.dispatch import Signal

from django_coursehub import signals
from django_coursehub.catalog.models import Course
from django_coursehub.exceptions import InvalidInput
from django_coursehub.learning.models import Enrollment
from django_coursehub.payments.models import Order, StripeEvent
from django_coursehub.payments.stripe_checkout import checkout, client, webhooks
from tests.conftest import ApiClient
from tests.factories import OrderFactory, PaidCourseFactory, UserFactory

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/payments/stripe/webhook/"
ORDERS = "/api/payments/orders/"
SECRET = "whsec_test_secret"

# The spec's test vector (payments.md §3.3).
VECTOR_BODY = b'{"id":"evt_test_1","object":"event","type":"checkout.session.completed"}'
VECTOR_TIME = 1_700_000_000
VECTOR_SIGNATURE = "ca796b857b81e24d595a4c37abf88d2fafb533a32ede6ce4cfc9b0e892a35b08"


# --- a fake transport for the real SDK ------------------------------------------------------


@dataclass
class SentRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: str

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body, keep_blank_values=True))


class FakeStripeHTTP(stripe.HTTPClient):
    """Answers each request with the next queued ``(status, body)`` or exception; with none
    queued, answers a new open Checkout Session made from what was sent."""

    name = "coursehub-fake"

    def __init__(self) -> None:
        super().__init__()
        self.queued: list[tuple[int, dict[str, Any]] | Exception] = []
        self.sent: list[SentRequest] = []

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any
    ) -> tuple[str, int, dict[str, str]]:
        sent = SentRequest(method, url, dict(headers or {}), post_data or "")
        self.sent.append(sent)
        answer = self.queued.pop(0) if self.queued else (200, self._session(sent))
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return json.dumps(body), status, {}

    def _session(self, sent: SentRequest) -> dict[str, Any]:
        form = sent.form
        session_id = f"cs_test_{len(self.sent)}"
        return {
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "mode": form["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form["client_reference_id"],
            "metadata": {"order_id": form["metadata[order_id]"]},
            "payment_intent": None,
        }

    def request_stream(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the package never streams")

    def close(self) -> None:
        pass

    def _sleep_time_seconds(self, num_retries: int) -> float:
        return 0


@pytest.fixture(autouse=True)
def stripe_config(payments: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return payments["stripe"]


@pytest.fixture
def stripe_http(monkeypatch: pytest.MonkeyPatch) -> FakeStripeHTTP:
    fake = FakeStripeHTTP()
    monkeypatch.setattr(client, "http_client", lambda: fake)
    return fake


@pytest.fixture
def course() -> Course:
    return PaidCourseFactory(title="Django in Tashkent", price=Decimal("49.00"), currency="USD")


def stripe_error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"type": "invalid_request_error", "message": message}}


# --- creating orders ------------------------------------------------------------------------


def test_order_answers_the_checkout_url_of_a_new_session(student, course, stripe_http):
    response = ApiClient(student).post(ORDERS, {"course": course.pk, "provider": "stripe"})

    assert response.status_code == 201, response.json()
    assert response.json()["checkout_url"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    order = Order.objects.get(pk=response.json()["id"])
    assert order.status == Order.Status.PENDING
    assert order.provider_reference == "cs_test_1"
    assert order.checkout_url == "https://checkout.stripe.com/c/pay/cs_test_1"


def test_session_is_created_with_the_orders_price_id_and_return_urls(
    student, course, stripe_http, stripe_config
):
    stripe_config["SUCCESS_URL"] = "https://shop.example/paid/{order_id}?s={CHECKOUT_SESSION_ID}"

    response = ApiClient(student).post(ORDERS, {"course": course.pk, "provider": "stripe"})

    order = Order.objects.get(pk=response.json()["id"])
    [sent] = stripe_http.sent
    assert sent.method == "post"
    assert sent.url == "https://api.stripe.com/v1/checkout/sessions"
    assert sent.headers["Authorization"] == "Bearer sk_test_coursehub"
    assert sent.headers["Idempotency-Key"] == checkout.idempotency_key(order)
    assert str(order.pk) in sent.headers["Idempotency-Key"]
    assert sent.form == {
        "mode": "payment",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "4900",
        "line_items[0][price_data][product_data][name]": "Django in Tashkent",
        "line_items[0][quantity]": "1",
        "client_reference_id": str(order.pk),
        "metadata[order_id]": str(order.pk),
        "payment_intent_data[metadata][order_id]": str(order.pk),
        "success_url": f"https://shop.example/paid/{order.pk}?s={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"https://shop.example/cancelled?order={order.pk}",
    }


def test_zero_decimal_currency_is_sent_in_whole_units(student, stripe_http):
    course = PaidCourseFactory(price=Decimal("4900"), currency="JPY")

    ApiClient(student).post(ORDERS, {"course": course.pk, "provider": "stripe"})

    assert stripe_http.sent[0].form["line_items[0][price_data][currency]"] == "jpy"
    assert stripe_http.sent[0].form["line_items[0][price_data][unit_amount]"] == "4900"


def test_api_base_sends_the_sdks_requests_to_stripe_mock(
    student, course, stripe_http, stripe_config
):
    stripe_config["API_BASE"] = "http://localhost:12111"

    ApiClient(student).post(ORDERS, {"course": course.pk, "provider": "stripe"})

    assert stripe_http.sent[0].url == "http://localhost:12111/v1/checkout/sessions"


def test_refused_session_is_a_502_that_leaks_nothing_and_closes_the_order(
    student, course, stripe_http, caplog
):
    stripe_http.queued.append(stripe_error(400, "Invalid currency: internal-detail"))

    response = ApiClient(student).post(ORDERS, {"course": course.pk, "provider": "stripe"})

    assert response.status_code == 502
    assert response.json()["code"] == "provider_unavailable"
    assert set(response.json()) == {"detail", "code"}
    assert "internal-detail" not in response.content.decode()
    assert Order.objects.get().status == Order.Status.CANCELLED
    assert "InvalidRequestError" in caplog.text


def test_after_a_failed_session_the_buyer_can_order_again(student, course, stripe_http):
    stripe_http.queued.append(stripe_error(401, "Invalid API Key provided"))
    buyer = ApiClient(student)
    assert buyer.post(ORDERS, {"course": course.pk, "provider": "stripe"}).status_code == 502

    response = buyer.post(ORDERS, {"course": course.pk, "provider": "stripe"})

    assert response.status_code == 201
    assert Order.objects.filter(status=Order.Status.PENDING).count() == 1


def test_unreachable_stripe_is_retried_with_one_idempotency_key_then_answers_502(
    student, course, stripe_http
):
    stripe_http.queued.extend(
        stripe.APIConnectionError("connection reset", should_retry=True)
        for _ in range(client.MAX_NETWORK_RETRIES + 1)
    )

    response = ApiClient(student).post(ORDERS, {"course": course.pk, "provider": "stripe"})

    assert response.status_code == 502
    assert len(stripe_http.sent) == client.MAX_NETWORK_RETRIES + 1
    assert len({sent.headers["Idempotency-Key"] for sent in stripe_http.sent}) == 1
    assert Order.objects.get().status == Order.Status.CANCELLED


def test_a_stripe_server_error_is_retried_and_the_order_succeeds(student, course, stripe_http):
    stripe_http.queued.append(stripe_error(500, "try again"))

    response = ApiClient(student).post(ORDERS, {"course": course.pk, "provider": "stripe"})

    assert response.status_code == 201
    first, second = stripe_http.sent
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert first.body == second.body


def test_stripe_sdk_is_not_imported_by_the_package_at_startup():
    code = "import sys, django; django.setup(); import tests.urls; print('stripe' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": ""},
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


# --- signing and delivering webhooks --------------------------------------------------------


def envelope(**fields: Any) -> bytes:
    """A body shaped like an event but for ``fields``."""
    event = {"id": "evt_1", "type": "x", "livemode": False, "data": {"object": {}}, **fields}
    return json.dumps(event).encode()


def signature_header(
    body: bytes, *, secret: str = SECRET, timestamp: int | None = None, extra: str = ""
) -> str:
    signed_at = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{signed_at}.".encode() + body, hashlib.sha256)
    return f"t={signed_at},{extra}v1={digest.hexdigest()}"


def encode(event: dict[str, Any] | bytes) -> bytes:
    return event if isinstance(event, bytes) else json.dumps(event).encode()


def deliver(event: dict[str, Any] | bytes, *, header: str | None = None, **sign: Any) -> Any:
    body = encode(event)
    extra = {"HTTP_STRIPE_SIGNATURE": header or signature_header(body, **sign)}
    return ApiClient(raise_request_exception=False).post(WEBHOOK, body, **extra)


def stripe_order(buyer: Any = None, course: Course | None = None, **fields: Any) -> Order:
    course = course or PaidCourseFactory(price=Decimal("49.00"), currency="USD")
    order = OrderFactory(
        buyer=buyer or UserFactory(), course=course, provider=Order.Provider.STRIPE, **fields
    )
    order.provider_reference = f"cs_test_order_{order.pk}"
    order.save(update_fields=["provider_reference"])
    return order


def session_event(
    order: Order,
    kind: str = webhooks.SESSION_COMPLETED,
    *,
    event_id: str = "evt_1",
    livemode: bool = False,
    **session: Any,
) -> dict[str, Any]:
    """A Checkout Session event about ``order``'s session, paid unless told otherwise."""
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "livemode": livemode,
        "created": int(time.time()),
        "api_version": "2026-10-28.endive",
        "data": {
            "object": {
                "id": order.provider_reference,
                "object": "checkout.session",
                "status": "complete",
                "payment_status": "paid",
                "amount_total": order.amount_minor,
                "currency": order.currency.lower(),
                "client_reference_id": str(order.pk),
                "metadata": {"order_id": str(order.pk)},
                "payment_intent": f"pi_order_{order.pk}",
                **session,
            }
        },
    }


def refund_event(
    payment_intent: str, *, event_id: str = "evt_refund", refunded: bool = True
) -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "type": webhooks.CHARGE_REFUNDED,
        "livemode": False,
        "data": {
            "object": {
                "id": "ch_1",
                "object": "charge",
                "amount": 4900,
                "amount_refunded": 4900 if refunded else 1000,
                "refunded": refunded,
                "payment_intent": payment_intent,
                "metadata": {},
            }
        },
    }


def assert_accepted(response: Any) -> None:
    assert response.status_code == 200, response.content
    assert response.json() == {"received": True}


def assert_refused(response: Any, code: str) -> None:
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert set(response.json()) == {"detail", "code"}


def status_of(order: Order) -> str:
    order.refresh_from_db()
    return order.status


@pytest.fixture
def sent() -> Iterator[dict[str, list[Order]]]:
    """The orders each payment signal reported, by signal name."""
    received: dict[str, list[Order]] = {"order_paid": [], "order_refunded": []}
    connected: list[tuple[Signal, Any]] = []
    for name in received:

        def receiver(sender: Any, order: Order, _name: str = name, **kwargs: Any) -> None:
            received[_name].append(order)

        signal = getattr(signals, name)
        signal.connect(receiver, weak=False)
        connected.append((signal, receiver))
    yield received
    for signal, receiver in connected:
        signal.disconnect(receiver)


# --- the signature --------------------------------------------------------------------------


def test_signature_of_the_specs_test_vector_is_accepted():
    webhooks.verify_signature(
        VECTOR_BODY,
        f"t={VECTOR_TIME},v1={VECTOR_SIGNATURE}",
        secret=SECRET,
        tolerance=300,
        now=VECTOR_TIME,
    )


def test_signature_is_accepted_when_any_of_several_v1_matches():
    header = f"t={VECTOR_TIME},v1={'0' * 64},v1={VECTOR_SIGNATURE},v0={'1' * 64}"

    webhooks.verify_signature(VECTOR_BODY, header, secret=SECRET, tolerance=300, now=VECTOR_TIME)


T = f"t={VECTOR_TIME}"
V1 = f"v1={VECTOR_SIGNATURE}"


@pytest.mark.parametrize(
    ("body", "header", "secret"),
    [
        pytest.param(VECTOR_BODY, f"{T},{V1}", "whsec_other", id="wrong-secret"),
        pytest.param(VECTOR_BODY + b" ", f"{T},{V1}", SECRET, id="tampered-body"),
        pytest.param(VECTOR_BODY, f"t={VECTOR_TIME + 1},{V1}", SECRET, id="tampered-time"),
        pytest.param(VECTOR_BODY, None, SECRET, id="missing"),
        pytest.param(VECTOR_BODY, "", SECRET, id="empty"),
        pytest.param(VECTOR_BODY, "garbage", SECRET, id="no-items"),
        pytest.param(VECTOR_BODY, V1, SECRET, id="no-timestamp"),
        pytest.param(VECTOR_BODY, f"t=soon,{V1}", SECRET, id="text-timestamp"),
        pytest.param(VECTOR_BODY, f"{T},{T},{V1}", SECRET, id="two-timestamps"),
        pytest.param(VECTOR_BODY, T, SECRET, id="no-signature"),
        pytest.param(VECTOR_BODY, f"{T},v0={VECTOR_SIGNATURE}", SECRET, id="legacy-scheme-only"),
        pytest.param(VECTOR_BODY, f"{T},{V1},junk", SECRET, id="item-without-value"),
        pytest.param(VECTOR_BODY, f"{T},v1=é{VECTOR_SIGNATURE[1:]}", SECRET, id="non-ascii"),
    ],
)
def test_signature_is_refused(body, header, secret):
    with pytest.raises(InvalidInput) as refused:
        webhooks.verify_signature(body, header, secret=secret, tolerance=300, now=VECTOR_TIME)

    assert refused.value.code == "bad_signature"


@pytest.mark.parametrize(
    ("age", "accepted"),
    [(300, True), (301, False), (-300, True), (-301, False), (86_400, False)],
    ids=["just-in-time", "too-old", "ahead-within-tolerance", "too-far-ahead", "a-day-old"],
)
def test_signature_timestamp_must_lie_within_the_tolerance_on_both_sides(age, accepted):
    header = f"t={VECTOR_TIME},v1={VECTOR_SIGNATURE}"

    def verify() -> None:
        webhooks.verify_signature(
            VECTOR_BODY, header, secret=SECRET, tolerance=300, now=VECTOR_TIME + age
        )

    if accepted:
        verify()
    else:
        with pytest.raises(InvalidInput, match="Stripe-Signature"):
            verify()


def test_webhook_tolerance_setting_is_honoured(stripe_config):
    stripe_config["WEBHOOK_TOLERANCE"] = 30
    order = stripe_order()
    event = session_event(order)

    response = deliver(event, timestamp=int(time.time()) - 60)

    assert_refused(response, "bad_signature")
    assert status_of(order) == Order.Status.PENDING


@pytest.mark.parametrize(
    ("secret_key", "live"),
    [("sk_live_abc", True), ("rk_live_abc", True), ("sk_test_abc", False), ("rk_test_a", False)],
)
def test_live_mode_follows_the_secret_key(secret_key, live):
    assert webhooks.is_live_key(secret_key) is live


# --- refused deliveries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sign",
    [
        pytest.param({"secret": "whsec_other"}, id="wrong-secret"),
        pytest.param({"timestamp": int(time.time()) - 3600}, id="old-timestamp"),
        pytest.param({"timestamp": int(time.time()) + 3600}, id="future-timestamp"),
    ],
)
def test_delivery_with_a_bad_signature_is_refused_without_effect(sign, sent):
    order = stripe_order()

    response = deliver(session_event(order), **sign)

    assert_refused(response, "bad_signature")
    assert status_of(order) == Order.Status.PENDING
    assert not StripeEvent.objects.exists()


def test_delivery_without_signature_header_is_refused():
    body = encode(session_event(stripe_order()))

    response = ApiClient().post(WEBHOOK, body)

    assert_refused(response, "bad_signature")


@pytest.mark.parametrize(
    "header",
    ["t=,v1=", "v1=abc", "nonsense", "t=1,v1=" + "0" * 64, "t=99999999999999999999,v1=0"],
)
def test_delivery_with_a_malformed_signature_header_is_refused(header):
    response = deliver(session_event(stripe_order()), header=header)

    assert_refused(response, "bad_signature")


def test_tampered_body_is_refused():
    order = stripe_order()
    body = encode(session_event(order))
    header = signature_header(body)

    response = deliver(body.replace(b'"paid"', b'"unpaid"'), header=header)

    assert_refused(response, "bad_signature")


def test_several_v1_signatures_pass_when_one_is_right(sent):
    order = stripe_order()

    response = deliver(session_event(order), extra=f"v1={'0' * 64},")

    assert_accepted(response)
    assert status_of(order) == Order.Status.PAID


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"not json", id="not-json"),
        pytest.param(b"\xff\xfe\x00", id="not-utf8"),
        pytest.param(b"[]", id="array"),
        pytest.param(b'"evt_1"', id="string"),
        pytest.param(envelope(id=1), id="numeric-id"),
        pytest.param(envelope(id=""), id="empty-id"),
        pytest.param(envelope(id="e" * 256), id="long-id"),
        pytest.param(envelope(type=None), id="no-type"),
        pytest.param(envelope(livemode=0), id="livemode-not-bool"),
        pytest.param(envelope(data={"object": []}), id="object-not-object"),
        pytest.param(envelope(data=None), id="no-data"),
        pytest.param(envelope(data={"object": {"a": float("nan")}}), id="nan"),
        pytest.param(envelope(id="evt_\x00"), id="nul"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deeply-nested"),
    ],
)
def test_signed_body_that_is_not_an_event_is_refused_never_a_500(body):
    response = deliver(body)

    assert_refused(response, "bad_payload")
    assert not StripeEvent.objects.exists()


def test_session_event_with_nul_inside_is_refused_before_reaching_the_database():
    order = stripe_order()

    response = deliver(session_event(order, metadata={"order_id": str(order.pk), "x": "a\x00"}))

    assert_refused(response, "bad_payload")
    assert status_of(order) == Order.Status.PENDING


def test_event_from_the_other_mode_is_refused_without_effect(sent):
    order = stripe_order()

    response = deliver(session_event(order, livemode=True))

    assert_refused(response, "livemode_mismatch")
    assert status_of(order) == Order.Status.PENDING
    assert not StripeEvent.objects.exists()


def test_test_event_is_refused_by_a_live_site(stripe_config):
    stripe_config["SECRET_KEY"] = "sk_live_coursehub"
    order = stripe_order()

    assert_refused(deliver(session_event(order)), "livemode_mismatch")
    assert_accepted(deliver(session_event(order, livemode=True)))
    assert status_of(order) == Order.Status.PAID


def test_webhook_is_404_when_stripe_is_not_enabled(settings, payments):
    del payments["stripe"]
    body = encode(session_event(stripe_order()))

    response = ApiClient().post(WEBHOOK, body, HTTP_STRIPE_SIGNATURE=signature_header(body))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_webhook_needs_no_csrf_token(sent):
    order = stripe_order()
    body = encode(session_event(order))

    response = ApiClient(enforce_csrf_checks=True).post(
        WEBHOOK, body, HTTP_STRIPE_SIGNATURE=signature_header(body)
    )

    assert_accepted(response)


def test_failure_on_our_side_is_a_503_stripe_retries_and_that_leaks_nothing(
    monkeypatch, caplog, sent
):
    order = stripe_order()
    event = session_event(order)

    def broken(order: Order) -> bool:
        raise RuntimeError("database password is hunter2")

    with monkeypatch.context() as patched:
        patched.setattr(webhooks.services, "order_pay", broken)
        response = deliver(event)

    assert response.status_code == 503
    assert response.json()["code"] == "retry_later"
    assert "hunter2" not in response.content.decode()
    assert "hunter2" in caplog.text
    assert not StripeEvent.objects.exists()
    assert_accepted(deliver(event))
    assert status_of(order) == Order.Status.PAID


def test_missing_webhook_secret_is_a_503_until_it_is_configured(stripe_config, caplog):
    stripe_config["WEBHOOK_SECRET"] = None

    response = deliver(session_event(stripe_order()))

    assert response.status_code == 503
    assert "WEBHOOK_SECRET" in caplog.text


# --- paying ---------------------------------------------------------------------------------


def test_paid_session_pays_the_order_and_enrolls_the_buyer_once(
    sent, django_capture_on_commit_callbacks
):
    order = stripe_order()

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(session_event(order))

    assert_accepted(response)
    assert status_of(order) == Order.Status.PAID
    assert order.paid_at is not None
    enrollment = Enrollment.objects.get(user=order.buyer, course=order.course)
    assert enrollment.source == Enrollment.Source.PURCHASE
    assert enrollment.has_access
    assert Course.objects.get(pk=order.course_id).enrollment_count == 1
    assert [o.pk for o in sent["order_paid"]] == [order.pk]
    recorded = StripeEvent.objects.get()
    assert (recorded.event_id, recorded.type, recorded.order_id) == (
        "evt_1",
        webhooks.SESSION_COMPLETED,
        order.pk,
    )
    assert recorded.livemode is False
    assert recorded.payload["data"]["object"]["payment_intent"] == f"pi_order_{order.pk}"


def test_repeated_delivery_changes_nothing_more(sent, django_capture_on_commit_callbacks):
    order = stripe_order()
    event = session_event(order)

    with django_capture_on_commit_callbacks(execute=True):
        responses = [deliver(event) for _ in range(3)]

    for response in responses:
        assert_accepted(response)
    assert StripeEvent.objects.count() == 1
    assert len(sent["order_paid"]) == 1
    assert Course.objects.get(pk=order.course_id).enrollment_count == 1


def test_order_is_found_by_client_reference_id_without_metadata(sent):
    order = stripe_order()

    assert_accepted(deliver(session_event(order, metadata={})))

    assert status_of(order) == Order.Status.PAID


def test_currency_is_compared_case_insensitively():
    order = stripe_order()

    assert_accepted(deliver(session_event(order, currency="USD")))

    assert status_of(order) == Order.Status.PAID


@pytest.mark.parametrize(
    ("session", "logged"),
    [
        pytest.param({"amount_total": 4800}, "amount_total 4800 instead of 4900", id="amount"),
        pytest.param({"amount_total": "4900"}, "amount_total '4900'", id="amount-as-text"),
        pytest.param({"amount_total": None}, "amount_total None", id="no-amount"),
        pytest.param({"currency": "eur"}, "currency 'eur' instead of 'USD'", id="currency"),
        pytest.param({"id": "cs_test_other"}, "is not the session of order", id="session"),
        pytest.param({"id": None}, "is not the session of order", id="no-session-id"),
    ],
)
def test_mismatching_session_is_recorded_logged_and_not_paid(session, logged, caplog, sent):
    order = stripe_order()

    with caplog.at_level(logging.ERROR, logger="django_coursehub.payments"):
        response = deliver(session_event(order, **session))

    assert_accepted(response)
    assert status_of(order) == Order.Status.PENDING
    assert not Enrollment.objects.exists()
    assert StripeEvent.objects.count() == 1
    assert logged in caplog.text
    assert sent["order_paid"] == []


def test_session_of_another_stripe_order_cannot_pay_this_one():
    order, other = stripe_order(), stripe_order()
    event = session_event(order, id=other.provider_reference)

    assert_accepted(deliver(event))

    assert status_of(order) == Order.Status.PENDING
    assert status_of(other) == Order.Status.PENDING


def test_session_for_an_order_of_another_provider_pays_nothing():
    order = OrderFactory(provider=Order.Provider.PAYME)
    event = session_event(order, id="cs_test_whatever")

    assert_accepted(deliver(event))

    assert status_of(order) == Order.Status.PENDING
    assert StripeEvent.objects.get().order_id is None


@pytest.mark.parametrize("reference", ["999999", "0", "-1", "abc", "1" * 40, None])
def test_session_naming_no_order_of_ours_is_recorded_and_ignored(reference):
    order = stripe_order()
    event = session_event(order, metadata={"order_id": reference}, client_reference_id=None)

    assert_accepted(deliver(event))

    assert status_of(order) == Order.Status.PENDING
    assert StripeEvent.objects.get().order_id is None


def test_paid_session_of_a_cancelled_order_still_pays_it():
    order = stripe_order(status=Order.Status.CANCELLED)

    assert_accepted(deliver(session_event(order)))

    assert status_of(order) == Order.Status.PAID
    assert Enrollment.objects.get(user=order.buyer).source == Enrollment.Source.PURCHASE


def test_payment_for_a_course_bought_in_another_order_is_logged_for_a_manual_refund(caplog, sent):
    first = stripe_order()
    first.status = Order.Status.CANCELLED
    first.save(update_fields=["status"])
    second = stripe_order(buyer=first.buyer, course=first.course)
    assert_accepted(deliver(session_event(second, event_id="evt_second")))

    with caplog.at_level(logging.ERROR, logger="django_coursehub.payments"):
        response = deliver(session_event(first, event_id="evt_first"))

    assert_accepted(response)
    assert status_of(first) == Order.Status.CANCELLED
    assert status_of(second) == Order.Status.PAID
    assert "refund it by hand" in caplog.text
    assert StripeEvent.objects.count() == 2


def test_unknown_event_type_is_answered_and_ignored():
    order = stripe_order()

    response = deliver(session_event(order, "customer.created"))

    assert_accepted(response)
    assert status_of(order) == Order.Status.PENDING
    assert not StripeEvent.objects.exists()


# --- delayed payment methods, failures, expiry -----------------------------------------------


def test_unpaid_completed_session_waits_for_the_async_payment(
    sent, django_capture_on_commit_callbacks
):
    order = stripe_order()

    assert_accepted(deliver(session_event(order, payment_status="unpaid")))
    assert status_of(order) == Order.Status.AWAITING
    assert not Enrollment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        succeeded = session_event(order, webhooks.SESSION_ASYNC_PAYMENT_SUCCEEDED, event_id="evt_2")
        assert_accepted(deliver(succeeded))

    assert status_of(order) == Order.Status.PAID
    assert len(sent["order_paid"]) == 1


def test_order_awaiting_an_async_payment_cannot_be_replaced(stripe_http):
    order = stripe_order()
    deliver(session_event(order, payment_status="unpaid"))

    response = ApiClient(order.buyer).post(
        ORDERS, {"course": order.course_id, "provider": "stripe"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "payment_in_progress"
    assert stripe_http.sent == []


def test_failed_async_payment_cancels_the_order():
    order = stripe_order()
    deliver(session_event(order, payment_status="unpaid"))

    failed = session_event(
        order, webhooks.SESSION_ASYNC_PAYMENT_FAILED, event_id="evt_2", payment_status="unpaid"
    )
    assert_accepted(deliver(failed))

    assert status_of(order) == Order.Status.CANCELLED
    assert not Enrollment.objects.exists()


def test_expired_session_expires_the_open_order():
    order = stripe_order()

    expired = session_event(
        order, webhooks.SESSION_EXPIRED, status="expired", payment_status="unpaid"
    )
    assert_accepted(deliver(expired))

    assert status_of(order) == Order.Status.EXPIRED


@pytest.mark.parametrize("late", [webhooks.SESSION_EXPIRED, webhooks.SESSION_ASYNC_PAYMENT_FAILED])
def test_late_closing_event_never_downgrades_a_paid_order(late):
    order = stripe_order()
    deliver(session_event(order))

    assert_accepted(deliver(session_event(order, late, event_id="evt_late")))

    assert status_of(order) == Order.Status.PAID
    assert Enrollment.objects.get().has_access


def test_async_success_before_completed_pays_once(sent, django_capture_on_commit_callbacks):
    order = stripe_order()

    with django_capture_on_commit_callbacks(execute=True):
        first = session_event(order, webhooks.SESSION_ASYNC_PAYMENT_SUCCEEDED, event_id="evt_a")
        assert_accepted(deliver(first))
        assert_accepted(deliver(session_event(order, event_id="evt_b")))

    assert status_of(order) == Order.Status.PAID
    assert len(sent["order_paid"]) == 1
    assert StripeEvent.objects.count() == 2


def test_unpaid_completed_after_async_success_keeps_the_order_paid():
    order = stripe_order()
    deliver(session_event(order, webhooks.SESSION_ASYNC_PAYMENT_SUCCEEDED, event_id="evt_a"))

    assert_accepted(deliver(session_event(order, event_id="evt_b", payment_status="unpaid")))

    assert status_of(order) == Order.Status.PAID


def test_closing_event_of_another_session_leaves_the_order_open(caplog):
    order = stripe_order()

    with caplog.at_level(logging.WARNING, logger="django_coursehub.payments"):
        expired = session_event(order, webhooks.SESSION_EXPIRED, id="cs_test_lost")
        assert_accepted(deliver(expired))

    assert status_of(order) == Order.Status.PENDING
    assert "is not the session of order" in caplog.text


# --- refunds --------------------------------------------------------------------------------


def test_full_refund_refunds_the_order_and_ends_access(sent, django_capture_on_commit_callbacks):
    order = stripe_order()
    deliver(session_event(order))

    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(refund_event(f"pi_order_{order.pk}"))

    assert_accepted(response)
    assert status_of(order) == Order.Status.REFUNDED
    assert order.refunded_at is not None
    assert Enrollment.objects.get().status == Enrollment.Status.REFUNDED
    assert Course.objects.get(pk=order.course_id).enrollment_count == 0
    assert [o.pk for o in sent["order_refunded"]] == [order.pk]
    assert StripeEvent.objects.get(event_id="evt_refund").order_id == order.pk


def test_repeated_refund_delivery_refunds_once(sent, django_capture_on_commit_callbacks):
    order = stripe_order()
    deliver(session_event(order))

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert_accepted(deliver(refund_event(f"pi_order_{order.pk}")))

    assert len(sent["order_refunded"]) == 1


def test_refund_after_an_async_payment_finds_the_order():
    order = stripe_order()
    deliver(session_event(order, payment_status="unpaid"))
    deliver(session_event(order, webhooks.SESSION_ASYNC_PAYMENT_SUCCEEDED, event_id="evt_2"))

    assert_accepted(deliver(refund_event(f"pi_order_{order.pk}")))

    assert status_of(order) == Order.Status.REFUNDED


def test_partial_refund_is_recorded_and_access_kept(caplog, sent):
    order = stripe_order()
    deliver(session_event(order))

    with caplog.at_level(logging.WARNING, logger="django_coursehub.payments"):
        response = deliver(refund_event(f"pi_order_{order.pk}", refunded=False))

    assert_accepted(response)
    assert status_of(order) == Order.Status.PAID
    assert Enrollment.objects.get().has_access
    assert "partial refund" in caplog.text
    assert StripeEvent.objects.get(event_id="evt_refund").order_id == order.pk


@pytest.mark.parametrize("payment_intent", ["pi_unknown", None, 42])
def test_refund_of_a_charge_that_paid_no_order_is_recorded_and_ignored(payment_intent):
    order = stripe_order()
    deliver(session_event(order))

    assert_accepted(deliver(refund_event(payment_intent)))

    assert status_of(order) == Order.Status.PAID
    assert StripeEvent.objects.get(event_id="evt_refund").order_id is None


def test_refund_of_a_payment_that_was_refused_leaves_the_order_alone(caplog):
    order = stripe_order()
    deliver(session_event(order, amount_total=1))

    with caplog.at_level(logging.ERROR, logger="django_coursehub.payments"):
        assert_accepted(deliver(refund_event(f"pi_order_{order.pk}")))

    assert status_of(order) == Order.Status.PENDING
    assert "order_not_paid" in caplog.text


def test_refunded_order_is_not_paid_again_by_a_late_event(caplog):
    order = stripe_order()
    deliver(session_event(order, webhooks.SESSION_ASYNC_PAYMENT_SUCCEEDED, event_id="evt_a"))
    deliver(refund_event(f"pi_order_{order.pk}"))

    with caplog.at_level(logging.ERROR, logger="django_coursehub.payments"):
        assert_accepted(deliver(session_event(order, event_id="evt_b")))

    assert status_of(order) == Order.Status.REFUNDED
    assert Enrollment.objects.get().status == Enrollment.Status.REFUNDED
    assert "order_refunded" in caplog.text


# --- the whole journey ----------------------------------------------------------------------


def test_order_paid_through_checkout_and_webhook_gives_access(
    student, course, stripe_http, sent, django_capture_on_commit_callbacks
):
    buyer = ApiClient(student)
    created = buyer.post(ORDERS, {"course": course.pk, "provider": "stripe"}).json()
    order = Order.objects.get(pk=created["id"])
    assert not Enrollment.objects.filter(user=student).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert_accepted(deliver(session_event(order)))

    assert buyer.get(f"{ORDERS}{order.pk}/").json()["status"] == "paid"
    assert Enrollment.objects.get(user=student, course=course).has_access
    assert len(sent["order_paid"]) == 1


def test_webhook_is_documented_in_the_openapi_schema():
    from tests.urls import api

    operation = api.get_openapi_schema()["paths"][WEBHOOK]["post"]

    assert "Stripe" in operation["summary"]
    assert "checkout.session.completed" in operation["description"]
    assert {200, 400, 404, 503} <= set(operation["responses"])
    assert not operation.get("security")
