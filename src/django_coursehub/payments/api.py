"""Orders for the buyer, and the providers' server-to-server endpoints."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Status

from django_coursehub.accounts.auth import AuthenticatedRequest, jwt_auth
from django_coursehub.catalog import selectors as catalog_selectors
from django_coursehub.pagination import Page, PageParams, paginate
from django_coursehub.payments import selectors, services
from django_coursehub.payments.click.api import router as click_router
from django_coursehub.payments.payme.api import router as payme_router
from django_coursehub.payments.schemas import OrderFilters, OrderIn, OrderOut
from django_coursehub.payments.stripe_checkout.api import router as stripe_router
from django_coursehub.schemas import PathId, error_responses

orders_router = Router(tags=["payments"], auth=jwt_auth)


@orders_router.post(
    "/",
    response={201: OrderOut, **error_responses(400, 401, 404, 409, 413, 502)},
    summary="Order a paid course through a provider; answers where to pay",
    description="The price is the course's current price; the answer's `checkout_url` is where "
    "the buyer pays. Access is granted only when the provider confirms the payment to the "
    "server, never by the browser coming back. A pending order the buyer had for the course is "
    "cancelled; while a provider is paying one, this is a 409 (`payment_in_progress`).",
    url_name="coursehub-order-create",
)
def order_create(request: AuthenticatedRequest, payload: OrderIn) -> Any:
    course = catalog_selectors.course_get_visible(user=request.auth, course_id=payload.course)
    order = services.order_create(buyer=request.auth, course=course, provider=payload.provider)
    return Status(201, order)


@orders_router.get(
    "/",
    response={200: Page[OrderOut], **error_responses(400, 401, 404)},
    summary="My orders, newest first",
    url_name="coursehub-order-list",
)
def order_list(
    request: AuthenticatedRequest, page: Query[PageParams], filters: Query[OrderFilters]
) -> Any:
    return paginate(selectors.order_list(buyer=request.auth, status=filters.status), page)


@orders_router.get(
    "/{order_id}/",
    response={200: OrderOut, **error_responses(401, 404)},
    summary="One of my orders",
    url_name="coursehub-order-detail",
)
def order_detail(request: AuthenticatedRequest, order_id: PathId) -> Any:
    return selectors.order_get(buyer=request.auth, order_id=order_id)


router = Router()
router.add_router("/orders/", orders_router)
router.add_router("/payme/", payme_router)
router.add_router("/click/", click_router)
router.add_router("/stripe/", stripe_router)
