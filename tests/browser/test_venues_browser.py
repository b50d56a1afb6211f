"""A café lists itself, a moderator verifies it, a parent finds it by its changing table."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_outings_browser import phone
from tests.live import LiveServer, rows

pytestmark = pytest.mark.browser


def test_list_verify_and_find_a_cafe(live_server: LiveServer, browser: Browser) -> None:
    manager = phone(browser, live_server, "Manon")
    manager.goto(f"{live_server.url}/venues/new")
    manager.get_by_label("Name").fill("Little Acorns Café")
    manager.get_by_label("Kind of place").select_option("cafe")
    manager.get_by_label("Address").fill("12 Mill Lane")
    manager.get_by_label("Area", exact=True).fill("Riverside")
    changing = manager.get_by_role("group", name=re.compile(r"Changing table$"))
    changing.get_by_label("Yes", exact=True).check()
    manager.get_by_label("Where is the changing table?").select_option("unisex")
    manager.get_by_role("group", name="High chairs").get_by_label("Yes", exact=True).check()
    manager.get_by_label("I manage this place").check()
    manager.get_by_role("button", name="List this place").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Little Acorns Café")
    expect(manager.locator(".outing-header")).to_contain_text("Not yet verified")
    expect(manager.locator(".amenity-card")).to_contain_text("Changing table: Yes")
    screenshot(manager, "venue")
    assert_accessible(manager)

    moderator = phone(browser, live_server, "Mo")
    env = {**os.environ, "OUTINGS_DB": str(live_server.db)}
    subprocess.run(
        [sys.executable, "-m", "outings", "grant", "moderator", "Mo"],
        env=env,
        check=True,
        capture_output=True,
    )
    moderator.goto(f"{live_server.url}/moderation")
    expect(moderator.locator("#verify")).to_contain_text("Little Acorns Café")
    screenshot(moderator, "moderation")
    assert_accessible(moderator)
    moderator.get_by_role("button", name="Verify Little Acorns Café").click()
    expect(moderator.locator(".flash")).to_contain_text("moderation log")
    expect(moderator.locator("#log")).to_contain_text("Verified")
    assert rows(live_server, "select verified_at is not null from venues") == [(1,)]

    parent = phone(browser, live_server, "Pia")
    parent.goto(f"{live_server.url}/venues")
    parent.get_by_label(re.compile(r"Changing table$")).check()
    parent.get_by_role("button", name="Show places").click()
    expect(parent).to_have_url(f"{live_server.url}/venues?q=&kind=&area=&has=changing_table")
    cards = parent.locator(".venue-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Little Acorns Café")
    expect(cards.first).to_contain_text("Verified")
    screenshot(parent, "venues")
    assert_accessible(parent)
    cards.first.get_by_role("link").click()
    parent.get_by_role("button", name="I was there: this is still right").click()
    expect(parent.locator(".flash")).to_contain_text("Thanks for checking")
