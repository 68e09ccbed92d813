"""Course search: one text normalization for stored documents and queries, and the query parts.

Every course stores ``search_text``: its searchable text, normalized by :func:`normalize` and laid
out as five lines (title, short description, description, category name, instructor names), each
word preceded by a space. It is derived data, rewritten by ``services.course_search_refresh``
whenever a course, its category or its instructor is saved (see ``catalog/receivers.py``).

On PostgreSQL the database derives a weighted ``tsvector`` from it (a ``GENERATED`` column with a
GIN index, added by migration 0003 on PostgreSQL only): lines 1-5 weigh A, B, C, B, C. Queries
are prefix searches ranked with ``ts_rank`` (see :mod:`.search_postgres`). Elsewhere the same
words are matched with ``LIKE`` at word starts, and courses whose title holds more of the words
come first.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db.models import Case, Q, Value, When
from django.db.models.functions import StrIndex, Substr
from django.db.models.lookups import GreaterThan

#: PostgreSQL text search configuration: no stemming, since a catalogue mixes Uzbek, Russian and
#: English; prefix matching stands in for it (``dastur`` finds ``dasturlash``).
SEARCH_CONFIG = "simple"

# Apostrophe look-alikes, all dropped: Uzbek Latin writes oʻ and gʻ with U+02BB, but people type
# ', ‘, ’ or ` (or nothing), and `o'zbek`, `oʻzbek` and `ozbek` must find each other.
_APOSTROPHES = dict.fromkeys(map(ord, "'`´ʹʻʼʽˈ‘’‛′"), None)
# Letters and digits; underscores and everything else separate words.
_WORD = re.compile(r"[^\W_]+")


def normalize(text: str) -> str:
    """The words of ``text`` in comparable form, separated by single spaces.

    Apostrophe variants are removed, compatibility forms unified (NFKC), Latin and Cyrillic
    case folded, and Russian ``ё`` read as ``е``. Stored documents and queries both go through
    this function, so they always agree.
    """
    text = unicodedata.normalize("NFKC", text.translate(_APOSTROPHES))
    text = text.casefold().replace("ё", "е")
    return " ".join(_WORD.findall(text))


def query_words(query: str) -> list[str]:
    """The distinct words of a search query, in order."""
    return list(dict.fromkeys(normalize(query).split()))


def search_document(
    *, title: str, short_description: str, description: str, category: str, instructor: str
) -> str:
    """A course's ``search_text``: one normalized line per part, in this order."""
    parts = (title, short_description, description, category, instructor)
    return "\n".join(" " + normalize(part) for part in parts)


def instructor_names(user: Any) -> str:
    """What a course's instructor is found by: their full name and username."""
    return f"{user.get_full_name()} {user.get_username()}"


# Other databases ----------------------------------------------------------------------------


def fallback_filter(words: list[str]) -> Q:
    """Every word starts a word somewhere in the document (``LIKE '% word%'``)."""
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=f" {word}")
    return condition


def fallback_rank(words: list[str]) -> Any:
    """How many of ``words`` start a word of the title (the document's first line)."""
    title = Substr("search_text", 1, StrIndex("search_text", Value("\n")))
    hits = [
        Case(When(GreaterThan(StrIndex(title, Value(f" {word}")), 0), then=1), default=0)
        for word in words
    ]
    return sum(hits[1:], hits[0])
