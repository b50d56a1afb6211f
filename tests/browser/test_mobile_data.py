"""Light on mobile data: what a phone fetches in the background after a page view (issue 12).

Only a signed-in parent's phone stores pages ahead, only when something
changed, only her pages, each asked with its ETag; never with Save-Data.
Counted in bytes as Chromium sends and receives them, worker included.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from outings.web import cookies
from tests.browser.conftest import controlled, new_phone
from tests.browser.test_offline import kept
from tests.browser.test_outings_browser import phone
from tests.browser.traffic import Traffic
from tests.live import LiveServer, csrf, host_outing, signed_up

pytestmark = pytest.mark.browser

#: The goal of issue 12: a page view once nothing has changed.
BACKGROUND_BUDGET = 2048


def view(page: Page, traffic: Traffic, url: str) -> None:
    """One page view, its background work included, with only its own traffic recorded."""
    traffic.settle(page)
    traffic.clear()
    page.goto(url)
    traffic.settle(page)


def settled_parent(browser: Browser, server: LiveServer, name: str = "Ana") -> tuple[Page, Traffic]:
    """A signed-in parent whose phone has stored her pages once."""
    page = phone(browser, server, name)
    traffic = Traffic(page.context)
    page.goto(f"{server.url}/")
    controlled(page)
    view(page, traffic, f"{server.url}/")
    return page, traffic


def kept_text(page: Page, path: str) -> str:
    text: str = page.evaluate(
        """async (path) => {
            const found = await caches.match(path, { ignoreVary: true });
            return found ? await found.text() : "";
        }""",
        path,
    )
    return text


def test_a_visitor_stores_nothing_ahead(live_server: LiveServer, browser: Browser) -> None:
    outing_id = host_outing(live_server, title="Rhyme time")
    context = new_phone(browser)
    page = context.new_page()
    traffic = Traffic(context)
    page.goto(f"{live_server.url}/")
    controlled(page)
    for _ in range(2):
        view(page, traffic, f"{live_server.url}/")
        paths = [e.path for e in traffic.background()]
        assert paths == ["/healthz"], traffic.background()
    assert not kept(page, "/me")
    assert not kept(page, f"/outings/{outing_id}")


def test_a_parent_with_nothing_changed_spends_under_2_kb(
    live_server: LiveServer, browser: Browser
) -> None:
    outings = [host_outing(live_server, title=f"Outing {n}") for n in range(3)]
    page, traffic = settled_parent(browser, live_server)
    # her pages were stored ahead: the list, /me and the outings it shows
    for path in ["/", "/me", *(f"/outings/{o}" for o in outings)]:
        assert kept(page, path), path
    for _ in range(2):
        view(page, traffic, f"{live_server.url}/")
        background = traffic.background()
        assert all(e.path == "/healthz" or e.status == 304 for e in background), background
        assert traffic.background_bytes() < BACKGROUND_BUDGET, background


def test_after_a_reply_elsewhere_only_what_changed_comes_again(
    live_server: LiveServer, browser: Browser
) -> None:
    changed = host_outing(live_server, title="Zoo morning", capacity="6")
    unchanged = host_outing(live_server, title="Library rhymes")
    page, traffic = settled_parent(browser, live_server)
    assert not re.search(r"\bBo\b", kept_text(page, f"/outings/{changed}"))
    bo = signed_up(live_server, "Bo")
    bo.post(
        f"/outings/{changed}/rsvp",
        data={"_csrf_token": csrf(bo), "status": "going", "adults": "1"},
    )
    bo.close()
    view(page, traffic, f"{live_server.url}/venues")
    by_path = {e.path: e for e in traffic.background()}
    assert by_path[f"/outings/{changed}"].status == 200
    assert by_path[f"/outings/{unchanged}"].status == 304
    assert re.search(r"\bBo\b", kept_text(page, f"/outings/{changed}"))  # members see who goes


def test_save_data_in_the_browser_means_no_storing_ahead(
    live_server: LiveServer, browser: Browser
) -> None:
    outing_id = host_outing(live_server, title="Rhyme time")
    context = new_phone(browser)
    context.add_init_script(
        "Object.defineProperty(navigator.connection, 'saveData', { get: () => true })"
    )
    check_nothing_stored_ahead(live_server, context, outing_id)


def test_save_data_from_the_phone_means_no_storing_ahead(
    live_server: LiveServer, browser: Browser
) -> None:
    outing_id = host_outing(live_server, title="Rhyme time")
    context = new_phone(browser)

    def with_save_data(route: Route) -> None:
        route.continue_(headers={**route.request.headers, "save-data": "on"})

    context.route("**/*", with_save_data)
    check_nothing_stored_ahead(live_server, context, outing_id)


def check_nothing_stored_ahead(server: LiveServer, context: BrowserContext, outing_id: str) -> None:
    page = context.new_page()
    page.set_default_timeout(10_000)
    from tests.browser.conftest import VirtualAuthenticator
    from tests.browser.test_passkeys import register

    VirtualAuthenticator(context, page)
    register(page, server, "Ana")
    traffic = Traffic(context)
    page.goto(f"{server.url}/")
    controlled(page)
    for _ in range(2):
        view(page, traffic, f"{server.url}/")
        assert [e.path for e in traffic.background()] == ["/healthz"], traffic.background()
    assert not kept(page, f"/outings/{outing_id}")


def test_a_page_stored_ahead_opens_offline(live_server: LiveServer, browser: Browser) -> None:
    outing_id = host_outing(live_server, title="Puppet theatre")
    page, _traffic = settled_parent(browser, live_server)
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/outings/{outing_id}")  # never opened before
    expect(page.get_by_role("heading", level=1)).to_have_text("Puppet theatre")


def test_the_bench_row_measures_a_parent_s_quiet_page_view(
    live_server: LiveServer, browser: Browser
) -> None:
    """`make bench`'s background bytes keep working (no figure but the goal is asserted)."""
    from bench import background

    outing_id = host_outing(live_server, title="Rhyme time")
    ana, bo = signed_up(live_server, "Ana"), signed_up(live_server, "Bo")
    tokens = [str(client.cookies.get(cookies.SESSION)) for client in (ana, bo)]
    ana.close()
    bo.close()
    report = background.measure(
        live_server.url,
        tokens[0],
        change=background.push_a_reply(live_server.url, tokens[1], outing_id),
        browser=browser,
    )
    assert report["unchanged"]["bytes"] < background.GOAL_BYTES
    assert report["after_a_change"]["requests"] > report["unchanged"]["requests"]
    assert "goal once nothing has changed" in background.describe(report)
