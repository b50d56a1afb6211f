"""``outings demo``: a believable fortnight that a second run leaves alone, and
``--reset``, which replaces stale sample data with data dated from today."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient

from outings.app import create_app
from outings.cli import main
from outings.demo import KEPT, DemoRefused, load_demo, today_slot
from outings.outing.store import iso
from outings.settings import Settings
from tests.conftest import in_thread, sign_up
from tests.softauthn import SoftAuthenticator


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
    assert _value(db, "select count(distinct category) from outings") == 14
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
    # three neighbourhood circles, each with a moderator; one asks, and someone waits
    assert _value(db, "select count(*) from circles") == 3
    assert (
        _value(db, "select count(distinct circle_id) from circle_members where role = 'moderator'")
        == 3
    )
    assert _value(db, "select count(*) from circle_members where role = 'moderator'") >= 4
    assert _value(db, "select count(*) from circle_members where role = 'member'") >= 12
    assert _value(db, "select count(*) from circles where joining = 'ask'") == 1
    assert _value(db, "select count(*) from circle_members where role = 'asked'") == 1
    # their outings (some for members only, one adults only), boards, address books, news
    assert _value(db, "select count(*) from outings where circle_id is not null") == 4
    assert _value(db, "select count(*) from outings where visibility = 'members'") == 3
    assert _value(db, "select count(*) from outings where adults_only = 1") == 1
    assert _value(db, "select count(*) from circle_posts where kind = 'ask'") >= 3
    assert _value(db, "select count(*) from circle_posts where kind = 'offer'") >= 3
    assert _value(db, "select count(*) from circle_posts where sorted_at is not null") == 1
    assert _value(db, "select count(*) from circle_posts where pinned_at is not null") == 1
    assert _value(db, "select count(*) from circle_post_replies") >= 3
    assert _value(db, "select count(*) from circle_entries where status = 'approved'") >= 4
    assert _value(db, "select count(*) from circle_entries where status = 'pending'") == 1
    assert _value(db, "select count(*) from circle_entry_recommendations") >= 8
    assert _value(db, "select count(*) from circle_news") == 1
    assert _value(db, "select count(*) from notifications where kind = 'circle_news'") >= 6

    before = _counts(db)
    second = in_thread(asyncio.run, load_demo(settings))

    assert (
        "0 families and 0 venues added, 0 outings, 0 replies, 0 comments, 0 circles,"
        " 0 board posts, 0 addresses" in second
    )
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


# --reset: sample data dated from today, with an outing later today (issue 12) ----------


def _settings(tmp_path: Path) -> Settings:
    return Settings(db=str(tmp_path / "d.db"), origin="http://outings.local:8000", secret="x")


def _made_yesterday(path: Path) -> None:
    """The sample data as a run of ``outings demo`` yesterday left it."""
    with sqlite3.connect(path) as conn:
        for outing_id, starts_at, ends_at in conn.execute(
            "select id, starts_at, ends_at from outings"
        ).fetchall():
            day = timedelta(days=1)
            conn.execute(
                "update outings set starts_at = ?, ends_at = ? where id = ?",
                (
                    iso(datetime.fromisoformat(starts_at) - day),
                    iso(datetime.fromisoformat(ends_at) - day),
                    outing_id,
                ),
            )


def _starts(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("select title, starts_at from outings").fetchall())


def test_reset_replaces_yesterdays_sample_data_with_todays(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    in_thread(asyncio.run, load_demo(settings))
    fresh = _counts(settings.db_path)
    _made_yesterday(settings.db_path)
    stale = _starts(settings.db_path)

    said = in_thread(asyncio.run, load_demo(settings, reset=True))

    assert said.startswith(f"reset {settings.db}: deleted 14 accounts (0 with a passkey)")
    assert "sample data: 14 families and 12 venues added" in said
    now = _counts(settings.db_path)
    for table in ("users", "venues", "outings", "rsvps", "comments", "notifications"):
        assert now[table] == fresh[table], table
    tomorrow = (datetime.now(settings.tz) + timedelta(days=1)).date()
    starts = _starts(settings.db_path)
    coffee = datetime.fromisoformat(starts["Slow coffee with the little ones"])
    assert coffee.astimezone(settings.tz).date() == tomorrow
    assert all(starts[title] != stale[title] for title in starts if title in stale)


def test_the_sample_has_an_outing_under_today_on_the_list(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    in_thread(asyncio.run, load_demo(settings, reset=True))

    with TestClient(create_app(settings), base_url=settings.origin) as client:
        doc = BeautifulSoup(client.get("/").text, "html.parser")
    first_day = doc.select_one(".day")
    assert first_day is not None
    heading = first_day.select_one(".day-heading")
    assert heading is not None
    assert heading.get_text(strip=True).startswith("Today")
    assert "Swings and sandpit: come along today" in first_day.get_text()


def test_reset_keeps_accounts_people_made_unless_forced(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    in_thread(asyncio.run, load_demo(settings))
    with TestClient(create_app(settings), base_url=settings.origin) as client:
        sign_up(client, SoftAuthenticator(origin=settings.origin), "Ana")
    before = _counts(settings.db_path)

    with pytest.raises(DemoRefused, match="1 account"):
        in_thread(asyncio.run, load_demo(settings, reset=True))
    assert _counts(settings.db_path) == before

    said = in_thread(asyncio.run, load_demo(settings, reset=True, force=True))
    assert "deleted 15 accounts (1 with a passkey)" in said
    assert _value(settings.db_path, "select count(*) from users where display_name = 'Ana'") == 0
    assert _value(settings.db_path, "select count(*) from passkeys") == 0


def test_a_phone_that_synced_before_the_reset_gets_a_fresh_copy(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    in_thread(asyncio.run, load_demo(settings))
    with TestClient(create_app(settings), base_url=settings.origin) as client:
        held = client.get("/api/sync/pull?cursor=0&limit=200").json()
        while held["has_more"]:
            held = client.get(f"/api/sync/pull?cursor={held['cursor']}").json()
    in_thread(asyncio.run, load_demo(settings, reset=True))

    with TestClient(create_app(settings), base_url=settings.origin) as client:
        after = client.get(f"/api/sync/pull?cursor={held['cursor']}").json()
    assert after["reset"] is True
    assert any(c["type"] == "outing" for c in after["changes"])


def test_reset_empties_every_table_but_the_bookkeeping(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    in_thread(asyncio.run, load_demo(settings))
    first = _counts(settings.db_path)
    in_thread(asyncio.run, load_demo(settings, reset=True))
    again = _counts(settings.db_path)
    # every table holds what the sample data puts there, once: nothing was left
    assert {t: n for t, n in again.items() if t not in KEPT} == {
        t: n for t, n in first.items() if t not in KEPT
    }
    assert set(KEPT) <= set(first), "a kept table is gone from the schema"


def test_the_command_says_what_it_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OUTINGS_DB", str(tmp_path / "d.db"))
    assert in_thread(main, ["demo"]) == 0
    assert in_thread(main, ["demo", "--reset"]) == 0
    out = capsys.readouterr().out
    assert f"reset {tmp_path / 'd.db'}: deleted 14 accounts" in out
    assert in_thread(main, ["demo", "--force"]) == 2
    assert "--force only goes with --reset" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("clock", "start"),
    [
        ("02:40", "09:30"),  # night: the morning, still today
        ("14:10", "16:15"),  # two hours on, at the quarter
        ("21:00", "21:10"),  # late: in a few minutes
        ("23:58:30", "23:59"),  # a minute before midnight
    ],
)
def test_the_outing_today_is_later_today(clock: str, start: str) -> None:
    tz = ZoneInfo("Europe/Paris")
    now = datetime.combine(date(2026, 3, 10), time.fromisoformat(clock), tzinfo=tz)
    starts_at, ends_at = today_slot(now, tz)
    assert starts_at > now
    assert starts_at.astimezone(tz).date() == now.date()
    assert starts_at.astimezone(tz).strftime("%H:%M") == start
    assert ends_at - starts_at == timedelta(minutes=90)
