"""What the phone shows is what the server would say now (issue 10), in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError

from outings.cli import main
from outings.db import now_iso
from outings.web.cookies import SESSION
from tests.browser.conftest import assert_accessible, controlled, screenshot, visit
from tests.browser.test_outings_browser import phone
from tests.live import LiveServer, csrf, host_outing, rows, signed_up
from tests.threads import in_thread

pytestmark = pytest.mark.browser


class Slow:
    """A network slower than anyone waits: what is asked is answered only
    when the test says so, and at once from then on."""

    def __init__(self) -> None:
        self.held: list[Route] = []
        self.answering = False

    def __call__(self, route: Route) -> None:
        if self.answering:
            route.continue_()
        else:
            self.held.append(route)

    def answer(self) -> None:
        self.answering = True
        for route in self.held:
            route.continue_()


def wait_for_second_look(page: Page, key: str) -> None:
    """Until the page, drawn again from an old copy, asked for itself once more (20 s at most)."""
    for _ in range(200):
        if second_look_asked(page, key):
            return
        page.wait_for_timeout(100)
    assert second_look_asked(page, key)


def second_look_asked(page: Page, key: str) -> bool:
    """Whether the page, drawn again from an old copy, asked for itself once more."""
    try:
        asked: str | None = page.evaluate("(key) => sessionStorage.getItem(key)", key)
    except PlaywrightError:  # between two drawings of the page
        return False
    return (asked or "").endswith(" again")


def test_a_place_that_moves_while_offline_shows_once_back_online(
    live_server: LiveServer, browser: Browser
) -> None:
    """Even when, back online, the network is slower than the worker waits."""
    outing_id = host_outing(live_server, title="Baby swim", capacity="2")  # the host's and one
    ahead = []
    for name in ("Bo", "Cy"):  # Bo takes the place, Cy waits first
        parent = signed_up(live_server, name)
        parent.post(
            f"/outings/{outing_id}/rsvp",
            data={"_csrf_token": csrf(parent), "status": "going", "adults": "1"},
        )
        ahead.append(parent)
    page = phone(browser, live_server, "Ana")
    url = f"{live_server.url}/outings/{outing_id}"
    visit(page, url)
    page.get_by_role("button", name="Save my reply").click()
    expect(page.locator(".my-reply")).to_contain_text("number 2 on the waitlist")
    me = page.context.new_page()
    me.goto(f"{live_server.url}/me")
    controlled(me)
    expect(me.locator("#main")).to_contain_text("Waitlist #2")

    page.context.set_offline(True)
    # underground: Bo can't come after all, so Cy gets the place and Ana moves up
    bo = ahead[0]
    bo.post(
        f"/outings/{outing_id}/rsvp",
        data={"_csrf_token": csrf(bo), "status": "declined", "adults": "1"},
    )
    assert rows(
        live_server,
        "select u.display_name, r.state from rsvps r join users u on u.id = r.user_id"
        " where r.state != 'none' order by r.queued_seq",
    ) == [("Hana", "confirmed"), ("Cy", "confirmed"), ("Ana", "waitlisted")]
    page.wait_for_timeout(500)
    expect(page.locator(".my-reply")).to_contain_text("number 2 on the waitlist")  # still old

    # The signal comes back slow: the outing page takes longer than the
    # worker waits, so the page's first reload is drawn from the kept copy.
    network = Slow()
    page.context.route(url, network)
    page.context.set_offline(False)  # nobody reloads by hand
    # The reload came from the kept copy (the worker's wait, 3 s, ran out), and
    # the page drawn from it asked for a second look: still the old place.
    key = f"outings-refreshed:/outings/{outing_id}"
    wait_for_second_look(page, key)
    expect(page.locator(".my-reply")).to_contain_text("number 2 on the waitlist")
    network.answer()
    expect(page.locator(".my-reply")).to_contain_text("number 1 on the waitlist")
    expect(me.locator("#main")).to_contain_text("Waitlist #1")
    screenshot(page, "outing-place-moved-while-offline")
    assert_accessible(page)
    for parent in ahead:
        parent.close()


def test_an_outing_taken_down_while_offline_is_not_left_on_the_phone(
    live_server: LiveServer, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back online on a network slower than the worker waits, the page of an
    outing a moderator took down meanwhile says it is gone: it is not left
    drawn from the copy the phone kept."""
    outing_id = host_outing(live_server, title="Baby swim", capacity="4")
    page = phone(browser, live_server, "Ana")
    url = f"{live_server.url}/outings/{outing_id}"
    visit(page, url)
    expect(page.locator("h1")).to_contain_text("Baby swim")

    page.context.set_offline(True)
    moderator = signed_up(live_server, "Mo")
    monkeypatch.setenv("OUTINGS_DB", live_server.db)  # `outings grant`, as an admin does
    assert in_thread(main, ["grant", "moderator", "Mo"]) == 0
    hidden = moderator.post(
        "/moderation/hide",
        data={
            "_csrf_token": csrf(moderator),
            "target_type": "outing",
            "target_id": outing_id,
            "reason": "Not a real outing",
        },
    )
    assert hidden.status_code in (302, 303), hidden.text
    assert rows(live_server, "select hidden_at is not null from outings where id = ?", outing_id)[
        0
    ][0]

    network = Slow()
    page.context.route(url, network)
    page.context.set_offline(False)
    key = f"outings-refreshed:/outings/{outing_id}"
    wait_for_second_look(page, key)
    expect(page.locator("h1")).to_contain_text("Baby swim")  # drawn from the kept copy
    network.answer()
    expect(page.locator("#main")).to_contain_text("We could not find that page.")
    expect(page.locator("h1")).not_to_contain_text("Baby swim")
    screenshot(page, "outing-taken-down-while-offline")
    assert_accessible(page)
    moderator.close()


