"""An order's Stripe Checkout Session: where the buyer pays by card."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import stripe

from django_coursehub.exceptions import ProviderUnavailable
from django_coursehub.payments.models import Order
from django_coursehub.payments.stripe_checkout.client import stripe_client

logger = logging.getLogger("django_coursehub.payments")

#: Replaced by the order's id in ``SUCCESS_URL`` and ``CANCEL_URL``. Stripe's own
#: ``{CHECKOUT_SESSION_ID}`` is left for Stripe to fill in.
ORDER_ID_PLACEHOLDER = "{order_id}"


def _return_url(template: str, order: Order) -> str:
    return template.replace(ORDER_ID_PLACEHOLDER, str(order.pk))


def idempotency_key(order: Order) -> str:
    """One key per order, so a retried create never makes a second session.

    The creation time is part of it because order ids alone repeat between sites (a developer's
    laptop and a staging server) that share one Stripe test account, and Stripe refuses a key
    reused with other parameters.
    """
    return f"coursehub-order-{order.pk}-{order.created_at:%Y%m%d%H%M%S%f}"


def checkout_url(order: Order, config: Mapping[str, Any]) -> str:
    """Create the order's Checkout Session and answer its URL.

    The session id is put in ``order.provider_reference`` (the caller saves the order): the
    webhook pays an order only for the session recorded here. Raises
    :class:`ProviderUnavailable` when Stripe cannot be reached or refuses the session.
    """
    order_id = str(order.pk)
    try:
        session = stripe_client(config).v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "line_items": [
                    {
                        "price_data": {
                            "currency": order.currency.lower(),
                            "unit_amount": order.amount_minor,
                            "product_data": {"name": order.course.title},
                        },
                        "quantity": 1,
                    }
                ],
                "client_reference_id": order_id,
                "metadata": {"order_id": order_id},
                # Shown on the payment in Stripe's dashboard, where refunds are made.
                "payment_intent_data": {"metadata": {"order_id": order_id}},
                "success_url": _return_url(config["SUCCESS_URL"], order),
                "cancel_url": _return_url(config["CANCEL_URL"], order),
            },
            options={"idempotency_key": idempotency_key(order)},
        )
    except stripe.StripeError as error:
        logger.error(
            "Stripe did not create a Checkout Session for order %s: %s (HTTP status %s)",
            order.pk,
            type(error).__name__,
            error.http_status,
            exc_info=True,
        )
        raise ProviderUnavailable() from error
    if not session.url:
        logger.error("Stripe answered Checkout Session %s without a URL", session.id)
        raise ProviderUnavailable()
    order.provider_reference = session.id
    return session.url
