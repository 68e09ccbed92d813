from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from django_coursehub.catalog.schemas import CourseListItem
from django_coursehub.schemas import BodyId, InputSchema

ProviderName = Literal["payme", "click", "stripe"]
OrderStatus = Literal["pending", "awaiting", "paid", "refunded", "cancelled", "expired"]


class OrderIn(InputSchema):
    course: BodyId
    provider: ProviderName


class OrderFilters(Schema):
    status: OrderStatus | None = None


class OrderOut(Schema):
    id: int
    course: CourseListItem
    provider: ProviderName
    amount: Decimal = Field(description="The course's price when the order was created.")
    currency: str
    status: OrderStatus
    checkout_url: str = Field(
        description="Where to send the buyer to pay; built by the server for the provider."
    )
    created_at: datetime
    paid_at: datetime | None
    refunded_at: datetime | None
