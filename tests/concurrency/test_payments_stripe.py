"""Stripe webhooks delivered in parallel; real threads on PostgreSQL.

Stripe may deliver one event several times, and two events about one session at once: the order
is paid, enrolled and announced exactly once whatever the interleaving.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from django_coursehub import signals
from django_coursehub.catalog.models import Course
from django_coursehub.learning.models import Enrollment
from django_coursehub.payments.models import Order, StripeEvent
from django_coursehub.payments.stripe_checkout import webhooks
from tests.concurrency.threads import run_in_parallel
from tests.test_payments_stripe import deliver, refund_event, session_event, stripe_order

pytestmark = pytest.mark.usefixtures("payments")

DELIVERIES = 20


@pytest.fixture
def announced() -> Iterator[dict[str, list[int]]]:
    """The order ids ``order_paid`` and ``order_refunded`` reported, from any thread."""
    received: dict[str, list[int]] = {"order_paid": [], "order_refunded": []}
    guard = threading.Lock()

    def on_paid(sender: Any, order: Order, **kwargs: Any) -> None:
        with guard:
            received["order_paid"].append(order.pk)

    def on_refunded(sender: Any, order: Order, **kwargs: Any) -> None:
        with guard:
            received["order_refunded"].append(order.pk)

    signals.order_paid.connect(on_paid)
    signals.order_refunded.connect(on_refunded)
    yield received
    signals.order_paid.disconnect(on_paid)
    signals.order_refunded.disconnect(on_refunded)


def assert_paid_once(order: Order, announced: dict[str, list[int]]) -> None:
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    enrollments = Enrollment.objects.filter(user=order.buyer, course=order.course)
    assert enrollments.count() == 1
    assert enrollments.get().source == Enrollment.Source.PURCHASE
    assert Course.objects.get(pk=order.course_id).enrollment_count == 1
    assert announced["order_paid"] == [order.pk]


def test_one_event_delivered_twenty_times_at_once_pays_once(announced):
    order = stripe_order()
    event = session_event(order)

    responses = run_in_parallel(lambda _: deliver(event), DELIVERIES)

    assert [r.status_code for r in responses] == [200] * DELIVERIES
    assert {r.content for r in responses} == {b'{"received": true}'}
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert_paid_once(order, announced)


def test_completed_and_async_success_of_one_session_at_once_pay_once(announced):
    order = stripe_order()
    events = [
        session_event(order, event_id="evt_completed"),
        session_event(
            order, webhooks.SESSION_ASYNC_PAYMENT_SUCCEEDED, event_id="evt_async_succeeded"
        ),
    ]

    responses = run_in_parallel(lambda index: deliver(events[index % 2]), DELIVERIES)

    assert [r.status_code for r in responses] == [200] * DELIVERIES
    assert StripeEvent.objects.count() == 2
    assert_paid_once(order, announced)


def test_one_refund_delivered_twenty_times_at_once_refunds_once(announced):
    order = stripe_order()
    deliver(session_event(order))

    responses = run_in_parallel(lambda _: deliver(refund_event(f"pi_order_{order.pk}")), DELIVERIES)

    assert [r.status_code for r in responses] == [200] * DELIVERIES
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert Enrollment.objects.get(user=order.buyer).status == Enrollment.Status.REFUNDED
    assert Course.objects.get(pk=order.course_id).enrollment_count == 0
    assert announced["order_refunded"] == [order.pk]
    assert StripeEvent.objects.filter(event_id="evt_refund").count() == 1
