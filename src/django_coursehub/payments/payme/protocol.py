"""The Payme Merchant API's methods: the transaction state machine, without HTTP.

Payme drives a transaction through CheckPerformTransaction → CreateTransaction (state 1, the
order is reserved) → PerformTransaction (state 2, the order is paid) and may cancel it
(state -1 before performing, -2 after). Every change locks the order first, so a call Payme
repeats, or sends twice at once, waits for the first and answers what the first stored: times
in answers are always the stored ones, never the clock's.

Times are Payme's: integer milliseconds since the epoch.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from django_coursehub.exceptions import Conflict, NotFound
from django_coursehub.learning.models import Enrollment
from django_coursehub.payments import services
from django_coursehub.payments.models import Order, PaymeTransaction
from django_coursehub.payments.providers import PAYME
from django_coursehub.schemas import MAX_ID

Config = Mapping[str, Any]
Params = Mapping[str, Any]

#: The languages of every error message, as Payme shows them to the payer.
MESSAGE_LANGUAGES = ("ru", "uz", "en")

# Error codes of the Merchant API.
NOT_POST = -32300
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INSUFFICIENT_PRIVILEGES = -32504
SYSTEM_ERROR = -32400
WRONG_AMOUNT = -31001
TRANSACTION_NOT_FOUND = -31003
CANNOT_CANCEL = -31007
CANNOT_PERFORM = -31008
WRONG_ACCOUNT = -31050

#: Cancel reason Payme and we record for a transaction left unperformed too long.
REASON_TIMEOUT = 4

_ORDER_ID = re.compile(r"[0-9]{1,19}")
# Transaction ids are Payme's 24-character hex strings; the column holds 64.
_MAX_PAYME_ID_LENGTH = 64
_MAX_REASON = 32767  # a small integer column

MESSAGES: dict[int, Promise] = {
    NOT_POST: _("The request method must be POST."),
    PARSE_ERROR: _("The request is not valid JSON."),
    INVALID_REQUEST: _("The request is not a valid Payme request."),
    METHOD_NOT_FOUND: _("This method is not supported."),
    INSUFFICIENT_PRIVILEGES: _("Insufficient privileges to perform this method."),
    SYSTEM_ERROR: _("Internal error. Try again later."),
    WRONG_AMOUNT: _("The amount does not match the order."),
    TRANSACTION_NOT_FOUND: _("Transaction not found."),
    CANNOT_CANCEL: _("The course was delivered: this payment cannot be cancelled."),
    CANNOT_PERFORM: _("This operation cannot be performed."),
    WRONG_ACCOUNT: services.ORDER_NOT_FOUND,
}
ORDER_NOT_PAYABLE = _("This order cannot be paid.")
ORDER_ALREADY_OWNED = _("The buyer already has access to this course.")
ORDER_IN_PAYMENT = _("This order is already being paid.")
TRANSACTION_EXPIRED = _("The transaction expired.")
TRANSACTION_CLOSED = _("The transaction is already completed or cancelled.")


def localized(message: Promise | str) -> dict[str, str]:
    """``message`` in each of Payme's languages."""
    rendered = {}
    for language in MESSAGE_LANGUAGES:
        with translation.override(language):
            rendered[language] = str(message)
    return rendered


class PaymeError(Exception):
    """A JSON-RPC error answer: its code, a message shown to the payer, and ``data``."""

    def __init__(self, code: int, message: Promise | str | None = None, data: Any = None) -> None:
        self.code = code
        self.message = message if message is not None else MESSAGES[code]
        self.data = data
        super().__init__(code, str(self.message), data)

    def as_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": localized(self.message)}
        if self.data is not None:
            error["data"] = self.data
        return error


def now_ms() -> int:
    return time.time_ns() // 1_000_000


# Parameters ------------------------------------------------------------------------------------


def _invalid(name: str) -> PaymeError:
    return PaymeError(INVALID_REQUEST, data=name)


