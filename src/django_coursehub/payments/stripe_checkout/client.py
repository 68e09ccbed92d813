"""The Stripe SDK client, built from the site's ``COURSEHUB["PAYMENTS"]["stripe"]`` settings.

Everything that talks to Stripe's API gets its client from :func:`stripe_client`, so the SDK is
imported only where Stripe is used, and :func:`http_client` is the one place where the SDK's
HTTP transport can be replaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import stripe

#: Retries of a failed call (connection error, 409, 5xx). Each create carries our idempotency
#: key, so a retried call never makes a second Checkout Session.
MAX_NETWORK_RETRIES = 2


def http_client() -> stripe.HTTPClient | None:
    """The transport the SDK sends its requests through; None: the SDK's default.

    This is the seam for tests: replace this function (``monkeypatch.setattr``) with one that
    returns a ``stripe.HTTPClient`` subclass answering canned responses, and the real SDK
    builds, signs and parses every request without touching the network.
    """
    return None


def stripe_client(config: Mapping[str, Any]) -> stripe.StripeClient:
    """A client for the configured secret key; ``API_BASE`` (e.g. a stripe-mock address)
    replaces ``https://api.stripe.com`` when set."""
    api_base = config["API_BASE"]
    return stripe.StripeClient(
        config["SECRET_KEY"],
        base_addresses={"api": api_base} if api_base else None,
        max_network_retries=MAX_NETWORK_RETRIES,
        http_client=http_client(),
    )
