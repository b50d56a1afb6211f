"""Outings in a circle (issue 13, item 2): for everyone, or for its members only.

A members-only outing reaches the circle's members and its host, and nobody
else on any channel: its page and ``.ics``, the list (every filter, every
page), a place's page, ``/me``, the calendar feed, JSON-LD and pulls. Most
tests here run every parent through ONE app, so the pages it shares between
readers (the list, the outing page) are shared between them too: a copy made
for a member must never reach anyone else.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.cli import main
from outings.db import database_at
from outings.outing import browse
from outings.push import enqueue
from outings.settings import Settings
from tests.circle_helpers import apply, join, post_form, pull_everything, start_circle, text
from tests.conftest import ORIGIN, csrf_token, html, in_thread, sign_up
from tests.outing_helpers import db, in_days, outing_form, propose, reply
from tests.softauthn import SoftAuthenticator
from tests.test_privacy import calendar_url
from tests.test_venues import list_venue

Client = TestClient[Litestar]
SECRET = "Swap party at Fatou's"
OPEN = "Clothes sale in the church hall"
ELSEWHERE = "Pool morning"
OUTSIDERS = ("visitor", "Olu", "Bea")


class Town:
    """Several parents taking turns on one browser of one app: each has her
    own cookies (her session), while the app, its caches and its shared
    copies of pages are the same for all of them."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.jars: dict[str, httpx.Cookies] = {}
        self.current = ""

    def _leave(self) -> None:
        if self.current:
            self.jars[self.current] = httpx.Cookies(self.client.cookies)
        self.client.cookies.clear()

    def sign_up(self, name: str) -> Client:
        self._leave()
        sign_up(self.client, SoftAuthenticator(origin=ORIGIN), name)
        self.current = name
        return self.client

    def as_(self, name: str) -> Client:
        """The browser, now in ``name``'s hands ("visitor": nobody signed in)."""
        self._leave()
        self.current = "" if name == "visitor" else name
        if self.current:
            self.client.cookies = httpx.Cookies(self.jars[name])
        return self.client


class World:
    def __init__(self, town: Town, settings: Settings) -> None:
        self.town = town
        self.settings = settings
        town.sign_up("Fatou")  # the circle's founder and host
        self.circle = start_circle(town.client, name="Riverside parents", area="Riverside")
        self.venue = list_venue(town.client, name="St Mary's hall", area="Riverside")
        self.secret = propose(
            town.client,
            title=SECRET,
            category="swap_party",
            venue_id=self.venue,
            circle_id=self.circle,
            visibility="members",
            adults_only="on",
            date=in_days(1).isoformat(),
        )
        self.open = propose(
            town.client,
            title=OPEN,
            category="clothes_sale",
            venue_id=self.venue,
            circle_id=self.circle,
            visibility="public",
            date=in_days(3).isoformat(),
        )
        town.sign_up("Mel")
        assert join(town.client, self.circle).status_code in (302, 303)
        town.sign_up("Olu")  # in no circle
        self.elsewhere = propose(town.client, title=ELSEWHERE, category="pool")
        town.sign_up("Bea")  # another circle's moderator
        self.other_circle = start_circle(town.client, name="Hilltop mums", area="Hilltop")

    def as_(self, name: str) -> Client:
        return self.town.as_(name)


@pytest.fixture
def world(client: Client, settings: Settings) -> World:
    return World(Town(client), settings)


def compact(settings: Settings) -> None:
    """Forget old deletions, as the app does every few hours (``outings compact``)."""
    os.environ["OUTINGS_DB"] = settings.db
    try:
        assert in_thread(main, ["compact", "--days", "1"]) == 0
    finally:
        del os.environ["OUTINGS_DB"]


def words(response: Any) -> str:
    """What a page says (the HTML's escapes undone: "Fatou's", not "Fatou&#39;s")."""
    return html(response).get_text(" ", strip=True)


def titles(response: Any) -> list[str]:
    return [a.get_text(strip=True) for a in html(response).select(".outing-title a")]


def listed(client: Client, query: str = "") -> list[str]:
    """Every outing title on the list for ``query``, page after page."""
    found: list[str] = []
    address = "/?" + query
    while True:
        page = client.get(address)
        assert page.status_code == 200
        found += titles(page)
        more = html(page).select_one(".more a")
        if more is None:
            return found
        address = "/" + str(more["href"])


