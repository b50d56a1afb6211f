"""Group commit, for either engine: many writers, one durable commit.

A phone removes a change from its outbox once the server has answered, so an
answered write must survive a power cut: each commit waits for the disk. The
writes waiting at one moment share that wait. They queue up; one task runs
them all inside one transaction, each in a savepoint of its own (a write that
fails is rolled back alone and its caller gets the error), commits once, and
only then answers each caller. While that commit runs, the next group gathers.

The engine says how a group's transaction begins and ends (``begin``: a
context manager giving the writer, committing on a clean exit, rolling back
otherwise): SQLite's single writer in ``BEGIN IMMEDIATE``; PostgreSQL's
connection holding the change log's counter row (outings/db/sqlite.py,
outings/db/postgres.py). Savepoints are spelt the same on both.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Generic, TypeVar

from outings.db.connection import Writer

T = TypeVar("T")

#: At most this many writes share one transaction and its commit.
GROUP_MAX = 64


class _Pending(Generic[T]):
    """A write waiting for its group: what to run and where its answer goes."""

    __slots__ = ("answer", "context", "fn")

    def __init__(self, fn: Callable[[Writer], Awaitable[T]], answer: asyncio.Future[T]) -> None:
        self.fn = fn
        self.answer = answer
        # The caller's context (its language, above all): a refusal worded
        # inside the write is worded for the parent who asked, not for
        # whoever started the commit loop.
        self.context = contextvars.copy_context()

    async def run(self, w: Writer) -> T:
        return await asyncio.create_task(self.fn(w), context=self.context)  # type: ignore[arg-type]

    def succeed(self, result: T) -> None:
        if not self.answer.done():
            self.answer.set_result(result)

    def fail(self, exc: BaseException) -> None:
        if not self.answer.done():
            self.answer.set_exception(exc)


def _stopping() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


class GroupCommit:
    """Writes queued by callers, committed in groups by one task.

    ``begin()`` opens a group's transaction; ``lost(exc)`` turns an engine's
    error into what a caller is given (a busy database is
    :class:`~outings.db.connection.TransientDatabaseError`, a 503).
    """

    def __init__(
        self,
        begin: Callable[[], AbstractAsyncContextManager[Writer]],
        lost: Callable[[BaseException], BaseException],
        group_max: int = GROUP_MAX,
    ) -> None:
        self._begin = begin
        self._lost = lost
        self._group_max = group_max
        self._queue: list[_Pending[Any]] = []
        # Made in start(): an asyncio primitive belongs to the loop that first waits on it.
        self._queued = asyncio.Event()
        self._idle = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._queued = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task = asyncio.create_task(self._loop())

    @property
    def running(self) -> bool:
        return self._task is not None

    async def stop(self) -> None:
        """Finish and answer the writes already queued, then stop."""
        if self._task is None:
            return
        await self._idle.wait()
        self._task.cancel()
        await asyncio.wait([self._task])
        self._task = None
        # one asked for in the moment between the last group and the stop
        for pending in self._queue:
            pending.fail(RuntimeError("the database was closed"))
        self._queue = []

    async def write(self, fn: Callable[[Writer], Awaitable[T]]) -> T:
        if self._task is None or self._task.done():
            raise RuntimeError("the database is not open")
        pending: _Pending[T] = _Pending(fn, asyncio.get_running_loop().create_future())
        self._queue.append(pending)
        self._idle.clear()
        self._queued.set()
        return await pending.answer

    async def _loop(self) -> None:
        while True:
            await self._queued.wait()
            self._queued.clear()
            while self._queue:
                group = self._queue[: self._group_max]
                self._queue = self._queue[self._group_max :]
                # A caller gone before its write began (a closed connection)
                # is not written for, as when each write had its own transaction.
                group = [p for p in group if not p.answer.cancelled()]
                try:
                    if group:
                        await self._commit(group)
                finally:
                    for pending in group:  # never leave a caller waiting for ever
                        pending.fail(RuntimeError("the write was interrupted"))
            self._idle.set()

    async def _commit(self, group: list[_Pending[Any]]) -> None:
        done: list[tuple[_Pending[Any], Any]] = []
        try:
            async with self._begin() as w:
                for pending in group:
                    await w.execute("savepoint write")
                    try:
                        result = await pending.run(w)
                    except (Exception, asyncio.CancelledError) as exc:
                        if isinstance(exc, asyncio.CancelledError) and _stopping():
                            raise  # this loop is being stopped, not the write
                        await w.execute("rollback to write")
                        await w.execute("release write")
                        pending.fail(self._lost(exc))
                        continue
                    await w.execute("release write")
                    done.append((pending, result))
        except BaseException as exc:
            # CancelledError included: nobody is told "done" for a lost commit
            # (``begin`` has rolled back).
            for pending in group:
                pending.fail(self._lost(exc))
            if not isinstance(exc, Exception):
                raise
            return
        for pending, result in done:
            pending.succeed(result)
