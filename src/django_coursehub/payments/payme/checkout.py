"""The Payme checkout link of an order (GET form: the parameters, base64-encoded, in the path)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from django.utils import translation

from django_coursehub.payments.models import Order

#: The languages Payme's checkout page speaks; another active language leaves the choice to it.
CHECKOUT_LANGUAGES = frozenset({"ru", "uz", "en"})


def _escaped(value: str) -> str:
    # Payme splits the parameters on ";": one inside a value would cut it short.
    return value.replace(";", "%3B")


def checkout_url(order: Order, config: Mapping[str, Any]) -> str:
    """``<CHECKOUT_URL>/<base64("m=…;ac.<field>=<order id>;a=<tiyin>[;l=…][;c=…]")>``.

    The page speaks the active language when Payme knows it; ``c`` (where Payme sends the
    buyer back) is ``RETURN_URL`` with ``{order_id}`` replaced, left out when it is empty.
    """
    parameters = [
        ("m", config["MERCHANT_ID"]),
        (f"ac.{config['ACCOUNT_FIELD']}", str(order.pk)),
        ("a", str(order.amount_minor)),
    ]
    language = (translation.get_language() or "").split("-")[0]
    if language in CHECKOUT_LANGUAGES:
        parameters.append(("l", language))
    if config["RETURN_URL"]:
        parameters.append(("c", config["RETURN_URL"].replace("{order_id}", str(order.pk))))
    encoded = ";".join(f"{key}={_escaped(value)}" for key, value in parameters)
    token = base64.b64encode(encoded.encode()).decode("ascii")
    return f"{config['CHECKOUT_URL'].rstrip('/')}/{token}"
