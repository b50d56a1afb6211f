"""A host proposes, another parent replies, the host cancels: two real phones."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    controlled,
    new_phone,
    screenshot,
    sign_up,
)
from tests.live import rows

pytestmark = pytest.mark.browser


def phone(browser: Browser, server: LiveServer, name: str) -> Page:
    context = new_phone(browser)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_up(page, server, name)
    page.goto(f"{server.url}/me")  # where signing up lands
    controlled(page)  # the app installed, as after signing up through the page
    return page


def test_propose_reply_and_cancel(live_server: LiveServer, browser: Browser) -> None:
    host = phone(browser, live_server, "Hana")
    host.goto(f"{live_server.url}/outings/new")
    host.get_by_label("Title").fill("Toddler morning at the zoo")
    host.get_by_label("Kind of outing").select_option("zoo")
    host.get_by_label("Or the place in words").fill("City Zoo, main gate")
    host.get_by_label("Area", exact=True).fill("Riverside")
    host.get_by_label("How many families can come?").fill("3")  # hers and two more
    host.get_by_label("Ends").fill("09:00")  # before the 10:00 start
    host.get_by_role("button", name="Propose this outing").click()
    expect(host.locator("#end_time-error")).to_contain_text("after the start")
    expect(host.get_by_label("Title")).to_have_value("Toddler morning at the zoo")
    screenshot(host, "propose-error")
    assert_accessible(host)
    host.get_by_label("Ends").fill("12:00")
    host.get_by_role("button", name="Propose this outing").click()
    expect(host.get_by_role("heading", level=1)).to_have_text("Toddler morning at the zoo")
    expect(host.locator(".outing-header .pill")).to_have_text("2 places left")
    outing_url = host.url

    parent = phone(browser, live_server, "Ana")
    parent.goto(f"{live_server.url}/")
    card = parent.locator(".outing-card", has_text="Toddler morning at the zoo")
    expect(card.locator(".pill")).to_have_text("2 places left")
    screenshot(parent, "list")
    assert_accessible(parent)
    card.get_by_role("link").click()
    parent.get_by_label("Children").select_option("2")
    parent.get_by_role("button", name="Save my reply").click()
    expect(parent.locator(".my-reply")).to_contain_text("You're in!")
    expect(parent.locator(".outing-header .pill")).to_have_text("1 place left")
    expect(parent.locator("#people")).to_contain_text("Ana")
    screenshot(parent, "outing")
    assert_accessible(parent)
    assert rows(
        live_server,
        "select u.display_name, status, state, adults, children from rsvps r"
        " join users u on u.id = r.user_id order by u.display_name",
    ) == [("Ana", "going", "confirmed", 1, 2), ("Hana", "going", "confirmed", 1, 1)]

    host.goto(outing_url)
    expect(host.locator("#people")).to_contain_text("Ana")
    host.get_by_text("Cancel this outing").click()
    host.get_by_label("Why? Families who replied will see this.").fill("The zoo is closed today")
    host.get_by_role("button", name="Cancel the outing").click()
    expect(host.locator(".flash")).to_contain_text("The outing is cancelled")

    parent.reload()
    expect(parent.locator(".outing-header")).to_contain_text("The zoo is closed today")
    expect(parent.locator(".notices")).to_contain_text("cancelled by the host")
    expect(parent.get_by_role("button", name="Save my reply")).to_have_count(0)
    parent.goto(f"{live_server.url}/me")
    expect(parent.locator("#notifications")).to_contain_text("cancelled by the host")
    screenshot(parent, "me-with-outings")
    assert_accessible(parent)
    parent.goto(f"{live_server.url}/")
    expect(parent.locator(".outing-card .pill")).to_have_text(re.compile("Cancelled"))
