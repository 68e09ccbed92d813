"""The certificates' system checks, coursehub.E012 and coursehub.E013, one at a time."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks

from django_coursehub.certificates.checks import check_certificate_settings
from django_coursehub.checks import check_settings

pytestmark = pytest.mark.django_db


def ids(errors: list[Any]) -> list[str]:
    return [error.id for error in errors]


def test_the_defaults_pass_and_the_check_is_registered():
    assert check_certificate_settings() == []
    assert check_certificate_settings in checks.registry.registry.get_checks()


@pytest.mark.parametrize(
    "value", ["", "https://academy.uz/certificates/{code}", "/verify?c={code}&ref=pdf"]
)
def test_a_verify_url_template_with_its_code_passes(settings, value):
    settings.COURSEHUB = {"CERTIFICATE_VERIFY_URL": value}

    assert check_certificate_settings() == []


@pytest.mark.parametrize(
    "value",
    [None, 42, ["https://academy.uz/{code}"], "https://academy.uz/certificates/", "{CODE}"],
)
def test_a_verify_url_that_is_no_template_is_e012(settings, value):
    settings.COURSEHUB = {"CERTIFICATE_VERIFY_URL": value}

    assert ids(check_certificate_settings()) == ["coursehub.E012"]


@pytest.mark.parametrize("value", ["nowhere", None, 3, ["default"]])
def test_a_storage_that_is_not_configured_is_e013(settings, value):
    settings.COURSEHUB = {"CERTIFICATE_STORAGE": value}

    errors = check_certificate_settings()

    assert ids(errors) == ["coursehub.E013"]
    assert "STORAGES" in errors[0].msg


def test_a_storage_alias_of_storages_passes(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "certificates": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.COURSEHUB = {"CERTIFICATE_STORAGE": "certificates"}

    assert check_certificate_settings() == []


@pytest.mark.parametrize("value", [None, 0, ["Academy"]])
def test_an_issuer_name_that_is_not_a_string_is_e013(settings, value):
    settings.COURSEHUB = {"CERTIFICATE_ISSUER_NAME": value}

    assert ids(check_certificate_settings()) == ["coursehub.E013"]


def test_a_renderer_that_does_not_import_is_e004(settings):
    settings.COURSEHUB = {"CERTIFICATE_RENDERER": "tests.nowhere.render"}

    assert ids(check_settings()) == ["coursehub.E004"]


def test_a_coursehub_setting_that_is_not_a_dict_is_left_to_e001(settings):
    settings.COURSEHUB = ["CERTIFICATE_STORAGE"]

    assert check_certificate_settings() == []
