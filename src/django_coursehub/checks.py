"""System checks for the ``COURSEHUB`` settings and the apps the package relies on.

Ids are stable so projects can silence them and tests can assert them:

* ``coursehub.E001`` ``COURSEHUB`` is not a dict.
* ``coursehub.E002`` unknown key (with a "did you mean" hint).
* ``coursehub.E003`` a value has the wrong type or is out of range.
* ``coursehub.E004`` an import string does not import, or does not name a callable.
* ``coursehub.E005`` ``PAGE_SIZE`` is larger than ``MAX_PAGE_SIZE``.
* ``coursehub.E006`` ``DEFAULT_CURRENCY`` is not one of ``CURRENCIES``, or a code is malformed.
* ``coursehub.E007`` ``THROTTLE_CACHE`` is not a configured cache alias.
* ``coursehub.E008`` a required app is missing from ``INSTALLED_APPS``.
* ``coursehub.E009`` ``PAYMENTS`` is not a dict, names an unknown provider, or a provider's
  entry is not a dict.
* ``coursehub.E010`` a payment provider's entry has an unknown key, lacks a required key, or a
  value is malformed.
* ``coursehub.E011`` Stripe is enabled but the ``stripe`` package is not installed.
* ``coursehub.E012``–``E013`` certificate settings (:mod:`django_coursehub.certificates.checks`).
* ``coursehub.E014``–``E016`` notification settings
  (:mod:`django_coursehub.notifications.checks`).
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from django_coursehub.conf import DEFAULTS, IMPORT_STRINGS
from django_coursehub.payments.providers import PROVIDER_DEFAULTS

POSITIVE_INTEGERS = (
    "PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_ACCOUNT_FAILURE_LIMIT",
    "LOGIN_FAILURE_WINDOW",
)
NON_NEGATIVE_INTEGERS = ("NUM_PROXIES",)
BOOLEANS = ("REGISTRATION_OPEN", "USE_PROFILE_LANGUAGE")
STRING_LISTS = ("CURRENCIES", "COURSE_LANGUAGES")
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
REQUIRED_APPS = ("ordered_model", "ninja_jwt", "ninja_jwt.token_blacklist")


def _is_positive_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _type_error(key: str, expected: str, value: Any) -> Error:
    return Error(
        f"COURSEHUB[{key!r}] must be {expected}, got {value!r}.",
        id="coursehub.E003",
    )


@register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    user_settings = getattr(settings, "COURSEHUB", {})
    if not isinstance(user_settings, dict):
        return [Error("The COURSEHUB setting must be a dict.", id="coursehub.E001")]

    errors: list[Error] = []
    for key in user_settings:
        if key not in DEFAULTS:
            # Settings are upper case; a lower-case typo should still find its match.
            close = difflib.get_close_matches(str(key).upper(), DEFAULTS, n=1)
            errors.append(
                Error(
                    f"Unknown COURSEHUB setting {key!r}.",
                    hint=f"Did you mean {close[0]!r}?" if close else None,
                    id="coursehub.E002",
                )
            )
    merged = {**DEFAULTS, **{k: v for k, v in user_settings.items() if k in DEFAULTS}}

    for key in POSITIVE_INTEGERS:
        value = merged[key]
        if not _is_positive_integer(value):
            errors.append(_type_error(key, "a positive integer", value))
    for key in NON_NEGATIVE_INTEGERS:
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(_type_error(key, "a non-negative integer", value))
    for key in BOOLEANS:
        if not isinstance(merged[key], bool):
            errors.append(_type_error(key, "True or False", merged[key]))
    for key in STRING_LISTS:
        value = merged[key]
        if (
            not isinstance(value, list | tuple)
            or not value
            or not all(isinstance(item, str) and item for item in value)
        ):
            errors.append(_type_error(key, "a non-empty list of strings", value))
    if not isinstance(merged["THROTTLE_CACHE"], str):
        errors.append(_type_error("THROTTLE_CACHE", "a cache alias", merged["THROTTLE_CACHE"]))

    for key in IMPORT_STRINGS:
        errors.extend(_check_import_string(key, merged[key]))

    page_size, max_page_size = merged["PAGE_SIZE"], merged["MAX_PAGE_SIZE"]
    if (
        _is_positive_integer(page_size)
        and _is_positive_integer(max_page_size)
        and page_size > max_page_size
    ):
        errors.append(
            Error(
                f"COURSEHUB['PAGE_SIZE'] ({page_size}) is larger than "
                f"COURSEHUB['MAX_PAGE_SIZE'] ({max_page_size}).",
                id="coursehub.E005",
            )
        )

    errors.extend(_check_currencies(merged["CURRENCIES"], merged["DEFAULT_CURRENCY"]))

    if isinstance(merged["THROTTLE_CACHE"], str) and merged["THROTTLE_CACHE"] not in getattr(
        settings, "CACHES", {"default": {}}
    ):
        errors.append(
            Error(
                f"COURSEHUB['THROTTLE_CACHE'] is {merged['THROTTLE_CACHE']!r}, "
                "which is not a key of CACHES.",
                id="coursehub.E007",
            )
        )
    return errors


def _check_import_string(key: str, value: Any) -> list[Error]:
    if callable(value):
        return []
    if not isinstance(value, str):
        return [_type_error(key, "an import string or a callable", value)]
    try:
        target = import_string(value)
    except ImportError as exc:
        return [
            Error(
                f"COURSEHUB[{key!r}] = {value!r} cannot be imported: {exc}",
                id="coursehub.E004",
            )
        ]
    if not callable(target):
        return [Error(f"COURSEHUB[{key!r}] = {value!r} is not callable.", id="coursehub.E004")]
    return []


def _check_currencies(currencies: Any, default: Any) -> list[Error]:
    if not isinstance(currencies, list | tuple):
        return []
    errors = [
        Error(
            f"Currency code {code!r} in COURSEHUB['CURRENCIES'] is not a three-letter "
            "upper-case ISO 4217 code.",
            id="coursehub.E006",
        )
        for code in currencies
        if not (isinstance(code, str) and CURRENCY_CODE.match(code))
    ]
    if default not in currencies:
        errors.append(
            Error(
                f"COURSEHUB['DEFAULT_CURRENCY'] ({default!r}) is not one of "
                "COURSEHUB['CURRENCIES'].",
                id="coursehub.E006",
            )
        )
    return errors


@register()
def check_required_apps(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(
            f"{name!r} must be in INSTALLED_APPS for django-coursehub to work.",
            hint="See the installation guide.",
            id="coursehub.E008",
        )
        for name in REQUIRED_APPS
        if not apps.is_installed(name)
    ]


def _non_empty_string(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _digits(value: Any) -> bool:
    """Click's ids: an integer, or a string of digits."""
    if isinstance(value, bool):
        return False
    return (isinstance(value, int) and value >= 0) or (
        isinstance(value, str) and value.isascii() and value.isdigit()
    )


