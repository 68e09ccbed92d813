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


def test_the_package_is_typed():
    assert (PACKAGE / "py.typed").is_file()