def test_a_page_never_kept_waits_for_a_slow_network_rather_than_say_offline(
    live_server: LiveServer, browser: Browser
) -> None:
    """The worker answers from the phone's copy when the network is slower
    than it waits; with no copy of the page, it waits for the network instead
    of telling a parent who has signal that she is offline."""
    page = phone(browser, live_server, "Ana")
    path = "/venues/new"
    assert page.evaluate("async (p) => (await caches.match(p)) === undefined", path)
    network = Slow()
    page.context.route(f"{live_server.url}{path}", network)
    page.evaluate("(p) => { location.href = p; }", path)
    page.wait_for_timeout(4000)  # longer than the worker waits for the network (3 s)
    network.answer()
    expect(page.locator("h1")).to_have_text("List a child-friendly place")
    expect(page.locator("#offline-title")).to_have_count(0)


def test_a_change_the_server_refuses_is_set_aside_and_the_rest_still_go(
    live_server: LiveServer, browser: Browser
) -> None:
    """A push the server can never take (400) is not retried for ever: the
    change at fault is set aside with the server's words, the rest is sent."""
    outing_id = host_outing(live_server, title="Story time", capacity="4")
    page = phone(browser, live_server, "Ana")
    visit(page, f"{live_server.url}/outings/{outing_id}")
    page.context.set_offline(True)
    # a change no server will take (what an old app version might have queued)
    page.evaluate(
        """() => self.OutingsOutbox.enqueue("comment.add", "not an object", null,
             document.querySelector(".me-link").dataset.account)"""
    )
    page.get_by_role("button", name="Save my reply").click()
    expect(page.locator("#sync-status")).to_contain_text("Waiting to sync: 2")
    refused: list[str] = []

    def refuse_bad_envelopes(route: Route) -> None:
        body = route.request.post_data or ""
        if '"not an object"' in body:
            refused.append(body)
            route.fulfill(
                status=400,
                content_type="application/json",
                body='{"error": {"code": "invalid", "message": "The changes could not be read."}}',
            )
        else:
            route.continue_()

    page.context.route("**/api/sync/push", refuse_bad_envelopes)
    page.context.set_offline(False)
    expect(page.locator(".my-reply")).to_contain_text("You're in!", timeout=20_000)
    expect(page.locator("#sync-status")).not_to_contain_text("Waiting")
    assert len(refused) == 2  # the whole queue, then the bad change alone: never again
    page.goto(f"{live_server.url}/me")
    assert rows(
        live_server,
        "select state from rsvps r join users u on u.id = r.user_id where u.display_name = 'Ana'",
    ) == [("confirmed",)]
    results = page.evaluate("self.OutingsOutbox.results()")
    assert [(r["name"], r["status"]) for r in sorted(results, key=lambda r: r["at"])] == [
        ("comment.add", "rejected"),
        ("rsvp.set", "applied"),
    ]


