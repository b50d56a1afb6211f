"""The sync protocol through the real app: exactly once, in order, convergent."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.cli import main as cli
from outings.settings import Settings
from tests import data
from tests.conftest import csrf_token, in_thread, sign_up
from tests.outing_helpers import db, propose, reply
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
#: Replies but the hosts' own (a host comes to her outing: issue 12).
GUESTS = " where user_id not in (select host_id from outings)"
Family = Callable[[str], Client]


@pytest.fixture
def host(client: Client, authenticator: SoftAuthenticator) -> Client:
    sign_up(client, authenticator, "Hana")
    return client


def push(client: Client, client_id: str, *mutations: tuple[int, str, dict[str, Any]]) -> Any:
    body = {
        "client_id": client_id,
        "mutations": [{"id": i, "name": n, "args": a} for i, n, a in mutations],
    }
    return client.post("/api/sync/push", json=body)


def going(outing_id: str, adults: int = 1, children: int = 1) -> dict[str, Any]:
    return {"outing_id": outing_id, "status": "going", "adults": adults, "children": children}


def test_a_push_replayed_many_times_applies_once(
    host: Client, family: Family, settings: Settings
) -> None:
    outing_id = propose(host, capacity="3")
    ana = family("Ana")
    device = str(uuid.uuid4())
    first = push(ana, device, (1, "rsvp.set", going(outing_id, 2, 1)))
    assert first.status_code == 200
    body = first.json()
    assert body["last_mutation_id"] == 1
    assert body["results"][0]["status"] == "applied"
    assert body["results"][0]["outcome"]["state"] == "confirmed"
    for _ in range(5):
        again = push(ana, device, (1, "rsvp.set", going(outing_id, 2, 1)))
        assert again.json() == body
    anas = "select adults, children, state from rsvps r join users u on u.id = r.user_id"
    assert db(settings, anas + " where u.display_name = 'Ana'") == [(2, 1, "confirmed")]
    assert db(settings, "select count(*) from sync_mutations") == [(1,)]


def test_a_lost_response_is_retried_and_applied_once(
    host: Client, family: Family, settings: Settings
) -> None:
    outing_id = propose(host)
    ana = family("Ana")
    device = str(uuid.uuid4())
    comment = {"id": str(uuid.uuid4()), "outing_id": outing_id, "body": "On our way!"}
    push(ana, device, (1, "rsvp.set", going(outing_id)), (2, "comment.add", comment))
    # the response never arrived: the client sends its whole queue again, plus one more
    retry = push(
        ana,
        device,
        (1, "rsvp.set", going(outing_id)),
        (2, "comment.add", comment),
        (3, "rsvp.set", {**going(outing_id), "children": 2}),
    )
    assert [r["status"] for r in retry.json()["results"]] == ["applied"] * 3
    assert retry.json()["last_mutation_id"] == 3
    assert db(settings, "select count(*) from comments") == [(1,)]
    assert db(settings, "select children from rsvps" + GUESTS) == [(2,)]


def test_a_gap_is_refused_with_no_side_effect(
    host: Client, family: Family, settings: Settings
) -> None:
    outing_id = propose(host)
    ana = family("Ana")
    device = str(uuid.uuid4())
    response = push(ana, device, (2, "rsvp.set", going(outing_id)))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "mutation_gap"
    assert response.json()["error"]["expected"] == 1
    assert db(settings, "select count(*) from rsvps" + GUESTS) == [(0,)]
    assert db(settings, "select last_mutation_id from sync_clients") == [(0,)]


def test_a_rejected_mutation_does_not_block_the_next(
    host: Client, family: Family, settings: Settings
) -> None:
    cancelled = propose(host, title="Rained off")
    open_one = propose(host, title="Sunny")
    token = csrf_token(host, f"/outings/{cancelled}")
    host.post(f"/outings/{cancelled}/cancel", data={"_csrf_token": token, "reason": "Rain"})
    ana = family("Ana")
    response = push(
        ana,
        str(uuid.uuid4()),
        (1, "rsvp.set", going(cancelled)),
        (2, "rsvp.set", {"outing_id": open_one, "status": "going", "adults": "two"}),
        (3, "teleport", {}),
        (4, "rsvp.set", going(open_one)),
    )
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "rejected", "applied"]
    assert results[0]["error"]["code"] == "cancelled"
    assert "cancelled by the host" in results[0]["error"]["message"]
    assert results[1]["error"]["code"] == "invalid"
    assert results[2]["error"]["code"] == "unknown_mutation"
    assert response.json()["last_mutation_id"] == 4
    assert db(settings, "select outing_id from rsvps" + GUESTS) == [(open_one,)]


def test_outings_made_offline_keep_their_id(host: Client, settings: Settings) -> None:
    device = str(uuid.uuid4())
    outing_id = str(uuid.uuid4())
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    args = {
        "id": outing_id,
        "title": "Picnic",
        "category": "park",
        "place": "Meadow Park",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 5,
    }
    results = push(
        host,
        device,
        (1, "outing.create", args),
        (2, "outing.update", {"id": outing_id, "capacity": 6, "title": "Big picnic"}),
        (
            3,
            "outing.create",
            {**args, "id": str(uuid.uuid4()), "starts_at": "2020-01-01T10:00:00Z"},
        ),
    ).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[0]["outcome"] == {"id": outing_id}
    assert "in the past" in results[2]["error"]["message"]
    assert db(settings, "select id, title, capacity from outings") == [(outing_id, "Big picnic", 6)]
    naive = push(
        host,
        device,
        (4, "outing.create", {**args, "id": str(uuid.uuid4()), "starts_at": "2030-01-01T10:00:00"}),
    )
    assert naive.json()["results"][0]["error"]["fields"]["starts_at"]


def test_only_the_host_changes_an_outing_by_sync(host: Client, family: Family) -> None:
    outing_id = propose(host)
    ana = family("Ana")
    results = push(
        ana,
        str(uuid.uuid4()),
        (1, "outing.update", {"id": outing_id, "title": "Mine now"}),
        (2, "outing.cancel", {"id": outing_id, "reason": "ha"}),
    ).json()["results"]
    assert [r["error"]["code"] for r in results] == ["forbidden", "forbidden"]


def materialize(
    pages: list[dict[str, Any]], state: dict[tuple[str, str], Any] | None = None
) -> dict[tuple[str, str], Any]:
    state = {} if state is None else dict(state)
    for page in pages:
        if page.get("reset"):
            state = {}
        for change in page["changes"]:
            key = (change["type"], change["id"])
            if change["op"] == "put":
                state[key] = change["data"]
            else:
                state.pop(key, None)
    return state


def pull_all(client: Client, cursor: int, limit: int = 3) -> tuple[list[dict[str, Any]], int]:
    pages = []
    while True:
        page = client.get(f"/api/sync/pull?cursor={cursor}&limit={limit}").json()
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return pages, cursor


def test_an_incremental_pull_from_any_cursor_equals_a_full_pull(
    host: Client, family: Family
) -> None:
    cursors = [0]
    ana = family("Ana")
    states = [materialize(pull_all(ana, 0)[0])]

    def step() -> None:
        pages, cursor = pull_all(ana, 0)
        cursors.append(cursor)
        states.append(materialize(pages))

    a = propose(host, capacity="2")
    step()
    b = propose(host, title="Second")
    reply(ana, a)
    step()
    token = csrf_token(host, f"/outings/{a}")
    host.post(
        f"/outings/{a}/comments",
        data={"_csrf_token": token, "body": "Hello", "id": str(uuid.uuid4())},
    )
    reply(ana, a, status="declined")
    step()
    host.post(f"/outings/{b}/cancel", data={"_csrf_token": token, "reason": "Ill"})
    comment_form = host.get(f"/outings/{a}").text
    delete = comment_form.split('action="/comments/')[1].split('"')[0]
    host.post(f"/comments/{delete}", data={"_csrf_token": token})
    step()
    final = states[-1]
    assert final[("outing", b)]["status"] == "cancelled"
    assert final[("rsvp", a)]["status"] == "declined"
    assert not [k for k in final if k[0] == "comment"]
    for cursor, state in zip(cursors, states, strict=True):
        pages, _ = pull_all(ana, cursor)
        assert materialize(pages, state) == final, cursor


def test_pull_shows_only_my_own_rsvps(host: Client, family: Family) -> None:
    outing_id = propose(host)
    ana, bo = family("Ana"), family("Bo")
    reply(ana, outing_id)
    reply(bo, outing_id, status="maybe")
    seen = materialize(pull_all(bo, 0)[0])
    rsvps = [v for k, v in seen.items() if k[0] == "rsvp"]
    assert rsvps == [
        {
            "outing_id": outing_id,
            "status": "maybe",
            "adults": 1,
            "children": 1,
            "state": "none",
            "position": None,
        }
    ]
    assert seen[("outing", outing_id)]["confirmed_count"] == 2  # the host's family and Ana's


def test_an_unknown_cursor_gets_a_reset_snapshot(host: Client) -> None:
    propose(host)
    page = host.get("/api/sync/pull?cursor=999999").json()
    assert page["reset"] is True
    assert sorted(c["type"] for c in page["changes"]) == ["outing", "rsvp"]  # her own reply
    assert host.get("/api/sync/pull?cursor=-1").status_code == 400


def test_a_client_id_belongs_to_its_first_user(host: Client, family: Family) -> None:
    outing_id = propose(host)
    device = str(uuid.uuid4())
    assert push(host, device, (1, "rsvp.set", going(outing_id))).status_code == 200
    ana = family("Ana")
    taken = push(ana, device, (2, "rsvp.set", going(outing_id)))
    assert taken.status_code == 403
    assert taken.json()["error"]["code"] == "client_taken"


def test_push_refuses_what_it_cannot_take(client: Client, host: Client) -> None:
    device = str(uuid.uuid4())
    too_many = [(i, "rsvp.set", going(str(uuid.uuid4()))) for i in range(1, 102)]
    assert push(host, device, *too_many).json()["error"]["code"] == "too_many_mutations"
    huge = host.post(
        "/api/sync/push",
        content=b'{"client_id": "' + b"x" * 300_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413
    assert push(host, "not-a-uuid", (1, "rsvp.set", {})).status_code == 400
    assert push(host, device, (1, "rsvp.set", {}), (3, "rsvp.set", {})).status_code == 400
    garbage = host.post(
        "/api/sync/push", content=b"[1, 2", headers={"content-type": "application/json"}
    )
    assert garbage.json()["error"]["code"] == "invalid"
    host.post("/api/auth/logout", json={})
    anonymous = push(host, device, (1, "rsvp.set", {}))
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "sign_in_needed"


def test_a_waitlist_moving_up_reaches_every_phone(host: Client, family: Family) -> None:
    """A, B, C wait 1, 2, 3; a confirmed family leaves: each phone, pulling from
    its own last cursor, learns its new place (issue 10)."""
    outing_id = propose(host, capacity="2")  # the host's family and one more
    going_first = family("Zed")
    reply(going_first, outing_id)
    waiting = [family(name) for name in ("Ana", "Bo", "Cy")]
    for phone in waiting:
        reply(phone, outing_id)
    held = []
    for phone in waiting:
        pages, cursor = pull_all(phone, 0)
        held.append((materialize(pages), cursor))
    assert [mine(state, outing_id)["position"] for state, _ in held] == [1, 2, 3]

    reply(going_first, outing_id, status="declined")

    now = []
    for phone, (state, cursor) in zip(waiting, held, strict=True):
        pages, _ = pull_all(phone, cursor)
        seat = mine(materialize(pages, state), outing_id)
        now.append((seat["state"], seat["position"]))
    assert now == [("confirmed", None), ("waitlisted", 1), ("waitlisted", 2)]


def mine(state: dict[tuple[str, str], Any], outing_id: str) -> dict[str, Any]:
    seat: dict[str, Any] = state[("rsvp", outing_id)]
    return seat


def test_a_phone_away_longer_than_the_log_keeps_gets_a_fresh_copy_and_sends_once(
    host: Client, family: Family, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deletions are forgotten after OUTINGS_SYNC_DAYS; a phone whose cursor is
    older is sent everything afresh (``reset``), and its outbox still applies
    each change exactly once."""
    kept, other = propose(host, title="Still on"), propose(host, title="Another")
    ana = family("Ana")
    device = str(uuid.uuid4())
    # Ana's first reply reached the server, but its answer never came back
    assert push(ana, device, (1, "rsvp.set", going(kept))).status_code == 200
    pages, cursor = pull_all(ana, 0)
    before = materialize(pages)

    token = csrf_token(host, f"/outings/{other}")
    comment_id = str(uuid.uuid4())
    host.post(
        f"/outings/{other}/comments", data={"_csrf_token": token, "body": "Hi", "id": comment_id}
    )
    host.post(f"/comments/{comment_id}/delete", data={"_csrf_token": token})  # a tombstone
    assert db(settings, "select count(*) from sync_changes where op = 'del'") == [(1,)]
    # ... then a month and a day go by, and the log is compacted
    with data.connect(settings.db) as conn:
        old = (datetime.now(UTC) - timedelta(days=31)).isoformat().replace("+00:00", "Z")
        conn.execute("update sync_changes set changed_at = ? where op = 'del'", (old,))
    monkeypatch.setenv("OUTINGS_DB", settings.db)
    assert in_thread(cli, ["compact"]) == 0
    assert db(settings, "select count(*) from sync_changes where op = 'del'") == [(0,)]

    assert ana.get(f"/api/sync/pull?cursor={cursor}").json()["reset"] is True
    pages, _ = pull_all(ana, cursor)
    assert materialize(pages, before) == materialize(pull_all(ana, 0)[0])
    # the outbox still holds mutation 1 (never acknowledged) and a new one
    again = push(ana, device, (1, "rsvp.set", going(kept)), (2, "rsvp.set", going(other)))
    assert [r["status"] for r in again.json()["results"]] == ["applied", "applied"]
    assert db(settings, "select count(*) from sync_mutations") == [(2,)]
    assert db(
        settings,
        "select count(*), sum(case when state = 'confirmed' then 1 else 0 end) from rsvps" + GUESTS,
    ) == [(2, 2)]


