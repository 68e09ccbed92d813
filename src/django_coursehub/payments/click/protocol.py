"""Click SHOP API: the Prepare and Complete calls Click makes while a buyer pays, without HTTP.

Prepare (``action=0``) asks whether an order can be paid and reserves it; Complete
(``action=1``) reports the result of the debit. Each call is authenticated by an MD5 signature
over the exact strings Click sent, then handled under the order's row lock, so a repeated or
concurrent delivery waits for the first one, sees what it stored and gets the same answer
without a second side effect.

The ``error_note`` texts are the protocol's own constants, read by Click's systems rather than
shown to people, so they are not translated.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from django_coursehub.exceptions import Conflict, NotFound
from django_coursehub.payments import services
from django_coursehub.payments.models import ClickTransaction, Order
from django_coursehub.payments.providers import CLICK
from django_coursehub.schemas import MAX_ID

logger = logging.getLogger("django_coursehub.payments")

Config = Mapping[str, Any]
Fields = Mapping[str, str]


class ClickError(IntEnum):
    """The ``error`` codes we answer Click with."""

    SUCCESS = 0
    SIGN_CHECK_FAILED = -1
    INCORRECT_AMOUNT = -2
    ACTION_NOT_FOUND = -3
    ALREADY_PAID = -4
    USER_DOES_NOT_EXIST = -5
    TRANSACTION_DOES_NOT_EXIST = -6
    FAILED_TO_UPDATE_USER = -7
    BAD_REQUEST = -8
    TRANSACTION_CANCELLED = -9


ERROR_NOTES: dict[ClickError, str] = {
    ClickError.SUCCESS: "Success",
    ClickError.SIGN_CHECK_FAILED: "SIGN CHECK FAILED!",
    ClickError.INCORRECT_AMOUNT: "Incorrect parameter amount",
    ClickError.ACTION_NOT_FOUND: "Action not found",
    ClickError.ALREADY_PAID: "Already paid",
    ClickError.USER_DOES_NOT_EXIST: "User does not exist",
    ClickError.TRANSACTION_DOES_NOT_EXIST: "Transaction does not exist",
    ClickError.FAILED_TO_UPDATE_USER: "Failed to update user",
    ClickError.BAD_REQUEST: "Error in request from click",
    ClickError.TRANSACTION_CANCELLED: "Transaction cancelled",
}


class Action(IntEnum):
    PREPARE = 0
    COMPLETE = 1


PREPARE_FIELDS = (
    "click_trans_id",
    "service_id",
    "click_paydoc_id",
    "merchant_trans_id",
    "amount",
    "action",
    "error",
    "sign_time",
    "sign_string",
)
COMPLETE_FIELDS = (*PREPARE_FIELDS, "merchant_prepare_id")

# Bounded lengths keep int() and Decimal() cheap whatever a caller sends.
_ID = re.compile(r"[0-9]{1,19}")
_SMALL_INT = re.compile(r"-?[0-9]{1,10}")
_AMOUNT = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?(?:[eE][+-]?[0-9]{1,10})?")
# The error code is stored in a 32-bit column.
_MIN_INT, _MAX_INT = -(2**31), 2**31 - 1
CENT = Decimal("0.01")


class _Refused(Exception):
    """A call refused before any order is looked at."""

    def __init__(self, code: ClickError) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ClickCall:
    """A signed call, its fields parsed."""

    click_trans_id: int
    click_paydoc_id: int
    #: The order id Click echoes from our ``transaction_param``; None when it is not one.
    order_id: int | None
    #: The amount in so'm to the cent; None for a number no order can cost.
    amount: Decimal | None
    #: Click's own status: 0 when the debit went through, negative when it failed.
    click_error: int
    merchant_prepare_id: int | None


def click_signature(fields: Fields, secret: str, action: Action) -> str:
    """The ``sign_string`` Click computes for ``fields``, over the strings exactly as sent."""
    parts = [fields["click_trans_id"], fields["service_id"], secret, fields["merchant_trans_id"]]
    if action is Action.COMPLETE:
        parts.append(fields["merchant_prepare_id"])
    parts += [fields["amount"], fields["action"], fields["sign_time"]]
    return hashlib.md5("".join(parts).encode(), usedforsecurity=False).hexdigest()


def click_prepare(fields: Fields, config: Config) -> dict[str, Any]:
    """Answer a Prepare call: whether the order can be paid; reserve it if so."""
    return _handle(fields, config, Action.PREPARE)


def click_complete(fields: Fields, config: Config) -> dict[str, Any]:
    """Answer a Complete call: pay the order, or record that Click cancelled the payment."""
    return _handle(fields, config, Action.COMPLETE)


def click_answer(
    fields: Fields, endpoint: Action, code: ClickError, transaction_id: int | None = None
) -> dict[str, Any]:
    """The JSON answer to a call of ``endpoint``, echoing Click's ids where they parse."""
    id_key = "merchant_prepare_id" if endpoint is Action.PREPARE else "merchant_confirm_id"
    return {
        "click_trans_id": _parse_id(fields.get("click_trans_id")),
        "merchant_trans_id": fields.get("merchant_trans_id", ""),
        id_key: transaction_id,
        "error": int(code),
        "error_note": ERROR_NOTES[code],
    }