def pulled(client: Client) -> dict[tuple[str, str], Any]:
    held, _cursor = pull_everything(client)
    return held


def test_a_members_only_outing_reaches_no_one_outside_its_circle(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browse, "PAGE_SIZE", 1)  # every outing on a page of its own
    # A member opens everything first: any copy shared with others is made now.
    mel = world.as_("Mel")
    assert SECRET in listed(mel)
    assert mel.get(f"/outings/{world.secret}").status_code == 200
    queries = [
        "",
        "category=swap_party",
        "q=swap",
        "when=week",
        "area=Riverside",
        "circle=mine",
        "page_number=2",
    ]
    for query in queries:
        listed(mel, query)
    for name in OUTSIDERS:
        them = world.as_(name)
        assert them.get(f"/outings/{world.secret}").status_code == 404, name
        assert them.get(f"/outings/{world.secret}.ics").status_code == 404, name
        for query in queries:
            seen = listed(them, query)
            assert SECRET not in seen, (name, query)
        assert OPEN in listed(them), name
        venue_page = them.get(f"/venues/{world.venue}")
        assert SECRET not in words(venue_page), name
        assert OPEN in titles(venue_page), name
        assert SECRET not in words(them.get(f"/circles/{world.circle}")), name
        assert SECRET not in words(them.get("/circles")), name
        held = pulled(them)
        assert ("outing", world.secret) not in held, name
        assert SECRET not in json.dumps(list(held.values())), name
        assert ("outing", world.open) in held, name


def test_a_member_sees_it_everywhere(world: World) -> None:
    mel = world.as_("Mel")
    page = mel.get(f"/outings/{world.secret}")
    assert page.status_code == 200
    assert text(page, "h1") == SECRET
    assert "Members only" in text(page, ".outing-circle")
    assert "Adults only" in text(page, ".outing-circle")
    assert "Riverside parents" in text(page, ".outing-circle")
    # no JSON-LD for search engines, even on a member's page
    assert html(page).select_one("script[type='application/ld+json']") is None
    assert mel.get(f"/outings/{world.secret}.ics").status_code == 200
    assert SECRET in listed(mel)
    assert SECRET in titles(mel.get(f"/venues/{world.venue}"))
    assert SECRET in titles(mel.get(f"/circles/{world.circle}"))
    held = pulled(mel)
    data = held["outing", world.secret]
    assert data["circle_id"] == world.circle
    assert data["visibility"] == "members"
    assert data["adults_only"] is True
    # she replies: on /me and in her calendar feed
    assert reply(mel, world.secret, "going", children=0).status_code == 200
    assert SECRET in words(mel.get("/me"))
    feed = mel.get(calendar_url(mel))
    assert SECRET in feed.text
    # the public one of the circle has its JSON-LD as any outing does
    public = html(mel.get(f"/outings/{world.open}"))
    assert public.select_one("script[type='application/ld+json']") is not None


def test_outsiders_can_neither_reply_nor_comment(world: World) -> None:
    olu = world.as_("Olu")
    token = csrf_token(olu, "/me")
    answer = olu.post(
        f"/outings/{world.secret}/rsvp",
        data={"_csrf_token": token, "status": "going", "adults": "1", "children": "0"},
    )
    assert answer.status_code == 404
    answer = olu.post(
        f"/outings/{world.secret}/comments",
        data={"_csrf_token": token, "id": str(uuid.uuid4()), "body": "Can I come?"},
    )
    assert answer.status_code == 404
    pushed = olu.post(
        "/api/sync/push",
        json={
            "client_id": str(uuid.uuid4()),
            "mutations": [
                {
                    "id": 1,
                    "name": "rsvp.set",
                    "args": {"outing_id": world.secret, "status": "going"},
                },
                {
                    "id": 2,
                    "name": "comment.add",
                    "args": {"id": str(uuid.uuid4()), "outing_id": world.secret, "body": "Hi"},
                },
            ],
        },
    ).json()
    assert [r["status"] for r in pushed["results"]] == ["rejected", "rejected"]
    assert {r["error"]["code"] for r in pushed["results"]} == {"not_found"}
    assert db(world.settings, "select count(*) from rsvps where outing_id = ?", world.secret) == [
        (1,)  # the host's own family, nobody else
    ]
    assert db(world.settings, "select count(*) from comments") == [(0,)]