def test_a_fresh_copy_longer_than_a_page_ends(
    host: Client, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A phone away too long gets a fresh copy page by page: each page must
    end where the next may continue, not at a cursor older than the oldest
    kept, which would be taken for a phone away too long and sent the first
    page again, for ever."""
    for n in range(4):
        propose(host, title=f"Outing {n}")
    pages, cursor = pull_all(host, 0)
    held = materialize(pages)
    comment_id = str(uuid.uuid4())
    outing_id = propose(host, title="Last one")
    token = csrf_token(host, f"/outings/{outing_id}")
    host.post(
        f"/outings/{outing_id}/comments",
        data={"_csrf_token": token, "body": "Hi", "id": comment_id},
    )
    host.post(f"/comments/{comment_id}/delete", data={"_csrf_token": token})  # a tombstone
    db(settings, "update sync_changes set changed_at = '2000-01-01T00:00:00Z' where op = 'del'")
    monkeypatch.setenv("OUTINGS_DB", settings.db)
    assert in_thread(cli, ["compact"]) == 0
    seen = []
    while True:  # what a phone does with has_more, two changes a page
        page = host.get(f"/api/sync/pull?cursor={cursor}&limit=2").json()
        seen.append(page)
        assert len(seen) < 20, "the fresh copy never ends"
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert seen[0]["reset"] is True
    assert materialize(seen, held) == materialize(pull_all(host, 0)[0])
