"""Four app processes on one PostgreSQL database, one truth (issue 15).

Each is the real ``outings serve`` on a port of its own; parents are spread
over them as a proxy would spread them. On PostgreSQL only (``make test-pg``):
SQLite is the one-machine, one-process default.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from tests import data, pg
from tests.live import LiveServer, csrf, signed_up, start_server
from tests.outing_helpers import outing_form
from tests.test_sync import materialize
from tests.threads import all_at_once

pytestmark = pytest.mark.postgresql

PROCESSES = 4
PARENTS = 200
PLACES = 5
#: Pushes one parent may send a minute, whichever processes she reaches.
PUSHES = 8


class Deployment:
    def __init__(self, database: str, servers: list[LiveServer]) -> None:
        self.database = database
        self.servers = servers


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Four processes on one database, shared by the tests here (each makes an
    outing and parents of its own): starting them is ~3.5 s."""
    tmp_path = tmp_path_factory.mktemp("deployment")
    database = pg.fresh_database(tmp_path)
    servers: list[LiveServer] = []
    try:
        for i in range(PROCESSES):
            folder = tmp_path / f"process-{i}"
            folder.mkdir()
            # 200 sign-ups from one address: the test, not a flood
            settings = {
                "OUTINGS_DB": database,
                "OUTINGS_LIMIT_SIGN_IN": "1000",
                "OUTINGS_LIMIT_PUSH": str(PUSHES),
            }
            servers.append(start_server(folder, env=settings))
        yield Deployment(database, servers)
    finally:
        for server in servers:
            server.stop()
    for server in servers:
        assert "Traceback" not in server.log.read_text(), server.log.read_text()


def _rsvp(outing_id: str, client_id: str | None = None) -> dict[str, Any]:
    return {
        "client_id": client_id or str(uuid.uuid4()),
        "mutations": [
            {
                "id": 1,
                "name": "rsvp.set",
                "args": {"outing_id": outing_id, "status": "going", "adults": 1, "children": 1},
            }
        ],
    }


def _on(client: httpx.Client, server: LiveServer) -> httpx.Client:
    """The same parent (her cookies) asking another process."""
    return httpx.Client(base_url=server.url, cookies=client.cookies, timeout=30)


def _outing(server: LiveServer, capacity: int) -> str:
    host = signed_up(server, "Host")
    form = outing_form(capacity=str(capacity))
    form["_csrf_token"] = csrf(host, "/outings/new")
    assert host.post("/outings", data=form).status_code in (302, 303)
    host.close()
    return str(form["id"])


def test_two_hundred_parents_race_for_the_last_five_places(deployment: Deployment) -> None:
    servers = deployment.servers
    outing_id = _outing(servers[0], capacity=PLACES + 1)  # the host's family holds one
    parents = [signed_up(servers[i % PROCESSES], f"Parent {i}") for i in range(PARENTS)]
    # a client of her own, connecting when she sends: a connection left idle
    # through 200 sign-ups may be closed by the server just as she sends on it
    phones = [_on(parent, servers[i % PROCESSES]) for i, parent in enumerate(parents)]
    bodies = [_rsvp(outing_id) for _ in range(PARENTS)]

    def race(i: int) -> dict[str, Any]:
        answer = phones[i].post("/api/sync/push", json=bodies[i])
        phones[i].close()
        assert answer.status_code == 200, answer.text
        outcome: dict[str, Any] = answer.json()["results"][0]["outcome"]
        return outcome

    outcomes = all_at_once(race, range(PARENTS))

    assert [o["state"] for o in outcomes].count("confirmed") == PLACES
    told = sorted(o["position"] for o in outcomes if o["state"] == "waitlisted")
    assert told == list(range(1, PARENTS - PLACES + 1))
    stored = data.rows(
        deployment.database,
        "select r.state, r.queued_seq, u.display_name from rsvps r join users u"
        " on u.id = r.user_id where r.outing_id = ? and u.display_name != 'Host'"
        " order by r.queued_seq",
        outing_id,
    )
    assert [state for state, _seq, _name in stored].count("confirmed") == PLACES
    # first come first served: the confirmed ones came first, each told where she stands
    assert [state for state, _seq, _name in stored] == ["confirmed"] * PLACES + ["waitlisted"] * (
        PARENTS - PLACES
    )
    place = {o["position"]: o for o in outcomes if o["state"] == "waitlisted"}
    assert len(place) == PARENTS - PLACES
    for client in parents:
        client.close()


def test_the_same_push_sent_to_two_processes_at_once_applies_once(
    deployment: Deployment,
) -> None:
    first, second = deployment.servers[:2]
    outing_id = _outing(first, capacity=3)
    for attempt in range(5):
        ana = signed_up(first, f"Ana {attempt}")
        body = _rsvp(outing_id)
        both = [ana, _on(ana, second)]

        def send(client: httpx.Client, body: dict[str, Any] = body) -> dict[str, Any]:
            answer = client.post("/api/sync/push", json=body)
            assert answer.status_code == 200, answer.text
            result: dict[str, Any] = answer.json()
            return result

        answers = all_at_once(send, both)
        assert answers[0] == answers[1]
        assert answers[0]["results"][0]["status"] == "applied"
        assert data.rows(
            deployment.database,
            "select count(*) from sync_mutations where client_id = ?",
            body["client_id"],
        ) == [(1,)]
        for client in both:
            client.close()
        data.rows(deployment.database, "delete from rsvps where outing_id = ?", outing_id)