def test_a_new_member_sees_it_at_once_and_a_leaver_no_more(world: World) -> None:
    olu = world.as_("Olu")
    held, cursor = pull_everything(olu)
    assert ("outing", world.secret) not in held
    assert SECRET not in listed(olu)
    assert join(olu, world.circle).status_code in (302, 303)
    # at once: the page, the list, and her phone's next pull
    assert olu.get(f"/outings/{world.secret}").status_code == 200
    assert SECRET in listed(olu)
    assert SECRET in listed(olu, "circle=mine")
    cursor = apply(held, olu, cursor)
    assert held["outing", world.secret]["title"] == SECRET
    assert held == pulled(olu)
    # she leaves: gone from the page, the list and her phone
    assert post_form(olu, f"/circles/{world.circle}/leave").status_code in (302, 303)
    assert olu.get(f"/outings/{world.secret}").status_code == 404
    assert SECRET not in listed(olu)
    cursor = apply(held, olu, cursor)
    assert ("outing", world.secret) not in held
    assert held == pulled(olu)


def test_made_members_only_it_leaves_an_outsiders_phone_me_and_calendar(world: World) -> None:
    olu = world.as_("Olu")
    # while the circle's sale is public, Olu replies and comments
    assert reply(olu, world.open, "going").status_code == 200
    token = csrf_token(olu, f"/outings/{world.open}")
    comment_id = str(uuid.uuid4())
    olu.post(
        f"/outings/{world.open}/comments",
        data={"_csrf_token": token, "id": comment_id, "body": "We'll bring bags"},
    )
    feed = calendar_url(olu)
    assert OPEN in olu.get(feed).text
    assert OPEN in words(olu.get("/me"))
    olu_held, olu_cursor = pull_everything(olu)
    assert ("comment", comment_id) in olu_held
    mel_held, mel_cursor = pull_everything(world.as_("Mel"))
    # the host makes it members-only
    fatou = world.as_("Fatou")
    form = outing_form(
        id=world.open,
        title=OPEN,
        category="clothes_sale",
        venue_id=world.venue,
        circle_id=world.circle,
        visibility="members",
        date=in_days(3).isoformat(),
    )
    saved = post_form(fatou, f"/outings/{world.open}", **form)
    assert saved.status_code in (302, 303), saved.text
    olu = world.as_("Olu")
    apply(olu_held, olu, olu_cursor)
    assert ("outing", world.open) not in olu_held
    assert ("comment", comment_id) not in olu_held
    assert olu_held == pulled(olu)
    assert olu.get(f"/outings/{world.open}").status_code == 404
    assert OPEN not in words(olu.get("/me"))
    assert OPEN not in olu.get(feed).text
    # a member keeps it, comment and all
    mel = world.as_("Mel")
    apply(mel_held, mel, mel_cursor)
    assert mel_held["outing", world.open]["visibility"] == "members"
    assert ("comment", comment_id) in mel_held
    assert mel_held == pulled(mel)
    # and made public again, it comes back
    world.as_("Fatou")
    form["visibility"] = "public"
    assert post_form(fatou, f"/outings/{world.open}", **form).status_code in (302, 303)
    olu = world.as_("Olu")
    apply(olu_held, olu, olu_cursor)
    assert olu_held["outing", world.open]["visibility"] == "public"
    assert ("comment", comment_id) in olu_held
    assert olu_held == pulled(olu)


def test_a_host_who_leaves_the_circle_keeps_her_outing(world: World) -> None:
    mel = world.as_("Mel")
    mine = propose(
        mel,
        title="Workshop: baby massage",
        category="workshop",
        circle_id=world.circle,
        visibility="members",
    )
    held, cursor = pull_everything(mel)
    assert post_form(mel, f"/circles/{world.circle}/leave").status_code in (302, 303)
    assert mel.get(f"/outings/{mine}").status_code == 200
    assert mel.get(f"/outings/{mine}/edit").status_code == 200
    assert "Workshop: baby massage" in words(mel.get("/me"))
    apply(held, mel, cursor)
    assert ("outing", mine) in held
    assert ("outing", world.secret) not in held  # the circle's others are gone
    assert held == pulled(mel)
    # she edits it: it stays in the circle, her phone and the members' hear of it
    form = outing_form(
        id=mine,
        title="Workshop: baby massage (bring a towel)",
        category="workshop",
        circle_id=world.circle,
        visibility="members",
    )
    assert post_form(mel, f"/outings/{mine}", **form).status_code in (302, 303)
    apply(held, mel, cursor)
    assert held["outing", mine]["title"] == "Workshop: baby massage (bring a towel)"
    assert held == pulled(mel)
    fatou = world.as_("Fatou")
    assert "Workshop: baby massage (bring a towel)" in listed(fatou, "circle=mine")
    assert world.as_("Olu").get(f"/outings/{mine}").status_code == 404


