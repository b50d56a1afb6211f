"""Settings from the environment, the storage layer, and the README keeping up."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from pathlib import Path

import msgspec
import pytest

from outings.cli import COMMANDS, main
from outings.db.database import Writer
from outings.db.migrations import migrations
from outings.db.sqlite import SQLiteDatabase
from outings.settings import Settings, SettingsError, env_names
from tests.conftest import in_thread
from tests.softauthn import SoftAuthenticator

README = Path(__file__).resolve().parent.parent / "README.md"


def test_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "OUTINGS_DB": "data/x.db",
            "OUTINGS_ORIGIN": "https://outings.example.org/",
            "OUTINGS_SESSION_DAYS": "7",
        }
    )
    assert settings.db == "data/x.db"
    assert settings.origin == "https://outings.example.org"
    assert settings.rp_id == "outings.example.org"
    assert settings.session_days == 7
    assert settings.secure_cookies
    assert settings.db_shown == "data/x.db"
    pg = Settings.from_env({"OUTINGS_DB": "postgresql://app:s3cret@db.example:5432/outings"})
    assert pg.db_shown == "postgresql://app:***@db.example:5432/outings"  # never the password
    asked = Settings.from_env({"OUTINGS_DB": "postgresql:///outings?user=app&password=s3cret"})
    assert asked.db_shown == "postgresql:///outings?user=app&password=***"


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"OUTINGS_ORIGIN": "localhost:8000"}, "OUTINGS_ORIGIN"),
        ({"OUTINGS_RP_ID": "example.com"}, "OUTINGS_RP_ID"),
        ({"OUTINGS_TIMEZONE": "Mars/Olympus"}, "OUTINGS_TIMEZONE"),
        ({"OUTINGS_SESSION_DAYS": "soon"}, "session_days"),
    ],
)
def test_bad_settings_say_which_and_why(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env)


def test_every_setting_and_command_is_in_the_readme() -> None:
    readme = README.read_text()
    for name in env_names():
        assert f"`{name}`" in readme, f"{name} is not documented in README.md"
    for command in COMMANDS:
        assert f"outings {command}" in readme, f"`outings {command}` is not in README.md"


def test_migrations_are_numbered_without_gaps() -> None:
    found = migrations()
    assert [m.version for m in found] == list(range(1, len(found) + 1))


def test_database_is_wal_migrated_and_writes_are_all_or_nothing(tmp_path: Path) -> None:
    async def scenario() -> None:
        db = SQLiteDatabase(tmp_path / "t.db")
        await db.open()
        try:
            assert await db.fetchval("pragma journal_mode") == "wal"
            tables = {r[0] for r in await db.fetchall("select name from sqlite_master")}
            for table in (
                "users",
                "passkeys",
                "sessions",
                "outings",
                "rsvps",
                "venues",
                "comments",
                "notifications",
                "sync_changes",
                "sync_clients",
                "sync_mutations",
                "sync_state",
            ):
                assert table in tables

            async def half(w: Writer) -> None:
                await w.execute("insert into meta (key, value) values ('a', '1')")
                raise RuntimeError("boom")

            with pytest.raises(RuntimeError):
                await db.write(half)
            assert await db.fetchval("select count(*) from meta where key = 'a'") == 0

            # readers cannot write, even by mistake
            with pytest.raises(sqlite3.OperationalError):
                async with db.reader() as r:
                    await r.execute("insert into meta (key, value) values ('b', '2')")
        finally:
            await db.close()
        # opening again applies nothing twice
        again = SQLiteDatabase(tmp_path / "t.db")
        await again.open()
        assert await again.fetchval("select count(*) from schema_migrations") == len(migrations())
        await again.close()

    in_thread(asyncio.run, scenario())


def test_a_write_waits_for_another_process_without_blocking_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding SQLite's write lock (a CLI command) delays a write;
    meanwhile the event loop keeps serving; past the wait, the caller is told to retry."""
    from outings.db import TransientDatabaseError, sqlite

    monkeypatch.setattr(sqlite, "WRITE_WAIT_S", 0.5)

    async def scenario() -> None:
        db = SQLiteDatabase(tmp_path / "t.db")
        await db.open()
        other = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
        try:

            async def put(w: Writer) -> None:
                await w.execute("insert into meta (key, value) values ('k', 'v')")

            other.execute("begin immediate")
            ticks = 0

            async def ticker() -> None:
                nonlocal ticks
                while True:
                    await asyncio.sleep(0.01)
                    ticks += 1

            ticking = asyncio.create_task(ticker())
            loop = asyncio.get_running_loop()
            loop.call_later(0.2, other.execute, "commit")
            await db.write(put)  # waits for the commit, then writes
            assert ticks >= 10  # the loop ran all along
            assert await db.fetchval("select value from meta where key = 'k'") == "v"

            other.execute("begin immediate")
            with pytest.raises(TransientDatabaseError):
                await db.write(put)
            other.execute("rollback")
            ticking.cancel()
        finally:
            other.close()
            await db.close()

    in_thread(asyncio.run, scenario())


