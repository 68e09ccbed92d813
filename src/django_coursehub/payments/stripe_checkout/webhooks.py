"""Stripe's webhook: a signed event in, at most one change of one order out.

Fulfilment is driven by these events only, never by the buyer's browser returning to the success
page. Each event is recorded (:class:`StripeEvent`, unique event id) in the same transaction as
its effect, after the order row is locked: a repeated delivery, even a concurrent one, finds the
record and changes nothing. Stripe does not keep events in order, so every effect is safe in any
order: nothing takes a paid order back to open or closed.

How an event finds its order:

* Checkout Session events carry the order id (``metadata.order_id``, else
  ``client_reference_id``); the session's id must also be the one the order recorded when it
  was created (``order.provider_reference``), so no other session can touch the order.
* ``charge.refunded`` carries a Charge, which knows its PaymentIntent but not our order. The
  order is the one whose recorded session events carry that PaymentIntent (a paid session
  always has one), so a refund only ever reaches an order Stripe paid.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from django_coursehub.exceptions import Conflict, InvalidInput, NotFound
from django_coursehub.payments import services
from django_coursehub.payments.models import Order, StripeEvent

logger = logging.getLogger("django_coursehub.payments")

SESSION_COMPLETED = "checkout.session.completed"
SESSION_ASYNC_PAYMENT_SUCCEEDED = "checkout.session.async_payment_succeeded"
SESSION_ASYNC_PAYMENT_FAILED = "checkout.session.async_payment_failed"
SESSION_EXPIRED = "checkout.session.expired"
CHARGE_REFUNDED = "charge.refunded"

#: Events whose object is a Checkout Session created by :mod:`.checkout`.
SESSION_EVENTS = frozenset(
    {
        SESSION_COMPLETED,
        SESSION_ASYNC_PAYMENT_SUCCEEDED,
        SESSION_ASYNC_PAYMENT_FAILED,
        SESSION_EXPIRED,
    }
)
#: Session events that may carry a payment.
PAYING_EVENTS = frozenset({SESSION_COMPLETED, SESSION_ASYNC_PAYMENT_SUCCEEDED})
#: Every event this endpoint acts on (the ones to select in Stripe's dashboard); any other
#: type is answered 200 and neither recorded nor acted on.
HANDLED_EVENTS = SESSION_EVENTS | {CHARGE_REFUNDED}

_TIMESTAMP = re.compile(r"[0-9]{1,15}")
# Positive and below 2**63: anything else cannot be one of our primary keys.
_ORDER_ID = re.compile(r"[1-9][0-9]{0,17}")


def _bad_signature(reason: str) -> InvalidInput:
    # The reason is for the site's logs; the caller learns only that the signature failed.
    logger.warning("Stripe webhook refused: %s", reason)
    return InvalidInput(
        _("The Stripe-Signature header is missing or does not match the request."),
        code="bad_signature",
    )


def _bad_payload(reason: str) -> InvalidInput:
    logger.warning("Stripe webhook refused: %s", reason)
    return InvalidInput(_("The webhook body is not a Stripe event."), code="bad_payload")


def verify_signature(
    payload: bytes, header: str | None, *, secret: str, tolerance: int, now: float | None = None
) -> None:
    """Check ``header`` (``Stripe-Signature``) against the raw request body.

    Accepts when any ``v1`` item is the hex HMAC-SHA256 of ``"<t>.<payload>"`` keyed with the
    endpoint ``secret``, and the timestamp ``t`` lies within ``tolerance`` seconds of ``now``
    (default: the current time) on either side: Stripe's SDK lets future timestamps through,
    which would let a captured request be replayed for as long as its clock is ahead. Other
    schemes (``v0``) are ignored. Raises :class:`InvalidInput` (code ``bad_signature``).
    """
    if not header:
        raise _bad_signature("no Stripe-Signature header")
    timestamps: list[str] = []
    signatures: list[bytes] = []
    for item in header.split(","):
        scheme, separator, value = item.strip().partition("=")
        if not separator:
            raise _bad_signature("malformed Stripe-Signature header")
        if scheme == "t":
            timestamps.append(value)
        elif scheme == "v1":
            signatures.append(value.encode())
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]):
        raise _bad_signature("no single numeric timestamp in the Stripe-Signature header")
    if not signatures:
        raise _bad_signature("no v1 signature in the Stripe-Signature header")
    timestamp = timestamps[0]
    expected = (
        hmac.new(secret.encode(), timestamp.encode() + b"." + payload, hashlib.sha256)
        .hexdigest()
        .encode()
    )
    if not any(hmac.compare_digest(expected, signature) for signature in signatures):
        raise _bad_signature("no v1 signature matches the body")
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        raise _bad_signature(f"signed at {timestamp}, outside the {tolerance} s tolerance")


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; the database's JSON types refuse them too.
    raise ValueError(f"{name} is not JSON")


def _contains_nul(value: Any) -> bool:
    """Whether any string in a JSON document holds NUL, which PostgreSQL cannot store."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _is_text(value: Any, max_length: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= max_length


