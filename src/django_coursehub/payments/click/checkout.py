"""The Click pay page link of an order (``my.click.uz/services/pay``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from django_coursehub.payments.models import Order

#: Placeholder a site may put in ``RETURN_URL``; replaced by the order's id.
ORDER_ID_PLACEHOLDER = "{order_id}"


def checkout_url(order: Order, config: Mapping[str, Any]) -> str:
    """Where the buyer pays ``order`` with Click.

    ``transaction_param`` is the order id: Click sends it back as ``merchant_trans_id`` in
    Prepare and Complete. The amount is in so'm with two decimals. Every value is
    percent-encoded, the return URL included (it holds ``:``, ``/``, ``?`` and ``&``).
    """
    params = {
        "service_id": str(config["SERVICE_ID"]),
        "merchant_id": str(config["MERCHANT_ID"]),
        "amount": format(order.amount, ".2f"),
        "transaction_param": str(order.pk),
    }
    return_url = str(config.get("RETURN_URL") or "")
    if return_url:
        params["return_url"] = return_url.replace(ORDER_ID_PLACEHOLDER, str(order.pk))
    merchant_user_id = str(config.get("MERCHANT_USER_ID") or "")
    if merchant_user_id:
        params["merchant_user_id"] = merchant_user_id
    pay_url = str(config["PAY_URL"])
    separator = "&" if "?" in pay_url else "?"
    return f"{pay_url}{separator}{urlencode(params, quote_via=quote)}"
