"""The admin for orders and provider transactions, and the reconciliation command.

Money moves only through the providers' protocols: the admin shows everything and changes
nothing; the command lists orders left open and can expire the pending ones.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from django_coursehub.payments import services
from django_coursehub.payments.models import (
    ClickTransaction,
    Order,
    PaymeTransaction,
    StripeEvent,
)
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ["order", "paymetransaction", "clicktransaction", "stripeevent"]


@pytest.fixture
def records() -> dict[str, Any]:
    order = OrderFactory(status=Order.Status.AWAITING)
    return {
        "order": order,
        "paymetransaction": PaymeTransaction.objects.create(
            payme_id="5305e3bab097f420a62ced0b",
            order=order,
            payme_time=1_399_114_284_039,
            amount=order.amount_minor,
            account={"order_id": str(order.pk)},
            create_time=1_399_114_284_100,
        ),
        "clicktransaction": ClickTransaction.objects.create(
            click_trans_id=2_096_371_522,
            click_paydoc_id=1_111,
            order=OrderFactory(provider="click"),
            amount=order.amount,
        ),
        "stripeevent": StripeEvent.objects.create(
            event_id="evt_test_1", type="checkout.session.completed", order=order
        ),
    }


def age(order: Order, minutes: int) -> None:
    Order.objects.filter(pk=order.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_every_payment_screen_shows_its_rows_read_only(admin_client, records, model):
    record = records[model]

    listing = admin_client.get(f"/admin/coursehub/{model}/")
    page = admin_client.get(f"/admin/coursehub/{model}/{record.pk}/change/")

    assert listing.status_code == 200
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_nothing_financial_is_added_or_deleted_in_the_admin(admin_client, records, model):
    record = records[model]

    assert admin_client.get(f"/admin/coursehub/{model}/add/").status_code == 403
    assert admin_client.get(f"/admin/coursehub/{model}/{record.pk}/delete/").status_code == 403
    admin_client.post(f"/admin/coursehub/{model}/{record.pk}/change/", {"status": "paid"})

    assert type(record).objects.filter(pk=record.pk).exists()
    assert Order.objects.filter(status="paid").count() == 0


def pending_orders(*args: str) -> str:
    out = StringIO()
    call_command("coursehub_pending_orders", *args, stdout=out)
    return out.getvalue()


def test_the_command_lists_orders_left_open_past_the_threshold():
    stale_pending, stale_awaiting, recent = (
        OrderFactory(),
        OrderFactory(status=Order.Status.AWAITING, provider="click"),
        OrderFactory(),
    )
    paid = OrderFactory()
    with transaction.atomic():
        services.order_pay(paid)
    for order in (stale_pending, stale_awaiting, paid):
        age(order, 90)

    output = pending_orders()

    assert f"#{stale_pending.pk}\tpending\tpayme" in output
    assert f"#{stale_awaiting.pk}\tawaiting\tclick" in output
    assert f"#{recent.pk}\t" not in output
    assert f"#{paid.pk}\t" not in output
    assert "2 open order(s) older than 60 minute(s)." in output
    assert "#" not in pending_orders("--provider", "stripe")
    assert f"#{recent.pk}\t" in pending_orders("--older-than", "0")


def test_the_command_expires_only_pending_orders():
    pending, awaiting = OrderFactory(), OrderFactory(status=Order.Status.AWAITING)
    age(pending, 120)
    age(awaiting, 120)

    output = pending_orders("--expire")

    assert "2 open order(s) older than 60 minute(s). 1 expired." in output
    assert Order.objects.get(pk=pending.pk).status == "expired"
    assert Order.objects.get(pk=awaiting.pk).status == "awaiting"
