"""The package ships what a host needs: migrations in step with models, documented settings."""

from __future__ import annotations

import ast
import gettext
import re
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils.functional import Promise

import django_coursehub
from django_coursehub.conf import DEFAULTS
from django_coursehub.exceptions import CoursehubError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(django_coursehub.__file__).resolve().parent
SETTINGS_ROW = re.compile(r"^\|\s*`(?P<key>[A-Z_]+)`\s*\|\s*`(?P<default>[^`]*)`\s*\|")


@pytest.mark.django_db
def test_models_have_no_missing_migrations():
    output = StringIO()
    call_command("makemigrations", "coursehub", "--check", "--dry-run", stdout=output)


def test_settings_reference_documents_every_default_exactly():
    documented = {}
    for line in (ROOT / "docs" / "settings.md").read_text(encoding="utf-8").splitlines():
        match = SETTINGS_ROW.match(line)
        if match:
            documented[match["key"]] = ast.literal_eval(match["default"])

    assert documented == DEFAULTS


def _check_ids_in_code() -> list[str]:
    return sorted(
        {
            check_id
            for path in PACKAGE.rglob("*.py")
            for check_id in re.findall(r"coursehub\.[EW]\d{3}", path.read_text(encoding="utf-8"))
        }
    )


@pytest.mark.parametrize("check_id", _check_ids_in_code())
def test_settings_reference_documents_every_system_check(check_id):
    assert f"`{check_id}`" in (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")


def _po_translations(path: Path) -> dict[str, str]:
    """msgid -> msgstr for the translated, non-fuzzy, singular entries of a .po file."""
    entries: dict[str, str] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in block or "msgid_plural" in block:
            continue
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line.startswith(("msgid ", "msgstr ")):
                current, _, literal = line.partition(" ")
                fields[current] = ast.literal_eval(literal)
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid") and fields.get("msgstr"):
            entries[fields["msgid"]] = fields["msgstr"]
    return entries


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_translations_are_shipped_compiled_and_current(language):
    catalogue = PACKAGE / "locale" / language / "LC_MESSAGES"
    with (catalogue / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)

    po_entries = _po_translations(catalogue / "django.po")

    assert len(po_entries) > 50
    assert {msgid: translations.gettext(msgid) for msgid in po_entries} == po_entries


def _untranslated_entries(path: Path) -> list[str]:
    """The msgids of a .po file that are fuzzy or have an empty translation (any plural form)."""
    untranslated = []
    for block in path.read_text(encoding="utf-8").split("\n\n")[1:]:
        translations: list[str] = []
        msgid = ""
        for line in block.splitlines():
            if line.startswith("msgid "):
                msgid = ast.literal_eval(line.partition(" ")[2])
            elif line.startswith("msgstr"):
                translations.append(ast.literal_eval(line.partition(" ")[2]))
            elif line.startswith('"') and translations:
                translations[-1] += ast.literal_eval(line)
        if "#, fuzzy" in block or not all(translations):
            untranslated.append(msgid)
    return untranslated


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_every_message_is_translated(language):
    po_file = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"

    assert _untranslated_entries(po_file) == []


TRANSLATION_FUNCTIONS = {"gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
TEMPLATE_MESSAGE = re.compile(r"""{%\s*(?:translate|trans)\s+(['"])(.+?)\1""")


def _messages_marked_in_the_source() -> set[str]:
    """The literal msgids passed to a translation function or tag anywhere in the package."""
    messages = set()
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # A message is marked through whatever name the module imported a function under
        # (makemessages only knows ``_`` and the real names: the catalogue test catches others).
        names = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
            for alias in node.names
            if alias.name in TRANSLATION_FUNCTIONS
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in names
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                messages.add(node.args[0].value)
    for path in (PACKAGE / "templates").rglob("*.html"):
        messages.update(m[2] for m in TEMPLATE_MESSAGE.finditer(path.read_text(encoding="utf-8")))
    return messages


def _po_msgids(path: Path) -> set[str]:
    msgids = set()
    for block in path.read_text(encoding="utf-8").split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        msgid, reading = "", False
        for line in lines:
            if line.startswith("msgid "):
                msgid, reading = ast.literal_eval(line.partition(" ")[2]), True
            elif line.startswith('"') and reading:
                msgid += ast.literal_eval(line)
            else:
                reading = False
        if msgid:
            msgids.add(msgid)
    return msgids


def test_the_source_scan_finds_the_messages_it_looks_for():
    messages = _messages_marked_in_the_source()

    assert "The submitted data is not valid." in messages  # gettext_lazy as _
    assert "%(count)d lesson" in messages  # ngettext
    assert "No, take me back" in messages  # {% translate %} in a template


@pytest.mark.parametrize("language", ["uz", "ru"])
def test_every_message_marked_in_the_source_is_in_the_catalogue(language):
    # Fails when a new message was marked but makemessages was not run.
    po_file = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"

    assert sorted(_messages_marked_in_the_source() - _po_msgids(po_file)) == []


def _package_models() -> list[type[models.Model]]:
    return list(apps.get_app_config("coursehub").get_models())


@pytest.mark.parametrize("model", _package_models(), ids=lambda model: model.__name__)
def test_model_and_field_names_shown_in_the_admin_are_translatable(model):
    options = model._meta
    untranslatable = [
        name
        for name, value in [
            ("verbose_name", options.verbose_name),
            ("verbose_name_plural", options.verbose_name_plural),
            *[
                (field.name, field.verbose_name)
                for field in options.get_fields()
                if field.concrete and not field.auto_created
            ],
        ]
        if not isinstance(value, Promise)
    ]

    assert untranslatable == []


def test_every_domain_error_has_a_translatable_default_message():
    def subclasses(cls: type) -> list[type]:
        return [cls, *(sub for child in cls.__subclasses__() for sub in subclasses(child))]

    untranslatable = [
        error.__name__
        for error in subclasses(CoursehubError)
        if not isinstance(error.default_message, Promise)
    ]

    assert untranslatable == []


def test_the_package_is_typed():
    assert (PACKAGE / "py.typed").is_file()
