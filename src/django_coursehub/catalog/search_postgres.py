"""The PostgreSQL half of course search (see :mod:`.search`).

A module of its own because ``django.contrib.postgres`` imports psycopg, which only sites on
PostgreSQL install: it is imported only once the database is known to be PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import BigIntegerField, Expression, F, Func, IntegerField, Value

from django_coursehub.catalog.search import SEARCH_CONFIG


def tsquery_text(words: list[str]) -> str:
    """A ``to_tsquery`` input matching every word as a prefix: ``'pyt':* & 'dastur':*``.

    Words hold letters and digits only (see :func:`normalize`), so quoting them is enough.
    """
    return " & ".join(f"'{word}':*" for word in words)


class SearchVectorColumn(Expression):
    """A text vector column that the migrations add on PostgreSQL only: ``search_vector``
    (0003), what searches match, or ``search_rank_vector`` (0007), what they rank by.

    Neither is a model field (they do not exist on other databases); this expression names one
    on the query's base table.
    """

    def __init__(self, column: str = "search_vector") -> None:
        super().__init__(output_field=SearchVectorField())
        self.column = column
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
        return f"{table}.{connection.ops.quote_name(self.column)}", []


def postgres_query(words: list[str]) -> SearchQuery:
    """The full-text query matching every one of ``words`` as a prefix."""
    return SearchQuery(tsquery_text(words), config=SEARCH_CONFIG, search_type="raw")


def postgres_rank(words: list[str]) -> SearchRank:
    """``ts_rank`` of the course's ranking vector against :func:`postgres_query`.

    The ranking vector leaves out the description, which weighs least (C) and makes most of a
    vector's length: ranking the thousands of matches of a common word on it costs about a
    third of ranking them on the full vector (see docs/performance.md).
    """
    return SearchRank(SearchVectorColumn("search_rank_vector"), postgres_query(words))


def position_in(ids: list[int]) -> Func:
    """Where each row's id stands in ``ids``: orders a page of rows as the ids were ranked.

    One ``array_position`` call, where a ``CASE`` with a branch per id would cost Django more
    to compile than the database takes to run the page.
    """
    return Func(
        Value(ids, output_field=ArrayField(BigIntegerField())),
        F("pk"),
        function="array_position",
        output_field=IntegerField(),
    )
