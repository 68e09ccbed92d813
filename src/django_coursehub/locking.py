"""Row locks that Django's ORM does not offer."""

from __future__ import annotations

from django.db import connection, models


def lock_shared(model: type[models.Model], pk: int) -> bool:
    """Hold ``FOR KEY SHARE`` on one row until the transaction ends; False if the row is gone.

    Many transactions may hold it at once; a ``select_for_update()`` on the same row waits for
    all of them (and they for it). A row deleted by the transaction waited for is not there
    any more: the caller must not go on to reference it. SQLite serialises writing
    transactions anyway, so there it is a no-op that returns True.
    """
    if connection.vendor != "postgresql":
        return True
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = model._meta.pk.column
    assert pk_column is not None  # every concrete model's primary key has a column
    column = connection.ops.quote_name(pk_column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {column} = %s FOR KEY SHARE", [pk])
        return cursor.fetchone() is not None
