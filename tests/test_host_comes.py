"""The host comes to her own outing: her family holds a place like any other (issue 12)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.settings import Settings
from tests.conftest import csrf_token, html, sign_up
from tests.outing_helpers import db, outing_form, propose, reply
from tests.softauthn import SoftAuthenticator
from tests.test_sync import materialize, pull_all, push

Client = TestClient[Litestar]
Family = Callable[[str], Client]
HOSTS_REPLY = (
    "select r.status, r.state, r.adults, r.children from rsvps r"
    " join outings o on o.id = r.outing_id and r.user_id = o.host_id where o.id = ?"
)


@pytest.fixture
def host(client: Client, authenticator: SoftAuthenticator) -> Client:
    sign_up(client, authenticator, "Hana")
    return client


def test_the_form_asks_who_the_host_brings(host: Client) -> None:
    doc = html(host.get("/outings/new"))
    adults = doc.select_one("#f-host_adults option[selected]")
    children = doc.select_one("#f-host_children option[selected]")
    assert (adults and adults.get_text(), children and children.get_text()) == ("1", "1")
    assert doc.select_one("#f-host_children option[value='0']")  # a host may come alone
    assert "Your family counts as one" in doc.select_one("#capacity-hint").get_text()  # type: ignore[union-attr]


def test_a_new_outing_has_its_host_coming(host: Client, settings: Settings) -> None:
    outing_id = propose(host, capacity="6", host_adults="1", host_children="2")
    assert db(settings, HOSTS_REPLY, outing_id) == [("going", "confirmed", 1, 2)]
    page = html(host.get(f"/outings/{outing_id}"))
    facts = page.select_one(".facts").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "1 of 6 confirmed" in facts
    assert "5 places left" in page.select_one(".outing-header .pill").get_text()  # type: ignore[union-attr]
    people = page.select_one("#people").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "Hana" in people
    assert "1 adult, 2 children" in people
    assert "Nobody yet" not in people
    assert "You're in!" in page.select_one(".my-reply").get_text()  # type: ignore[union-attr]


def test_a_host_who_leaves_no_place_is_told_beside_the_field(
    host: Client, settings: Settings
) -> None:
    for overrides, field, words in (
        ({"capacity": "1"}, "capacity", "at least 2 families"),
        ({"host_adults": "0"}, "host_adults", "from 1 to 6 adults"),
        ({"host_children": "nine", "end_time": "09:00"}, "host_children", "from 0 to 8"),
    ):
        form = outing_form(description="Keep me", **overrides)
        form["_csrf_token"] = csrf_token(host, "/outings/new")
        response = host.post("/outings", data=form)
        assert response.status_code == 400
        doc = html(response)
        assert words in doc.select_one(f"#{field}-error").get_text()  # type: ignore[union-attr]
        assert doc.select_one(f"#form-errors a[href='#f-{field}']")
        assert doc.select_one("#f-description").get_text() == "Keep me"  # type: ignore[union-attr]
        assert doc.select_one(f"#f-{field}")["aria-invalid"] == "true"  # type: ignore[index]
    assert db(settings, "select count(*) from outings") == [(0,)]
    assert db(settings, "select count(*) from rsvps") == [(0,)]


def test_the_host_changes_her_family_or_gives_up_her_place_like_any_parent(
    host: Client, family: Family, settings: Settings
) -> None:
    outing_id = propose(host, capacity="2", title="Baby swim")
    ana, bo = family("Ana"), family("Bo")
    reply(ana, outing_id)
    assert "number 1 on the waitlist" in reply(bo, outing_id).text
    # the edit form sends her to her reply for her own family
    edit = html(host.get(f"/outings/{outing_id}/edit"))
    assert not edit.select("#f-host_adults")
    assert edit.select_one(f"a[href='/outings/{outing_id}#rsvp']")

    more = reply(host, outing_id, adults=2, children=0)
    assert "You're in!" in html(more).select_one(".my-reply").get_text()  # type: ignore[union-attr]
    assert db(settings, HOSTS_REPLY, outing_id) == [("going", "confirmed", 2, 0)]
    assert "number 1 on the waitlist" in bo.get(f"/outings/{outing_id}").text

    reply(host, outing_id, status="declined")
    assert db(settings, HOSTS_REPLY, outing_id) == [("declined", "none", 1, 1)]
    assert "You're in!" in html(bo.get(f"/outings/{outing_id}")).select_one(".my-reply").get_text()  # type: ignore[union-attr]
    # she still hosts it, and is not told of her own change
    page = html(host.get(f"/outings/{outing_id}"))
    assert page.select_one(".host-tools")
    assert page.select_one(".notices") is None


def test_the_host_is_not_told_of_her_own_cancellation(host: Client, family: Family) -> None:
    outing_id = propose(host)
    ana = family("Ana")
    reply(ana, outing_id)
    token = csrf_token(host, f"/outings/{outing_id}")
    host.post(f"/outings/{outing_id}/cancel", data={"_csrf_token": token, "reason": "Rain"})
    assert html(host.get("/")).select_one(".notices") is None
    assert "cancelled by the host" in html(ana.get("/")).select_one(".notices").get_text()  # type: ignore[union-attr]


def test_proposing_again_brings_the_same_family(host: Client) -> None:
    outing_id = propose(host, host_adults="2", host_children="3")
    reply(host, outing_id, adults=2, children=0)  # then one child stayed home… all of them
    doc = html(host.get(f"/outings/new?again={outing_id}"))
    assert doc.select_one("#f-host_adults option[selected]").get_text() == "2"  # type: ignore[union-attr]
    assert doc.select_one("#f-host_children option[selected]").get_text() == "0"  # type: ignore[union-attr]


def _create(**extra: Any) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    return {
        "id": str(uuid.uuid4()),
        "title": "Picnic",
        "category": "park",
        "place": "Meadow Park",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 5,
        **extra,
    }


def test_an_outing_made_offline_brings_its_host_and_reaches_her_pull(
    host: Client, settings: Settings
) -> None:
    device = str(uuid.uuid4())
    with_family = _create(host_adults=2, host_children=0)
    old_app = _create()  # an app from before the host's family was asked
    one_place = _create(capacity=1)
    results = push(
        host,
        device,
        (1, "outing.create", with_family),
        (2, "outing.create", old_app),
        (3, "outing.create", one_place),
        (4, "outing.create", _create(host_adults=7)),
    ).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "rejected"]
    assert "at least 2 families" in results[2]["error"]["fields"]["capacity"]
    assert "from 1 to 6 adults" in results[3]["error"]["fields"]["host_adults"]
    assert db(settings, HOSTS_REPLY, with_family["id"]) == [("going", "confirmed", 2, 0)]
    assert db(settings, HOSTS_REPLY, old_app["id"]) == [("going", "confirmed", 1, 1)]

    pages, _cursor = pull_all(host, 0)
    state = materialize(pages)
    mine = state[("rsvp", with_family["id"])]
    assert (mine["status"], mine["state"], mine["adults"], mine["children"]) == (
        "going",
        "confirmed",
        2,
        0,
    )
    assert state[("outing", with_family["id"])]["confirmed_count"] == 1
    assert state[("outing", with_family["id"])]["places_left"] == 4
