"""Circles on a phone (issue 13): start one, run it, find it offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import assert_accessible, controlled, screenshot
from tests.browser.test_mobile_data import settled_parent
from tests.browser.test_offline import kept
from tests.browser.test_outings_browser import phone
from tests.live import LiveServer, csrf, rows, signed_up

pytestmark = pytest.mark.browser


def test_start_a_circle_and_run_it_on_a_phone(live_server: LiveServer, browser: Browser) -> None:
    founder = phone(browser, live_server, "Fatou")
    founder.goto(f"{live_server.url}/circles")
    expect(founder.get_by_text("No circle here yet")).to_be_visible()
    assert_accessible(founder)
    founder.get_by_role("link", name="Start a circle").first.click()
    founder.get_by_label("Name").fill("Mill")
    founder.get_by_label("Neighbourhood or town").fill("")
    founder.get_by_role("button", name="Start the circle").click()
    # the browser's own checks stop an empty required field: fill it, send a name too short
    founder.get_by_label("Neighbourhood or town").fill("Riverside")
    founder.get_by_label("Name").fill("Mi")
    founder.evaluate("document.getElementById('circle-form').noValidate = true")
    founder.get_by_role("button", name="Start the circle").click()
    expect(founder.locator("#name-error")).to_contain_text("at least three letters")
    expect(founder.get_by_label("Neighbourhood or town")).to_have_value("Riverside")
    assert_accessible(founder)
    founder.get_by_label("Name").fill("Riverside parents")
    founder.get_by_label("About the circle (optional)").fill("Mums and dads on leave by the river.")
    founder.get_by_label("Plum").check()
    founder.get_by_text("🦆").click()
    founder.get_by_label("Parents ask, and a moderator accepts them").check()
    screenshot(founder, "circle-form")
    founder.get_by_role("button", name="Start the circle").click()
    expect(founder.get_by_role("heading", level=1)).to_have_text("Riverside parents")
    expect(founder.get_by_text("You moderate this circle")).to_be_visible()
    assert_accessible(founder)
    circle = founder.url.rsplit("/", 1)[1]
    assert rows(live_server, "select joining, colour, emoji from circles") == [
        ("ask", "plum", "🦆")
    ]

    # a second parent asks to join with a word for the moderators
    ana = phone(browser, live_server, "Ana")
    ana.goto(f"{live_server.url}/circles")
    ana.get_by_role("link", name="Riverside parents").click()
    ana.get_by_label("A word to the moderators (optional)").fill("Mill Street, baby of 4 months")
    ana.get_by_role("button", name="Ask to join").click()
    expect(ana.get_by_text("Request sent").first).to_be_visible()
    screenshot(ana, "circle-asked")

    founder.goto(f"{live_server.url}/circles/{circle}/members")
    expect(founder.get_by_text("Mill Street, baby of 4 months")).to_be_visible()
    assert_accessible(founder)
    screenshot(founder, "circle-members")
    founder.get_by_role("button", name="Accept").click()
    expect(founder.locator(".member", has_text="Ana")).to_be_visible()
    founder.goto(f"{live_server.url}/circles/{circle}/moderation")
    assert_accessible(founder)
    founder.goto(f"{live_server.url}/circles/{circle}/edit")
    expect(founder.get_by_label("Name")).to_have_value("Riverside parents")
    assert_accessible(founder)
    ana.goto(f"{live_server.url}/circles/{circle}")
    expect(ana.get_by_text("You are a member", exact=True)).to_be_visible()
    assert rows(live_server, "select role from circle_members order by role") == [
        ("member",),
        ("moderator",),
    ]


def test_her_circle_s_page_is_stored_ahead_and_opens_offline(
    live_server: LiveServer, browser: Browser
) -> None:
    founder = signed_up(live_server, "Fatou")
    form = {
        "_csrf_token": csrf(founder, "/circles/new"),
        "id": "7d1f6a55-8a0b-4c36-9d5e-6f1b0b0c1a01",
        "name": "Riverside parents",
        "area": "Riverside",
        "colour": "teal",
        "joining": "open",
    }
    assert founder.post("/circles", data=form).status_code in (302, 303)
    founder.close()
    page, _traffic = settled_parent(browser, live_server)
    # she joins from another device: this phone has never opened the circle's page
    page.goto(f"{live_server.url}/me")
    token = page.locator("input[name=_csrf_token]").first.get_attribute("value")
    joined = page.request.post(
        f"{live_server.url}/circles/{form['id']}/join",
        form={"_csrf_token": token or ""},
        max_redirects=0,
    )
    assert joined.status in (302, 303)
    assert not kept(page, f"/circles/{form['id']}")
    # her phone stores her circle's page after the next page view that syncs
    page.goto(f"{live_server.url}/venues")
    controlled(page)
    ahead = [f"/circles/{form['id']}", f"/circles/{form['id']}/book"]  # its address book too
    for _ in range(150):  # stored one after the other
        if all(kept(page, path) for path in ahead):
            break
        page.wait_for_timeout(100)
    assert [path for path in ahead if not kept(page, path)] == []
    page.context.set_offline(True)
    page.goto(f"{live_server.url}/circles/{form['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside parents")
    page.goto(f"{live_server.url}/circles/{form['id']}/book")
    expect(page.get_by_role("heading", level=1)).to_have_text("Address book")
