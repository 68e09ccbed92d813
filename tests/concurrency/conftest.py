"""The concurrency suite: invariants that must hold under parallel requests, proved with real
threads on PostgreSQL (SQLite serialises writers, so it would prove nothing).

Every test here is marked ``postgres``, runs in a real transaction (other threads must see its
committed data) and is skipped on another database. Run it with ``DATABASE_URL`` set, as the
``py313-django61-postgres`` tox env does. Each test's name states the invariant it proves.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.postgres)
            item.add_marker(pytest.mark.django_db(transaction=True))
            item.add_marker(
                pytest.mark.skipif(
                    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
                )
            )
