"""Click's calls under parallel delivery; real threads on PostgreSQL.

Click repeats a call it got no answer to, possibly while the first is still running. Each
thread posts over HTTP with its own database connection, so a failure shows as the answer (or
the 500) Click would get.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from django_coursehub.catalog.models import Course
from django_coursehub.learning.models import Enrollment
from django_coursehub.payments.models import ClickTransaction, Order
from tests.concurrency.threads import run_in_parallel
from tests.factories import OrderFactory
from tests.test_payments_click import CLICK_TRANS_ID, complete, prepare, prepared

CALLS = 20


@pytest.fixture(autouse=True)
def _click_enabled(payments: dict[str, Any]) -> None:
    """Click enabled with the spec's test keys, as in the sequential tests."""


@pytest.fixture
def order() -> Order:
    return OrderFactory(provider=Order.Provider.CLICK)


def assert_paid_once(order: Order) -> None:
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert ClickTransaction.objects.filter(order=order, state="completed").count() == 1
    enrollments = Enrollment.objects.filter(user=order.buyer, course=order.course)
    assert [(e.status, e.source) for e in enrollments] == [
        (Enrollment.Status.ACTIVE, Enrollment.Source.PURCHASE)
    ]
    assert Course.objects.get(pk=order.course_id).enrollment_count == 1


def test_parallel_identical_prepares_store_one_transaction_and_answer_alike(order):
    answers = run_in_parallel(lambda _: prepare(order.pk), CALLS)

    attempt = ClickTransaction.objects.get()
    assert answers == [answers[0]] * CALLS
    assert (answers[0]["error"], answers[0]["merchant_prepare_id"]) == (0, attempt.pk)
    assert Order.objects.get(pk=order.pk).status == Order.Status.AWAITING


def test_parallel_identical_completes_pay_and_enroll_once(order):
    prepare_id = prepared(order)

    answers = run_in_parallel(lambda _: complete(order.pk, prepare_id), CALLS)

    assert Counter(answer["error"] for answer in answers) == {0: 1, -4: CALLS - 1}
    assert {answer["merchant_confirm_id"] for answer in answers} == {prepare_id}
    assert_paid_once(order)


def test_parallel_payments_of_one_order_pay_it_once(order):
    click_ids = [CLICK_TRANS_ID + index for index in range(CALLS)]

    prepares = run_in_parallel(lambda i: prepare(order.pk, click_trans_id=click_ids[i]), CALLS)

    assert [answer["error"] for answer in prepares] == [0] * CALLS
    prepare_ids = [answer["merchant_prepare_id"] for answer in prepares]
    assert len(set(prepare_ids)) == CALLS

    completes = run_in_parallel(
        lambda i: complete(order.pk, prepare_ids[i], click_trans_id=click_ids[i]), CALLS
    )

    assert Counter(answer["error"] for answer in completes) == {0: 1, -4: CALLS - 1}
    assert_paid_once(order)
    assert ClickTransaction.objects.filter(order=order, state="prepared").count() == CALLS - 1


def test_parallel_cancellations_after_payment_refund_once(order):
    prepare_id = prepared(order)
    assert complete(order.pk, prepare_id)["error"] == 0

    answers = run_in_parallel(lambda _: complete(order.pk, prepare_id, error=-5017), CALLS)

    assert answers == [answers[0]] * CALLS
    assert answers[0]["error"] == -9
    assert Order.objects.get(pk=order.pk).status == Order.Status.REFUNDED
    assert Course.objects.get(pk=order.course_id).enrollment_count == 0
