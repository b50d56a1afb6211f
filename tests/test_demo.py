"""``outings demo``: a believable fortnight that a second run leaves alone."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

from outings.demo import load_demo
from outings.settings import Settings
from tests.conftest import in_thread


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


def _value(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as conn:
        value: int = conn.execute(sql).fetchone()[0]
        return value


def test_demo_fills_a_fortnight_once(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    settings = Settings(db=str(db), origin="http://outings.local:8000", secret="x")

    first = in_thread(asyncio.run, load_demo(settings))

    assert re.search(r"\d+ families and \d+ venues added", first)
    assert _value(db, "select count(*) from outings") >= 12
    assert _value(db, "select count(distinct category) from outings") == 11
    assert _value(db, "select count(*) from outings where status = 'cancelled'") == 1
    full = _value(
        db,
        "select count(*) from outings o where o.capacity ="
        " (select count(*) from rsvps r where r.outing_id = o.id and r.state = 'confirmed')"
        " and (select count(*) from rsvps r where r.outing_id = o.id"
        " and r.state = 'waitlisted') between 1 and 3",
    )
    assert full >= 2
    assert _value(db, "select count(*) from venues") >= 12
    assert _value(db, "select count(*) from venues where verified_at is not null") >= 3
    assert _value(db, "select count(*) from venues where verified_at is null") >= 2
    assert _value(db, "select count(*) from outings where venue_id is not null") >= 6
    assert _value(db, "select count(*) from outings where meeting_point_private = 1") == 1
    assert _value(db, "select count(*) from comments") >= 15
    assert _value(db, "select count(*) from rsvps where status in ('maybe', 'declined')") >= 3

    before = _counts(db)
    second = in_thread(asyncio.run, load_demo(settings))

    assert "0 families and 0 venues added, 0 outings, 0 replies, 0 comments" in second
    assert _counts(db) == before


def test_demo_if_empty_skips_a_database_with_users(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "d.db"), origin="http://outings.local:8000", secret="x")
    in_thread(asyncio.run, load_demo(settings))

    assert "already" in in_thread(asyncio.run, load_demo(settings, if_empty=True))


def test_demo_places_reach_a_sync_pull(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "d.db"), origin="http://outings.local:8000", secret="x")
    in_thread(asyncio.run, load_demo(settings))
    with sqlite3.connect(settings.db) as conn:
        venues = conn.execute("select count(*) from venues").fetchone()[0]
        logged = conn.execute(
            "select count(*) from sync_changes where entity_type = 'venue'"
        ).fetchone()[0]
        verified = conn.execute("select count(*) from venues where verified_at is not null")
        assert verified.fetchone()[0] >= 3
    assert logged == venues
