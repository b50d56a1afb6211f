""" "Acknowledged" means kept: writes share commits, never each other's fate,
and an answered push survives the server being killed mid-burst (issue 10)."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from outings.db.database import Writer
from outings.db.sqlite import SQLiteDatabase
from tests.conftest import in_thread
from tests.live import LiveServer, csrf, rows, signed_up, start_server
from tests.outing_helpers import outing_form

PHONES = 6


def test_writes_share_a_commit_but_never_each_others_fate(tmp_path: Path) -> None:
    async def scenario() -> tuple[tuple[Any, ...], list[tuple[str]]]:
        db = SQLiteDatabase(tmp_path / "group.db")
        await db.open()
        try:
            await db.write(lambda w: w.execute("create table notes (body text not null)"))

            def note(body: str | None) -> Any:
                async def run(w: Writer) -> str:
                    await w.execute("insert into notes (body) values ('before')")
                    await w.execute("insert into notes (body) values (?)", (body,))
                    return str(body)

                return run

            # queued together, so they run in one group and one transaction
            outcomes = await asyncio.gather(
                db.write(note("first")),
                db.write(note(None)),  # breaks "not null": rolled back alone
                db.write(note("third")),
                return_exceptions=True,
            )
            kept = await db.fetchall("select body from notes order by rowid")
            return outcomes, [tuple(r) for r in kept]
        finally:
            await db.close()

    outcomes, kept = in_thread(asyncio.run, scenario())
    assert outcomes[0] == "first"
    assert outcomes[2] == "third"
    assert isinstance(outcomes[1], Exception)
    assert kept == [("before",), ("first",), ("before",), ("third",)]


def _reply_push(client_id: str, first_id: int, outing_id: str, n: int) -> dict[str, Any]:
    """Replies that change every time (going, maybe, going…), so each is a real write."""
    return {
        "client_id": client_id,
        "mutations": [
            {
                "id": first_id + i,
                "name": "rsvp.set",
                "args": {
                    "outing_id": outing_id,
                    "status": "going" if (first_id + i) % 2 else "maybe",
                    "adults": 1,
                    "children": (first_id + i) % 3,
                },
            }
            for i in range(n)
        ],
    }


@pytest.mark.timeout(90)
def test_every_answered_push_survives_a_kill_in_the_middle_of_a_burst(
    tmp_path: Path, live_server: LiveServer
) -> None:
    host = signed_up(live_server, "Host")
    form = outing_form(capacity="")
    form["_csrf_token"] = csrf(host, "/outings/new")
    assert host.post("/outings", data=form).status_code in (302, 303)
    outing_id = str(form["id"])
    # every phone replies first, so it may comment
    phones = []
    for i in range(PHONES):
        phone = signed_up(live_server, f"Phone {i}")
        token = csrf(phone, f"/outings/{outing_id}")
        phone.post(
            f"/outings/{outing_id}/rsvp",
            data={"_csrf_token": token, "status": "going", "adults": "1", "children": "0"},
        )
        phones.append(phone)

    answered: dict[str, set[int]] = {}  # client id -> mutation ids the server said it applied
    queues: dict[str, list[dict[str, Any]]] = {}  # what each phone still holds
    owner: dict[str, httpx.Client] = {}
    stop = threading.Event()

    def burst(phone: httpx.Client) -> None:
        client_id = str(uuid.uuid4())
        answered[client_id] = set()
        owner[client_id] = phone
        queues[client_id] = []
        next_id = 1
        while not stop.is_set():
            push = _reply_push(client_id, next_id, outing_id, 1 + next_id % 3)
            queues[client_id] += push["mutations"]
            next_id += len(push["mutations"])
            try:
                response = phone.post(
                    "/api/sync/push", json={**push, "mutations": queues[client_id]}
                )
            except httpx.HTTPError:
                return  # the server is gone: the queue is kept, like a phone's outbox
            assert response.status_code == 200, response.text
            for result in response.json()["results"]:
                sent = next(m for m in queues[client_id] if m["id"] == result["id"])
                assert result["status"] == "applied", result
                answered[client_id].add(sent["id"])
            queues[client_id] = []

    threads = [threading.Thread(target=burst, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    live_server.process.kill()  # SIGKILL: no shutdown, no last checkpoint
    live_server.process.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    total = sum(len(ids) for ids in answered.values())
    assert total > 20, "the burst was too short to mean anything"

    def kept(server: LiveServer) -> set[tuple[str, int]]:
        found = rows(server, "select client_id, mutation_id from sync_mutations")
        return {(str(c), int(str(m))) for c, m in found}

    acknowledged = {(c, m) for c, ids in answered.items() for m in ids}
    lost = acknowledged - kept(live_server)
    assert not lost, f"{len(lost)} of {total} answered changes were lost"

    # The phones come back: what they still hold is applied exactly once.
    again = start_server(tmp_path)
    try:
        for client_id, queue in queues.items():
            if not queue:
                continue
            phone = owner[client_id]
            phone.base_url = httpx.URL(again.url)
            response = phone.post(
                "/api/sync/push", json={"client_id": client_id, "mutations": queue}
            )
            assert response.status_code == 200, response.text
            results = response.json()["results"]
            assert [r["id"] for r in results] == [m["id"] for m in queue]
            answered[client_id] |= {m["id"] for m in queue}
        # every change applied once: one recorded result each, and each
        # phone's count where its last change left it
        acknowledged = {(c, m) for c, ids in answered.items() for m in ids}
        assert acknowledged <= kept(again)
        for client_id, ids in answered.items():
            last = rows(again, "select last_mutation_id from sync_clients where id = ?", client_id)
            assert last == [(max(ids),)]
    finally:
        again.stop()
        for client in [host, *phones]:
            client.close()
