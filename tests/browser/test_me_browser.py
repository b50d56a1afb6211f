"""``/me`` on a phone: my outings grouped, the calendar link copied in one tap (issue 12)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from outings.outing.store import iso
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_outings_browser import phone
from tests.live import LiveServer, csrf, host_outing, rows, signed_up
from tests.outing_helpers import in_days, outing_form

pytestmark = pytest.mark.browser


def _token(page: Page, path: str) -> str:
    """The form token of ``path`` for this phone's session, read without opening the
    page: an open outing page draws itself again once a reply changes it (offline.js),
    which would race the next navigation."""
    found = re.search(r'name="_csrf_token" value="([^"]+)"', page.request.get(path).text())
    assert found is not None
    return found.group(1)


def _reply(page: Page, server: LiveServer, outing_id: str, status: str) -> None:
    # page.request shares the phone's cookies: the reply is the signed-in parent's own
    token = _token(page, f"{server.url}/outings/{outing_id}")
    answer = page.request.post(
        f"{server.url}/outings/{outing_id}/rsvp",
        form={"_csrf_token": token, "status": status, "adults": "1", "children": "1"},
    )
    assert answer.ok


def test_me_groups_my_outings_and_copies_the_calendar_link(
    live_server: LiveServer, browser: Browser
) -> None:
    url = live_server.url
    page = phone(browser, live_server, "Ana")
    form = outing_form(title="Sandpit morning", date=in_days(2).isoformat())
    form["_csrf_token"] = _token(page, f"{url}/outings/new")
    assert page.request.post(f"{url}/outings", form=form).ok
    going = host_outing(live_server, title="Baby swim", date=in_days(1).isoformat())
    _reply(page, live_server, going, "going")
    full = host_outing(
        live_server, title="Puppet show on the barge", capacity="2", date=in_days(3).isoformat()
    )
    bo = signed_up(live_server, "Bo")
    bo.post(f"{url}/outings/{full}/rsvp", data={"_csrf_token": csrf(bo), "status": "going"})
    bo.close()
    _reply(page, live_server, full, "going")
    maybe = host_outing(live_server, title="Rhyme time", date=in_days(4).isoformat())
    _reply(page, live_server, maybe, "maybe")
    rained_off = host_outing(live_server, title="Picnic by the pond", date=in_days(5).isoformat())
    _reply(page, live_server, rained_off, "going")
    rows(live_server, "update outings set status = 'cancelled' where id = ?", rained_off)
    over = host_outing(live_server, title="Giraffes at the wildlife park")
    _reply(page, live_server, over, "going")
    # last week, at the hour it was planned for (a date in the past cannot be proposed)
    ((starts, ends),) = rows(
        live_server, "select starts_at, ends_at from outings where id = ?", over
    )
    week = timedelta(days=9)
    rows(
        live_server,
        "update outings set starts_at = ?, ends_at = ? where id = ?",
        iso(datetime.fromisoformat(str(starts)) - week),
        iso(datetime.fromisoformat(str(ends)) - week),
        over,
    )

    page.goto(f"{url}/me")
    coming = page.locator("#my-outings ul[aria-labelledby=coming-up-title] > li")
    expect(coming).to_have_count(5)
    expect(coming.nth(0)).to_contain_text("Baby swim")
    expect(coming.nth(0).locator(".pill")).to_have_text("Going")
    expect(coming.nth(1).locator(".pill")).to_have_text("Hosting")
    expect(coming.nth(2).locator(".pill")).to_have_text("Waitlist #1")
    expect(coming.nth(3).locator(".pill")).to_have_text("Maybe")
    expect(coming.nth(4).locator(".pill")).to_have_text(["Going", "Cancelled"])
    past = page.locator("#my-outings ul[aria-labelledby=past-title] > li")
    expect(past).to_have_text([re.compile("Giraffes at the wildlife park.*Went", re.S)])

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page.get_by_role("button", name="Get my calendar link").click()
    field = page.get_by_label("Calendar link")
    link = str(field.input_value())
    assert link.startswith(f"{url}/calendar/")
    subscribe = page.get_by_role("link", name="Subscribe")
    expect(subscribe).to_have_attribute("href", "webcal://" + link.removeprefix("http://"))
    copy = page.get_by_role("button", name="Copy", exact=True)
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#calendar [role=status]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link
    screenshot(page, "me-en")
    assert_accessible(page)

    page.goto(f"{url}/language?lang=pl&next=/me")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    page.goto(f"{url}/me")
    page.get_by_role("button", name="Utwórz nowy link").click()
    page.locator("#calendar button[data-copy]").click()
    expect(page.locator("#calendar [role=status]")).not_to_be_empty()
    screenshot(page, "me-pl")
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"/me is {width}px wide on a 390px phone"
