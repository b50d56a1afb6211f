"""Every test on PostgreSQL when asked (issue 15): ``OUTINGS_TEST_POSTGRES`` is
the URL of a server the tests may create databases on (``make test-pg``
starts a throwaway one). Each test gets a database of its own, copied from a
template this test process migrated once."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.threads import in_thread

SERVER = os.environ.get("OUTINGS_TEST_POSTGRES", "")
_template: str | None = None


def _on(database: str) -> str:
    parts = urlsplit(SERVER)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def _create(name: str, template: str | None) -> None:
    from outings.db.postgres import create_database

    await create_database(SERVER, name, template)


async def _migrate(url: str) -> None:
    from outings.db.postgres import PostgresDatabase

    db = PostgresDatabase(url)
    await db.open()
    await db.close()


def fresh_database(tmp_path: Path, name: str = "outings.db") -> str:
    """Where a test keeps its data: a new PostgreSQL database when asked, else a SQLite file."""
    global _template
    if not SERVER:
        return str(tmp_path / name)
    if _template is None:
        template = f"template_{uuid.uuid4().hex[:12]}"
        in_thread(asyncio.run, _create(template, None))
        in_thread(asyncio.run, _migrate(_on(template)))
        _template = template
    database = f"t_{uuid.uuid4().hex}"
    in_thread(asyncio.run, _create(database, _template))
    return _on(database)


def database_in(folder: Path, name: str = "live.db") -> str:
    """The database kept in ``folder``: made on first ask, the same one after
    (a server restarted on the same folder finds its data again). A SQLite
    file there, or a PostgreSQL database whose URL a file there remembers."""
    if not SERVER:
        return str(folder / name)
    remembered = folder / f"{name}.postgresql"
    if remembered.exists():
        return remembered.read_text()
    database = fresh_database(folder, name)
    remembered.write_text(database)
    return database
