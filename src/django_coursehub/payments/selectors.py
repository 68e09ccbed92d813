from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from django_coursehub.exceptions import NotFound
from django_coursehub.payments.models import Order
from django_coursehub.payments.services import ORDER_NOT_FOUND


def order_list(*, buyer: Any, status: str | None = None) -> QuerySet[Order]:
    """The buyer's orders, newest first, with the course card's joins."""
    orders = Order.objects.filter(buyer=buyer).select_related("course__category", "course__owner")
    if status is not None:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-id")


def order_get(*, buyer: Any, order_id: int) -> Order:
    """One of the buyer's orders; someone else's answers 404 exactly like a missing one."""
    order = order_list(buyer=buyer).filter(pk=order_id).first()
    if order is None:
        raise NotFound(ORDER_NOT_FOUND)
    return order