def test_a_change_made_by_one_parent_never_goes_out_in_another_s_name(
    live_server: LiveServer, browser: Browser
) -> None:
    """Ana writes a comment and replies with no signal; her session ends
    before the signal is back (signed out from her laptop); Ben signs in on
    the same phone. Neither is made in Ben's name, nor are her words shown
    to him: set aside, and said so; Ben's own reply still goes."""
    outing_id = host_outing(live_server, title="Baby swim", capacity="5")
    other = host_outing(live_server, title="Library rhymes", capacity="5")
    page = phone(browser, live_server, "Ana")
    visit(page, f"{live_server.url}/outings/{outing_id}")  # kept on her phone for later
    visit(page, f"{live_server.url}/outings/{other}")
    page.get_by_role("button", name="Save my reply").click()  # she may comment there
    expect(page.locator(".my-reply")).to_contain_text("You're in!")
    page.context.set_offline(True)
    page.get_by_label("Write a comment").fill("Ana's own words")
    page.get_by_role("button", name="Post comment").click()
    page.goto(f"{live_server.url}/outings/{outing_id}")  # her kept copy, no signal
    page.get_by_role("button", name="Save my reply").click()
    expect(page.locator("#sync-status")).to_contain_text("Waiting to sync: 2")
    rows(  # her session ends elsewhere meanwhile
        live_server,
        "delete from sessions where user_id = (select id from users where display_name = 'Ana')",
    )
    ben = signed_up(live_server, "Ben")  # Ben signs in on her phone
    try:
        page.context.add_cookies(
            [{"name": SESSION, "value": ben.cookies[SESSION], "url": live_server.url}]
        )
    finally:
        ben.close()
    page.context.set_offline(False)  # the page sends what waits, and is drawn again
    expect(page.locator("#sync-verdicts")).to_contain_text(
        "another account was signed in", timeout=20_000
    )
    expect(page.locator("#sync-status")).not_to_contain_text("Waiting")
    page.goto(f"{live_server.url}/outings/{other}")  # once: a verdict is said once
    expect(page.locator("#sync-verdicts")).to_contain_text("another account")
    expect(page.locator("body")).not_to_contain_text("Ana's own words")
    assert rows(live_server, "select count(*) from comments") == [(0,)]
    visit(page, f"{live_server.url}/outings/{outing_id}")
    screenshot(page, "change-of-another-account")
    assert_accessible(page)
    replies = (
        "select u.display_name, r.status from rsvps r join users u on u.id = r.user_id"
        " where r.outing_id = ? order by 1"
    )
    assert ("Ben", "going") not in rows(live_server, replies, outing_id)
    # Ben's own reply, made on the same phone, goes in his name
    page.get_by_role("button", name="Save my reply").click()
    expect(page.locator(".my-reply")).to_contain_text("You're in!", timeout=20_000)
    assert ("Ben", "going") in rows(live_server, replies, outing_id)
    assert ("Ana", "going") not in rows(live_server, replies, outing_id)


