"""Migration operations for SQL that only one database understands (text search vectors, GIN
indexes, triggers...).

Migrations must apply on every supported database; each of these does nothing elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


class RunSQLOnVendor(migrations.RunSQL):
    """``RunSQL`` that runs on the database ``vendor`` names and is skipped on any other."""

    vendor = ""
    vendor_name = ""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"Raw SQL operation ({self.vendor_name} only)"


class RunSQLOnPostgreSQL(RunSQLOnVendor):
    vendor = "postgresql"
    vendor_name = "PostgreSQL"


class RunSQLOnSQLite(RunSQLOnVendor):
    vendor = "sqlite"
    vendor_name = "SQLite"
