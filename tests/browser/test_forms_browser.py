"""Forms a parent fills on a phone (issue 12): the browser checks the simple things
before a round trip; what only the server knows comes back in a summary that takes
the focus, each error a link to its field, everything typed kept. A place's hours
are picked day by day and its location comes from "I'm here now"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.browser.conftest import (
    LiveServer,
    VirtualAuthenticator,
    assert_accessible,
    new_phone,
    screenshot,
)
from tests.browser.test_outings_browser import phone
from tests.browser.test_passkeys import register
from tests.live import rows

pytestmark = pytest.mark.browser

HERE = {"latitude": 52.6291, "longitude": 1.2975}


def focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_propose_checks_in_the_browser_then_the_summary_takes_the_focus(
    live_server: LiveServer, browser: Browser
) -> None:
    host = phone(browser, live_server, "Hana")
    host.goto(f"{live_server.url}/outings/new")
    posted: list[str] = []

    def watch(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/outings"):
            posted.append(request.url)

    host.on("request", watch)
    host.get_by_role("button", name="Propose this outing").click()
    host.wait_for_timeout(300)
    assert posted == []  # a missing title is caught before any round trip
    assert focused(host) == "f-title"
    assert host.locator("#f-title").evaluate("field => field.validity.valueMissing")

    host.get_by_label("Title").fill("Toddler morning at the zoo")
    host.get_by_label("Or the place in words").fill("City Zoo, main gate")
    host.get_by_label("Description (optional)").fill("Keep me")
    host.get_by_label("Adults", exact=True).select_option("2")
    host.get_by_label("Ends").fill("09:00")  # before the 10:00 start: only the server knows
    host.get_by_role("button", name="Propose this outing").click()
    summary = host.locator("#form-errors")
    expect(summary).to_be_focused()
    assert posted == [f"{live_server.url}/outings"]
    link = summary.get_by_role("link", name=re.compile("after the start"))
    expect(link).to_have_attribute("href", "#f-end_time")
    expect(host.get_by_label("Title")).to_have_value("Toddler morning at the zoo")
    expect(host.get_by_label("Description (optional)")).to_have_value("Keep me")
    expect(host.get_by_label("Ends")).to_have_value("09:00")
    expect(host.get_by_label("Adults", exact=True)).to_have_value("2")
    screenshot(host, "propose-errors-focused")
    assert_accessible(host)
    link.click()
    expect(host.get_by_label("Ends")).to_be_focused()


def test_a_section_heading_is_a_legend(live_server: LiveServer, browser: Browser) -> None:
    host = phone(browser, live_server, "Hana")
    host.goto(f"{live_server.url}/outings/new")
    for section in ("What", "When", "Where", "Who"):
        legend = host.locator("fieldset.form-section > legend", has_text=re.compile(f"^{section}$"))
        expect(legend).to_have_count(1)
        size = legend.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        label = host.locator("label[for=f-title]").evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size > label  # it reads as a heading, not as the label below it


def test_cancelling_without_a_reason_focuses_what_to_fix(
    live_server: LiveServer, browser: Browser
) -> None:
    host = phone(browser, live_server, "Hana")
    host.goto(f"{live_server.url}/outings/new")
    host.get_by_label("Title").fill("Sandpit morning")
    host.get_by_label("Or the place in words").fill("Meadow Park")
    host.get_by_role("button", name="Propose this outing").click()
    expect(host.locator("#people")).to_contain_text("Hana")  # the host comes too
    host.get_by_text("Cancel this outing").click()
    host.get_by_label("Why? Families who replied will see this.").fill("   ")
    host.get_by_role("button", name="Cancel the outing").click()
    expect(host.locator("#cancel-errors")).to_be_focused()
    expect(host.locator("#cancel-errors a[href='#f-reason']")).to_contain_text("tell the families")
    assert_accessible(host)


def venue_phone(browser: Browser, server: LiveServer, **options: Any) -> Page:
    context = new_phone(browser, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    VirtualAuthenticator(context, page)
    register(page, server, "Manon")
    return page


def test_list_a_place_with_the_hours_picker_and_here_now(
    live_server: LiveServer, browser: Browser
) -> None:
    page = venue_phone(browser, live_server, permissions=["geolocation"], geolocation=HERE)
    page.goto(f"{live_server.url}/venues/new")
    page.get_by_label("Name").fill("Little Acorns Café")
    page.get_by_label("Area", exact=True).fill("Riverside")
    page.locator("#f-hours_every_opens").fill("08:00")
    page.locator("#f-hours_every_closes").fill("17:00")
    for day in ("sa", "su"):
        page.locator(f"#f-hours_{day}_opens").fill("09:00")
        page.locator(f"#f-hours_{day}_closes").fill("16:00")
    page.get_by_role("button", name="I'm here now").click()
    expect(page.locator("#location-state")).to_have_text("Location saved ✓")
    expect(page.locator("#f-latitude")).to_have_value("52.62910")
    page.get_by_role("button", name="Remove the saved location").click()
    expect(page.locator("#location-state")).to_have_text("No location saved.")
    expect(page.locator("#f-latitude")).to_have_value("")
    page.get_by_role("button", name="I'm here now").click()
    expect(page.locator("#location-state")).to_have_text("Location saved ✓")
    screenshot(page, "venue-form-picked")
    assert_accessible(page)
    page.get_by_role("button", name="List this place").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Little Acorns Café")
    week = page.locator(".facts .week li")
    expect(week.nth(0)).to_have_text(re.compile(r"^Mon–Fri\s+8:00\sAM\s–\s5:00\sPM$"))
    expect(week.nth(1)).to_have_text(re.compile(r"^Sat, Sun\s+9:00\sAM\s–\s4:00\sPM$"))
    expect(page.locator(".outing-header .open-now")).to_have_text(re.compile("^(Open|Closed) now"))
    assert rows(live_server, "select opening_hours, latitude, longitude from venues") == [
        ("Mo-Fr 08:00-17:00; Sa,Su 09:00-16:00", 52.6291, 1.2975)
    ]
    screenshot(page, "venue-hours")
    assert_accessible(page)


def test_a_phone_that_will_not_say_where_it_is_is_told_in_words(
    live_server: LiveServer, browser: Browser
) -> None:
    page = venue_phone(browser, live_server)  # geolocation not allowed
    page.goto(f"{live_server.url}/venues/new")
    page.get_by_role("button", name="I'm here now").click()
    expect(page.locator("#location-error")).to_contain_text("did not share where you are")
    expect(page.locator("#location-state")).to_have_text("No location saved.")


def test_a_day_that_closes_before_it_opens_comes_back_focused(
    live_server: LiveServer, browser: Browser
) -> None:
    page = venue_phone(browser, live_server)
    page.goto(f"{live_server.url}/venues/new")
    page.get_by_label("Name").fill("Jungle Jim's")
    page.get_by_label("Area", exact=True).fill("Westfield")
    page.locator("#f-hours_mo_opens").fill("17:00")
    page.locator("#f-hours_mo_closes").fill("09:00")
    page.locator("#f-hours_tu_closed").check()
    page.get_by_role("button", name="List this place").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(page.locator("#hours_mo_closes-error")).to_contain_text("closes before it opens")
    expect(page.locator("#f-hours_mo_opens")).to_have_value("17:00")
    expect(page.locator("#f-hours_tu_closed")).to_be_checked()
    expect(page.get_by_label("Name")).to_have_value("Jungle Jim's")
    screenshot(page, "venue-form-errors")
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.locator("#f-hours_mo_closes")).to_be_focused()
    assert rows(live_server, "select count(*) from venues") == [(0,)]
