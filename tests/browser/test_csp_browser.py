"""The Content-Security-Policy in Chromium: no page, worker or passkey ceremony breaks it.

Every page template is visited, with demo data so each shows its full
self. A violation is caught twice over: the ``securitypolicyviolation``
event (an init script reports it back) and Chromium's console messages,
from pages and from the service worker. A deliberate inline style at the
start proves the watch sees what it should.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Worker, expect

from tests.browser.conftest import LiveServer, VirtualAuthenticator, controlled, screenshot
from tests.live import rows

pytestmark = pytest.mark.browser

_REPORT = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
}, true);
"""


class Violations:
    """What the Content-Security-Policy blocked in one browser context."""

    def __init__(self, context: BrowserContext) -> None:
        self.seen: list[str] = []
        context.expose_binding("reportViolation", self._reported)
        context.add_init_script(_REPORT)
        context.on("console", self._console)
        context.on("serviceworker", self._worker)

    def _reported(self, source: dict[str, Any], text: str) -> None:
        self.seen.append(f"{source['page'].url}: {text}")

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.seen.append(f"console: {message.text}")

    def _worker(self, worker: Worker) -> None:
        worker.on("console", self._console)


def settle(page: Page) -> None:
    """Let the page's scripts run and anything they report arrive."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")


def visit(page: Page, url: str, watch: Violations, shot: str | None = None) -> None:
    page.goto(url)
    settle(page)
    assert watch.seen == [], f"{url} broke the Content-Security-Policy"
    if shot:
        screenshot(page, shot)


def _grant_moderator(server: LiveServer, name: str) -> None:
    env = {**os.environ, "OUTINGS_DB": str(server.db)}
    for command in (["demo"], ["grant", "moderator", name]):
        subprocess.run(
            [sys.executable, "-m", "outings", *command], env=env, check=True, capture_output=True
        )


def test_no_page_breaks_the_content_security_policy(
    live_server: LiveServer, context: BrowserContext, page: Page
) -> None:
    url = live_server.url
    watch = Violations(context)
    VirtualAuthenticator(context, page)

    # the watch works: an inline style is refused, and seen
    page.goto(f"{url}/offline")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<b style=\"color:red\">x</b>')")
    settle(page)
    assert any("style-src" in seen for seen in watch.seen), watch.seen
    watch.seen.clear()

    # the sign-up ceremony
    visit(page, f"{url}/register", watch)
    page.get_by_label("What should other parents call you?").fill("Ana")
    page.get_by_role("button", name="Create my passkey").click()
    page.wait_for_url(f"{url}/me")
    settle(page)
    assert watch.seen == []

    # a host's own outing, proposed through the form
    visit(page, f"{url}/outings/new", watch, "csp-propose")
    page.get_by_label("Title").fill("Rhyme time")
    page.get_by_label("Or the place in words").fill("Library, children's corner")
    page.get_by_role("button", name="Propose this outing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rhyme time")
    settle(page)
    assert watch.seen == []
    mine = page.url

    _grant_moderator(live_server, "Ana")
    venue_id = rows(live_server, "select id from venues order by name limit 1")[0][0]
    outing_id = rows(
        live_server, "select id from outings where title != 'Rhyme time' order by starts_at limit 1"
    )[0][0]
    for path, shot in [
        ("/", "csp-list"),
        ("/?q=zoo&when=week", None),
        (f"/outings/{outing_id}", "csp-outing"),
        (mine, None),
        (f"{mine}/edit", None),
        (f"/outings/new?again={mine.rsplit('/', 1)[1]}", None),
        ("/me", "csp-me"),
        ("/venues", "csp-venues"),
        (f"/venues/{venue_id}", None),
        ("/venues/new", None),
        (f"/venues/{venue_id}/edit", None),
        ("/moderation", "csp-moderation"),
        ("/offline", None),
        ("/no-such-page", "csp-404"),
    ]:
        visit(page, path if path.startswith("http") else f"{url}{path}", watch, shot)

    # the sign-in ceremony
    page.goto(f"{url}/me")
    page.get_by_role("button", name="Sign out of this device").click()
    expect(page.locator(".flash")).to_contain_text("You are signed out")
    visit(page, f"{url}/login", watch)
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(f"{url}/me")
    settle(page)
    assert watch.seen == []

    # the offline page, as the service worker gives it for a page never opened
    controlled(page)
    context.set_offline(True)
    page.goto(f"{url}/venues?area=never-opened")
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    screenshot(page, "csp-offline")
    context.set_offline(False)
    assert watch.seen == []
