"""Payme repeats its calls, sometimes at once: under parallel duplicates there is still one
transaction, one payment, one enrollment and one refund, and every copy gets the same answer.
Real threads over HTTP on PostgreSQL."""

from __future__ import annotations

import base64
from collections import Counter
from typing import Any

import pytest

from django_coursehub.catalog.models import Course
from django_coursehub.learning.models import Enrollment
from django_coursehub.payments.models import Order, PaymeTransaction
from django_coursehub.payments.payme.protocol import now_ms
from tests.concurrency.threads import run_in_parallel
from tests.conftest import PAYMENT_SETTINGS, ApiClient
from tests.factories import OrderFactory

COPIES = 20
AUTH = "Basic " + base64.b64encode(f"Paycom:{PAYMENT_SETTINGS['payme']['KEY']}".encode()).decode()


def rpc(method: str, params: dict[str, Any]) -> Any:
    response = ApiClient(raise_request_exception=False).post(
        "/api/payments/payme/",
        {"method": method, "params": params, "id": 1},
        HTTP_AUTHORIZATION=AUTH,
    )
    assert response.status_code == 200
    return response.json()


def payme_id(number: int) -> str:
    return f"{number:024x}"


def create_params(order: Order, number: int = 1) -> dict[str, Any]:
    return {
        "id": payme_id(number),
        "time": now_ms(),
        "amount": order.amount_minor,
        "account": {"order_id": str(order.pk)},
    }


@pytest.fixture
def order(payments: Any) -> Order:
    return OrderFactory()


def enrollment_count(order: Order) -> int:
    return Course.objects.get(pk=order.course_id).enrollment_count


def test_parallel_identical_creates_make_one_transaction_and_one_answer(order):
    params = create_params(order)

    answers = run_in_parallel(lambda _: rpc("CreateTransaction", params), COPIES)

    assert all("result" in answer for answer in answers), answers
    assert len({str(answer["result"]) for answer in answers}) == 1
    payment = PaymeTransaction.objects.get()
    assert answers[0]["result"]["transaction"] == str(payment.pk)
    assert Order.objects.get(pk=order.pk).status == Order.Status.AWAITING


def test_parallel_creates_with_new_ids_for_one_order_let_one_through(order):
    answers = run_in_parallel(
        lambda index: rpc("CreateTransaction", create_params(order, index + 1)), COPIES
    )

    codes = Counter(answer["error"]["code"] if "error" in answer else 0 for answer in answers)
    assert codes == {0: 1, -31008: COPIES - 1}
    assert PaymeTransaction.objects.filter(order=order).count() == 1


def test_parallel_identical_performs_pay_and_enroll_once(order, order_signals):
    rpc("CreateTransaction", create_params(order))

    answers = run_in_parallel(lambda _: rpc("PerformTransaction", {"id": payme_id(1)}), COPIES)

    assert all("result" in answer for answer in answers), answers
    assert len({str(answer["result"]) for answer in answers}) == 1
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    enrollment = Enrollment.objects.get(user=order.buyer, course=order.course)
    assert enrollment.source == Enrollment.Source.PURCHASE
    assert enrollment_count(order) == 1
    assert [name for name, _order in order_signals] == ["order_paid"]


def test_parallel_cancels_of_a_performed_transaction_refund_once(order, order_signals):
    rpc("CreateTransaction", create_params(order))
    rpc("PerformTransaction", {"id": payme_id(1)})

    answers = run_in_parallel(
        lambda _: rpc("CancelTransaction", {"id": payme_id(1), "reason": 5}), COPIES
    )

    assert all("result" in answer for answer in answers), answers
    assert len({str(answer["result"]) for answer in answers}) == 1
    assert answers[0]["result"]["state"] == -2
    assert Order.objects.get(pk=order.pk).status == Order.Status.REFUNDED
    enrollment = Enrollment.objects.get(user=order.buyer, course=order.course)
    assert enrollment.status == Enrollment.Status.REFUNDED
    assert enrollment_count(order) == 0
    assert [name for name, _order in order_signals] == ["order_paid", "order_refunded"]