def _url(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"^https?://[^\s]+$", value) is not None


def _optional_url(value: Any) -> bool:
    return value == "" or _url(value)


def _string_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(_non_empty_string(item) for item in value)


def _prefixed(*prefixes: str) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and value.startswith(prefixes)


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _payme_refusal(value: Any) -> bool:
    """-31008 (operation not allowed) or a code of Payme's account-error range."""
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and (value == -31008 or -31099 <= value <= -31050)
    )


SECRET_PAYMENT_KEYS = frozenset({"KEY", "PREVIOUS_KEYS", "SECRET_KEY", "WEBHOOK_SECRET"})

#: How every payment key is checked, with what the message says it must be.
PAYMENT_KEY_RULES: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "payme": {
        "MERCHANT_ID": (_non_empty_string, "the web-kassa id from the Payme Business cabinet"),
        "KEY": (_non_empty_string, "the web-kassa key (a non-empty string)"),
        "PREVIOUS_KEYS": (_string_list, "a list of keys"),
        "LOGIN": (_non_empty_string, "a non-empty string"),
        "ACCOUNT_FIELD": (
            lambda value: isinstance(value, str) and re.match(r"^[A-Za-z_]\w*$", value) is not None,
            "the account field's name (letters, digits, underscores)",
        ),
        "CHECKOUT_URL": (_url, "an http(s) URL"),
        "RETURN_URL": (_optional_url, "an http(s) URL or an empty string"),
        "TIMEOUT_MS": (_is_positive_integer, "a positive number of milliseconds"),
        "ALLOW_CANCEL_PERFORMED": (_bool, "True or False"),
        "RESERVED_ORDER_ERROR": (_payme_refusal, "-31008 or a code from -31099 to -31050"),
        "STALE_CREATE_ERROR": (_payme_refusal, "-31008 or a code from -31099 to -31050"),
    },
    "click": {
        "SERVICE_ID": (_digits, "Click's numeric service id"),
        "MERCHANT_ID": (_digits, "Click's numeric merchant id"),
        "MERCHANT_USER_ID": (lambda value: value == "" or _digits(value), "a numeric id or ''"),
        "SECRET_KEY": (_non_empty_string, "the secret key (a non-empty string)"),
        "PAY_URL": (_url, "an http(s) URL"),
        "RETURN_URL": (_optional_url, "an http(s) URL or an empty string"),
        "REFUND_ON_CANCEL_AFTER_PAYMENT": (_bool, "True or False"),
    },
    "stripe": {
        "SECRET_KEY": (_prefixed("sk_", "rk_"), "a Stripe secret key (sk_... or rk_...)"),
        "WEBHOOK_SECRET": (_prefixed("whsec_"), "a webhook signing secret (whsec_...)"),
        "SUCCESS_URL": (_url, "an http(s) URL"),
        "CANCEL_URL": (_url, "an http(s) URL"),
        "API_BASE": (_optional_url, "an http(s) URL or an empty string"),
        "WEBHOOK_TOLERANCE": (_is_positive_integer, "a positive number of seconds"),
    },
}