def test_pulls_taken_while_writes_commit_elsewhere_end_equal_to_a_fresh_pull(
    deployment: Deployment,
) -> None:
    servers = deployment.servers
    outing_id = _outing(servers[0], capacity=4)
    reader = signed_up(servers[0], "Reader")
    writers = [signed_up(servers[1 + i % 3], f"Writer {i}") for i in range(30)]
    done = threading.Event()
    held: list[tuple[int, dict[tuple[str, str], Any]]] = [(0, {})]

    def keep_pulling() -> None:
        cursor, state = held[-1]
        while not done.is_set():
            page = reader.get(f"/api/sync/pull?cursor={cursor}&limit=2").json()
            state = materialize([page], state)
            cursor = page["cursor"]
            held.append((cursor, state))

    puller = threading.Thread(target=keep_pulling)
    puller.start()
    try:
        with ThreadPoolExecutor(10) as pool:
            answers = list(
                pool.map(lambda w: w.post("/api/sync/push", json=_rsvp(outing_id)), writers)
            )
    finally:
        done.set()
        puller.join()
    assert all(a.status_code == 200 for a in answers)

    def to_the_end(cursor: int, state: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
        while True:
            page = reader.get(f"/api/sync/pull?cursor={cursor}&limit=3").json()
            state = materialize([page], state)
            cursor = page["cursor"]
            if not page["has_more"]:
                return state

    fresh = to_the_end(0, {})
    assert ("outing", outing_id) in fresh
    assert len(held) > 2  # pulls really happened while the writes committed
    for cursor, state in held:
        assert to_the_end(cursor, state) == fresh, cursor
    for client in [reader, *writers]:
        client.close()


def _places(client: httpx.Client, outing_id: str) -> str:
    pill = BeautifulSoup(client.get(f"/outings/{outing_id}").text, "html.parser").select_one(
        ".outing-header .pill"
    )
    assert pill is not None
    return pill.get_text()


def test_a_page_kept_by_one_process_shows_a_reply_made_on_another_at_once(
    deployment: Deployment,
) -> None:
    first, second = deployment.servers[:2]
    for attempt in range(10):
        outing_id = _outing(first, capacity=3)  # the host's family and two more
        ana = signed_up(first, f"Ana {attempt}")
        there = _on(ana, second)
        for _ in range(2):  # asked twice: the second process keeps her page
            assert "2 places left" in _places(there, outing_id)
        assert ana.post("/api/sync/push", json=_rsvp(outing_id)).status_code == 200
        assert "1 place left" in _places(there, outing_id), attempt
        for client in (ana, there):
            client.close()


def test_a_limit_counts_a_parent_once_whichever_processes_she_reaches(
    deployment: Deployment,
) -> None:
    servers = deployment.servers
    outing_id = _outing(servers[0], capacity=3)
    ana = signed_up(servers[0], "Ana")
    phones = [_on(ana, server) for server in servers]

    def send(i: int) -> int:
        return phones[i % PROCESSES].post("/api/sync/push", json=_rsvp(outing_id)).status_code

    statuses = all_at_once(send, range(3 * PUSHES))
    # each process counting alone would have let 4 × 8 through
    assert sorted(statuses) == [200] * PUSHES + [429] * (2 * PUSHES)
    refused = phones[1].post("/api/sync/push", json=_rsvp(outing_id))
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    for client in [ana, *phones]:
        client.close()


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started, read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def test_outings_serve_workers_runs_several_processes_on_one_port(tmp_path: Path) -> None:
    database = pg.fresh_database(tmp_path)
    server = start_server(tmp_path, env={"OUTINGS_DB": database}, args=("--workers", "2"))
    try:
        # uvicorn's supervisor started two workers (multiprocessing's own tracker aside)
        started = [
            Path(f"/proc/{pid}/cmdline").read_bytes() for pid in _children(server.process.pid)
        ]
        workers = [c for c in started if b"spawn_main" in c and b"resource_tracker" not in c]
        assert len(workers) == 2, started
        outing_id = _outing(server, capacity=3)
        parents = [signed_up(server, f"Parent {i}") for i in range(6)]
        answers = [p.post("/api/sync/push", json=_rsvp(outing_id)) for p in parents]
        states = [a.json()["results"][0]["outcome"]["state"] for a in answers]
        assert states == ["confirmed"] * 2 + ["waitlisted"] * 4
        # each page shows the truth whichever worker drew it
        for parent in parents:
            assert "Full" in _places(parent, outing_id)
            parent.close()
    finally:
        server.stop()
    assert "Traceback" not in server.log.read_text(), server.log.read_text()


def test_healthz_says_when_the_database_is_unreachable_and_when_it_is_back(
    tmp_path: Path,
) -> None:
    database = pg.fresh_database(tmp_path)
    name = database.rsplit("/", 1)[1]
    server = start_server(tmp_path, env={"OUTINGS_DB": database})
    try:
        assert httpx.get(f"{server.url}/healthz").json()["ok"] is True
        # the database goes away under the app: every connection it holds is cut
        data.rows(pg.SERVER, f"alter database {name} allow_connections false")
        data.rows(
            pg.SERVER,
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = ?",
            name,
        )
        down = httpx.get(f"{server.url}/healthz", timeout=10)
        assert (down.status_code, down.json()["ok"]) == (503, False)
        # a page, and a phone's push, are told to try again: no 500, no stack trace
        page = httpx.get(f"{server.url}/", timeout=10)
        assert page.status_code == 503
        assert "Please try again in a moment" in page.text
        push = httpx.post(
            f"{server.url}/api/sync/push",
            json=_rsvp("none"),
            headers={"origin": server.url},
            timeout=10,
        )
        assert push.status_code == 503
        assert push.json()["error"]["code"] == "busy"
        data.rows(pg.SERVER, f"alter database {name} allow_connections true")
        up = httpx.get(f"{server.url}/healthz", timeout=10)
        assert (up.status_code, up.json()["ok"]) == (200, True)
    finally:
        server.stop()
