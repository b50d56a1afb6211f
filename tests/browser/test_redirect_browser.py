r"""``next=`` in a real browser: a sign-in or the language menu never leaves the app (issue 11).

Chromium drops the tab from ``/\t/evil.example`` and would land on
``//evil.example``; the page the attacker hoped for is routed here so a
miss shows as a page on evil.example, not a network error.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import LiveServer, VirtualAuthenticator
from tests.browser.test_passkeys import sign_out_and_back_in

pytestmark = pytest.mark.browser

NASTY = quote("/\t/evil.example", safe="")


def _trap(context: BrowserContext) -> list[str]:
    visited: list[str] = []

    def fulfil(route: Route) -> None:
        visited.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>evil.example</h1>")

    context.route("http://evil.example/**", fulfil)
    return visited


def test_signing_up_and_in_with_a_nasty_next_stays_here(
    live_server: LiveServer, context: BrowserContext, page: Page
) -> None:
    visited = _trap(context)
    VirtualAuthenticator(context, page)
    page.goto(f"{live_server.url}/register?next={NASTY}")
    page.get_by_label("What should other parents call you?").fill("Ana")
    page.get_by_role("button", name="Create my passkey").click()
    page.wait_for_url(f"{live_server.url}/me")
    sign_out_and_back_in(page, live_server, "Ana", login=f"/login?next={NASTY}")
    assert visited == []


def test_the_language_menu_with_a_nasty_next_stays_here(
    live_server: LiveServer, context: BrowserContext, page: Page
) -> None:
    visited = _trap(context)
    page.goto(f"{live_server.url}/language?lang=fr&next={NASTY}")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert visited == []