@register()
def check_payments(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    user_settings = getattr(settings, "COURSEHUB", None) or {}
    if not isinstance(user_settings, dict):
        return []  # E001 already
    payments = user_settings.get("PAYMENTS", {})
    if not isinstance(payments, dict):
        return [
            Error(
                "COURSEHUB['PAYMENTS'] must be a dict of providers, got "
                f"{type(payments).__name__}.",
                id="coursehub.E009",
            )
        ]
    errors: list[Error] = []
    for provider, entry in payments.items():
        if provider not in PROVIDER_DEFAULTS:
            errors.append(
                Error(
                    f"Unknown payment provider {provider!r} in COURSEHUB['PAYMENTS'].",
                    hint=f"Providers: {', '.join(PROVIDER_DEFAULTS)}.",
                    id="coursehub.E009",
                )
            )
        elif not isinstance(entry, dict):
            errors.append(
                Error(
                    f"COURSEHUB['PAYMENTS'][{provider!r}] must be a dict of settings.",
                    id="coursehub.E009",
                )
            )
        else:
            errors.extend(_check_provider(provider, entry))
    if isinstance(payments.get("stripe"), dict) and importlib.util.find_spec("stripe") is None:
        errors.append(
            Error(
                "Stripe is enabled in COURSEHUB['PAYMENTS'] but the stripe package is not "
                "installed.",
                hint="pip install 'django-coursehub[stripe]'",
                id="coursehub.E011",
            )
        )
    return errors


def _check_provider(provider: str, entry: dict[str, Any]) -> list[Error]:
    where = f"COURSEHUB['PAYMENTS'][{provider!r}]"
    errors = [
        Error(f"Unknown key {key!r} in {where}.", id="coursehub.E010")
        for key in entry
        if key not in PROVIDER_DEFAULTS[provider]
    ]
    merged = {**PROVIDER_DEFAULTS[provider], **entry}
    for key, (is_valid, expected) in PAYMENT_KEY_RULES[provider].items():
        value = merged[key]
        if value is None:
            errors.append(Error(f"{where} needs {key!r}: {expected}.", id="coursehub.E010"))
        elif not is_valid(value):
            # Never echo a secret into logs or a CI report.
            shown = (
                "another value (not shown: it is secret)"
                if key in SECRET_PAYMENT_KEYS
                else f"{value!r}"
            )
            errors.append(
                Error(f"{where}[{key!r}] must be {expected}, got {shown}.", id="coursehub.E010")
            )
    return errors