def _handle(fields: Fields, config: Config, endpoint: Action) -> dict[str, Any]:
    secret, service_id = _credentials(config)
    transaction_id: int | None = None
    try:
        call = _authenticated_call(fields, endpoint, secret=secret, service_id=service_id)
    except _Refused as refusal:
        code = refusal.code
    else:
        if endpoint is Action.PREPARE:
            code, transaction_id = _prepare(call)
        else:
            code, transaction_id = _complete(call, config)
    logger.info(
        "Click %s click_trans_id=%r merchant_trans_id=%r merchant_prepare_id=%r click error=%r: "
        "answered %d",
        endpoint.name.lower(),
        fields.get("click_trans_id"),
        fields.get("merchant_trans_id"),
        fields.get("merchant_prepare_id"),
        fields.get("error"),
        code,
    )
    return click_answer(fields, endpoint, code, transaction_id)


def _credentials(config: Config) -> tuple[str, int]:
    secret = config.get("SECRET_KEY")
    service_id = _parse_id(str(config.get("SERVICE_ID") or ""))
    if not secret or service_id is None:
        # Without this an unset key would sign with the text "None".
        raise ImproperlyConfigured(
            'COURSEHUB["PAYMENTS"]["click"] needs SECRET_KEY and a numeric SERVICE_ID.'
        )
    return str(secret), service_id


def _authenticated_call(
    fields: Fields, endpoint: Action, *, secret: str, service_id: int
) -> ClickCall:
    """Parse and authenticate in the protocol's order: -8, -3, -1, then the service id (-8)."""
    required = PREPARE_FIELDS if endpoint is Action.PREPARE else COMPLETE_FIELDS
    if not all(fields.get(name) for name in required):
        raise _Refused(ClickError.BAD_REQUEST)
    click_trans_id = _parse_id(fields["click_trans_id"])
    click_paydoc_id = _parse_id(fields["click_paydoc_id"])
    received_service_id = _parse_id(fields["service_id"])
    action = _parse_small_int(fields["action"])
    click_error = _parse_small_int(fields["error"])
    merchant_prepare_id = (
        _parse_id(fields["merchant_prepare_id"]) if endpoint is Action.COMPLETE else None
    )
    if (
        click_trans_id is None
        or click_paydoc_id is None
        or received_service_id is None
        or action is None
        or click_error is None
        or (endpoint is Action.COMPLETE and merchant_prepare_id is None)
        or not _AMOUNT.fullmatch(fields["amount"])
    ):
        raise _Refused(ClickError.BAD_REQUEST)
    if action != endpoint:
        raise _Refused(ClickError.ACTION_NOT_FOUND)
    expected = click_signature(fields, secret, endpoint)
    if not hmac.compare_digest(expected.encode(), fields["sign_string"].lower().encode()):
        raise _Refused(ClickError.SIGN_CHECK_FAILED)
    if received_service_id != service_id:
        raise _Refused(ClickError.BAD_REQUEST)
    return ClickCall(
        click_trans_id=click_trans_id,
        click_paydoc_id=click_paydoc_id,
        order_id=_parse_id(fields["merchant_trans_id"]),
        amount=_parse_amount(fields["amount"]),
        click_error=click_error,
        merchant_prepare_id=merchant_prepare_id,
    )


