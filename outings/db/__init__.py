"""Storage: one interface (``database``), SQLite by default, numbered migrations."""

from outings.db.database import (
    Database,
    Row,
    TransientDatabaseError,
    database_at,
    inserting,
    now_iso,
    placeholders,
    setting,
    stamp,
)

__all__ = [
    "Database",
    "Row",
    "TransientDatabaseError",
    "database_at",
    "inserting",
    "now_iso",
    "placeholders",
    "setting",
    "stamp",
]