def test_writes_reach_the_database_file_not_only_the_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checkpointer copies the WAL into the database file in the background."""
    from outings.db import sqlite

    monkeypatch.setattr(sqlite, "CHECKPOINT_COMMITS", 3)

    async def scenario() -> None:
        db = SQLiteDatabase(tmp_path / "t.db")
        await db.open()
        try:
            for i in range(3):

                async def put(w: Writer, i: int = i) -> None:
                    await w.execute("insert into meta (key, value) values (?, 'v')", (f"k{i}",))

                await db.write(put)
            # immutable=1 reads the database file alone, ignoring the WAL
            uri = f"file:{tmp_path / 't.db'}?immutable=1"
            for _ in range(100):
                await asyncio.sleep(0.02)
                with sqlite3.connect(uri, uri=True) as file_only:
                    found = file_only.execute("select count(*) from meta where key like 'k%'")
                    if found.fetchone()[0] == 3:
                        return
            raise AssertionError("the WAL was never checkpointed into the database file")
        finally:
            await db.close()

    in_thread(asyncio.run, scenario())


def test_a_connection_s_thread_is_waited_for_when_its_caller_is_cancelled() -> None:
    """A commit or checkpoint runs in a thread; cancelled meanwhile (a stop, the
    loop closing), its caller goes on only once the thread is done: closing a
    connection under the thread using it crashed a test process in libsqlite3."""
    from outings.db import sqlite

    events: list[str] = []

    def slow() -> None:
        time.sleep(0.3)
        events.append("thread done")

    async def caller() -> None:
        try:
            await sqlite._in_thread(slow)
        except asyncio.CancelledError:
            events.append("caller cancelled")
            raise

    async def cancel_it() -> None:
        task = asyncio.create_task(caller())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    async def leave_it_running() -> None:
        asyncio.create_task(caller())  # noqa: RUF006 -- the loop's end cancels it
        await asyncio.sleep(0.05)

    for scenario in (cancel_it, leave_it_running):
        events.clear()
        in_thread(asyncio.run, scenario())
        assert events == ["thread done", "caller cancelled"], scenario.__name__


def test_cli_migrate_demo_and_grant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTINGS_DB", str(tmp_path / "cli.db"))
    assert in_thread(main, ["migrate"]) == 0
    assert in_thread(main, ["demo"]) == 0
    assert re.search(r"\d+ families and \d+ venues added", capsys.readouterr().out)
    assert in_thread(main, ["demo", "--if-empty"]) == 0
    assert "already" in capsys.readouterr().out
    assert in_thread(main, ["grant", "moderator", "Amara"]) == 0
    assert "is now moderator" in capsys.readouterr().out
    assert in_thread(main, ["grant", "moderator", "Nobody"]) == 1
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        assert conn.execute("select count(*) from user_roles").fetchone() == (1,)


def test_cli_refuses_bad_settings_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTINGS_ORIGIN", "nonsense")
    assert in_thread(main, ["migrate"]) == 2
    assert "OUTINGS_ORIGIN" in capsys.readouterr().err


def test_several_workers_are_refused_on_sqlite_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTINGS_DB", str(tmp_path / "one.db"))
    assert in_thread(main, ["serve", "--workers", "2"]) == 2
    assert "--workers above 1 needs PostgreSQL" in capsys.readouterr().err
    assert in_thread(main, ["serve", "--workers", "0"]) == 2
    assert not (tmp_path / "one.db").exists()  # refused before anything was made


def test_an_app_started_again_on_another_database_keeps_nothing_of_the_first(
    tmp_path: Path,
) -> None:
    """A built app may start again on other data (the tests do, per test): what it
    showed, kept or counted on the first database is gone on the second."""
    from litestar.testing import TestClient

    from outings.app import create_app
    from tests.conftest import ORIGIN, csrf_token, sign_up
    from tests.outing_helpers import outing_form

    first = Settings(db=str(tmp_path / "a.db"), origin=ORIGIN, secret="s", limit_forms=3)
    second = msgspec.structs.replace(first, db=str(tmp_path / "b.db"))
    form = outing_form(title="Rhyme time at the library")
    with TestClient(create_app(second), base_url=ORIGIN) as host:  # b holds an outing
        sign_up(host, SoftAuthenticator(origin=ORIGIN))
        form["_csrf_token"] = csrf_token(host, "/outings/new")
        assert host.post("/outings", data=form, follow_redirects=False).status_code == 302

    app = create_app(first)
    with TestClient(app, base_url=ORIGIN) as visitor:
        # a's list, kept at the same data version b's will have once started
        assert "Rhyme time" not in visitor.get("/").text
    app.state.settings = second
    with TestClient(app, base_url=ORIGIN) as visitor:
        assert "Rhyme time" in visitor.get("/").text
        assert any(c["type"] == "outing" for c in visitor.get("/api/sync/pull").json()["changes"])
        for _ in range(3):
            assert visitor.post("/outings", data={}).status_code != 429
        assert visitor.post("/outings", data={}).status_code == 429
    app.state.settings = first
    with TestClient(app, base_url=ORIGIN) as visitor:
        assert "Rhyme time" not in visitor.get("/").text
        assert visitor.get(f"/outings/{form['id']}").status_code == 404
        assert not visitor.get("/api/sync/pull?cursor=0").json()["changes"]
        assert visitor.post("/outings", data={}).status_code != 429  # counted afresh

    app.state.settings = msgspec.structs.replace(first, limit_forms=9)
    with pytest.raises(BaseExceptionGroup) as refused, TestClient(app):
        pass
    assert refused.group_contains(RuntimeError, match="another database alone")