def _parse_id(raw: str | None) -> int | None:
    if raw is None or not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


def _parse_small_int(raw: str) -> int | None:
    if not _SMALL_INT.fullmatch(raw):
        return None
    value = int(raw)
    return value if _MIN_INT <= value <= _MAX_INT else None


def _parse_amount(raw: str) -> Decimal | None:
    """So'm to the cent (Click may send ``1000``, ``1000.0`` or ``1000.00``)."""
    try:
        return Decimal(raw).quantize(CENT)
    except InvalidOperation:
        # An exponent too large for any price: it cannot equal the order's amount.
        return None


def _locked_click_order(order_id: int | None) -> Order | None:
    """The order being paid through Click, locked; None when there is no such order.

    An order made for another provider is not Click's to pay: a Stripe order in dollars would
    otherwise be payable with as many so'm.
    """
    if order_id is None:
        return None
    try:
        order = services.order_lock(order_id)
    except NotFound:
        return None
    return order if order.provider == CLICK else None


def _prepare(call: ClickCall) -> tuple[ClickError, int | None]:
    with transaction.atomic():
        order = _locked_click_order(call.order_id)
        if order is None:
            return ClickError.USER_DOES_NOT_EXIST, None
        if call.amount != order.amount:
            return ClickError.INCORRECT_AMOUNT, None
        if order.status == Order.Status.PAID:
            return ClickError.ALREADY_PAID, None
        if not order.is_open:
            return ClickError.TRANSACTION_CANCELLED, None
        attempt = ClickTransaction.objects.filter(click_trans_id=call.click_trans_id).first()
        if attempt is not None and attempt.order_id != order.pk:
            # Click's id of a payment of another order: not a repeat, not a new payment.
            return ClickError.BAD_REQUEST, None
        if call.click_error < 0:
            if attempt is None:
                return ClickError.TRANSACTION_CANCELLED, None
            if attempt.state == ClickTransaction.State.PREPARED:
                _cancel_prepared(attempt, order, call.click_error)
            return ClickError.TRANSACTION_CANCELLED, attempt.pk
        if attempt is not None:
            # A repeated Prepare (Click got no answer): the same id again. A completed attempt
            # cannot get here, its order being paid.
            if attempt.state == ClickTransaction.State.CANCELLED:
                return ClickError.TRANSACTION_CANCELLED, attempt.pk
            return ClickError.SUCCESS, attempt.pk
        try:
            with transaction.atomic():
                attempt = ClickTransaction.objects.create(
                    click_trans_id=call.click_trans_id,
                    click_paydoc_id=call.click_paydoc_id,
                    order=order,
                    amount=order.amount,
                )
        except IntegrityError:
            # The same Click id was just prepared for another order (that order's lock, not
            # this one, serialised it).
            return ClickError.BAD_REQUEST, None
        services.order_reserve(order)
        return ClickError.SUCCESS, attempt.pk


