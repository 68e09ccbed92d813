"""The PostgreSQL half of course search (see :mod:`.search`).

A module of its own because ``django.contrib.postgres`` imports psycopg, which only sites on
PostgreSQL install: it is imported only once the database is known to be PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import Expression

from django_coursehub.catalog.search import SEARCH_CONFIG


def tsquery_text(words: list[str]) -> str:
    """A ``to_tsquery`` input matching every word as a prefix: ``'pyt':* & 'dastur':*``.

    Words hold letters and digits only (see :func:`normalize`), so quoting them is enough.
    """
    return " & ".join(f"'{word}':*" for word in words)


class SearchVectorColumn(Expression):
    """The ``search_vector`` column that migration 0003 adds on PostgreSQL only.

    It is not a model field (it does not exist on other databases); this expression names it
    on the query's base table.
    """

    def __init__(self) -> None:
        super().__init__(output_field=SearchVectorField())
        self.alias: str | None = None

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> Any:
        resolved = super().resolve_expression(query, *args, **kwargs)
        resolved.alias = query.get_initial_alias()
        return resolved

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        # Django 6.1 renamed the compiler's alias-aware quoting to quote_name().
        quote = getattr(compiler, "quote_name", None) or compiler.quote_name_unless_alias
        table = quote(self.alias)
        # A list: django.contrib.postgres's ``@@`` lookup concatenates it with a list.
        return f"{table}.{connection.ops.quote_name('search_vector')}", []


def postgres_query(words: list[str]) -> SearchQuery:
    """The full-text query matching every one of ``words`` as a prefix."""
    return SearchQuery(tsquery_text(words), config=SEARCH_CONFIG, search_type="raw")


def postgres_rank(words: list[str]) -> SearchRank:
    """``ts_rank`` of the course's weighted vector against :func:`postgres_query`."""
    return SearchRank(SearchVectorColumn(), postgres_query(words))
