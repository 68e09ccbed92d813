"""Order services called directly: creating, reserving, paying, refunding, and their effects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from django_coursehub.catalog.models import Course
from django_coursehub.exceptions import Conflict, InvalidInput, NotFound
from django_coursehub.learning.models import Enrollment
from django_coursehub.payments import services
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


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def pay(order: Order) -> bool:
    with transaction.atomic():
        return services.order_pay(order)


# order_create -----------------------------------------------------------------------------


def test_an_order_snapshots_buyer_course_price_and_currency(payments):
    buyer, course = UserFactory(), PaidCourseFactory(price=Decimal("150000.00"))

    order = services.order_create(buyer=buyer, course=course, provider="payme")
    Course.objects.filter(pk=course.pk).update(price=Decimal("99.00"))

    order = fresh(order)
    assert (order.buyer, order.course, order.provider) == (buyer, course, "payme")
    assert (order.amount, order.currency, order.status) == (Decimal("150000.00"), "UZS", "pending")
    assert order.amount_minor == 15_000_000
    assert order.checkout_url.startswith("https://checkout.paycom.uz/")


def test_a_disabled_provider_cannot_be_chosen(payments):
    del payments["click"]
    with pytest.raises(InvalidInput) as refused:
        services.order_create(buyer=UserFactory(), course=PaidCourseFactory(), provider="click")
    assert "provider" in refused.value.errors
    assert not Order.objects.exists()


def test_without_any_provider_nothing_can_be_ordered():
    with pytest.raises(InvalidInput):
        services.order_create(buyer=UserFactory(), course=PaidCourseFactory(), provider="payme")


def test_a_provider_refuses_a_currency_it_does_not_take(payments):
    course = PaidCourseFactory(price=Decimal("30.00"), currency="USD")
    with pytest.raises(InvalidInput) as refused:
        services.order_create(buyer=UserFactory(), course=course, provider="click")
    assert "USD" in str(refused.value.message)


@pytest.mark.parametrize(
    ("make_course", "error", "code"),
    [
        (lambda: CourseFactory(price=Decimal("0")), Conflict, "course_is_free"),
        (lambda: DraftCourseFactory(price=Decimal("10.00")), NotFound, "not_found"),
    ],
)
def test_free_and_unpublished_courses_cannot_be_ordered(payments, make_course, error, code):
    with pytest.raises(error) as refused:
        services.order_create(buyer=UserFactory(), course=make_course(), provider="payme")
    assert refused.value.code == code


def test_nobody_buys_their_own_course(payments):
    course = PaidCourseFactory()
    with pytest.raises(Conflict) as refused:
        services.order_create(buyer=course.owner, course=course, provider="payme")
    assert refused.value.code == "own_course"


def test_a_buyer_with_access_cannot_order_again(payments):
    enrollment = EnrollmentFactory(course=PaidCourseFactory())
    with pytest.raises(Conflict) as refused:
        services.order_create(buyer=enrollment.user, course=enrollment.course, provider="payme")
    assert refused.value.code == "already_enrolled"


def test_a_new_order_cancels_the_buyers_pending_one(payments):
    first = OrderFactory(provider="payme")

    second = services.order_create(buyer=first.buyer, course=first.course, provider="click")

    assert fresh(first).status == "cancelled"
    assert fresh(first).cancelled_at is not None
    assert (second.status, second.provider) == ("pending", "click")


def test_an_order_being_paid_blocks_a_new_one(payments):
    reserved = OrderFactory(status=Order.Status.AWAITING)
    with pytest.raises(Conflict) as refused:
        services.order_create(buyer=reserved.buyer, course=reserved.course, provider="click")
    assert refused.value.code == "payment_in_progress"
    assert fresh(reserved).status == "awaiting"


# order_pay / order_refund -----------------------------------------------------------------


def test_paying_enrolls_the_buyer_once_with_source_purchase(
    order_signals, django_capture_on_commit_callbacks
):
    order = OrderFactory()

    with django_capture_on_commit_callbacks(execute=True):
        assert pay(order) is True
        assert pay(order) is False

    order = fresh(order)
    enrollment = Enrollment.objects.get(user=order.buyer, course=order.course)
    assert (order.status, enrollment.status, enrollment.source) == ("paid", "active", "purchase")
    assert order.paid_at is not None
    assert fresh(order.course).enrollment_count == 1
    assert order_signals == [("order_paid", order)]


def test_a_closed_order_confirmed_by_a_provider_is_still_paid():
    order = OrderFactory(status=Order.Status.EXPIRED)
    assert pay(order) is True
    assert fresh(order).status == "paid"


def test_a_second_paid_order_for_the_same_course_is_refused():
    first = OrderFactory()
    pay(first)
    second = OrderFactory(buyer=first.buyer, course=first.course, status=Order.Status.CANCELLED)

    with pytest.raises(Conflict) as refused:
        pay(second)

    assert refused.value.code == "already_paid"
    assert fresh(second).status == "cancelled"
    assert Enrollment.objects.filter(user=first.buyer).count() == 1


def test_paying_upgrades_free_access_to_a_purchase():
    enrollment = EnrollmentFactory(source=Enrollment.Source.FREE, course=PaidCourseFactory())
    order = OrderFactory(buyer=enrollment.user, course=enrollment.course)

    pay(order)

    assert fresh(enrollment).source == "purchase"
    assert fresh(enrollment.course).enrollment_count == 1


def test_a_refund_ends_access_and_keeps_every_record(
    order_signals, django_capture_on_commit_callbacks
):
    order = OrderFactory()

    with django_capture_on_commit_callbacks(execute=True):
        pay(order)
        assert services.order_refund(order) is True
        assert services.order_refund(order) is False

    order = fresh(order)
    enrollment = Enrollment.objects.get(user=order.buyer, course=order.course)
    assert (order.status, enrollment.status) == ("refunded", "refunded")
    assert order.refunded_at is not None
    assert not enrollment.has_access
    assert fresh(order.course).enrollment_count == 0
    assert [name for name, _order in order_signals] == ["order_paid", "order_refunded"]


def test_a_refunded_order_cannot_be_paid_again_but_a_new_order_can():
    order = OrderFactory()
    pay(order)
    with transaction.atomic():
        services.order_refund(order)

    with pytest.raises(Conflict):
        pay(order)
    again = OrderFactory(buyer=order.buyer, course=order.course)
    assert pay(again) is True
    assert Enrollment.objects.get(user=order.buyer).status == "active"


def test_only_a_paid_order_is_refunded():
    with pytest.raises(Conflict) as refused, transaction.atomic():
        services.order_refund(OrderFactory())
    assert refused.value.code == "order_not_paid"


def test_a_refund_leaves_access_granted_by_staff_alone():
    order = OrderFactory()
    pay(order)
    # Staff took the learner over (as an import or a support case would).
    Enrollment.objects.filter(user=order.buyer).update(source=Enrollment.Source.MANUAL)

    with transaction.atomic():
        services.order_refund(order)

    assert Enrollment.objects.get(user=order.buyer).status == "active"


# reserve / release / cancel / expire ------------------------------------------------------


def test_reserving_and_releasing_move_an_open_order_between_pending_and_awaiting():
    order = OrderFactory()
    with transaction.atomic():
        services.order_reserve(services.order_lock(order.pk))
    assert fresh(order).status == "awaiting"
    with transaction.atomic():
        services.order_release(services.order_lock(order.pk))
    assert fresh(order).status == "pending"


@pytest.mark.parametrize(
    ("close", "status"), [(services.order_cancel, "cancelled"), (services.order_expire, "expired")]
)
def test_closing_touches_only_open_orders(close, status):
    open_order, paid = OrderFactory(), OrderFactory()
    pay(paid)
    with transaction.atomic():
        close(services.order_lock(open_order.pk))
        close(services.order_lock(paid.pk))
    assert (fresh(open_order).status, fresh(paid).status) == (status, "paid")


def test_locking_an_unknown_order_is_not_found():
    with pytest.raises(NotFound), transaction.atomic():
        services.order_lock(987_654)


# Nothing financial is ever deleted --------------------------------------------------------


def test_a_course_with_orders_is_archived_not_deleted(payments):
    from django_coursehub.catalog import services as catalog_services

    order = OrderFactory()

    deleted = catalog_services.course_delete(course=order.course)

    assert deleted is False
    assert fresh(order.course).status == "archived"
    assert Order.objects.filter(pk=order.pk).exists()


def test_a_buyer_with_orders_cannot_be_deleted():
    from django.db.models import ProtectedError

    order = OrderFactory()
    with pytest.raises(ProtectedError):
        order.buyer.delete()
