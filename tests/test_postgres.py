"""What is PostgreSQL's own (issue 15): which errors mean "try again" and which
are mistakes of ours. On PostgreSQL only (``make test-pg``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from outings.db import Database, TransientDatabaseError, database_at
from tests import data, pg
from tests.threads import in_thread

pytestmark = pytest.mark.postgresql


async def _two_statements_at_once(db: Database) -> None:
    async with db.reader() as r:
        both = await asyncio.gather(
            r.fetchval("select pg_sleep(0.1)"), r.fetchval("select 1"), return_exceptions=True
        )
        raise next(e for e in both if isinstance(e, Exception))


def test_a_mistake_in_a_statement_is_not_taken_for_a_lost_connection(tmp_path: Path) -> None:
    async def run() -> None:
        db = database_at(pg.fresh_database(tmp_path))
        await db.open()
        try:
            # bugs to log as a 500, not a 503 a phone retries for ever: a value of
            # the wrong type; two statements at once on one connection (asyncpg's
            # InterfaceError, as a connection cut under a statement is too)
            with pytest.raises(asyncpg.DataError):
                await db.fetchval("select count(*) from users where created_at > ?", (42,))
            with pytest.raises(asyncpg.InterfaceError, match="another operation is in progress"):
                await _two_statements_at_once(db)
            with pytest.raises(asyncpg.UndefinedTableError):
                await db.write(lambda w: w.execute("insert into nowhere values (1)"))
            # and the writer carries on after them
            assert await db.write(lambda w: w.fetchval("select 1")) == 1
        finally:
            await db.close()

    in_thread(asyncio.run, run())


def test_writes_cut_off_from_the_database_are_told_to_try_again(tmp_path: Path) -> None:
    database = pg.fresh_database(tmp_path)
    name = database.rsplit("/", 1)[1]

    async def run() -> None:
        db = database_at(database)
        await db.open()
        try:
            await db.write(lambda w: w.fetchval("select 1"))  # a connection in the pool
            data.rows(pg.SERVER, f"alter database {name} allow_connections false")
            data.rows(
                pg.SERVER,
                "select pg_terminate_backend(pid) from pg_stat_activity where datname = ?",
                name,
            )
            with pytest.raises(TransientDatabaseError):
                await db.write(lambda w: w.fetchval("select 1"))
            with pytest.raises(TransientDatabaseError):
                await db.fetchval("select 1")
            data.rows(pg.SERVER, f"alter database {name} allow_connections true")
            assert await db.write(lambda w: w.fetchval("select 2")) == 2
        finally:
            await db.close()

    in_thread(asyncio.run, run())
