"""The one interface to the database, whichever engine holds it.

Handlers, services and stores know only this: :class:`Database` runs writes
(each in a transaction of its own, all of it or none of it) and lends
readers; a :class:`Writer` or a :class:`Reader` runs the statements. SQLite
is the embedded default (``outings/db/sqlite.py``); PostgreSQL takes its
place when ``OUTINGS_DB`` is a ``postgresql://`` URL (``outings/db/postgres.py``,
issue 15). Statements are written once, with ``?`` or ``:name`` placeholders;
what differs between the engines is kept in those two modules.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from outings.db.connection import (
    Conn,
    Params,
    Reader,
    Row,
    TransientDatabaseError,
    Writer,
    inserting,
    now_iso,
    placeholders,
    setting,
    stamp,
)

__all__ = [
    "Conn",
    "Database",
    "Reader",
    "Row",
    "Table",
    "TransientDatabaseError",
    "Writer",
    "database_at",
    "in_order",
    "inserting",
    "is_postgres",
    "now_iso",
    "placeholders",
    "setting",
    "stamp",
]

T = TypeVar("T")


class Table(NamedTuple):
    """A table as the engine's catalogue describes it (to move a whole instance)."""

    name: str
    columns: tuple[str, ...]
    #: the tables its foreign keys point at
    references: frozenset[str]


def in_order(tables: Iterable[Table]) -> list[Table]:
    """Tables so that each follows those it references (by name among equals)."""
    remaining = {t.name: t for t in tables}
    done: set[str] = set()
    ordered: list[Table] = []
    while remaining:
        ready = sorted(
            name
            for name, table in remaining.items()
            if all(ref in done or ref == name or ref not in remaining for ref in table.references)
        )
        if not ready:
            raise ValueError(f"tables reference each other in a circle: {sorted(remaining)}")
        for name in ready:
            ordered.append(remaining.pop(name))
            done.add(name)
    return ordered


class Database(ABC):
    """Where everything is kept: SQLite's file or a PostgreSQL server. (A base
    class, not a Protocol: handlers are given it by Litestar, which checks
    what it gives with isinstance on every request.)"""

    @abstractmethod
    async def open(self) -> None:
        """Connect and apply pending migrations."""

    @abstractmethod
    async def close(self) -> None:
        """Finish the writes already asked for, then let go of every connection."""

    @abstractmethod
    async def write(self, fn: Callable[[Writer], Awaitable[T]]) -> T:
        """Run ``fn`` in a write transaction; answer once it is durable."""

    @abstractmethod
    def reader(self) -> AbstractAsyncContextManager[Reader]:
        """Borrow a connection that reads the last committed state."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.reader() as r:
            return await r.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.reader() as r:
            return await r.fetchall(sql, params)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        async with self.reader() as r:
            return await r.fetchval(sql, params)

    #: Whether several app processes may serve it at once. SQLite's file is
    #: served by one (its writer lives there); a PostgreSQL server by any
    #: number, so what one process would count in memory (the rate limits)
    #: is then counted in the database.
    shared_by_processes: bool = False

    async def apply_alone(self, sql: str, params: Params = ()) -> Row | None:
        """One statement that records no change (a counter), committed at once;
        its row returned. Out of the order of writes where the engine allows."""
        return await self.write(lambda w: w.fetchone(sql, params))

    @abstractmethod
    async def tables(self) -> list[Table]:
        """Every table of the schema, from the engine's own catalogue."""

    @abstractmethod
    async def data_version(self) -> object:
        """A value that changes whenever anything is committed, by any process:
        what a kept page is checked against (web/front.py)."""


def is_postgres(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def database_at(location: str | Path, *, patient: bool = False) -> Database:
    """The database ``OUTINGS_DB`` names: a ``postgresql://`` URL, or a SQLite path.
    ``patient``: for a command that reads or writes a whole instance, with no
    time limit on a statement (PostgreSQL's; SQLite has none)."""
    if is_postgres(location):
        from outings.db.postgres import PostgresDatabase

        return PostgresDatabase(str(location), patient=patient)
    from outings.db.sqlite import SQLiteDatabase

    return SQLiteDatabase(location)
