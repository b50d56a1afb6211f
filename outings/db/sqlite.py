"""The one object that owns SQLite.

SQLite has one writer at a time, so every write in the app goes through
:meth:`SQLiteDatabase.write`, which serialises callers on one connection and wraps
each call in ``BEGIN IMMEDIATE``; a failure rolls the whole call back, so a
change is never half-applied. Reads use a small pool of ``query_only``
connections that in WAL mode never wait for the writer.

Statements run on the event loop's own thread. A request's queries are
short (indexed lookups, bounded pages) and take microseconds; handing each
one to a connection thread and back, as aiosqlite does, cost more than the
query itself: measured on the benchmark database, it halved the pages and
pushes served per second (see bench/README and issue 6). What can take long
is kept off the loop: waiting for another process's write lock is an
``asyncio.sleep`` between tries, never a blocking busy timeout, and the fsync
of each commit and the WAL checkpoints run in worker threads. The methods stay
``async`` so a server-backed database (PostgreSQL) can take this one's place.

Commits are durable (``synchronous = full``): a phone removes a change from
its outbox once the server has answered, so an answered write must survive a
power cut, not only a crash of the app. What that costs is paid once for many
writers: *group commit*. Writes queue up; one task runs every write waiting
at that moment inside one ``BEGIN IMMEDIATE`` transaction, each in a
savepoint of its own (a write that fails is rolled back alone and its caller
gets the error), then commits once, one fsync for all of them, and only then
answers each caller. While that fsync runs, the next group gathers
(outings/db/group.py, shared with PostgreSQL).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from outings.db.connection import (
    Reader,
    SQLiteReader,
    SQLiteWriter,
    TransientDatabaseError,
    Writer,
    connect,
    is_transient,
)
from outings.db.database import Database, Table
from outings.db.group import GROUP_MAX, GroupCommit
from outings.db.migrations import apply_migrations

T = TypeVar("T")

READERS = 3
#: How long a write waits for another process (a CLI command) to finish its own.
WRITE_WAIT_S = 5.0
#: Checkpoint the WAL into the database after this many commits, or every
#: CHECKPOINT_EVERY_S seconds when anything was written.
CHECKPOINT_COMMITS = 500
CHECKPOINT_EVERY_S = 5.0

log = logging.getLogger("outings.db")


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking call on a connection in a worker thread, to its end.

    Cancelled meanwhile (a stop, or the loop closing), it still waits for the
    thread before letting the cancellation through: a connection must not be
    rolled back or closed under the thread using it. Closing one in use
    crashes the whole process inside libsqlite3 (seen in a test run, when the
    loop's shutdown cancelled a checkpoint still running in its thread).
    """
    job = asyncio.get_running_loop().run_in_executor(None, fn, *args)
    try:
        return await asyncio.shield(job)
    except asyncio.CancelledError:
        while not job.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([job])
        raise


