"""Each system check id, triggered one at a time."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import modify_settings, override_settings

from django_coursehub.checks import check_payments, check_required_apps, check_settings


def ids(errors: list[Any]) -> list[str]:
    return [error.id for error in errors]


def only(errors: list[Any], check_id: str) -> Any:
    assert ids(errors) == [check_id], [str(e) for e in errors]
    return errors[0]


def instructor_check(user: Any) -> bool:
    return False


NOT_CALLABLE = 42


# The default configuration -----------------------------------------------------------------


def test_default_configuration_has_no_errors():
    assert check_settings() == []
    assert check_required_apps() == []


# The whole check framework runs Django's model checks too, and from Django 6.1 those ask the
# database whether it supports the payments' JSON fields: these tests may open a connection.
full_check = pytest.mark.django_db


@full_check
def test_django_check_command_passes_with_the_default_configuration():
    call_command("check", fail_level="ERROR")


@full_check
def test_no_coursehub_error_is_reported_by_the_check_framework():
    assert not [e for e in checks.run_checks() if e.id.startswith("coursehub.")]


def test_both_checks_are_registered_with_django():
    registered = checks.registry.registry.get_checks()
    assert check_settings in registered
    assert check_required_apps in registered


@override_settings(
    COURSEHUB={
        "PAGE_SIZE": 10,
        "MAX_PAGE_SIZE": 10,
        "IS_INSTRUCTOR": f"{__name__}.instructor_check",
        "CURRENCIES": ("USD",),
        "DEFAULT_CURRENCY": "USD",
        "COURSE_LANGUAGES": ["en"],
        "REGISTRATION_OPEN": False,
        "LOGIN_FAILURE_LIMIT": 1,
        "LOGIN_FAILURE_WINDOW": 1,
        "THROTTLE_CACHE": "default",
        "NUM_PROXIES": 0,
    }
)
def test_a_full_valid_configuration_has_no_errors():
    assert check_settings() == []


# E001 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [["PAGE_SIZE", 10], "PAGE_SIZE=10", 42, None])
def test_e001_coursehub_that_is_not_a_dict(value):
    with override_settings(COURSEHUB=value):
        only(check_settings(), "coursehub.E001")


# E002 ---------------------------------------------------------------------------------------


@override_settings(COURSEHUB={"PAGE_SIZ": 10})
def test_e002_unknown_key_suggests_the_closest_setting():
    error = only(check_settings(), "coursehub.E002")
    assert "PAGE_SIZ" in error.msg
    assert error.hint == "Did you mean 'PAGE_SIZE'?"


@override_settings(COURSEHUB={"registration_open": False})
def test_e002_lower_case_key_suggests_the_upper_case_setting():
    error = only(check_settings(), "coursehub.E002")
    assert error.hint == "Did you mean 'REGISTRATION_OPEN'?"


@override_settings(COURSEHUB={"COMPLETELY_DIFFERENT": 1})
def test_e002_unknown_key_with_nothing_close_has_no_hint():
    error = only(check_settings(), "coursehub.E002")
    assert error.hint is None


@override_settings(COURSEHUB={"PAGE_SIZ": "not even an int", 3: "x"})
def test_e002_unknown_keys_are_not_type_checked():
    assert ids(check_settings()) == ["coursehub.E002", "coursehub.E002"]


# E003 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("PAGE_SIZE", 0),
        ("PAGE_SIZE", "20"),
        ("PAGE_SIZE", True),
        ("PAGE_SIZE", 2.5),
        ("MAX_PAGE_SIZE", -1),
        ("LOGIN_FAILURE_LIMIT", None),
        ("LOGIN_ACCOUNT_FAILURE_LIMIT", 0),
        ("LOGIN_FAILURE_WINDOW", 0),
        ("NUM_PROXIES", -1),
        ("NUM_PROXIES", False),
        ("NUM_PROXIES", "1"),
        ("REGISTRATION_OPEN", "yes"),
        ("REGISTRATION_OPEN", 1),
        ("USE_PROFILE_LANGUAGE", "no"),
        ("COURSE_LANGUAGES", []),
        ("COURSE_LANGUAGES", "uz"),
        ("COURSE_LANGUAGES", ["uz", ""]),
        ("COURSE_LANGUAGES", ["uz", 1]),
        ("THROTTLE_CACHE", None),
        ("IS_INSTRUCTOR", 42),
    ],
)
def test_e003_value_of_the_wrong_type_or_out_of_range(key, value):
    with override_settings(COURSEHUB={key: value}):
        error = only(check_settings(), "coursehub.E003")
    assert repr(key) in error.msg


@pytest.mark.parametrize("value", [[], "UZS", ["UZS", None]])
def test_e003_currencies_that_are_not_a_list_of_strings(value):
    with override_settings(COURSEHUB={"CURRENCIES": value, "DEFAULT_CURRENCY": "UZS"}):
        assert "coursehub.E003" in ids(check_settings())


# E004 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["no_such_module.function", "django_coursehub.accounts.permissions.missing", "x"]
)
def test_e004_import_string_that_does_not_import(path):
    with override_settings(COURSEHUB={"IS_INSTRUCTOR": path}):
        error = only(check_settings(), "coursehub.E004")
    assert path in error.msg


@override_settings(COURSEHUB={"IS_INSTRUCTOR": f"{__name__}.NOT_CALLABLE"})
def test_e004_import_string_that_does_not_name_a_callable():
    error = only(check_settings(), "coursehub.E004")
    assert "not callable" in error.msg


@override_settings(COURSEHUB={"IS_INSTRUCTOR": instructor_check})
def test_a_callable_instead_of_an_import_string_is_accepted():
    assert check_settings() == []


# E005 ---------------------------------------------------------------------------------------


@override_settings(COURSEHUB={"PAGE_SIZE": 50, "MAX_PAGE_SIZE": 10})
def test_e005_page_size_larger_than_max_page_size():
    only(check_settings(), "coursehub.E005")


@override_settings(COURSEHUB={"PAGE_SIZE": 101})
def test_e005_page_size_larger_than_the_default_max_page_size():
    only(check_settings(), "coursehub.E005")


# E006 ---------------------------------------------------------------------------------------


@override_settings(COURSEHUB={"DEFAULT_CURRENCY": "GBP"})
def test_e006_default_currency_not_among_currencies():
    error = only(check_settings(), "coursehub.E006")
    assert "GBP" in error.msg


@pytest.mark.parametrize("code", ["usd", "US", "USDT", "U$D"])
def test_e006_malformed_currency_code(code):
    with override_settings(COURSEHUB={"CURRENCIES": ["UZS", code]}):
        error = only(check_settings(), "coursehub.E006")
    assert repr(code) in error.msg


# E007 ---------------------------------------------------------------------------------------


@override_settings(COURSEHUB={"THROTTLE_CACHE": "throttle"})
def test_e007_throttle_cache_that_is_not_a_configured_cache():
    error = only(check_settings(), "coursehub.E007")
    assert "'throttle'" in error.msg


@override_settings(
    COURSEHUB={"THROTTLE_CACHE": "throttle"},
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    },
)
def test_throttle_cache_naming_a_configured_cache_is_accepted():
    assert check_settings() == []


# E008 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("app", ["ninja_jwt.token_blacklist", "ordered_model"])
def test_e008_required_app_missing_from_installed_apps(app):
    with modify_settings(INSTALLED_APPS={"remove": [app]}):
        error = only(check_required_apps(), "coursehub.E008")
    assert repr(app) in error.msg
    assert check_required_apps() == []


# Several at once ----------------------------------------------------------------------------


@override_settings(COURSEHUB={"PAGE_SIZ": 1, "NUM_PROXIES": -1, "DEFAULT_CURRENCY": "GBP"})
def test_independent_problems_are_all_reported_together():
    assert sorted(ids(check_settings())) == ["coursehub.E002", "coursehub.E003", "coursehub.E006"]


@full_check
@override_settings(COURSEHUB={"PAGE_SIZ": 10})
def test_errors_reach_the_check_framework_under_their_ids():
    assert "coursehub.E002" in ids(checks.run_checks())


@full_check
@override_settings(COURSEHUB={"PAGE_SIZ": 10})
def test_an_unsilenced_error_fails_the_check_command():
    with pytest.raises(SystemCheckError, match=r"coursehub\.E002"):
        call_command("check")


@full_check
@override_settings(COURSEHUB={"PAGE_SIZ": 10}, SILENCED_SYSTEM_CHECKS=["coursehub.E002"])
def test_an_error_can_be_silenced_by_its_id():
    call_command("check", fail_level="ERROR")


# Payments ------------------------------------------------------------------------------------


def payments_check(payments: Any) -> list[Any]:
    with override_settings(COURSEHUB={"PAYMENTS": payments}):
        return check_payments()


def test_payments_disabled_by_default_and_the_test_keys_pass(payments):
    with override_settings(COURSEHUB={}):
        assert check_payments() == []
    assert check_payments() == []


@pytest.mark.parametrize("value", [None, [], "payme"])
def test_payments_must_be_a_dict(value):
    error = only(payments_check(value), "coursehub.E009")
    assert "must be a dict" in error.msg


def test_an_unknown_provider_is_named():
    error = only(payments_check({"paypal": {}}), "coursehub.E009")
    assert "'paypal'" in error.msg
    assert "payme, click, stripe" in error.hint


def test_a_provider_entry_must_be_a_dict():
    only(payments_check({"click": True}), "coursehub.E009")


def test_missing_required_keys_are_each_named():
    errors = payments_check({"payme": {}, "click": {}, "stripe": {}})
    messages = [error.msg for error in errors]
    assert set(ids(errors)) == {"coursehub.E010"}
    for provider, key in [
        ("payme", "MERCHANT_ID"),
        ("payme", "KEY"),
        ("click", "SERVICE_ID"),
        ("click", "MERCHANT_ID"),
        ("click", "SECRET_KEY"),
        ("stripe", "SECRET_KEY"),
        ("stripe", "WEBHOOK_SECRET"),
        ("stripe", "SUCCESS_URL"),
        ("stripe", "CANCEL_URL"),
    ]:
        assert any(f"['{provider}'] needs '{key}'" in message for message in messages), key


def test_an_unknown_provider_key_is_refused(payments):
    payments["payme"]["TIMEOUT"] = 1000
    error = only(check_payments(), "coursehub.E010")
    assert "'TIMEOUT'" in error.msg


@pytest.mark.parametrize(
    ("provider", "key", "value"),
    [
        ("payme", "ACCOUNT_FIELD", "order id"),
        ("payme", "CHECKOUT_URL", "checkout.paycom.uz"),
        ("payme", "TIMEOUT_MS", 0),
        ("payme", "ALLOW_CANCEL_PERFORMED", "yes"),
        ("payme", "RETURN_URL", "javascript:alert(1)"),
        ("payme", "RESERVED_ORDER_ERROR", -31007),
        ("payme", "STALE_CREATE_ERROR", "-31008"),
        ("click", "SERVICE_ID", "12a"),
        ("click", "MERCHANT_ID", True),
        ("click", "MERCHANT_USER_ID", -5),
        ("stripe", "API_BASE", "localhost:12111"),
        ("stripe", "WEBHOOK_TOLERANCE", "300"),
        ("stripe", "SUCCESS_URL", ""),
    ],
)
def test_malformed_provider_values_are_refused(payments, provider, key, value):
    payments[provider][key] = value
    error = only(check_payments(), "coursehub.E010")
    assert f"['{key}'] must be" in error.msg
    assert repr(value) in error.msg


@pytest.mark.parametrize(
    ("provider", "key", "value"),
    [
        ("payme", "KEY", 12345678),
        ("payme", "PREVIOUS_KEYS", "old-key-value"),
        ("click", "SECRET_KEY", ["SECRETKEY"]),
        ("stripe", "SECRET_KEY", "pk_live_publishable_not_secret"),
        ("stripe", "WEBHOOK_SECRET", "secret-without-prefix"),
    ],
)
def test_a_malformed_secret_is_refused_without_being_shown(payments, provider, key, value):
    payments[provider][key] = value
    error = only(check_payments(), "coursehub.E010")
    assert f"['{key}'] must be" in error.msg
    assert str(value).strip() not in error.msg


def test_click_ids_may_be_integers(payments):
    payments["click"].update(SERVICE_ID=12345, MERCHANT_ID=67890, MERCHANT_USER_ID="")
    assert check_payments() == []


def test_stripe_needs_its_sdk(payments, monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "stripe" else real_find_spec(name, *args),
    )
    error = only(check_payments(), "coursehub.E011")
    assert "django-coursehub[stripe]" in error.hint
    del payments["stripe"]
    assert check_payments() == []
