"""The package ships what a host needs: migrations in step with models, documented settings."""

from __future__ import annotations

import ast
import gettext
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

import django_coursehub
from django_coursehub.conf import DEFAULTS

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


def test_the_package_is_typed():
    assert (PACKAGE / "py.typed").is_file()
