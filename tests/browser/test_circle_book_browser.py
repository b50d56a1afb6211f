"""A circle's address book, suggestion box and news on a phone: axe finds nothing,
for the moderator, a member and a visitor (issue 13, items 4-6)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import assert_accessible, new_phone, screenshot
from tests.live import LiveServer, csrf, rows, signed_up
from tests.outing_helpers import in_days, outing_form

pytestmark = pytest.mark.browser


def _post(client: httpx.Client, path: str, page: str, **data: str) -> None:
    answer = client.post(path, data={"_csrf_token": csrf(client, page), **data})
    assert answer.status_code in (302, 303), answer.text


def _circle(server: LiveServer) -> tuple[str, httpx.Client, httpx.Client]:
    """Fatou's circle with Mel in it, a book, a suggestion and an outing this week."""
    fatou, mel = signed_up(server, "Fatou"), signed_up(server, "Mel")
    circle = str(uuid.uuid4())
    _post(
        fatou,
        "/circles",
        "/circles/new",
        id=circle,
        name="Riverside parents",
        area="Riverside",
        description="Mums and dads on leave around the river.",
        colour="teal",
        emoji="🌳",
        joining="open",
        language="en",
    )
    _post(mel, f"/circles/{circle}/join", f"/circles/{circle}")
    book = f"/circles/{circle}/book"
    for who, kind, name, phone in (
        (fatou, "paediatrician", "Dr Awa Ndiaye", "+33 1 23 45 67 89"),
        (fatou, "nursery", "Little Acorns Nursery", "01 44 55 66 77"),
        (mel, "babysitter", "Zofia, student nurse", "06 12 34 56 78"),
    ):
        _post(
            who,
            f"/circles/{circle}/entries",
            book,
            id=str(uuid.uuid4()),
            kind=kind,
            name=name,
            phone=phone,
            email="hello@example.org",
            address="4 Market Square, Riverside",
            website="https://www.example.org/a-rather-long-path/for-the-practice",
            note="Patient with toddlers, and always calls back the same day.",
        )
    entry = str(rows(server, "select id from circle_entries where kind = 'nursery'")[0][0])
    _post(mel, f"/circles/{circle}/entries/{entry}/recommend", book, entry_id=entry)
    _post(
        mel,
        f"/circles/{circle}/suggestions",
        f"/circles/{circle}/suggestions",
        id=str(uuid.uuid4()),
        body="Could we meet on Saturdays too, for working parents?",
    )
    form = outing_form(title="Picnic in Riverside park", date=in_days(2).isoformat())
    form["_csrf_token"] = csrf(fatou, "/outings/new")
    assert fatou.post("/outings", data=form).status_code in (302, 303)
    rows(server, "update outings set circle_id = ? where id = ?", circle, form["id"])
    return circle, fatou, mel


def _phone_of(browser: Browser, server: LiveServer, client: httpx.Client | None) -> Page:
    context: BrowserContext = new_phone(browser)
    if client is not None:
        context.add_cookies(
            [{"name": k, "value": v, "url": server.url} for k, v in client.cookies.items()]
        )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def people(live_server: LiveServer) -> Iterator[tuple[str, httpx.Client, httpx.Client]]:
    circle, fatou, mel = _circle(live_server)
    yield circle, fatou, mel
    fatou.close()
    mel.close()


def test_book_suggestions_and_news_pass_axe_on_a_phone(
    live_server: LiveServer, browser: Browser, people: tuple[str, httpx.Client, httpx.Client]
) -> None:
    circle, fatou, mel = people
    url = f"{live_server.url}/circles/{circle}"
    moderator = _phone_of(browser, live_server, fatou)
    moderator.goto(f"{url}/book")
    expect(moderator.locator("#pending-title")).to_have_text("Waiting for your approval")
    expect(moderator.locator("#kind-nursery")).to_contain_text("Recommended by 2 parents")
    screenshot(moderator, "circle-book-moderator")
    assert_accessible(moderator)
    # refused by the server: the errors beside the fields pass too, and what was typed stays
    moderator.get_by_label("Name", exact=True).fill("Dr Who")
    moderator.get_by_label("Phone (optional)").fill("call me")
    moderator.get_by_role("button", name="Add to the address book").click()
    expect(moderator.locator("#kind-error")).to_be_visible()
    expect(moderator.locator("#phone-error")).to_be_visible()
    expect(moderator.get_by_label("Name", exact=True)).to_have_value("Dr Who")
    screenshot(moderator, "circle-book-errors")
    assert_accessible(moderator)
    moderator.get_by_role("button", name="Approve Zofia, student nurse").click()
    expect(moderator.locator(".flash")).to_contain_text("Approved")

    moderator.goto(f"{url}/suggestions")
    expect(moderator.locator("#open-title")).to_have_text("1 suggestion to read")
    screenshot(moderator, "circle-suggestions-moderator")
    assert_accessible(moderator)
    moderator.get_by_label("Your answer to Mel").fill("Yes! Every other Saturday from June.")
    moderator.get_by_role("button", name="Send the answer").click()
    expect(moderator.locator(".flash")).to_contain_text("Your answer is sent")

    moderator.goto(f"{url}/news")
    expect(moderator.locator("#week-title ~ .cards").first).to_contain_text(
        "Picnic in Riverside park"
    )
    screenshot(moderator, "circle-news-moderator")
    assert_accessible(moderator)
    moderator.get_by_label("A short note on top (optional)").fill("Welcome, Mel!")
    moderator.get_by_role("button", name="Send to 1 member").click()
    expect(moderator.locator(".flash")).to_contain_text("The news is sent")
    moderator.goto(url)
    assert_accessible(moderator)

    member = _phone_of(browser, live_server, mel)
    member.goto(f"{live_server.url}/me")
    member.locator("#notifications").get_by_role("link", name="This week in Riverside").click()
    expect(member.locator("#note-title + p")).to_have_text("Welcome, Mel!")
    screenshot(member, "circle-news-member")
    assert_accessible(member)
    member.goto(f"{url}/suggestions")
    expect(member.locator("#mine-title + ul")).to_contain_text("Every other Saturday")
    screenshot(member, "circle-suggestions-member")
    assert_accessible(member)
    member.goto(f"{url}/book")
    expect(member.locator("#kind-babysitter")).to_contain_text("Zofia, student nurse")
    assert_accessible(member)

    visitor = _phone_of(browser, live_server, None)
    for path in ("/book", "/news"):
        visitor.goto(f"{url}{path}")
        expect(visitor.locator("main")).not_to_contain_text("Dr Awa Ndiaye")
        assert_accessible(visitor)
    screenshot(visitor, "circle-book-visitor")