def test_only_to_a_circle_she_belongs_to_and_members_only_needs_one(world: World) -> None:
    olu = world.as_("Olu")
    form = outing_form(title="Gate-crash", circle_id=world.circle, visibility="members")
    refused = post_form(olu, "/outings", **form)
    assert refused.status_code == 400
    assert "only to a circle you belong to" in text(refused, "#circle_id-error")
    assert db(world.settings, "select count(*) from outings where title = 'Gate-crash'") == [(0,)]
    form = outing_form(title="No circle", visibility="members")
    refused = post_form(olu, "/outings", **form)
    assert refused.status_code == 400
    assert "choose one of your circles" in text(refused, "#visibility-error")
    # from the phone, the same rule
    day = in_days(2).isoformat()
    pushed = olu.post(
        "/api/sync/push",
        json={
            "client_id": str(uuid.uuid4()),
            "mutations": [
                {
                    "id": 1,
                    "name": "outing.create",
                    "args": {
                        "id": str(uuid.uuid4()),
                        "title": "Gate-crash",
                        "category": "park",
                        "place": "Park",
                        "starts_at": f"{day}T09:00:00Z",
                        "ends_at": f"{day}T10:00:00Z",
                        "circle_id": world.circle,
                        "visibility": "members",
                    },
                },
                {
                    "id": 2,
                    "name": "outing.update",
                    "args": {"id": world.elsewhere, "circle_id": world.circle},
                },
            ],
        },
    ).json()
    assert [r["status"] for r in pushed["results"]] == ["rejected", "rejected"]
    assert "circle_id" in pushed["results"][0]["error"]["fields"]
    assert "circle_id" in pushed["results"][1]["error"]["fields"]


def test_the_form_offers_her_circles_and_a_circle_preselects(world: World) -> None:
    mel = world.as_("Mel")
    form = html(mel.get(f"/outings/new?circle_id={world.circle}"))
    options = [o.get_text(strip=True) for o in form.select("#f-circle_id option")]
    assert options == ["None", "Riverside parents"]
    chosen = form.select_one("#f-circle_id option[selected]")
    assert chosen is not None
    assert chosen["value"] == world.circle
    assert form.select_one("#f-visibility option[value=members]") is not None
    assert form.select_one("#f-adults_only") is not None
    # another circle's id preselects nothing: she is not in it
    other = html(mel.get(f"/outings/new?circle_id={world.other_circle}"))
    chosen = other.select_one("#f-circle_id option[selected]")
    assert chosen is not None
    assert chosen["value"] == ""
    # in no circle: nothing to choose, and what she proposes is for everyone
    olu = html(world.as_("Olu").get("/outings/new"))
    assert olu.select_one("#f-circle_id") is None
    assert olu.select_one("#f-adults_only") is not None
    # the new kinds of outing
    kinds = [o.get_text(strip=True) for o in olu.select("#f-category option")]
    for kind in ("Swap party", "Clothes sale", "Workshop", "Parents' evening"):
        assert kind in kinds
    # Polish too
    polish = html(world.as_("Olu").get("/language?lang=pl&next=/outings/new"))
    kinds = [o.get_text(strip=True) for o in polish.select("#f-category option")]
    assert "Swap party" not in kinds


def test_my_circles_filter_shows_only_her_circles_outings(world: World) -> None:
    mel = world.as_("Mel")
    everything = listed(mel)
    assert {SECRET, OPEN, ELSEWHERE} <= set(everything)
    mine = listed(mel, "circle=mine")
    assert sorted(mine) == sorted([SECRET, OPEN])
    page = html(mel.get("/?circle=mine"))
    box = page.select_one("#circle")
    assert box is not None
    assert box.has_attr("checked")
    # a parent in no circle is told how to find one; a visitor is not offered it
    olu = world.as_("Olu")
    alone = olu.get("/?circle=mine")
    assert titles(alone) == []
    assert "You are not in a circle yet" in words(alone)
    visitor = world.as_("visitor")
    assert html(visitor.get("/")).select_one("#circle") is None
    assert SECRET not in listed(visitor, "circle=mine")


