"""Storage: one SQLite file, one writer, many readers, numbered migrations."""

from outings.db.database import Database, Row, TransientDatabaseError, now_iso, placeholders

__all__ = ["Database", "Row", "TransientDatabaseError", "now_iso", "placeholders"]
