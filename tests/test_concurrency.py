"""Many parents press "going" for the last place at once, against the real server."""

from __future__ import annotations

from tests.live import LiveServer, csrf, rows, signed_up
from tests.outing_helpers import outing_form
from tests.threads import all_at_once

RACERS = 10


def test_the_last_place_goes_to_exactly_one_family(live_server: LiveServer) -> None:
    host = signed_up(live_server, "Host")
    form = outing_form(capacity="4")  # the host's family holds one of the places
    form["_csrf_token"] = csrf(host, "/outings/new")
    assert host.post("/outings", data=form).status_code in (302, 303)
    outing_id = form["id"]
    early_birds = [signed_up(live_server, name) for name in ("Early 1", "Early 2")]
    for early in early_birds:
        early.post(
            f"/outings/{outing_id}/rsvp",
            data={"_csrf_token": csrf(early), "status": "going", "adults": "1"},
        )

    racers = [signed_up(live_server, f"Racer {i}") for i in range(RACERS)]
    tokens = [csrf(c, f"/outings/{outing_id}") for c in racers]

    def race(i: int) -> int:
        response = racers[i].post(
            f"/outings/{outing_id}/rsvp",
            data={"_csrf_token": tokens[i], "status": "going", "adults": "1", "children": "1"},
        )
        return response.status_code

    statuses = all_at_once(race, range(RACERS))
    assert statuses == [302] * RACERS  # each saved, then sent back to the outing page

    stored = rows(
        live_server,
        "select u.display_name, r.state, r.queued_seq from rsvps r"
        " join users u on u.id = r.user_id where r.outing_id = ? order by r.queued_seq",
        outing_id,
    )
    confirmed = [name for name, state, _ in stored if state == "confirmed"]
    waitlisted = [(name, seq) for name, state, seq in stored if state == "waitlisted"]
    assert len(confirmed) == 4
    assert confirmed[:3] == ["Host", "Early 1", "Early 2"]
    assert len(waitlisted) == RACERS - 1
    # the winner is the racer the server processed first; the rest queue in that order
    racer_rows = [row for row in stored if row[0].startswith("Racer")]
    assert racer_rows[0][1] == "confirmed"
    assert all(state == "waitlisted" for _, state, _ in racer_rows[1:])
    seqs = [seq for _, seq in waitlisted]
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == len(seqs)
    for client in [host, *early_birds, *racers]:
        client.close()


def test_concurrent_pushes_for_the_last_place(live_server: LiveServer) -> None:
    import uuid

    host = signed_up(live_server, "Host")
    form = outing_form(capacity="2")  # the host's family and one more
    form["_csrf_token"] = csrf(host, "/outings/new")
    host.post("/outings", data=form)
    racers = [signed_up(live_server, f"Phone {i}") for i in range(RACERS)]

    def race(i: int) -> dict[str, object]:
        body = {
            "client_id": str(uuid.uuid4()),
            "mutations": [
                {
                    "id": 1,
                    "name": "rsvp.set",
                    "args": {
                        "outing_id": form["id"],
                        "status": "going",
                        "adults": 1,
                        "children": 1,
                    },
                }
            ],
        }
        response = racers[i].post("/api/sync/push", json=body)
        assert response.status_code == 200, response.text
        outcome: dict[str, object] = response.json()["results"][0]["outcome"]
        return outcome

    outcomes = all_at_once(race, range(RACERS))
    assert sorted(str(o["state"]) for o in outcomes).count("confirmed") == 1
    positions = sorted(int(str(o["position"])) for o in outcomes if o["state"] == "waitlisted")
    assert positions == list(range(1, RACERS))
    assert rows(live_server, "select count(*) from rsvps where state = 'confirmed'") == [(2,)]
    for client in [host, *racers]:
        client.close()
