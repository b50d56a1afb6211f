"""PostgreSQL behind the same interface as SQLite (issue 15), with asyncpg.

Statements are the stores' own, written once with ``?`` or ``:name``
placeholders; :func:`translate` numbers them as PostgreSQL wants (``$1``…)
and renames SQLite's ``group_concat``, the one function spelt differently.
Everything else that differs between the engines is here too: the column
types of the migrations (:func:`migration_sql`), how a write is made one at
a time and durable, and how a kept page learns that anything was written.

**One writer at a time, across every process.** Each write transaction
starts by locking the change log's counter row (``sync_state``, counting the
commit there) until it commits. Every write records a change, so it would
take that lock anyway; taken first, it makes writes follow one another as SQLite's single writer
does: a change's cursor follows commit order (a pull never skips a change
committed later under a smaller number), a reply reads the places left
after the last reply committed (never overbooked, the waitlist first come
first served), and a push replayed by two processes at once finds the
first one's result. Reads never wait for it. Holding the lock through the
commit's wait for the disk would make every write pay one flush alone, so a
process commits the writes waiting at one moment together, a savepoint each
(*group commit*, outings/db/group.py, as on SQLite): one lock, one flush.
Taken first by every writer, the lock leaves no deadlock to meet; one met
anyway, or a lost connection, is a 503 "try again" for the writes of its group.

**Knowing something changed.** A kept page (``outings/web/front.py``) is
checked against the number of write transactions committed, by any process
(``sync_state.commits``, counted by each group under the counter row's lock):
read on each request, one short round trip, never a page kept past a write
made a moment ago by another process. (The WAL's position would do too, but
it moves for vacuum and checkpoints as well, and every kept page with it.)
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import asyncpg

from outings.db.connection import Params, Reader, Row, TransientDatabaseError, Writer
from outings.db.database import Database, Table
from outings.db.group import GroupCommit
from outings.db.migrations import migrations

T = TypeVar("T")

#: Connections per app process (readers and the writer share them).
POOL_SIZE = 10
#: How long a request waits for a free connection, or a new one, before a 503.
ACQUIRE_TIMEOUT_S = 10.0
#: A statement without an answer this long means the server is out of reach
#: (a silent network partition): the group's writers get a 503, not a hang.
COMMAND_TIMEOUT_S = 30.0
#: Set on every connection, by the server: a statement never runs longer; a
#: writer never waits longer for another process's group; a transaction left
#: open by a client that vanished is ended (its lock on the writers' row with it);
#: a dead client is noticed within a minute, not TCP's two hours.
SERVER_SETTINGS = {
    "statement_timeout": "20s",
    "lock_timeout": "10s",
    "idle_in_transaction_session_timeout": "60s",
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "10",
    "tcp_keepalives_count": "3",
}
#: Held while migrations run, so that processes starting together apply them once.
MIGRATION_LOCK = 0x6F7574696E6773  # "outings"

_TOKEN = re.compile(
    r"'(?:[^']|'')*'|::|\?|:([A-Za-z_][A-Za-z0-9_]*)|\bgroup_concat\(|\blike\b", re.IGNORECASE
)


@lru_cache(maxsize=4096)
def translate(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` as PostgreSQL takes it, and the names of its ``:name`` parameters
    in the order of their numbers (none when it uses ``?``)."""
    names: list[str] = []
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        text = match[0]
        if text.startswith("'") or text == "::":
            return text  # a literal, or a cast
        if text == "?":
            count += 1
            return f"${count}"
        if text.startswith("group_concat"):
            return "string_agg("
        if text.lower() == "like":
            # SQLite's LIKE ignores ASCII case, PostgreSQL's minds it: ILIKE
            # is SQLite's rule. The app's searches compare folded keys
            # (outings.folded), the same either way; any other LIKE stays alike.
            return "ilike"
        name = match[1]
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _TOKEN.sub(swap, sql), tuple(names)


def _bind(sql: str, params: Params) -> tuple[str, list[Any]]:
    text, names = translate(sql)
    if isinstance(params, dict):
        return text, [params[name] for name in names]
    return text, list(params)


