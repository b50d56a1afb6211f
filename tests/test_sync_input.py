"""Bad input through the real app: a clear 4xx or one rejected mutation, never a
500, never a page broken for everyone, never a blocked queue (issue 10)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.app import create_app
from outings.db.migrations import migrations
from outings.settings import Settings
from tests.conftest import ORIGIN, csrf_token, html, sign_up
from tests.outing_helpers import db, in_days, outing_form, propose
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
JSON = {"content-type": "application/json", "origin": ORIGIN}


@pytest.fixture
def host(client: Client, authenticator: SoftAuthenticator) -> Client:
    sign_up(client, authenticator, "Hana")
    return client


def raw_push(client: Client, *mutations: str) -> Any:
    """A push written by hand: ``mutations`` are JSON texts, sent as they are."""
    body = '{{"client_id": "{}", "mutations": [{}]}}'.format(uuid.uuid4(), ", ".join(mutations))
    return client.post("/api/sync/push", content=body.encode(), headers=JSON)


def create(starts_at: str, ends_at: str, title: str = "Pool") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "title": title,
        "category": "pool",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": "Town pool",
    }


def mutation(mutation_id: int, name: str, args: dict[str, Any] | str) -> str:
    import json

    text = args if isinstance(args, str) else json.dumps(args)
    return f'{{"id": {mutation_id}, "name": "{name}", "args": {text}}}'


def test_times_with_an_offset_are_stored_and_listed_in_utc(
    host: Client, settings: Settings
) -> None:
    day = in_days(3)
    # 10:00 in Paris is 08:00 or 09:00 UTC; 11:30 at +05:00 is 06:30 UTC: earlier
    later = propose(host, title="Zoo at ten", date=day.isoformat())
    offset = create(f"{day}T11:30:00+05:00", f"{day}T13:00:00+05:00", "Pool at dawn")
    result = raw_push(host, mutation(1, "outing.create", offset)).json()
    assert result["results"][0]["status"] == "applied"
    assert db(settings, "select starts_at, ends_at from outings where id = ?", offset["id"]) == [
        (f"{day}T06:30:00Z", f"{day}T08:00:00Z")
    ]
    pulled = host.get("/api/sync/pull?cursor=0").json()["changes"]
    times = {c["id"]: c["data"]["starts_at"] for c in pulled if c["type"] == "outing"}
    assert times[offset["id"]] == f"{day}T06:30:00Z"
    titles = [a.get_text(strip=True) for a in html(host.get("/")).select(".outing-card h3 a")]
    assert titles.index("Pool at dawn") < titles.index("Zoo at ten"), titles
    assert later


def test_a_date_far_ahead_is_rejected_and_every_page_still_opens(host: Client) -> None:
    day = in_days(1)
    results = raw_push(
        host,
        mutation(
            1, "outing.create", create("9999-12-31T20:00:00-14:00", "9999-12-31T22:00:00-14:00")
        ),
        mutation(
            2,
            "outing.create",
            create(
                f"{day + timedelta(days=800)}T10:00:00Z", f"{day + timedelta(days=800)}T11:00:00Z"
            ),
        ),
        mutation(3, "outing.create", create(f"{day}T10:00:00Z", f"{day}T11:00:00Z")),
    ).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]
    assert "starts_at" in results[0]["error"]["fields"]
    assert "two years" in results[1]["error"]["fields"]["starts_at"]
    for path in ("/", "/me", "/?when=week", "/venues"):
        assert host.get(path).status_code == 200, path


def test_an_end_less_than_a_second_after_the_start_is_no_end(
    host: Client, settings: Settings
) -> None:
    """Times are kept to the second: an outing ending 0.999 s after it starts
    would be kept as over the moment it starts (closed to replies, a calendar
    event of no length). Refused by push and by the form, as an end not after
    its start."""
    day = in_days(2)
    outing = create(f"{day}T10:00:00Z", f"{day}T10:00:00.999Z")
    result = raw_push(host, mutation(1, "outing.create", outing)).json()["results"][0]
    assert result["status"] == "rejected"
    assert "ends_at" in result["error"]["fields"]
    form = outing_form(date=day.isoformat(), start_time="10:00", end_time="10:00:00.5")
    form["_csrf_token"] = csrf_token(host, "/outings/new")
    answer = host.post("/outings", data=form)
    assert answer.status_code == 400
    assert [f["id"] for f in html(answer).select("[aria-invalid=true]")] == ["f-end_time"]
    assert db(settings, "select count(*) from outings where starts_at = ends_at") == [(0,)]


def test_changes_made_in_another_account_s_name_are_refused(
    host: Client, settings: Settings
) -> None:
    """The outbox says whose changes it sends: another account's are refused
    whole (403 ``other_account``), nothing of them applied."""
    day = in_days(2)
    outing = create(f"{day}T10:00:00Z", f"{day}T12:00:00Z")
    body = {
        "client_id": str(uuid.uuid4()),
        "account": str(uuid.uuid4()),  # not Hana
        "mutations": [{"id": 1, "name": "outing.create", "args": outing}],
    }
    answer = host.post("/api/sync/push", json=body)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "other_account"
    assert db(settings, "select count(*) from outings where id = ?", outing["id"]) == [(0,)]
    [(hana,)] = db(settings, "select id from users where display_name = 'Hana'")
    answer = host.post("/api/sync/push", json={**body, "account": hana})
    assert answer.json()["results"][0]["status"] == "applied"
    # an older app's push says no account: taken as the signed-in parent's
    unsaid = {"client_id": str(uuid.uuid4()), "mutations": body["mutations"]}
    assert host.post("/api/sync/push", json=unsaid).json()["results"][0]["status"] == "applied"


def test_a_lone_surrogate_rejects_its_own_mutation_only(host: Client, settings: Settings) -> None:
    outing_id = propose(host)
    comment = {"id": str(uuid.uuid4()), "outing_id": outing_id, "body": "See you there"}
    broken = (
        f'{{"id": "{uuid.uuid4()}", "outing_id": "{outing_id}", "body": "Half an emoji \\ud83d"}}'
    )
    after = {**comment, "id": str(uuid.uuid4()), "body": "And another"}
    response = raw_push(
        host,
        mutation(1, "comment.add", comment),
        mutation(2, "comment.add", broken),
        mutation(3, "comment.add", after),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["applied", "rejected", "applied"]
    assert body["results"][1]["error"]["code"] == "invalid"
    assert body["last_mutation_id"] == 3
    assert sorted(r[0] for r in db(settings, "select body from comments")) == [
        "And another",
        "See you there",
    ]


def test_invalid_utf8_in_args_rejects_that_mutation(host: Client, settings: Settings) -> None:
    outing_id = propose(host)
    good = mutation(
        2, "comment.add", {"id": str(uuid.uuid4()), "outing_id": outing_id, "body": "Hi"}
    )
    body = (
        (
            f'{{"client_id": "{uuid.uuid4()}", "mutations": '
            '[{"id": 1, "name": "comment.add", "args": '
            f'{{"id": "{uuid.uuid4()}", "outing_id": "{outing_id}", "body": "'
        ).encode()
        + b"\xff\xfe"
        + (f'"}}}}, {good}]}}').encode()
    )
    response = host.post("/api/sync/push", content=body, headers=JSON)
    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == ["rejected", "applied"]
    assert db(settings, "select body from comments") == [("Hi",)]


@pytest.mark.parametrize(
    "path",
    [
        "/api/sync/push",
        "/api/auth/register/options",
        "/api/auth/register/verify",
        "/api/auth/login/verify",
    ],
)
def test_json_nested_a_thousand_deep_is_a_clear_400(host: Client, path: str) -> None:
    deep = "[" * 1000 + "]" * 1000
    for body in (
        deep,
        f'{{"client_id": "x", "mutations": [{{"id": 1, "name": "a", "args": {deep}}}]}}',
    ):
        response = host.post(path, content=body, headers=JSON)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("mutation_id", [2**63, -(2**63) - 1, 10**30])
def test_a_mutation_id_sqlite_cannot_keep_is_a_clear_400(host: Client, mutation_id: int) -> None:
    # Found by schemathesis (tests/test_api_schema.py): it used to reach the
    # database and fail there, a 500.
    response = raw_push(host, mutation(mutation_id, "rsvp.set", {}))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid"


def test_a_page_number_beyond_reason_still_shows_the_list(host: Client) -> None:
    propose(host)
    for number in ("99999999999999999999", "-3", "abc", "0"):
        response = host.get(f"/?page_number={number}")
        assert response.status_code == 200, number
    assert "Toddler morning" in host.get("/?page_number=1").text


def test_the_form_refuses_a_date_beyond_reason_beside_the_field(host: Client) -> None:
    for day in ("0001-01-01", "9999-12-31"):
        form = outing_form(date=day, title="Typed title kept")
        form["_csrf_token"] = csrf_token(host, "/outings/new")
        response = host.post("/outings", data=form)
        assert response.status_code == 400, (day, response.status_code)
        doc = html(response)
        # beside the day, or beside the start for a day in the past or too far ahead
        flagged = [f["id"] for f in doc.select("[aria-invalid=true]")]
        assert flagged in (["f-date"], ["f-start_time"]), (day, flagged)
        assert doc.select_one("#f-title")["value"] == "Typed title kept"  # type: ignore[index]


def test_old_offset_and_overflowing_times_are_mended_by_the_migration(tmp_path: Path) -> None:
    """A database written before times were normalised opens with every time in
    UTC, and an outing whose time Python cannot hold no longer breaks pages."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "create table schema_migrations (version integer primary key, name text not null,"
        " applied_at text not null)"
    )
    for m in migrations()[:2]:
        conn.executescript(m.sql)
        conn.execute("insert into schema_migrations values (?, ?, 'then')", (m.version, m.name))
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    conn.execute(
        "insert into users (id, display_name, user_handle, created_at, updated_at)"
        " values ('u', 'Hana', x'01', ?, ?)",
        (now, now),
    )
    day = in_days(2)
    for outing_id, starts, ends in (
        ("a", f"{day}T11:30:00+05:00", f"{day}T12:30:00+05:00"),
        ("b", "9999-12-31T20:00:00-14:00", "9999-12-31T21:00:00-14:00"),
    ):
        conn.execute(
            "insert into outings (id, host_id, title, category, place, starts_at, ends_at,"
            " created_at, updated_at) values (?, 'u', ?, 'zoo', 'Zoo', ?, ?, ?, ?)",
            (outing_id, f"Outing {outing_id}", starts, ends, now, now),
        )
    conn.close()
    settings = Settings(db=str(path), origin=ORIGIN, secret="s")
    with TestClient(create_app(settings), base_url=ORIGIN) as client:
        assert client.get("/").status_code == 200
        assert "Outing a" in client.get("/").text
        assert "Outing b" not in client.get("/").text
    times = dict(db(settings, "select id, starts_at from outings"))
    assert times["a"] == f"{day}T06:30:00Z"
    assert times["b"].endswith("Z")
    assert datetime.fromisoformat(times["b"]) <= datetime.now(UTC)  # over: no list shows it
