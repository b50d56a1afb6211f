"""The one object that owns SQLite.

SQLite has one writer at a time, so every write in the app goes through
:meth:`Database.write`, which serialises callers on one connection and wraps
each call in ``BEGIN IMMEDIATE``; a failure rolls the whole call back, so a
change is never half-applied. Reads use a small pool of ``query_only``
connections that in WAL mode never wait for the writer.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from outings.db.migrations import apply_migrations

Row = sqlite3.Row
T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]

READERS = 3


class TransientDatabaseError(RuntimeError):
    """The database is busy or locked: worth retrying later, not the caller's fault."""


def now_iso() -> str:
    """The server's clock as UTC ISO 8601, the one format times are stored in."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def placeholders(values: Iterable[object]) -> str:
    """``?, ?, ?`` for an ``in (...)`` list; the values still travel as parameters."""
    return ", ".join("?" for _ in values)


def is_transient(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


async def _connect(path: str, *, readonly: bool) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN ourselves, so the driver never
    # opens a transaction behind our back.
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute("pragma busy_timeout = 5000")
    await conn.execute("pragma foreign_keys = on")
    if readonly:
        await conn.execute("pragma query_only = on")
    else:
        await conn.execute("pragma journal_mode = wal")
        await conn.execute("pragma synchronous = normal")
    return conn


class _Queries:
    """Read helpers shared by the writer and the readers."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.conn.execute(sql, params) as cursor:
            row: Row | None = await cursor.fetchone()
            return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Writer(_Queries):
    """The writer connection inside one ``BEGIN IMMEDIATE`` transaction."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        cursor = await self.conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self.conn.executemany(sql, rows)


class Reader(_Queries):
    """A read-only connection borrowed from the pool."""


class Database:
    """SQLite through aiosqlite: one serialised writer, a pool of readers."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []

    async def open(self) -> None:
        """Connect, apply pending migrations, then open the reader pool."""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = await _connect(self.path, readonly=False)
        async with self._write_lock:
            await apply_migrations(self._writer)
        for _ in range(READERS):
            conn = await _connect(self.path, readonly=True)
            self._all_readers.append(conn)
            self._readers.put_nowait(conn)

    async def close(self) -> None:
        for conn in self._all_readers:
            await conn.close()
        self._all_readers.clear()
        if self._writer is not None:
            async with self._write_lock:
                await self._writer.close()
            self._writer = None

    async def write(self, fn: Callable[[Writer], Awaitable[T]]) -> T:
        """Run ``fn`` in its own ``BEGIN IMMEDIATE`` transaction on the writer.

        Everything ``fn`` does commits together or not at all. Busy or locked
        databases raise :class:`TransientDatabaseError`.
        """
        if self._writer is None:
            raise RuntimeError("Database.open() was not called")
        async with self._write_lock:
            conn = self._writer
            try:
                await conn.execute("begin immediate")
            except sqlite3.OperationalError as exc:
                if is_transient(exc):
                    raise TransientDatabaseError(str(exc)) from exc
                raise
            try:
                result = await fn(Writer(conn))
                await conn.execute("commit")
            except BaseException as exc:
                # CancelledError included: a cancelled request must not leave
                # the writer inside an open transaction.
                await asyncio.shield(conn.execute("rollback"))
                if isinstance(exc, sqlite3.OperationalError) and is_transient(exc):
                    raise TransientDatabaseError(str(exc)) from exc
                raise
            return result

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[Reader]:
        """Borrow a read-only connection; it sees the last committed state."""
        conn = await self._readers.get()
        try:
            yield Reader(conn)
        finally:
            self._readers.put_nowait(conn)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.reader() as r:
            return await r.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.reader() as r:
            return await r.fetchall(sql, params)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        async with self.reader() as r:
            return await r.fetchval(sql, params)
