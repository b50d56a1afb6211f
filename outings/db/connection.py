"""What the stores read and write through, on either engine (:class:`Writer`,
:class:`Reader`, :class:`Row`), and SQLite's connections: how one is opened,
and the thin wrappers around it.

SQLite's statements run on the event loop's thread: a request's queries take
microseconds, and handing each to a thread and back cost more than the
query (see :mod:`outings.db.sqlite`, which owns the connections).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Protocol


class Row(Protocol):
    """A result row, by column name or position (``sqlite3.Row``, asyncpg's ``Record``)."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def keys(self) -> Iterable[str]: ...


Params = Sequence[Any] | dict[str, Any]


class TransientDatabaseError(RuntimeError):
    """The database is busy or locked: worth retrying later, not the caller's fault."""


def now_iso() -> str:
    """The server's clock as UTC ISO 8601, the one format times are stored in."""
    return stamp(datetime.now(UTC))


def stamp(moment: datetime) -> str:
    """``moment`` as the server's own timestamps are stored (UTC, microseconds, ``Z``),
    so that it compares with them as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def placeholders(values: Iterable[object]) -> str:
    """``?, ?, ?`` for an ``in (...)`` list; the values still travel as parameters."""
    return ", ".join("?" for _ in values)


def inserting(table: str, fields: Iterable[str]) -> str:
    """``insert into table (a, b) values (:a, :b)``: a row given by name (names from code)."""
    names = list(fields)
    marks = ", ".join(f":{name}" for name in names)
    return f"insert into {table} ({', '.join(names)}) values ({marks})"


def setting(fields: Iterable[str]) -> str:
    """``a = :a, b = :b`` for an ``update … set``: fields given by name (names from code)."""
    return ", ".join(f"{name} = :{name}" for name in fields)


def is_transient(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def connect(path: str, *, readonly: bool) -> sqlite3.Connection:
    """Open and prepare a connection; every connection is made here."""
    # isolation_level=None: we issue BEGIN ourselves, so the driver never
    # opens a transaction behind our back. The connection is used from the
    # event loop's thread, which may not be the thread that opened it.
    conn = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, cached_statements=512
    )
    conn.row_factory = sqlite3.Row
    conn.execute("pragma foreign_keys = on")
    if readonly:
        # In WAL mode readers never wait for the writer; this bounds the rare
        # wait for a recovering WAL index.
        conn.execute("pragma busy_timeout = 100")
        conn.execute("pragma query_only = on")
    else:
        conn.execute("pragma busy_timeout = 0")  # we wait with asyncio.sleep instead
        conn.execute("pragma journal_mode = wal")
        # Each commit reaches the disk before the write is answered (see above).
        conn.execute("pragma synchronous = full")
        # The checkpointer does it off the loop; this only backs it up should it
        # ever stop, so the WAL cannot grow without bound (pages of 4 KB: 40 MB).
        conn.execute("pragma wal_autocheckpoint = 10000")
    return conn


class Reader(Protocol):
    """A read-only connection borrowed from the pool (either engine)."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...
    async def fetchval(self, sql: str, params: Params = ()) -> Any: ...
    async def execute(self, sql: str, params: Params = ()) -> None:
        """Run a statement for its effect (a reader refuses any that would write)."""

    def snapshot(self) -> AbstractAsyncContextManager[Reader]:
        """Several reads that must agree with each other: one read transaction."""


class Writer(Protocol):
    """The connection inside one write transaction (either engine)."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...
    async def fetchval(self, sql: str, params: Params = ()) -> Any: ...
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns the number of rows it changed."""

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...


class _Queries:
    """Read helpers shared by SQLite's writer and readers."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = self._conn.execute(sql, params).fetchone()
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        rows: list[Row] = self._conn.execute(sql, params).fetchall()
        return rows

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]


class SQLiteWriter(_Queries):
    """SQLite's writer connection inside one ``BEGIN IMMEDIATE`` transaction."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        return self._conn.execute(sql, params).rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._conn.executemany(sql, rows)


class SQLiteReader(_Queries):
    """A read-only SQLite connection borrowed from the pool."""

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Reader]:
        self._conn.execute("begin")
        try:
            yield self
        finally:
            self._conn.execute("commit")

    async def execute(self, sql: str, params: Params = ()) -> None:
        self._conn.execute(sql, params)


#: Either side: store functions that only read take this.
Conn = Reader | Writer
