"""The list shows each parent what is hers: "Hosting", "Going", "Waitlist #2", "Maybe"."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar
from litestar.testing import TestClient

from outings.settings import Settings
from tests.conftest import html, sign_up
from tests.outing_helpers import db, propose, reply
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
FULL = "Full — join the waitlist"


def card_pills(client: Client, outing_id: str) -> list[str]:
    """What the card of this outing on ``/`` says in its pills, in order."""
    card = html(client.get("/")).select_one(f"article[aria-labelledby='o-{outing_id}']")
    assert card is not None, "the outing is not on the list"
    return [pill.get_text(strip=True) for pill in card.select(".pill")]


def waitlisted(settings: Settings, outing_id: str) -> list[str]:
    """Display names on the waitlist, first in line first."""
    rows = db(
        settings,
        "select u.display_name from rsvps r join users u on u.id = r.user_id"
        " where r.outing_id = ? and r.state = 'waitlisted' order by r.queued_seq, r.user_id",
        outing_id,
    )
    return [name for (name,) in rows]


def test_each_parent_sees_her_own_reply_on_the_card(
    client: Client, other_client: Client, family: Callable[[str], Client], settings: Settings
) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana the host")
    outing_id = propose(client, capacity="2")
    parents = {name: family(name) for name in ("Ana", "Bea", "Cleo", "Dora", "Eve")}
    for name in ("Ana", "Bea", "Cleo", "Dora"):
        assert reply(parents[name], outing_id, "going").status_code in (200, 303)
    assert reply(parents["Eve"], outing_id, "maybe").status_code in (200, 303)
    line = waitlisted(settings, outing_id)
    assert len(line) >= 2, "the outing should be full with two families waiting"

    assert card_pills(client, outing_id) == ["Hosting", FULL]
    for position, name in enumerate(line, start=1):
        # her place in the line, not an invitation to join it
        assert card_pills(parents[name], outing_id) == [f"Waitlist #{position}"]
    for name in {"Ana", "Bea", "Cleo", "Dora"} - set(line):
        assert card_pills(parents[name], outing_id) == ["Going"]
    assert card_pills(parents["Eve"], outing_id) == ["Maybe", FULL]

    # a parent with no reply, and a visitor, see what everyone sees
    assert card_pills(family("Fay"), outing_id) == [FULL]
    assert card_pills(other_client, outing_id) == [FULL]  # a visitor

    # a confirmed family drops out: the first in line goes, the next moves up
    second_etag = parents[line[1]].get("/").headers["etag"]
    confirmed = next(n for n in ("Ana", "Bea", "Cleo", "Dora") if n not in line)
    assert reply(parents[confirmed], outing_id, "declined").status_code in (200, 303)
    assert card_pills(parents[confirmed], outing_id) == [FULL]
    assert card_pills(parents[line[0]], outing_id) == ["Going"]
    assert card_pills(parents[line[1]], outing_id) == ["Waitlist #1"]
    # the rest of the list did not change for her (still full): her own card did,
    # so a copy her phone keeps is not confirmed unchanged
    moved = parents[line[1]].get("/", headers={"if-none-match": second_etag})
    assert moved.status_code == 200


def test_badges_speak_the_parents_language(client: Client, family: Callable[[str], Client]) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    outing_id = propose(client, capacity="5")
    ana = family("Ana")
    reply(ana, outing_id, "going")
    ana.get("/language", params={"lang": "pl"})
    assert card_pills(ana, outing_id) == ["Idę"]


def test_a_search_cannot_forge_a_card_marker(
    client: Client, family: Callable[[str], Client]
) -> None:
    """Text a parent sends never becomes a marker of the members' copy."""
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    outing_id = propose(client)
    page = client.get("/", params={"q": f"\x00card-{outing_id}\x01<b>x</b>\x00"})
    assert page.status_code == 200
    assert "<b>x</b>" not in page.text


def test_a_places_page_shows_her_part_too(client: Client, family: Callable[[str], Client]) -> None:
    from tests.test_venues import list_venue

    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    venue_id = list_venue(client)
    outing_id = propose(client, venue_id=venue_id, place="", capacity="2")
    ana, bo = family("Ana"), family("Bo")
    reply(ana, outing_id, "going")
    reply(bo, outing_id, "going")

    def pills(parent: Client) -> list[str]:
        card = html(parent.get(f"/venues/{venue_id}")).select_one(
            f"article[aria-labelledby='o-{outing_id}']"
        )
        assert card is not None
        return [pill.get_text(strip=True) for pill in card.select(".pill")]

    assert pills(client) == ["Hosting", FULL]
    assert pills(ana) == ["Going"]
    assert pills(bo) == ["Waitlist #1"]
    assert pills(family("Cy")) == [FULL]
