"""``app_settings`` reads the ``COURSEHUB`` dict live, on every attribute access."""

from __future__ import annotations

import ast
import inspect
from typing import Any

import pytest
from django.test import override_settings

from django_coursehub import conf
from django_coursehub.accounts.permissions import holds_add_course_permission
from django_coursehub.conf import DEFAULTS, IMPORT_STRINGS, app_settings


def always_instructor(user: Any) -> bool:
    return True


def test_without_a_coursehub_setting_every_value_is_its_default(settings):
    assert not hasattr(settings, "COURSEHUB")
    for name, default in DEFAULTS.items():
        if name not in IMPORT_STRINGS:
            assert getattr(app_settings, name) == default


def test_an_empty_or_none_coursehub_setting_means_defaults(settings):
    settings.COURSEHUB = None
    assert DEFAULTS["PAGE_SIZE"] == app_settings.PAGE_SIZE
    settings.COURSEHUB = {}
    assert DEFAULTS["PAGE_SIZE"] == app_settings.PAGE_SIZE


def test_override_settings_takes_effect_at_once_and_is_undone_after():
    assert DEFAULTS["PAGE_SIZE"] == app_settings.PAGE_SIZE
    with override_settings(COURSEHUB={"PAGE_SIZE": 7}):
        assert app_settings.PAGE_SIZE == 7
        with override_settings(COURSEHUB={"PAGE_SIZE": 3}):
            assert app_settings.PAGE_SIZE == 3
        assert app_settings.PAGE_SIZE == 7
    assert DEFAULTS["PAGE_SIZE"] == app_settings.PAGE_SIZE


def test_settings_fixture_changes_are_seen_immediately(settings):
    settings.COURSEHUB = {"REGISTRATION_OPEN": False}
    assert app_settings.REGISTRATION_OPEN is False
    settings.COURSEHUB = {"REGISTRATION_OPEN": True}
    assert app_settings.REGISTRATION_OPEN is True


@override_settings(COURSEHUB={"MAX_PAGE_SIZE": 50})
def test_a_partial_dict_keeps_the_defaults_for_keys_it_does_not_name():
    assert app_settings.MAX_PAGE_SIZE == 50
    assert DEFAULTS["PAGE_SIZE"] == app_settings.PAGE_SIZE
    assert DEFAULTS["CURRENCIES"] == app_settings.CURRENCIES


def test_reading_an_unknown_setting_raises_attribute_error():
    with pytest.raises(AttributeError, match="PAGE_SIZ"):
        app_settings.PAGE_SIZ  # noqa: B018


@override_settings(COURSEHUB={"NOT_A_SETTING": 1})
def test_an_unknown_key_in_the_dict_is_not_readable_either():
    with pytest.raises(AttributeError):
        app_settings.NOT_A_SETTING  # noqa: B018


def test_getattr_with_a_default_works_for_unknown_names():
    assert getattr(app_settings, "NOT_A_SETTING", "fallback") == "fallback"
    assert not hasattr(app_settings, "NOT_A_SETTING")


def test_the_default_import_string_is_resolved_to_a_callable_on_read():
    assert app_settings.IS_INSTRUCTOR is holds_add_course_permission


def test_an_overridden_import_string_is_resolved_on_read():
    with override_settings(COURSEHUB={"IS_INSTRUCTOR": f"{__name__}.always_instructor"}):
        assert app_settings.IS_INSTRUCTOR is always_instructor
    assert app_settings.IS_INSTRUCTOR is holds_add_course_permission


@override_settings(COURSEHUB={"IS_INSTRUCTOR": always_instructor})
def test_a_callable_given_directly_is_used_as_is():
    assert app_settings.IS_INSTRUCTOR is always_instructor


@override_settings(COURSEHUB={"IS_INSTRUCTOR": "no.such.module.function"})
def test_a_broken_import_string_fails_when_read():
    with pytest.raises(ImportError):
        app_settings.IS_INSTRUCTOR  # noqa: B018


def test_import_strings_name_known_settings_whose_defaults_are_dotted_paths():
    assert set(DEFAULTS) >= IMPORT_STRINGS
    for name in IMPORT_STRINGS:
        module, _dot, attribute = DEFAULTS[name].rpartition(".")
        assert module and attribute


def _is_literal(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple | frozenset | set):
        return all(_is_literal(item) for item in value)
    if isinstance(value, dict):
        return all(_is_literal(k) and _is_literal(v) for k, v in value.items())
    return False


def test_defaults_contain_only_literal_values():
    assert all(_is_literal(value) for value in DEFAULTS.values())


def _assigned_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    else:
        return set()
    return {target.id for target in targets if isinstance(target, ast.Name)}


def test_defaults_are_written_as_a_literal_in_the_source():
    # Evaluating the source node proves nothing in DEFAULTS is computed at import time.
    tree = ast.parse(inspect.getsource(conf))
    (node,) = [s for s in tree.body if "DEFAULTS" in _assigned_names(s)]
    assert ast.literal_eval(node.value) == DEFAULTS


def test_reads_cache_nothing_and_never_rebind_the_settings_object():
    original = conf.app_settings
    with override_settings(COURSEHUB={"PAGE_SIZE": 9}):
        for name in DEFAULTS:
            getattr(app_settings, name)
    assert conf.app_settings is original
    assert vars(app_settings) == {}
