"""A frontend buying a paid course with each provider, end to end over HTTP: the 402, the
order, the provider's server-to-server calls, the order paid, the lessons open; then a refund.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from django_coursehub.payments.models import Order
from tests import test_payments_click as click
from tests import test_payments_payme as payme
from tests import test_payments_stripe as stripe_tests
from tests.factories import LessonFactory, PaidCourseFactory, SectionFactory

pytestmark = pytest.mark.django_db

stripe_http = stripe_tests.stripe_http


@pytest.fixture
def course() -> Any:
    course = PaidCourseFactory(price=Decimal("150000.00"))
    LessonFactory(section=SectionFactory(course=course), content="Birinchi dars matni.")
    return course


def body_of(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def payme_create_params(order_id: int, number: int = 1) -> dict[str, Any]:
    """CreateTransaction's params as Payme sends them right after the buyer paid."""
    return payme.create_params(order_id, number, time=int(time.time() * 1000))


def order_through(buyer_api: Any, course: Any, provider: str) -> dict[str, Any]:
    """What a frontend does before the payment: try to enroll, then order."""
    refused = body_of(buyer_api.post("/api/enrollments/", {"course": course.pk}), 402)
    assert provider in refused["detail"]
    return body_of(
        buyer_api.post("/api/payments/orders/", {"course": course.pk, "provider": provider}), 201
    )


def assert_learning(buyer_api: Any, course: Any, order_id: int) -> None:
    """What the frontend sees once the provider confirmed the payment to the server."""
    order = body_of(buyer_api.get(f"/api/payments/orders/{order_id}/"))
    assert order["status"] == "paid"
    assert order["paid_at"] is not None
    mine = body_of(buyer_api.get("/api/enrollments/my/"))["items"]
    assert [(item["course"]["id"], item["source"]) for item in mine] == [(course.pk, "purchase")]
    lessons = body_of(buyer_api.get("/api/lessons/", {"course": course.pk}))["items"]
    assert lessons[0]["content"] == "Birinchi dars matni."
    # Enrolling again is the existing enrollment now, not a 402.
    assert buyer_api.post("/api/enrollments/", {"course": course.pk}).status_code == 200


def assert_refunded(buyer_api: Any, course: Any, order_id: int) -> None:
    assert body_of(buyer_api.get(f"/api/payments/orders/{order_id}/"))["status"] == "refunded"
    assert body_of(buyer_api.get("/api/enrollments/my/"))["count"] == 0
    lessons = body_of(buyer_api.get("/api/lessons/", {"course": course.pk}))["items"]
    assert lessons[0]["content"] is None
    enrollments = body_of(buyer_api.get("/api/enrollments/"))["items"]
    assert [item["status"] for item in enrollments] == ["refunded"]


def test_buying_with_payme(payments, student, api_as, course):
    buyer_api = api_as(student)
    order = order_through(buyer_api, course, "payme")
    assert order["checkout_url"].startswith("https://checkout.paycom.uz/")
    params = payme_create_params(order["id"])

    assert payme.result("CheckPerformTransaction", payme.check_params(order["id"]))["allow"]
    assert payme.result("CreateTransaction", params)["state"] == 1
    assert body_of(buyer_api.get(f"/api/payments/orders/{order['id']}/"))["status"] == "awaiting"
    assert payme.result("PerformTransaction", {"id": params["id"]})["state"] == 2

    assert_learning(buyer_api, course, order["id"])
    cancelled = payme.result("CancelTransaction", {"id": params["id"], "reason": 5})
    assert cancelled["state"] == -2
    assert_refunded(buyer_api, course, order["id"])


def test_buying_with_click(payments, student, api_as, course):
    buyer_api = api_as(student)
    order = order_through(buyer_api, course, "click")
    assert f"transaction_param={order['id']}" in order["checkout_url"]

    prepare_id = click.prepared(Order.objects.get(pk=order["id"]))
    assert body_of(buyer_api.get(f"/api/payments/orders/{order['id']}/"))["status"] == "awaiting"
    assert click.complete(order["id"], prepare_id)["error"] == 0

    assert_learning(buyer_api, course, order["id"])
    assert click.complete(order["id"], prepare_id, error=-5017)["error"] == -9
    assert_refunded(buyer_api, course, order["id"])


def test_buying_with_stripe(payments, student, api_as, course, stripe_http):
    buyer_api = api_as(student)
    order = order_through(buyer_api, course, "stripe")
    assert order["checkout_url"].startswith("https://checkout.stripe.com/")
    stored = Order.objects.get(pk=order["id"])

    stripe_tests.assert_accepted(stripe_tests.deliver(stripe_tests.session_event(stored)))

    assert_learning(buyer_api, course, order["id"])
    refund = stripe_tests.refund_event(f"pi_order_{stored.pk}")
    stripe_tests.assert_accepted(stripe_tests.deliver(refund))
    assert_refunded(buyer_api, course, order["id"])


def test_a_course_paid_through_one_provider_is_refused_by_the_others(
    payments, student, api_as, course
):
    buyer_api = api_as(student)
    order = order_through(buyer_api, course, "payme")
    params = payme_create_params(order["id"])
    payme.result("CreateTransaction", params)
    payme.result("PerformTransaction", {"id": params["id"]})

    assert click.prepare(order["id"])["error"] in (-4, -5)
    assert payme.code("CreateTransaction", payme_create_params(order["id"], number=2)) == -31008
    again = buyer_api.post("/api/payments/orders/", {"course": course.pk, "provider": "stripe"})
    assert body_of(again, 409)["code"] == "already_enrolled"
    assert Order.objects.get(pk=order["id"]).status == "paid"