def test_cards_name_the_circle_and_say_who_it_is_for(world: World) -> None:
    mel = world.as_("Mel")
    page = html(mel.get("/"))
    cards = {
        c.select_one(".outing-title").get_text(strip=True): c  # type: ignore[union-attr]
        for c in page.select(".outing-card")
    }
    secret = cards[SECRET].get_text(" ", strip=True)
    assert "Riverside parents" in secret
    assert "Members only" in secret
    assert "Adults only" in secret
    assert "Swap party" in secret
    assert "without the children" in secret
    sale = cards[OPEN].get_text(" ", strip=True)
    assert "Riverside parents" in sale
    assert "Members only" not in sale
    assert "Clothes sale" in sale
    link = cards[OPEN].select_one("a.pill-circle")
    assert link is not None
    assert link["href"] == f"/circles/{world.circle}"
    assert "Riverside parents" not in cards[ELSEWHERE].get_text()
    # an adults-only outing is not for a child of any age
    assert SECRET not in listed(mel, "age=12")


def test_the_circle_page_lists_its_outings_and_the_list_its_next(world: World) -> None:
    mel = world.as_("Mel")
    shown = mel.get(f"/circles/{world.circle}")
    assert titles(shown) == [SECRET, OPEN]
    propose_link = html(shown).select_one(f"a[href='/outings/new?circle_id={world.circle}']")
    assert propose_link is not None
    card = html(mel.get("/circles")).select_one(".circle-card .circle-next")
    assert card is not None
    assert SECRET in card.get_text()
    for name in ("Olu", "visitor"):
        them = world.as_(name)
        shown = them.get(f"/circles/{world.circle}")
        assert titles(shown) == [OPEN]
        assert html(shown).select_one("a[href^='/outings/new?circle_id=']") is None
        nexts = [
            p.get_text(" ", strip=True) for p in html(them.get("/circles")).select(".circle-next")
        ]
        assert any(OPEN in n for n in nexts), name
        assert not any(SECRET in n for n in nexts), name


def test_a_cancellation_reaches_the_members(world: World) -> None:
    """The changes every outing has reach a members-only outing's audience too."""
    mel = world.as_("Mel")
    held, cursor = pull_everything(mel)
    fatou = world.as_("Fatou")
    cancelled = post_form(fatou, f"/outings/{world.secret}/cancel", reason="Hall flooded")
    assert cancelled.status_code in (302, 303)
    mel = world.as_("Mel")
    cursor = apply(held, mel, cursor)
    assert held["outing", world.secret]["status"] == "cancelled"
    assert held == pulled(mel)


def test_moved_to_another_circle_it_leaves_the_first_circles_members(world: World) -> None:
    """Olu joined after the swap party was posted: her phone got it as a copy
    of her own. Moved to a circle she is not in, no pull gives it to her again."""
    olu = world.as_("Olu")
    assert join(olu, world.circle).status_code in (302, 303)
    held, cursor = pull_everything(olu)
    assert ("outing", world.secret) in held
    bea = world.as_("Bea")
    bea_held, bea_cursor = pull_everything(bea)
    fatou = world.as_("Fatou")
    assert join(fatou, world.other_circle).status_code in (302, 303)
    form = outing_form(
        id=world.secret,
        title=SECRET,
        category="swap_party",
        venue_id=world.venue,
        circle_id=world.other_circle,
        visibility="members",
        date=in_days(1).isoformat(),
    )
    assert post_form(fatou, f"/outings/{world.secret}", **form).status_code in (302, 303)
    olu = world.as_("Olu")
    apply(held, olu, cursor)
    assert ("outing", world.secret) not in held
    assert held == pulled(olu)
    assert olu.get(f"/outings/{world.secret}").status_code == 404
    bea = world.as_("Bea")
    apply(bea_held, bea, bea_cursor)
    assert bea_held["outing", world.secret]["circle_id"] == world.other_circle
    assert bea_held == pulled(bea)
    assert SECRET in listed(bea, "circle=mine")
    # weeks later the deletions are forgotten (compacted): a fresh copy still leaves it out
    db(world.settings, "update sync_changes set changed_at = '2000-01-01T00:00:00Z'")
    compact(world.settings)
    assert ("outing", world.secret) not in pulled(world.as_("Olu"))


