"""Outings near her: the area she chose once, and "Nearest first" from where she stands."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, new_phone, screenshot
from tests.live import LiveServer, host_outing, rows
from tests.outing_helpers import in_days

pytestmark = pytest.mark.browser


def _demo(server: LiveServer) -> None:
    env = {**os.environ, "OUTINGS_DB": str(server.db)}
    subprocess.run([sys.executable, "-m", "outings", "demo"], env=env, check=True)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(h))


def _days(page: Page) -> list[list[tuple[str, list[float] | None]]]:
    """Each day's cards in the order shown: (title, [latitude, longitude] or None)."""
    found: list[list[tuple[str, list[float] | None]]] = page.evaluate(
        """() => [...document.querySelectorAll(".day .cards")].map((cards) =>
             [...cards.children].map((card) => [
               card.querySelector(".outing-title").innerText,
               card.dataset.lat ? [Number(card.dataset.lat), Number(card.dataset.lon)] : null,
             ]))"""
    )
    return found


def test_nearest_first_orders_each_day_on_the_phone(
    live_server: LiveServer, browser: Browser
) -> None:
    _demo(live_server)
    # she stands at the pool in Northgate; on one day the garden's outing comes first in time
    pool, lat, lon = rows(
        live_server, "select id, latitude, longitude from venues where name like '%Pool%'"
    )[0]
    garden = rows(live_server, "select id from venues where name like '%Botanic%'")[0][0]
    on = in_days(5).isoformat()
    for venue, title, start, end in (
        (garden, "Garden walk", "09:00", "10:00"),
        (pool, "Pool splash", "11:00", "12:00"),
    ):
        host_outing(
            live_server,
            venue_id=str(venue),
            place="",
            title=title,
            date=on,
            start_time=start,
            end_time=end,
        )
    here_point = (float(str(lat)), float(str(lon)))
    context = new_phone(
        browser,
        geolocation={"latitude": here_point[0], "longitude": here_point[1]},
        permissions=["geolocation"],
    )
    page = context.new_page()
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url))
    page.goto(live_server.url)
    time_order = _days(page)
    button = page.get_by_role("button", name="Nearest first")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status").filter(has_text="Nearest first")).to_contain_text(
        "Your position stays on your phone"
    )
    shown = _days(page)
    assert [sorted(t for t, _ in day) for day in shown] == [
        sorted(t for t, _ in day) for day in time_order
    ], "every outing stays on its own day"
    several = 0
    for day in shown:
        distances = [_km(here_point, (p[0], p[1])) for _, p in day if p]
        assert distances == sorted(distances), day
        # outings with no venue come after those with one
        placed = [p is not None for _, p in day]
        assert placed == sorted(placed, reverse=True), day
        several += len(distances) > 1
    assert several
    that_day = next(d for d in shown if any(t == "Pool splash" for t, _ in d))
    titles = [t for t, _ in that_day]
    assert titles.index("Pool splash") < titles.index("Garden walk")
    assert page.locator(".outing-distance").first.inner_text().strip().endswith("km")
    assert not any("latitude" in url or str(here_point[0]) in url for url in sent), (
        "her position left the phone"
    )
    screenshot(page, "near-nearest-first")
    assert_accessible(page)

    # she said yes once: the next visit is in that order too, without asking
    page.reload()
    expect(page.get_by_role("button", name="Nearest first")).to_have_attribute(
        "aria-pressed", "true"
    )
    # and one tap goes back to time order
    page.get_by_role("button", name="Nearest first").click()
    expect(page.locator(".outing-distance")).to_have_count(0)
    assert _days(page) == time_order


def test_a_phone_that_keeps_its_position_leaves_the_list_in_time_order(
    live_server: LiveServer, browser: Browser
) -> None:
    _demo(live_server)
    page = new_phone(browser).new_page()
    page.goto(live_server.url)
    before = _days(page)
    page.get_by_role("button", name="Nearest first").click()
    expect(page.get_by_role("status").filter(has_text="did not share")).to_be_visible()
    assert _days(page) == before


def test_her_area_is_chosen_once_and_kept(live_server: LiveServer, browser: Browser) -> None:
    _demo(live_server)
    page = new_phone(browser).new_page()
    page.goto(live_server.url)
    page.get_by_text("Change my area").click()
    page.get_by_label("My area").select_option("Old Town")
    page.get_by_role("button", name="Show outings there").click()
    areas = page.locator(".outing-where").all_inner_texts()
    assert areas
    assert all(text.endswith("Old Town") for text in areas), areas
    screenshot(page, "near-my-area")
    page.goto(f"{live_server.url}/")  # another day, the same phone
    expect(page.locator(".area-now")).to_have_text("Old Town")
    expect(page.get_by_label("My area")).to_have_value("Old Town")
    assert all(t.endswith("Old Town") for t in page.locator(".outing-where").all_inner_texts())
    # everywhere again, in one choice
    page.get_by_text("Change my area").click()
    page.get_by_label("My area").select_option("")
    page.get_by_role("button", name="Show outings there").click()
    assert any(not t.endswith("Old Town") for t in page.locator(".outing-where").all_inner_texts())