def _complete(call: ClickCall, config: Config) -> tuple[ClickError, int | None]:
    with transaction.atomic():
        order = _locked_click_order(call.order_id)
        # The id we gave must name this very payment: Click's id and our order both match.
        attempt = (
            ClickTransaction.objects.filter(
                pk=call.merchant_prepare_id, order=order, click_trans_id=call.click_trans_id
            ).first()
            if order is not None and call.merchant_prepare_id is not None
            else None
        )
        if order is None or attempt is None:
            return ClickError.TRANSACTION_DOES_NOT_EXIST, None
        if call.amount != order.amount:
            return ClickError.INCORRECT_AMOUNT, attempt.pk
        if call.click_error < 0:
            return _cancel(attempt, order, call.click_error, config), attempt.pk
        if attempt.state == ClickTransaction.State.CANCELLED:
            return ClickError.TRANSACTION_CANCELLED, attempt.pk
        if attempt.state == ClickTransaction.State.COMPLETED:
            return ClickError.ALREADY_PAID, attempt.pk
        return _pay(attempt, order), attempt.pk


def _cancel_prepared(attempt: ClickTransaction, order: Order, click_error: int) -> None:
    attempt.state = ClickTransaction.State.CANCELLED
    attempt.click_error = click_error
    attempt.save(update_fields=["state", "click_error", "updated_at"])
    # Another attempt Click is still running keeps the order reserved.
    if not order.click_transactions.filter(state=ClickTransaction.State.PREPARED).exists():
        services.order_release(order)


def _cancel(
    attempt: ClickTransaction, order: Order, click_error: int, config: Config
) -> ClickError:
    """Click reports that the payment failed or was cancelled."""
    if attempt.state == ClickTransaction.State.PREPARED:
        _cancel_prepared(attempt, order, click_error)
        return ClickError.TRANSACTION_CANCELLED
    if attempt.state == ClickTransaction.State.CANCELLED:
        return ClickError.TRANSACTION_CANCELLED
    # Cancelling a payment we already confirmed: Click's test collection expects the refund
    # (-9); its error table says -4. The site chooses.
    if not config["REFUND_ON_CANCEL_AFTER_PAYMENT"]:
        logger.warning(
            "Click cancelled payment click_trans_id=%s (error %s) of paid order %s; "
            "kept paid as REFUND_ON_CANCEL_AFTER_PAYMENT is off",
            attempt.click_trans_id,
            click_error,
            order.pk,
        )
        return ClickError.ALREADY_PAID
    services.order_refund(order)
    attempt.state = ClickTransaction.State.CANCELLED
    attempt.click_error = click_error
    attempt.save(update_fields=["state", "click_error", "updated_at"])
    logger.warning(
        "Click cancelled payment click_trans_id=%s (error %s) of paid order %s: refunded",
        attempt.click_trans_id,
        click_error,
        order.pk,
    )
    return ClickError.TRANSACTION_CANCELLED


def _pay(attempt: ClickTransaction, order: Order) -> ClickError:
    """Click debited the buyer: pay the order and enroll them, in this one transaction.

    When the order cannot take the money, Click's rules still forbid a plain refusal (the debit
    happened): -4 when the order is paid already, else -7 ("failed to update user"), which
    leaves the payment for Click's manual review. Both are logged as errors for a refund.
    """
    try:
        paid_now = services.order_pay(order)
    except Conflict as conflict:
        logger.error(
            "Click debited click_trans_id=%s but order %s cannot be paid (%s): refund it",
            attempt.click_trans_id,
            order.pk,
            conflict.code,
        )
        return ClickError.FAILED_TO_UPDATE_USER
    if not paid_now:
        logger.error(
            "Click debited click_trans_id=%s for order %s, already paid by another payment: "
            "refund it",
            attempt.click_trans_id,
            order.pk,
        )
        return ClickError.ALREADY_PAID
    attempt.state = ClickTransaction.State.COMPLETED
    attempt.click_error = 0
    attempt.save(update_fields=["state", "click_error", "updated_at"])
    return ClickError.SUCCESS