def parse_event(payload: bytes) -> dict[str, Any]:
    """The event in a verified body; :class:`InvalidInput` (``bad_payload``) when it is not one."""
    try:
        event = json.loads(payload, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise _bad_payload(f"body is not JSON ({type(error).__name__})") from error
    if not isinstance(event, dict):
        raise _bad_payload("body is not a JSON object")
    data = event.get("data")
    if not (
        _is_text(event.get("id"), 255)
        and _is_text(event.get("type"), 255)
        and isinstance(event.get("livemode"), bool)
        and isinstance(data, dict)
        and isinstance(data.get("object"), dict)
    ):
        raise _bad_payload("body lacks the id, type, livemode or data.object of an event")
    if _contains_nul(event):
        raise _bad_payload("body holds a NUL character")
    return event


def is_live_key(secret_key: str) -> bool:
    """Whether a secret (``sk_``) or restricted (``rk_``) API key belongs to live mode."""
    return secret_key.startswith(("sk_live_", "rk_live_"))


def webhook_receive(*, payload: bytes, signature: str | None, config: Mapping[str, Any]) -> None:
    """Verify, parse and process one webhook delivery (``payload``: the raw request body).

    Raises :class:`InvalidInput` for a bad signature (``bad_signature``), a body that is not an
    event (``bad_payload``) or an event of the other mode than the configured secret key
    (``livemode_mismatch``); nothing is recorded then.
    """
    secret = config["WEBHOOK_SECRET"]
    if not secret:
        raise ImproperlyConfigured(
            'COURSEHUB["PAYMENTS"]["stripe"]["WEBHOOK_SECRET"] must be set to receive webhooks.'
        )
    verify_signature(payload, signature, secret=secret, tolerance=int(config["WEBHOOK_TOLERANCE"]))
    event = parse_event(payload)
    live = is_live_key(config["SECRET_KEY"] or "")
    if event["livemode"] is not live:
        logger.warning(
            "Stripe event %s refused: livemode is %s but the secret key is a %s key",
            event["id"],
            event["livemode"],
            "live" if live else "test",
        )
        raise InvalidInput(
            _("This event belongs to the other Stripe mode (test or live) than this site."),
            code="livemode_mismatch",
        )
    event_process(event)


def event_process(event: dict[str, Any]) -> None:
    """Record a verified event and apply it in one transaction; once per event id."""
    kind = event["type"]
    if kind not in HANDLED_EVENTS:
        return
    subject: dict[str, Any] = event["data"]["object"]
    with transaction.atomic():
        if kind == CHARGE_REFUNDED:
            order = _lock(_order_paid_by(subject.get("payment_intent")))
            if not _record(event, order):
                return
            if order is None:
                logger.info("Stripe event %s refunds no order of ours: ignored", event["id"])
                return
            _apply_refund(event, order, subject)
            return
        reference = _session_order_id(subject)
        order = _lock(reference)
        if order is not None and not _is_order_session(order, subject):
            order = None
        if not _record(event, order):
            return
        if order is None:
            _report_unmatched_session(event, subject, reference)
            return
        _apply_session_event(event, order, subject)


def _lock(order_id: int | None) -> Order | None:
    if order_id is None:
        return None
    try:
        return services.order_lock(order_id)
    except NotFound:
        return None


def _record(event: dict[str, Any], order: Order | None) -> bool:
    """Store the event; False when its id was recorded already (a repeated delivery)."""
    try:
        with transaction.atomic():
            StripeEvent.objects.create(
                event_id=event["id"],
                type=event["type"],
                livemode=event["livemode"],
                order=order,
                payload=event,
            )
    except IntegrityError:
        logger.info("Stripe event %s delivered again: already processed", event["id"])
        return False
    return True


def _session_order_id(session: dict[str, Any]) -> int | None:
    metadata = session.get("metadata")
    reference = metadata.get("order_id") if isinstance(metadata, dict) else None
    if reference is None:
        reference = session.get("client_reference_id")
    if isinstance(reference, str) and _ORDER_ID.fullmatch(reference):
        return int(reference)
    return None


def _is_order_session(order: Order, session: dict[str, Any]) -> bool:
    session_id = session.get("id")
    return (
        order.provider == Order.Provider.STRIPE
        and isinstance(session_id, str)
        and bool(session_id)
        and session_id == order.provider_reference
    )


def _report_unmatched_session(
    event: dict[str, Any], session: dict[str, Any], reference: int | None
) -> None:
    if reference is None:
        logger.info(
            "Stripe event %s: session %r names no order of ours: ignored",
            event["id"],
            session.get("id"),
        )
        return
    # Money may have been taken for a session no order recorded: someone has to look.
    log = logger.error if event["type"] in PAYING_EVENTS else logger.warning
    log(
        "Stripe event %s (%s): session %r is not the session of order %s: recorded, not applied",
        event["id"],
        event["type"],
        session.get("id"),
        reference,
    )


def _payment_mismatch(order: Order, session: dict[str, Any]) -> str | None:
    amount = session.get("amount_total")
    currency = session.get("currency")
    if type(amount) is not int or amount != order.amount_minor:
        return f"amount_total {amount!r} instead of {order.amount_minor}"
    if not isinstance(currency, str) or currency.lower() != order.currency.lower():
        return f"currency {currency!r} instead of {order.currency!r}"
    return None


def _apply_session_event(event: dict[str, Any], order: Order, session: dict[str, Any]) -> None:
    kind = event["type"]
    if kind == SESSION_ASYNC_PAYMENT_FAILED:
        services.order_cancel(order)
        return
    if kind == SESSION_EXPIRED:
        services.order_expire(order)
        return
    mismatch = _payment_mismatch(order, session)
    if mismatch is not None:
        logger.error(
            "Stripe event %s: session %s of order %s has %s: not paid, review it by hand",
            event["id"],
            session["id"],
            order.pk,
            mismatch,
        )
        return
    if kind == SESSION_COMPLETED and session.get("payment_status") != "paid":
        # A delayed method (a bank debit): async_payment_succeeded or _failed follows. Until
        # then the order is in payment, so the buyer cannot replace it with a second order.
        services.order_reserve(order)
        return
    try:
        paid_now = services.order_pay(order)
    except Conflict as error:
        logger.error(
            "Stripe event %s paid order %s, which cannot be paid (%s): refund it by hand",
            event["id"],
            order.pk,
            error.code,
        )
        return
    if not paid_now:
        logger.info("Stripe event %s: order %s was paid already", event["id"], order.pk)


def _order_paid_by(payment_intent: Any) -> int | None:
    if not isinstance(payment_intent, str) or not payment_intent:
        return None
    return (
        StripeEvent.objects.filter(
            type__in=PAYING_EVENTS,
            order__isnull=False,
            payload__data__object__payment_intent=payment_intent,
        )
        .values_list("order_id", flat=True)
        .first()
    )


def _apply_refund(event: dict[str, Any], order: Order, charge: dict[str, Any]) -> None:
    if charge.get("refunded") is not True:
        # Partial refunds are a matter between the site and its buyer; access stays.
        logger.warning(
            "Stripe event %s: partial refund (%r of %r) of order %s recorded; access kept",
            event["id"],
            charge.get("amount_refunded"),
            charge.get("amount"),
            order.pk,
        )
        return
    try:
        refunded_now = services.order_refund(order)
    except Conflict as error:
        logger.error(
            "Stripe event %s refunds order %s, which is %s (%s): review it by hand",
            event["id"],
            order.pk,
            order.status,
            error.code,
        )
        return
    if not refunded_now:
        logger.info("Stripe event %s: order %s was refunded already", event["id"], order.pk)
