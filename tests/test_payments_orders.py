"""The buyer's side of payments over HTTP: ordering a course and reading one's orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from django_coursehub.payments.models import Order
from tests.factories import (
    CourseFactory,
    DraftCourseFactory,
    EnrollmentFactory,
    OrderFactory,
    PaidCourseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ORDERS = "/api/payments/orders/"
ORDER_FIELDS = {
    "id",
    "course",
    "provider",
    "amount",
    "currency",
    "status",
    "checkout_url",
    "created_at",
    "paid_at",
    "refunded_at",
}


def body_of(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def buyer_api(api_as: Any, student: Any) -> Any:
    return api_as(student)


# POST /api/payments/orders/ ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "url_start"),
    [("payme", "https://checkout.paycom.uz/"), ("click", "https://my.click.uz/services/pay?")],
)
def test_ordering_answers_the_order_with_where_to_pay(payments, buyer_api, provider, url_start):
    course = PaidCourseFactory(price=Decimal("150000.00"))

    body = body_of(buyer_api.post(ORDERS, {"course": course.pk, "provider": provider}), 201)

    assert set(body) == ORDER_FIELDS
    assert (body["provider"], body["status"], body["currency"]) == (provider, "pending", "UZS")
    assert Decimal(body["amount"]) == Decimal("150000.00")
    assert body["course"]["id"] == course.pk
    assert body["checkout_url"].startswith(url_start)
    assert body["paid_at"] is None


def test_the_client_never_sets_the_price_or_the_status(payments, buyer_api):
    course = PaidCourseFactory(price=Decimal("150000.00"))

    body = body_of(
        buyer_api.post(
            ORDERS,
            {"course": course.pk, "provider": "payme", "amount": "1.00", "status": "paid"},
        ),
        201,
    )

    order = Order.objects.get(pk=body["id"])
    assert (order.amount, order.status) == (Decimal("150000.00"), "pending")


def test_ordering_needs_a_login(payments, anon):
    response = anon.post(ORDERS, {"course": PaidCourseFactory().pk, "provider": "payme"})
    assert response.status_code == 401
    assert not Order.objects.exists()


def test_a_provider_the_site_did_not_enable_is_a_400_naming_it(payments, buyer_api):
    del payments["payme"]

    body = body_of(
        buyer_api.post(ORDERS, {"course": PaidCourseFactory().pk, "provider": "payme"}), 400
    )

    assert "provider" in body["errors"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"course": 1, "provider": "paypal"},
        {"course": "1", "provider": "payme"},
        {"provider": "payme"},
        {"course": 1},
        {"course": 1, "provider": None},
        ["course", "provider"],
    ],
)
def test_malformed_orders_are_refused(payments, buyer_api, payload):
    response = buyer_api.post(ORDERS, payload)
    assert response.status_code in (400, 422)
    assert not Order.objects.exists()


def test_unknown_and_draft_courses_are_404(payments, buyer_api):
    for course_id in (DraftCourseFactory(price=Decimal("10.00")).pk, 999_999):
        body = body_of(buyer_api.post(ORDERS, {"course": course_id, "provider": "payme"}), 404)
        assert body["code"] == "not_found"


def test_conflicts_say_why(payments, api_as, student):
    free = CourseFactory(price=Decimal("0"))
    owned = EnrollmentFactory(user=student, course=PaidCourseFactory()).course
    own = PaidCourseFactory()
    reserved = OrderFactory(buyer=student, status=Order.Status.AWAITING)

    codes = {
        name: body_of(api_as(user).post(ORDERS, {"course": course.pk, "provider": "payme"}), 409)[
            "code"
        ]
        for name, user, course in [
            ("free", student, free),
            ("owned", student, owned),
            ("own", own.owner, own),
            ("reserved", student, reserved.course),
        ]
    }

    assert codes == {
        "free": "course_is_free",
        "owned": "already_enrolled",
        "own": "own_course",
        "reserved": "payment_in_progress",
    }


def test_ordering_again_replaces_the_pending_order(payments, buyer_api):
    course = PaidCourseFactory()

    first = body_of(buyer_api.post(ORDERS, {"course": course.pk, "provider": "payme"}), 201)
    second = body_of(buyer_api.post(ORDERS, {"course": course.pk, "provider": "click"}), 201)

    statuses = dict(Order.objects.values_list("id", "status"))
    assert statuses == {first["id"]: "cancelled", second["id"]: "pending"}


# GET /api/payments/orders/ and /{id}/ -----------------------------------------------------


def test_a_buyer_lists_only_their_own_orders_newest_first(payments, student, buyer_api):
    mine = [OrderFactory(buyer=student) for _ in range(3)]
    OrderFactory()

    body = body_of(buyer_api.get(ORDERS))

    assert body["count"] == 3
    assert [item["id"] for item in body["items"]] == [order.pk for order in reversed(mine)]
    assert set(body["items"][0]) == ORDER_FIELDS


def test_the_order_list_filters_by_status(student, buyer_api):
    OrderFactory(buyer=student)
    cancelled = OrderFactory(buyer=student, status=Order.Status.CANCELLED)

    body = body_of(buyer_api.get(ORDERS, {"status": "cancelled"}))

    assert [item["id"] for item in body["items"]] == [cancelled.pk]
    assert buyer_api.get(ORDERS, {"status": "bogus"}).status_code == 422


def test_someone_elses_order_is_404_like_a_missing_one(buyer_api):
    others = OrderFactory()

    theirs = body_of(buyer_api.get(f"{ORDERS}{others.pk}/"), 404)
    missing = body_of(buyer_api.get(f"{ORDERS}999999/"), 404)

    assert theirs == missing


def test_a_buyer_reads_one_order(student, buyer_api):
    order = OrderFactory(buyer=student)

    body = body_of(buyer_api.get(f"{ORDERS}{order.pk}/"))

    assert (body["id"], body["status"], body["course"]["title"]) == (
        order.pk,
        "pending",
        order.course.title,
    )


def test_reading_orders_needs_a_login(anon):
    assert anon.get(ORDERS).status_code == 401
    assert anon.get(f"{ORDERS}1/").status_code == 401


@pytest.mark.parametrize("size", [2, 20])
def test_the_order_list_costs_three_queries_whatever_its_size(
    size, student, buyer_api, django_assert_num_queries
):
    for _ in range(size):
        OrderFactory(buyer=student, course=PaidCourseFactory(owner=UserFactory()))

    # The token's user, the count and the page (with course, category and instructor).
    with django_assert_num_queries(3):
        assert len(body_of(buyer_api.get(ORDERS))["items"]) == size