def _changed_rows(status: str) -> int:
    """How many rows a command changed, from its tag ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _Queries:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        text, args = _bind(sql, params)
        row: Row | None = await self._conn.fetchrow(text, *args)
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        text, args = _bind(sql, params)
        rows: list[Row] = await self._conn.fetch(text, *args)
        return rows

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class PostgresWriter(_Queries):
    async def execute(self, sql: str, params: Params = ()) -> int:
        text, args = _bind(sql, params)
        return _changed_rows(await self._conn.execute(text, *args))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        text, _names = translate(sql)
        await self._conn.executemany(text, [_bind(sql, row)[1] for row in rows])


class PostgresReader(_Queries):
    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Reader]:
        async with self._conn.transaction(isolation="repeatable_read", readonly=True):
            yield self

    async def execute(self, sql: str, params: Params = ()) -> None:
        text, args = _bind(sql, params)
        await self._conn.execute(text, *args)


_TYPES = (
    (re.compile(r"\bblob\b"), "bytea"),
    (re.compile(r"\breal\b"), "double precision"),
    # counters that may pass 2^31 over the years (SQLite's integer is 64-bit)
    (
        re.compile(
            r"\b(cursor|min_cursor|commits|queued_seq|mutation_id|last_mutation_id)\s+integer\b"
        ),
        r"\1 bigint",
    ),
)


def migration_sql(version: int, name: str, sql: str) -> str:
    """A migration as PostgreSQL runs it: its own file when one is shipped
    (``NNNN_name.postgresql.sql``), else the shared one with PostgreSQL's types."""
    own = resources.files("outings.db.migrations") / f"{version:04d}_{name}.postgresql.sql"
    if own.is_file():
        return own.read_text("utf-8")
    for pattern, replacement in _TYPES:
        sql = pattern.sub(replacement, sql)
    return sql


async def apply_migrations(conn: asyncpg.Connection) -> list[int]:
    applied: list[int] = []
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(
            "create table if not exists schema_migrations ("
            " version integer primary key, name text not null, applied_at text not null)"
        )
        done = {r[0] for r in await conn.fetch("select version from schema_migrations")}
        for migration in migrations():
            if migration.version in done:
                continue
            await conn.execute(migration_sql(migration.version, migration.name, migration.sql))
            await conn.execute(
                "insert into schema_migrations (version, name, applied_at) values ($1, $2,"
                " to_char(now() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))",
                migration.version,
                migration.name,
            )
            applied.append(migration.version)
    return applied


#: Conflicts that waiting and trying again would get past: a 503 ("try again").
_RETRY = (
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.LockNotAvailableError,  # waited LOCK_TIMEOUT for the writers' lock
    asyncpg.QueryCanceledError,  # a statement past STATEMENT_TIMEOUT
)
#: The server out of reach while connecting.
_UNREACHABLE = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
)
#: The connection lost under a statement (a restart, a failover, an administrator).
_CUT = (
    asyncpg.PostgresConnectionError,
    asyncpg.ConnectionDoesNotExistError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncio.TimeoutError,  # no answer within COMMAND_TIMEOUT_S: a partition
)


async def create_database(server: str, name: str, template: str | None = None) -> None:
    """A new database ``name`` on the server ``server`` (a URL to any of its
    databases), empty or a copy of ``template``: for the tests and the bench,
    which make their own (``name`` and ``template`` come from code, not from
    outside: a database's name cannot be a query parameter)."""
    conn = await asyncpg.connect(server)
    try:
        copy = f" template {template}" if template else ""
        await conn.execute(f"create database {name}{copy}")
    finally:
        await conn.close()


def _lost(exc: BaseException) -> BaseException:
    """A conflict, or the server out of reach: a 503 ("try again")."""
    if isinstance(exc, _RETRY):
        return TransientDatabaseError(str(exc))
    return exc


