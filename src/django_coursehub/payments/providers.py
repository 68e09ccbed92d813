"""Which payment providers a site enabled, and their settings: ``COURSEHUB["PAYMENTS"]``.

A provider is enabled when it has an entry; its keys are merged over :data:`PROVIDER_DEFAULTS`.
Facts the providers do not document firmly are settings here, with the documented default.
"""

from __future__ import annotations

from typing import Any

from django_coursehub.conf import app_settings

PAYME, CLICK, STRIPE = "payme", "click", "stripe"

#: Every key of every provider, with its default; ``None`` marks a key the site must set.
PROVIDER_DEFAULTS: dict[str, dict[str, Any]] = {
    PAYME: {
        "MERCHANT_ID": None,
        "KEY": None,
        # Keys still accepted while a new KEY is being rolled out.
        "PREVIOUS_KEYS": [],
        "LOGIN": "Paycom",
        "ACCOUNT_FIELD": "order_id",
        "CHECKOUT_URL": "https://checkout.paycom.uz/",
        "RETURN_URL": "",
        # Payme cancels a transaction left unperformed this long after it created it.
        "TIMEOUT_MS": 43_200_000,
        # Whether CancelTransaction may refund a performed transaction (else -31007).
        "ALLOW_CANCEL_PERFORMED": True,
        # Payme has not settled these two codes: its sandbox expects -31008, its PHP template
        # answers an account error (-31050 with data "time" for a stale CreateTransaction).
        "RESERVED_ORDER_ERROR": -31008,
        "STALE_CREATE_ERROR": -31008,
    },
    CLICK: {
        "SERVICE_ID": None,
        "MERCHANT_ID": None,
        "MERCHANT_USER_ID": "",
        "SECRET_KEY": None,
        "PAY_URL": "https://my.click.uz/services/pay",
        "RETURN_URL": "",
        # A Complete with an error from Click for an order already paid: refund it (and answer
        # -9, as Click's test collection expects) or keep it paid (and answer -4).
        "REFUND_ON_CANCEL_AFTER_PAYMENT": True,
    },
    STRIPE: {
        "SECRET_KEY": None,
        "WEBHOOK_SECRET": None,
        "SUCCESS_URL": None,
        "CANCEL_URL": None,
        "API_BASE": "",
        "WEBHOOK_TOLERANCE": 300,
    },
}

#: The currencies a provider accepts; ``None``: any currency.
PROVIDER_CURRENCIES: dict[str, frozenset[str] | None] = {
    PAYME: frozenset({"UZS"}),
    CLICK: frozenset({"UZS"}),
    STRIPE: None,
}


def provider_settings(name: str) -> dict[str, Any] | None:
    """The merged settings of provider ``name``, or None when the site did not enable it."""
    configured = (app_settings.PAYMENTS or {}).get(name)
    if name not in PROVIDER_DEFAULTS or not isinstance(configured, dict):
        return None
    return {**PROVIDER_DEFAULTS[name], **configured}


def enabled_providers() -> list[str]:
    return [name for name in PROVIDER_DEFAULTS if provider_settings(name) is not None]


def accepts_currency(name: str, currency: str) -> bool:
    currencies = PROVIDER_CURRENCIES[name]
    return currencies is None or currency in currencies
