"""What a test reads (or sets up) straight in the database, on either engine:
a SQLite file, or a PostgreSQL database when the tests run there (tests/pg.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from outings.db.database import is_postgres
from tests.threads import in_thread


async def _on_postgres(url: str, sql: str, params: tuple[object, ...]) -> list[tuple[Any, ...]]:
    import asyncpg

    from outings.db.postgres import translate

    conn = await asyncpg.connect(url)
    try:
        found = await conn.fetch(translate(sql)[0], *params)
    finally:
        await conn.close()
    return [tuple(row) for row in found]


def rows(location: str | Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Run ``sql`` (``?`` placeholders) and commit; the rows it gave, as tuples."""
    if is_postgres(location):
        return in_thread(asyncio.run, _on_postgres(str(location), sql, params))
    with sqlite3.connect(location) as conn:
        return list(conn.execute(sql, params))


class _Result:
    def __init__(self, found: list[tuple[Any, ...]]) -> None:
        self._rows = found

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def __iter__(self) -> Any:
        return iter(self._rows)


class _PostgresConnection:
    """What tests use of a ``sqlite3`` connection, on PostgreSQL: each statement
    committed on its own."""

    def __init__(self, url: str) -> None:
        self.url = url

    def execute(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> _Result:
        return _Result(rows(self.url, sql, *params))

    def __enter__(self) -> _PostgresConnection:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None


def connect(location: str | Path) -> Any:
    """``sqlite3.connect`` for a test's database, whichever engine holds it."""
    if is_postgres(location):
        return _PostgresConnection(str(location))
    return sqlite3.connect(location)


def dump(location: str | Path) -> str:
    """Everything the database holds, as text (to check what is never kept)."""
    if not is_postgres(location):
        with sqlite3.connect(location) as conn:
            return "\n".join(conn.iterdump())
    tables = rows(
        location,
        "select table_name from information_schema.tables"
        " where table_schema = 'public' and table_type = 'BASE TABLE'",
    )
    # names from the catalogue, not from input
    return "\n".join(
        str(row) for (table,) in tables for row in rows(location, f'select * from "{table}"')
    )