@asynccontextmanager
async def _connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection from the pool. The database out of reach, while connecting
    or under a statement, is :class:`TransientDatabaseError` (a 503); any other
    error is ours, and stays what it is (a 500 that is logged)."""
    try:
        conn = await pool.acquire(timeout=ACQUIRE_TIMEOUT_S)
    except asyncpg.ObjectNotInPrerequisiteStateError as exc:
        # "database … is not currently accepting connections" (a restart, an administrator)
        if "accepting connections" not in str(exc):
            raise
        raise TransientDatabaseError("the database is not accepting connections") from exc
    except _UNREACHABLE as exc:
        raise TransientDatabaseError(f"the database is out of reach: {exc!r}") from exc
    try:
        yield conn
    except _CUT as exc:
        raise TransientDatabaseError(f"the connection to the database was lost: {exc!r}") from exc
    except asyncpg.InterfaceError as exc:
        if not conn.is_closed():
            raise  # a mistake of ours (a wrong parameter type…), not the network
        raise TransientDatabaseError(f"the connection to the database was lost: {exc!r}") from exc
    finally:
        await pool.release(conn)


class PostgresDatabase(Database):
    """A pool of connections to one PostgreSQL database."""

    shared_by_processes = True

    def __init__(self, url: str, *, patient: bool = False) -> None:
        """``patient``: no time limit on statements, for the commands that read
        or write a whole instance (``outings export``/``import``); the app's
        requests are short, and one that is not means the server is out of reach."""
        self.url = url
        self._patient = patient
        self._pool: asyncpg.Pool | None = None
        self._group = GroupCommit(self._transaction, _lost)

    async def open(self) -> None:
        # Migrations on a connection of their own, with no time limit: one may
        # rewrite a large table.
        conn = await asyncpg.connect(self.url, timeout=ACQUIRE_TIMEOUT_S)
        try:
            await apply_migrations(conn)
        finally:
            await conn.close()
        settings = SERVER_SETTINGS
        if self._patient:
            settings = {k: v for k, v in settings.items() if k != "statement_timeout"}
        self._pool = await asyncpg.create_pool(
            self.url,
            min_size=1,
            max_size=POOL_SIZE,
            timeout=ACQUIRE_TIMEOUT_S,  # to connect
            command_timeout=None if self._patient else COMMAND_TIMEOUT_S,
            server_settings=settings,
        )
        self._group.start()

    async def close(self) -> None:
        await self._group.stop()  # the writes already asked for first
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    def _ready(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("PostgresDatabase.open() was not called")
        return self._pool

    async def write(self, fn: Callable[[Writer], Awaitable[T]]) -> T:
        self._ready()
        return await self._group.write(fn)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Writer]:
        """One group's transaction (outings/db/group.py): the counter row locked
        first, held to the commit, so groups of every process follow one another."""
        async with _connection(self._ready()) as conn, conn.transaction():
            await conn.execute("update sync_state set commits = commits + 1 where id = 1")
            yield PostgresWriter(conn)

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[Reader]:
        async with _connection(self._ready()) as conn:
            yield PostgresReader(conn)

    async def apply_alone(self, sql: str, params: Params = ()) -> Row | None:
        # no change recorded, so no place in the writers' line: the statement's
        # own row lock is all it needs (an upsert is atomic on its own)
        text, args = _bind(sql, params)
        async with _connection(self._ready()) as conn:
            row: Row | None = await conn.fetchrow(text, *args)
            return row

    async def tables(self) -> list[Table]:
        columns: dict[str, list[str]] = {}
        references: dict[str, set[str]] = {}
        async with self.reader() as r:
            for row in await r.fetchall(
                "select table_name, column_name from information_schema.columns"
                " where table_schema = current_schema() order by table_name, ordinal_position"
            ):
                columns.setdefault(row[0], []).append(row[1])
            for row in await r.fetchall(
                "select c.conrelid::regclass::text, c.confrelid::regclass::text"
                " from pg_constraint c join pg_namespace n on n.oid = c.connamespace"
                " where c.contype = 'f' and n.nspname = current_schema()"
            ):
                references.setdefault(row[0], set()).add(row[1])
        return [
            Table(name, tuple(names), frozenset(references.get(name, ())))
            for name, names in columns.items()
        ]

    async def data_version(self) -> object:
        return await self.fetchval("select commits from sync_state where id = 1")