def test_a_family_who_left_the_circle_hears_no_more_of_its_members_only_outing(
    world: World,
) -> None:
    """No reminder, change or cancellation of it reaches her: each says its title,
    a reminder its meeting point."""
    for name in ("Mel", "Olu"):
        family = world.as_(name)
        if name == "Olu":
            assert join(family, world.circle).status_code in (302, 303)
        reply(family, world.secret)
    going = db(
        world.settings,
        "select u.display_name from rsvps r join users u on u.id = r.user_id"
        " where r.outing_id = ? and r.status = 'going' order by 1",
        world.secret,
    )
    assert going == [("Fatou",), ("Mel",), ("Olu",)]
    olu = world.as_("Olu")
    assert post_form(olu, f"/circles/{world.circle}/leave").status_code in (302, 303)
    [(starts_at,)] = db(world.settings, "select starts_at from outings where id = ?", world.secret)
    evening_before = datetime.fromisoformat(starts_at) - timedelta(hours=14)

    async def remind() -> int:
        database = database_at(world.settings.db)
        await database.open()
        try:
            return await enqueue.reminders(database, world.settings.tz, evening_before)
        finally:
            await database.close()

    assert in_thread(asyncio.run, remind()) >= 1  # Mel's
    fatou = world.as_("Fatou")
    cancelled = post_form(fatou, f"/outings/{world.secret}/cancel", reason="Hall flooded")
    assert cancelled.status_code in (302, 303)
    told = db(
        world.settings,
        "select u.display_name, n.kind from notifications n join users u on u.id = n.user_id"
        " where n.outing_id = ? order by n.kind",
        world.secret,
    )
    assert ("Mel", "cancelled") in told
    assert ("Mel", "reminder_evening") in told or ("Mel", "reminder_soon") in told
    assert [kind for name, kind in told if name == "Olu"] == []


@pytest.mark.parametrize("how", ["leaves", "is removed"])
def test_a_family_who_leaves_gives_up_her_place_to_the_waitlist(world: World, how: str) -> None:
    """She no longer sees the circle's members-only outing: the place she held
    goes to the next family waiting, who is told, and both phones agree with
    the server."""
    fatou = world.as_("Fatou")
    full = propose(
        fatou, title="Baby yoga", circle_id=world.circle, visibility="members", capacity="2"
    )
    olu = world.as_("Olu")
    assert join(olu, world.circle).status_code in (302, 303)
    phones = {}
    for name in ("Mel", "Olu"):
        family = world.as_(name)
        reply(family, full)
        phones[name] = pull_everything(family)
    places = (
        "select u.display_name, r.status, r.state from rsvps r"
        " join users u on u.id = r.user_id where r.outing_id = ? order by 1"
    )
    assert db(world.settings, places, full) == [
        ("Fatou", "going", "confirmed"),
        ("Mel", "going", "confirmed"),
        ("Olu", "going", "waitlisted"),
    ]
    if how == "leaves":
        mel = world.as_("Mel")
        assert post_form(mel, f"/circles/{world.circle}/leave").status_code in (302, 303)
    else:
        fatou = world.as_("Fatou")
        [(mel_id,)] = db(world.settings, "select id from users where display_name = 'Mel'")
        removed = post_form(
            fatou,
            f"/circles/{world.circle}/members/{mel_id}/remove",
            **{f"reason-{mel_id}": "Asked to leave"},
        )
        assert removed.status_code in (302, 303), removed.text
    assert db(world.settings, places, full) == [
        ("Fatou", "going", "confirmed"),
        ("Mel", "declined", "none"),
        ("Olu", "going", "confirmed"),
    ]
    told = db(
        world.settings,
        "select u.display_name from notifications n join users u on u.id = n.user_id"
        " where n.outing_id = ? and n.kind = 'promoted'",
        full,
    )
    assert told == [("Olu",)]
    olu = world.as_("Olu")
    assert "You're in!" in words(olu.get(f"/outings/{full}"))
    assert "2 of 2 confirmed" in words(olu.get(f"/outings/{full}"))
    for name in ("Mel", "Olu"):
        family = world.as_(name)
        held, cursor = phones[name]
        apply(held, family, cursor)
        assert held == pulled(family), name
    assert ("outing", full) not in pulled(world.as_("Mel"))
