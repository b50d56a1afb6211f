"""Storage: one SQLite file, one writer, many readers, numbered migrations."""

from outings.db.database import (
    Database,
    Row,
    TransientDatabaseError,
    now_iso,
    placeholders,
    stamp,
)

__all__ = ["Database", "Row", "TransientDatabaseError", "now_iso", "placeholders", "stamp"]