def test_words_the_server_refuses_are_never_lost(live_server: LiveServer, browser: Browser) -> None:
    """A comment typed with no signal and refused once back (her hour's
    comments used up) comes back into the comment box; one on an outing
    taken down meanwhile (no box any more) is quoted beside the verdict."""
    talk = host_outing(live_server, title="Rhyme time", capacity="5")
    taken_down = host_outing(live_server, title="Puppet show", capacity="5")
    page = phone(browser, live_server, "Ana")
    for outing_id in (talk, taken_down):
        visit(page, f"{live_server.url}/outings/{outing_id}")
        page.get_by_role("button", name="Save my reply").click()
        expect(page.locator(".my-reply")).to_contain_text("You're in!")
    [(ana,)] = rows(live_server, "select id from users where display_name = 'Ana'")
    for n in range(30):  # her hour's comments, written elsewhere
        rows(
            live_server,
            "insert into comments (id, outing_id, author_id, body, created_at)"
            " values (?, ?, ?, 'Hello', ?)",
            f"c-{n}",
            taken_down,
            ana,
            now_iso(),
        )
    visit(page, f"{live_server.url}/outings/{talk}")
    page.context.set_offline(True)
    page.get_by_label("Write a comment").fill("Can we bring the pram inside?")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_label("Write a comment")).to_have_value("")
    page.context.set_offline(False)
    expect(page.locator("#sync-verdicts")).to_contain_text("Not saved", timeout=20_000)
    expect(page.get_by_label("Write a comment")).to_have_value("Can we bring the pram inside?")
    rows(live_server, "delete from comments where id like 'c-%'")
    # a comment on an outing a moderator takes down while the phone has no signal
    visit(page, f"{live_server.url}/outings/{taken_down}")
    page.context.set_offline(True)
    page.get_by_label("Write a comment").fill("Running ten minutes late")
    page.get_by_role("button", name="Post comment").click()
    rows(
        live_server,
        "update outings set hidden_at = '2026-01-01T00:00:00Z', hidden_reason = 'spam'"
        " where id = ?",
        taken_down,
    )
    page.context.set_offline(False)
    verdicts = page.locator("#sync-verdicts")
    expect(verdicts).to_contain_text("Running ten minutes late", timeout=20_000)
    screenshot(page, "refused-comment-quoted")
    assert_accessible(page)
    assert rows(live_server, "select body from comments where author_id = ?", ana) == []


def test_only_her_last_reply_says_how_it_went(live_server: LiveServer, browser: Browser) -> None:
    """Going, then "can't go", both with no signal: back online the page says
    the last, never "You're in!" beside "You said you can't go"."""
    outing_id = host_outing(live_server, title="Sing along", capacity="5")
    page = phone(browser, live_server, "Ana")
    visit(page, f"{live_server.url}/outings/{outing_id}")
    page.context.set_offline(True)
    page.get_by_role("button", name="Save my reply").click()
    page.get_by_text("Can't go", exact=True).click()
    page.get_by_role("button", name="Save my reply").click()
    expect(page.locator("#sync-status")).to_contain_text("Waiting to sync: 2")
    page.context.set_offline(False)
    expect(page.locator("#sync-status")).not_to_contain_text("Waiting", timeout=20_000)
    expect(page.locator("#sync-verdicts")).not_to_be_hidden()
    expect(page.locator("#sync-verdicts")).not_to_contain_text("You're in!")
    assert rows(
        live_server,
        "select r.status from rsvps r join users u on u.id = r.user_id"
        " where u.display_name = 'Ana'",
    ) == [("declined",)]


def test_her_page_in_another_tab_follows_a_reply_made_offline(
    live_server: LiveServer, browser: Browser
) -> None:
    """Two tabs, no signal: a reply in one is counted as waiting in the other
    (her `/me`), and once it is sent `/me` lists the outing without her
    reloading it."""
    outing_id = host_outing(live_server, title="Messy play", capacity="5")
    page = phone(browser, live_server, "Ana")
    visit(page, f"{live_server.url}/outings/{outing_id}")
    me = page.context.new_page()
    me.goto(f"{live_server.url}/me")
    expect(me.get_by_text("Outings you host or reply to will be listed here")).to_be_visible()
    page.context.set_offline(True)
    page.get_by_role("button", name="Save my reply").click()
    expect(me.locator("#sync-status")).to_contain_text("Waiting to sync: 1")
    page.context.set_offline(False)
    expect(me.get_by_role("link", name="Messy play")).to_be_visible(timeout=20_000)
    expect(me.locator("#sync-status")).not_to_contain_text("Waiting")