def _whole_number(value: Any) -> int | None:
    """``value`` when it is a JSON whole number (``15000000``, or ``15000000.0``), else None."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _integer(params: Params, name: str, *, low: int, high: int) -> int:
    value = _whole_number(params.get(name))
    if value is None or not low <= value <= high:
        raise _invalid(name)
    return value


def _timestamp(params: Params, name: str) -> int:
    return _integer(params, name, low=0, high=MAX_ID)


def _amount(params: Params) -> int:
    # Any whole number is well formed; one that is not the order's price is a wrong amount.
    value = _whole_number(params.get("amount"))
    if value is None:
        raise _invalid("amount")
    return value


def _payme_id(params: Params) -> str:
    value = params.get("id")
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= _MAX_PAYME_ID_LENGTH
        or not value.isprintable()
    ):
        raise _invalid("id")
    return value


def _account_order_id(params: Params, field: str) -> int:
    """The order id of ``account.<field>``; anything but a plausible id is an account error."""
    account = params.get("account")
    if not isinstance(account, Mapping):
        raise _invalid("account")
    value = account.get(field)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PaymeError(WRONG_ACCOUNT, data=field)
    text = str(value)
    if not _ORDER_ID.fullmatch(text) or not 1 <= int(text) <= MAX_ID:
        raise PaymeError(WRONG_ACCOUNT, data=field)
    return int(text)


# Answers ---------------------------------------------------------------------------------------


def _created(payment: PaymeTransaction) -> dict[str, Any]:
    return {
        "create_time": payment.create_time,
        "transaction": str(payment.pk),
        "state": payment.state,
    }


def _performed(payment: PaymeTransaction) -> dict[str, Any]:
    return {
        "transaction": str(payment.pk),
        "perform_time": payment.perform_time,
        "state": payment.state,
    }


def _cancelled(payment: PaymeTransaction) -> dict[str, Any]:
    return {
        "transaction": str(payment.pk),
        "cancel_time": payment.cancel_time,
        "state": payment.state,
    }


def _details(payment: PaymeTransaction) -> dict[str, Any]:
    return {
        "create_time": payment.create_time,
        "perform_time": payment.perform_time,
        "cancel_time": payment.cancel_time,
        "transaction": str(payment.pk),
        "state": payment.state,
        "reason": payment.reason,
    }


def _statement_entry(payment: PaymeTransaction) -> dict[str, Any]:
    return {
        "id": payment.payme_id,
        "time": payment.payme_time,
        "amount": payment.amount,
        "account": payment.account,
        **_details(payment),
        "receivers": None,
    }


# Locking and checks ----------------------------------------------------------------------------


def _lock_order(order_id: int, field: str) -> Order:
    try:
        return services.order_lock(order_id)
    except NotFound as error:
        raise PaymeError(WRONG_ACCOUNT, data=field) from error


def _lock_transaction(payme_id: str) -> PaymeTransaction | None:
    """The transaction with this Payme id, its order locked first; call inside ``atomic``."""
    order_id = (
        PaymeTransaction.objects.filter(payme_id=payme_id)
        .values_list("order_id", flat=True)
        .first()
    )
    if order_id is None:
        return None
    services.order_lock(order_id)
    return PaymeTransaction.objects.select_related("order").get(payme_id=payme_id)


def _require_transaction(payme_id: str) -> PaymeTransaction:
    payment = _lock_transaction(payme_id)
    if payment is None:
        raise PaymeError(TRANSACTION_NOT_FOUND)
    return payment


def _check_payable(order: Order, amount: int, config: Config) -> None:
    """Refuse a wrong amount (-31001), then an order Payme may not pay now (-31008)."""
    if amount != order.amount_minor:
        raise PaymeError(WRONG_AMOUNT)
    if order.provider != PAYME or not order.is_open:
        raise PaymeError(CANNOT_PERFORM, ORDER_NOT_PAYABLE)
    if PaymeTransaction.objects.filter(
        order=order, state__in=[PaymeTransaction.State.CREATED, PaymeTransaction.State.PERFORMED]
    ).exists():
        # Payme's sandbox expects -31008; its PHP template answers an account error instead.
        code = config["RESERVED_ORDER_ERROR"]
        raise PaymeError(
            code, ORDER_IN_PAYMENT, data=None if code == CANNOT_PERFORM else config["ACCOUNT_FIELD"]
        )
    if (
        Enrollment.objects.giving_access()
        .filter(user_id=order.buyer_id, course_id=order.course_id)
        .exists()
    ):
        raise PaymeError(CANNOT_PERFORM, ORDER_ALREADY_OWNED)


def _has_expired(payment: PaymeTransaction, config: Config) -> bool:
    return (
        payment.state == PaymeTransaction.State.CREATED
        and now_ms() - payment.payme_time > config["TIMEOUT_MS"]
    )


def _cancel(payment: PaymeTransaction, state: int, reason: int) -> None:
    payment.state = state
    payment.reason = reason
    payment.cancel_time = now_ms()
    payment.save(update_fields=["state", "reason", "cancel_time"])


def _expire(payment: PaymeTransaction) -> PaymeError:
    """Cancel a transaction Payme has cancelled by timeout already; the error to answer.

    The caller returns the error out of its ``atomic`` block and raises it after the commit,
    so the cancellation is kept.
    """
    _cancel(payment, PaymeTransaction.State.CANCELLED, REASON_TIMEOUT)
    services.order_release(payment.order)
    return PaymeError(CANNOT_PERFORM, TRANSACTION_EXPIRED)


def _raise_or_return(outcome: dict[str, Any] | PaymeError) -> dict[str, Any]:
    if isinstance(outcome, PaymeError):
        raise outcome
    return outcome


# Methods ---------------------------------------------------------------------------------------


def check_perform_transaction(params: Params, config: Config) -> dict[str, Any]:
    amount = _amount(params)
    field = config["ACCOUNT_FIELD"]
    order_id = _account_order_id(params, field)
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        raise PaymeError(WRONG_ACCOUNT, data=field)
    _check_payable(order, amount, config)
    return {"allow": True}


def create_transaction(params: Params, config: Config) -> dict[str, Any]:
    payme_id = _payme_id(params)
    payme_time = _timestamp(params, "time")
    amount = _amount(params)
    field = config["ACCOUNT_FIELD"]
    with transaction.atomic():
        payment = _lock_transaction(payme_id)
        if payment is None:
            order = _lock_order(_account_order_id(params, field), field)
            # A copy of this call may have created it while we waited for the lock.
            payment = (
                PaymeTransaction.objects.select_related("order").filter(payme_id=payme_id).first()
            )
            if payment is None:
                return _create(order, payme_id, payme_time, amount, field, config)
            if payment.order_id != order.pk:
                raise PaymeError(CANNOT_PERFORM)
        if _has_expired(payment, config):
            outcome: dict[str, Any] | PaymeError = _expire(payment)
        elif payment.state == PaymeTransaction.State.CREATED:
            outcome = _created(payment)
        else:
            outcome = PaymeError(CANNOT_PERFORM, TRANSACTION_CLOSED)
    return _raise_or_return(outcome)


def _create(
    order: Order, payme_id: str, payme_time: int, amount: int, field: str, config: Config
) -> dict[str, Any]:
    _check_payable(order, amount, config)
    created_at = now_ms()
    if created_at - payme_time > config["TIMEOUT_MS"]:
        code = config["STALE_CREATE_ERROR"]
        raise PaymeError(code, TRANSACTION_EXPIRED, data=None if code == CANNOT_PERFORM else "time")
    try:
        with transaction.atomic():
            payment = PaymeTransaction.objects.create(
                payme_id=payme_id,
                order=order,
                payme_time=payme_time,
                amount=amount,
                account={field: str(order.pk)},
                create_time=created_at,
            )
    except IntegrityError as error:
        # The id was just used for another order (that order's lock does not cover this one).
        raise PaymeError(CANNOT_PERFORM) from error
    services.order_reserve(order)
    return _created(payment)


def perform_transaction(params: Params, config: Config) -> dict[str, Any]:
    payme_id = _payme_id(params)
    with transaction.atomic():
        payment = _require_transaction(payme_id)
        if _has_expired(payment, config):
            outcome: dict[str, Any] | PaymeError = _expire(payment)
        elif payment.state == PaymeTransaction.State.CREATED:
            payment.state = PaymeTransaction.State.PERFORMED
            payment.perform_time = now_ms()
            payment.save(update_fields=["state", "perform_time"])
            _pay(payment.order)
            outcome = _performed(payment)
        elif payment.state == PaymeTransaction.State.PERFORMED:
            outcome = _performed(payment)
        else:
            outcome = PaymeError(CANNOT_PERFORM, TRANSACTION_CLOSED)
    return _raise_or_return(outcome)


def _pay(order: Order) -> None:
    try:
        services.order_pay(order)
    except Conflict as error:
        # The buyer bought the course in another order meanwhile: refusing leaves the
        # transaction unperformed, and Payme returns the money when it times out.
        raise PaymeError(CANNOT_PERFORM, ORDER_NOT_PAYABLE) from error


def cancel_transaction(params: Params, config: Config) -> dict[str, Any]:
    payme_id = _payme_id(params)
    reason = _integer(params, "reason", low=1, high=_MAX_REASON)
    with transaction.atomic():
        payment = _require_transaction(payme_id)
        if payment.state == PaymeTransaction.State.CREATED:
            _cancel(payment, PaymeTransaction.State.CANCELLED, reason)
            services.order_release(payment.order)
        elif payment.state == PaymeTransaction.State.PERFORMED:
            if not config["ALLOW_CANCEL_PERFORMED"]:
                raise PaymeError(CANNOT_CANCEL)
            _cancel(payment, PaymeTransaction.State.CANCELLED_AFTER_PERFORM, reason)
            services.order_refund(payment.order)
        return _cancelled(payment)


def check_transaction(params: Params, config: Config) -> dict[str, Any]:
    payment = PaymeTransaction.objects.filter(payme_id=_payme_id(params)).first()
    if payment is None:
        raise PaymeError(TRANSACTION_NOT_FOUND)
    return _details(payment)


def get_statement(params: Params, config: Config) -> dict[str, Any]:
    """Transactions Payme created from ``from`` to ``to`` (inclusive), in Payme's time order."""
    start, end = _timestamp(params, "from"), _timestamp(params, "to")
    payments = PaymeTransaction.objects.filter(payme_time__gte=start, payme_time__lte=end).order_by(
        "payme_time", "id"
    )
    return {"transactions": [_statement_entry(payment) for payment in payments]}


#: The methods answered; any other (ChangePassword, SetFiscalData…) is "method not found".
METHODS: dict[str, Callable[[Params, Config], dict[str, Any]]] = {
    "CheckPerformTransaction": check_perform_transaction,
    "CreateTransaction": create_transaction,
    "PerformTransaction": perform_transaction,
    "CancelTransaction": cancel_transaction,
    "CheckTransaction": check_transaction,
    "GetStatement": get_statement,
}


def dispatch(method: str, params: Params, config: Config) -> dict[str, Any]:
    """The ``result`` of one authenticated call; raises :class:`PaymeError` for an error answer."""
    handler = METHODS.get(method)
    if handler is None:
        raise PaymeError(METHOD_NOT_FOUND, data=method)
    return handler(params, config)