def _close_quietly(conn: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        conn.close()


def _lost(exc: BaseException) -> BaseException:
    """A busy or locked database is a 503 ("try again"), not a 500."""
    if isinstance(exc, sqlite3.OperationalError) and is_transient(exc):
        return TransientDatabaseError(str(exc))
    return exc


class SQLiteDatabase(Database):
    """SQLite: one serialised writer, a pool of readers, checkpoints off the loop."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._writer: sqlite3.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._readers: list[sqlite3.Connection] = []
        self._all_readers: list[sqlite3.Connection] = []
        self._commits_since_checkpoint = 0
        self._checkpointer: asyncio.Task[None] | None = None
        # Made in open(): an asyncio primitive belongs to the loop that first waits on it.
        self._reader_freed = asyncio.Event()
        self._checkpoint_wanted = asyncio.Event()
        self._group = GroupCommit(self._transaction, _lost, GROUP_MAX)
        self._watch: sqlite3.Connection | None = None
        self._commits = 0

    async def open(self) -> None:
        """Connect, apply pending migrations, then open the readers and the checkpointer."""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._write_lock = asyncio.Lock()
        self._reader_freed = asyncio.Event()
        self._checkpoint_wanted = asyncio.Event()
        self._writer = connect(self.path, readonly=False)
        async with self._write_lock:
            await self._migrate(self._writer)
        self._group.start()
        self._watch = connect(self.path, readonly=True)
        for _ in range(READERS):
            conn = connect(self.path, readonly=True)
            self._all_readers.append(conn)
            self._readers.append(conn)
        if self.path != ":memory:":
            self._checkpointer = asyncio.create_task(self._checkpoint_loop())

    async def _migrate(self, conn: sqlite3.Connection) -> None:
        deadline = time.monotonic() + WRITE_WAIT_S
        while True:
            try:
                apply_migrations(conn)
                return
            except sqlite3.OperationalError as exc:
                if not is_transient(exc) or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        try:
            # Writes already queued are finished and answered first.
            await self._group.stop()
            if self._checkpointer is not None:
                self._checkpointer.cancel()
                await asyncio.wait([self._checkpointer])
                self._checkpointer = None
        finally:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
            for conn in self._all_readers:
                conn.close()
            self._all_readers.clear()
            self._readers.clear()
            if self._writer is not None:
                async with self._write_lock:
                    # The last connection to close checkpoints and removes the WAL.
                    self._writer.close()
                self._writer = None

    async def _begin(self, conn: sqlite3.Connection) -> None:
        """``BEGIN IMMEDIATE``, waiting without blocking while another process writes."""
        deadline = time.monotonic() + WRITE_WAIT_S
        pause = 0.002
        while True:
            try:
                conn.execute("begin immediate")
                return
            except sqlite3.OperationalError as exc:
                if not is_transient(exc):
                    raise
                if time.monotonic() + pause > deadline:
                    raise TransientDatabaseError(str(exc)) from exc
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1)

    async def write(self, fn: Callable[[Writer], Awaitable[T]]) -> T:
        """Run ``fn`` in a write transaction; answer once it is on disk.

        Everything ``fn`` does commits together or not at all (it may share the
        transaction with other writes, never their fate: see the module's
        docstring). Busy or locked databases raise :class:`TransientDatabaseError`.
        """
        if self._writer is None:
            raise RuntimeError("SQLiteDatabase.open() was not called")
        return await self._group.write(fn)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Writer]:
        """One group's transaction on the writer (outings/db/group.py)."""
        conn = self._writer
        assert conn is not None
        async with self._write_lock:
            await self._begin(conn)
            try:
                yield SQLiteWriter(conn)
                # The fsync: off the loop, which serves pages meanwhile while the
                # next group queues up. Nobody else touches the writer until it returns.
                await _in_thread(conn.execute, "commit")
            except BaseException:
                # CancelledError included: the writer never stays inside an open transaction.
                if conn.in_transaction:
                    conn.execute("rollback")
                raise
        self._commits += 1
        self._commits_since_checkpoint += 1
        if self._commits_since_checkpoint >= CHECKPOINT_COMMITS:
            self._checkpoint_wanted.set()

    async def _checkpoint_loop(self) -> None:
        """Copy the WAL into the database in a thread of its own, now and then.

        ``PASSIVE`` never waits for readers or the writer; the WAL starts over
        from the top once a checkpoint has caught up with it.
        """
        while True:
            # Its own connection, used only from a worker thread: a checkpoint
            # copies pages and fsyncs the database file, too slow for the loop.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            try:
                while True:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._checkpoint_wanted.wait(), CHECKPOINT_EVERY_S)
                    self._checkpoint_wanted.clear()
                    if self._commits_since_checkpoint == 0:
                        continue
                    self._commits_since_checkpoint = 0
                    await _in_thread(conn.execute, "pragma wal_checkpoint(passive)")
            except Exception:
                # Never let it die quietly: say so, wait, start again on a new connection.
                log.warning("WAL checkpoint failed; trying again shortly", exc_info=True)
                await asyncio.sleep(CHECKPOINT_EVERY_S)
            finally:
                _close_quietly(conn)  # no thread uses it any more (_in_thread)

    async def data_version(self) -> tuple[int, int]:
        """A value that changes whenever anything is committed, here or by
        another process (a CLI command): what a kept page is checked against
        (web/front.py). SQLite's ``data_version`` as seen by a connection
        that never writes, without a query's round trip; and this process's
        own commits (an in-memory database shares no file to watch)."""
        if self._watch is None:
            raise RuntimeError("SQLiteDatabase.open() was not called")
        seen: int = self._watch.execute("pragma data_version").fetchone()[0]
        return self._commits, seen

    async def tables(self) -> list[Table]:
        found = []
        async with self.reader() as r:
            names = await r.fetchall(
                "select name from sqlite_master where type = 'table'"
                " and name not like 'sqlite%' order by name"
            )
            for (name,) in names:  # names from the catalogue itself
                columns = await r.fetchall(f'pragma table_info("{name}")')
                keys = await r.fetchall(f'pragma foreign_key_list("{name}")')
                found.append(
                    Table(
                        name,
                        tuple(c["name"] for c in columns),
                        frozenset(k["table"] for k in keys),
                    )
                )
        return found

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[Reader]:
        """Borrow a read-only connection; it sees the last committed state."""
        deadline = time.monotonic() + WRITE_WAIT_S
        while not self._readers:
            # Only a borrower that awaits something real while holding a
            # reader can leave the pool empty: wait for one to come back.
            self._reader_freed.clear()
            left = deadline - time.monotonic()
            try:
                await asyncio.wait_for(self._reader_freed.wait(), max(left, 0))
            except TimeoutError as exc:
                raise TransientDatabaseError("no database reader came free") from exc
        conn = self._readers.pop()
        try:
            yield SQLiteReader(conn)
        finally:
            try:
                if conn.in_transaction:
                    conn.execute("rollback")
            finally:
                self._readers.append(conn)
                self._reader_freed.set()
