"""Sync signals that tell the truth, in Chromium (issue 12, item 5): the
indicator follows the signal without a reload, the offline page knows who is
signed in, counts are in the reader's grammar, and no request stays open."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Dialog, Page, Request, Route, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import assert_accessible, controlled, new_phone, screenshot, visit
from tests.browser.test_outings_browser import phone
from tests.live import LiveServer, host_outing

pytestmark = pytest.mark.browser

OFFLINE = "Offline — your changes are kept"


def test_the_indicator_follows_the_signal_without_a_reload(
    live_server: LiveServer, browser: Browser
) -> None:
    outing_id = host_outing(live_server, title="Zoo morning")
    page = phone(browser, live_server, "Ana")
    visit(page, f"{live_server.url}/outings/{outing_id}")
    context = page.context
    status = page.locator("#sync-status")
    context.set_offline(True)
    page.reload()  # the page opened with no signal, from what the phone keeps
    expect(status).to_have_text(OFFLINE)
    drawn: list[str] = []
    page.on("framenavigated", lambda frame: drawn.append(frame.url))

    # The phone says it is online again, but nothing gets through yet (a
    # weak signal): still offline, and no "online" event will come again.
    def no_network(route: Route) -> None:
        route.abort("internetdisconnected")

    context.route("**/*", no_network)
    context.set_offline(False)
    page.wait_for_timeout(1000)
    expect(status).to_have_text(OFFLINE)
    # the signal really comes back: the page finds out by itself
    context.unroute("**/*", no_network)
    expect(status).to_have_text("Online", timeout=20_000)
    # and with no signal at all again, and back
    context.set_offline(True)
    expect(status).to_have_text(OFFLINE)
    context.set_offline(False)
    expect(status).to_have_text("Online")
    assert drawn == []  # nobody reloaded the page


def remembered(page: Page, name: str | None) -> None:
    """Wait until the page has checked in with the server and kept her name (or none).

    The name is kept after the page's first check (``/healthz``), which may
    still be on its way when the page has loaded on a busy machine."""
    deadline = time.monotonic() + 10
    while page.evaluate("localStorage.getItem('outings-me')") != name:
        assert time.monotonic() < deadline, f"the page never kept {name!r}"
        page.wait_for_timeout(50)


def test_the_offline_page_shows_a_signed_in_parent_her_account(
    live_server: LiveServer, browser: Browser
) -> None:
    page = phone(browser, live_server, "Ana")
    visit(page, f"{live_server.url}/")
    remembered(page, "Ana")  # the page checked in with the server, signed in
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/venues")  # never opened: the offline page
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    expect(page.get_by_role("link", name="My account: Ana")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_have_count(0)
    screenshot(page, "offline-page-signed-in")
    assert_accessible(page)

    page.context.set_offline(False)
    page.goto(f"{live_server.url}/me")
    page.locator('form[action="/logout"] button').click()
    page.wait_for_url(f"{live_server.url}/")
    remembered(page, None)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/venues")
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("link", name="My account: Ana")).to_have_count(0)


def test_the_offline_page_follows_the_language_she_chose(
    live_server: LiveServer, browser: Browser
) -> None:
    page = phone(browser, live_server, "Ana")  # the worker installed in English
    page.goto(f"{live_server.url}/language?lang=pl&next=/")
    visit(page, f"{live_server.url}/")
    remembered(page, "Ana")
    page.wait_for_timeout(500)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/venues")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jesteś offline")
    expect(page.get_by_role("link", name="Moje konto: Ana")).to_be_visible()
    screenshot(page, "offline-page-signed-in-pl")


def queue_replies(page: Page, outing_id: str, count: int) -> None:
    page.evaluate(
        """async ([outingId, count]) => {
            const have = (await self.OutingsOutbox.pending()).length;
            for (let i = have; i < count; i += 1) {
                const args = { outing_id: outingId, status: "going", adults: 1, children: i };
                await self.OutingsOutbox.enqueue("rsvp.set", args, outingId);
            }
        }""",
        [outing_id, count],
    )


def test_waiting_changes_are_counted_in_polish_grammar(
    live_server: LiveServer, browser: Browser
) -> None:
    outing_id = host_outing(live_server, title="Baby swim")
    page = phone(browser, live_server, "Ana")
    url = f"{live_server.url}/outings/{outing_id}"
    page.goto(f"{live_server.url}/language?lang=pl&next=/outings/{outing_id}")
    visit(page, url)
    page.context.set_offline(True)
    status = page.locator("#sync-status")
    for count, text in ((1, "1 zmiana"), (2, "2 zmiany"), (5, "5 zmian")):
        queue_replies(page, outing_id, count)
        page.reload()
        expect(status).to_have_text(f"Do wysłania: {text}")
    screenshot(page, "outing-waiting-pl")

    # Signing out with changes still waiting asks first, in the same grammar.
    page.context.route("**/api/sync/push", lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(False)
    page.goto(f"{live_server.url}/me")
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.locator('form[action="/logout"] button').click()
    page.wait_for_timeout(500)
    assert asked == ["5 zmian nie dotarło jeszcze do Outings. Wylogować się i je stracić?"]
    assert page.url == f"{live_server.url}/me"  # still signed in: she said no


def goto_quiet(page: Page, url: str) -> None:
    """Open ``url`` and wait until the network goes quiet; say which requests never end."""
    open_requests: set[str] = set()

    def started(request: Request) -> None:
        open_requests.add(request.url)

    def ended(request: Request) -> None:
        open_requests.discard(request.url)

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)
    try:
        page.goto(url, wait_until="networkidle", timeout=15_000)
    except PlaywrightTimeout as exc:
        raise AssertionError(f"{url} never went quiet; still open: {open_requests}") from exc
    finally:
        page.remove_listener("request", started)
        page.remove_listener("requestfinished", ended)
        page.remove_listener("requestfailed", ended)


def test_no_request_is_left_open(live_server: LiveServer, browser: Browser) -> None:
    outing_id = host_outing(live_server, title="Farm visit")
    visitor = new_phone(browser).new_page()
    for path in ("/", f"/outings/{outing_id}"):
        goto_quiet(visitor, f"{live_server.url}{path}")
    page = phone(browser, live_server, "Ana")
    for path in ("/", f"/outings/{outing_id}", "/me"):
        goto_quiet(page, f"{live_server.url}{path}")
    controlled(page)
    for path in ("/", f"/outings/{outing_id}", "/me"):  # now through the worker
        goto_quiet(page, f"{live_server.url}{path}")
