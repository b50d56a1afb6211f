"""On a phone: a founder posts a members-only outing to her circle; a
neighbour does not see it until she joins, and sees it at once after."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_outings_browser import phone
from tests.live import LiveServer

pytestmark = pytest.mark.browser

#: Where a helper looking at the pages keeps their pictures (not in the repository).
SHOTS = os.environ.get("OUTINGS_SHOTS", "")


def shot(page: Page, name: str) -> None:
    path = screenshot(page, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        Path(SHOTS, path.name).write_bytes(path.read_bytes())


def in_polish(page: Page, url: str, path: str, name: str) -> None:
    """The same page in Polish (longer words), looked at and checked, then English again."""
    page.goto(f"{url}/language?lang=pl&next={quote(path)}")
    shot(page, name)
    assert_accessible(page)
    page.goto(f"{url}/language?lang=en&next={quote(path)}")


def test_a_members_only_outing_shows_once_she_joins(
    live_server: LiveServer, browser: Browser
) -> None:
    url = live_server.url
    fatou = phone(browser, live_server, "Fatou")
    fatou.goto(f"{url}/circles/new")
    fatou.get_by_label("Name").fill("Riverside parents")
    fatou.get_by_label("Neighbourhood or town").fill("Riverside")
    fatou.get_by_role("button", name="Start the circle").click()
    expect(fatou.get_by_role("heading", level=1)).to_have_text("Riverside parents")
    fatou.get_by_role("link", name="Propose an outing for this circle").click()
    expect(fatou.get_by_label("Post to one of my circles")).to_have_value(
        re.compile(r"^[0-9a-f-]{36}$")
    )
    fatou.get_by_label("Title").fill("Swap party: 0–12 months clothes")
    fatou.get_by_label("Kind of outing").select_option("swap_party")
    fatou.get_by_label("Or the place in words").fill("Fatou's flat, 3rd floor")
    fatou.get_by_label("Who can see it").select_option("members")
    fatou.get_by_label("Adults only (a parents' evening)").check()
    shot(fatou, "circle-outing-form")
    assert_accessible(fatou)
    fatou.get_by_role("button", name="Propose this outing").click()
    expect(fatou.get_by_role("heading", level=1)).to_have_text("Swap party: 0–12 months clothes")
    expect(fatou.locator(".outing-circle")).to_contain_text("Members only")
    expect(fatou.locator(".outing-circle")).to_contain_text("Adults only")
    shot(fatou, "circle-outing")
    assert_accessible(fatou)
    outing = fatou.url
    circle = fatou.locator(".outing-circle a").get_attribute("href")

    mel = phone(browser, live_server, "Mel")
    assert mel.goto(outing) is not None
    expect(mel.get_by_role("heading", level=1)).not_to_have_text("Swap party: 0–12 months clothes")
    mel.goto(f"{url}{circle}")
    expect(mel.locator("#circle-outings-title")).to_be_visible()
    expect(mel.locator(".circle-outings")).not_to_contain_text("Swap party")
    shot(mel, "circle-page-outsider")
    mel.get_by_role("button", name="Join the circle").click()
    expect(mel.locator(".circle-outings")).to_contain_text("Swap party: 0–12 months clothes")
    shot(mel, "circle-page-member")
    assert_accessible(mel)
    in_polish(mel, url, str(circle), "circle-page-member-pl")
    mel.goto(f"{url}/?circle=mine")
    expect(mel.locator(".outing-card")).to_have_count(1)
    expect(mel.locator(".outing-card")).to_contain_text("Riverside parents")
    expect(mel.locator(".outing-card")).to_contain_text("Members only")
    shot(mel, "list-my-circles")
    assert_accessible(mel)
    in_polish(mel, url, "/?circle=mine", "list-my-circles-pl")
    mel.goto(f"{url}/circles")
    expect(mel.locator(".circle-next")).to_contain_text("Swap party")
    shot(mel, "circles-next-outing")
    assert_accessible(mel)
    mel.goto(outing)
    expect(mel.get_by_role("heading", level=1)).to_have_text("Swap party: 0–12 months clothes")
    in_polish(mel, url, outing.removeprefix(url), "circle-outing-pl")
