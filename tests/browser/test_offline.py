"""Offline for real: Chromium with its network cut, and what the server ends up with."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_outings_browser import phone
from tests.live import LiveServer, host_outing, rows

pytestmark = pytest.mark.browser


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page (so it can answer offline)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("!!navigator.serviceWorker.controller")


def visit(page: Page, url: str) -> None:
    page.goto(url)
    controlled(page)
    # visit again now that the worker is in charge, so it keeps a copy
    page.goto(url)


def test_browse_offline_after_one_visit(live_server: LiveServer, browser: Browser) -> None:
    outing_id = host_outing(live_server, title="Rhyme time")
    page = phone(browser, live_server, "Ana")
    visit(page, f"{live_server.url}/")
    visit(page, f"{live_server.url}/outings/{outing_id}")
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/")
    expect(page.locator(".outing-title")).to_have_text(["Rhyme time"])
    expect(page.locator("#sync-status")).to_contain_text("Offline")
    page.goto(f"{live_server.url}/outings/{outing_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rhyme time")
    # a page never visited gets the offline page, not the browser's error
    page.goto(f"{live_server.url}/venues")
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")


def test_rsvp_offline_lands_once_with_the_verdict(
    live_server: LiveServer, browser: Browser
) -> None:
    outing_id = host_outing(live_server, title="Zoo morning", capacity="4")
    page = phone(browser, live_server, "Ana")
    url = f"{live_server.url}/outings/{outing_id}"
    visit(page, url)
    page.context.set_offline(True)
    page.reload()
    page.get_by_label("Adults").select_option("2")
    page.get_by_label("Children").select_option("3")
    page.get_by_role("button", name="Save my reply").click()
    expect(page.locator("#my-reply-pending")).to_have_text("Going — waiting for signal")
    expect(page.locator("#sync-status")).to_contain_text("Waiting to sync: 1")
    screenshot(page, "outing-offline-pending")
    assert_accessible(page)
    assert rows(live_server, "select count(*) from rsvps") == [(0,)]

    page.context.set_offline(False)
    expect(page.locator("#sync-verdicts")).to_contain_text("You're in!")
    expect(page.locator(".my-reply")).to_contain_text("You're in!")
    screenshot(page, "outing-after-sync")
    assert rows(live_server, "select status, adults, children, state from rsvps") == [
        ("going", 2, 3, "confirmed")
    ]
    assert rows(live_server, "select count(*) from sync_mutations") == [(1,)]
