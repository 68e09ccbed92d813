"""The checkout URL of an order, built by the server for the order's provider."""

from __future__ import annotations

from django.utils.module_loading import import_string

from django_coursehub.payments.models import Order
from django_coursehub.payments.providers import provider_settings

#: Each provider's builder: ``(order, settings) -> URL``. Stripe's creates a Checkout Session
#: and records its id in ``order.provider_reference``.
CHECKOUT_BUILDERS = {
    "payme": "django_coursehub.payments.payme.checkout.checkout_url",
    "click": "django_coursehub.payments.click.checkout.checkout_url",
    "stripe": "django_coursehub.payments.stripe_checkout.checkout.checkout_url",
}


def checkout_url(order: Order) -> str:
    config = provider_settings(order.provider)
    if config is None:
        raise LookupError(f"Payment provider {order.provider!r} is not enabled.")
    build = import_string(CHECKOUT_BUILDERS[order.provider])
    return str(build(order, config))
