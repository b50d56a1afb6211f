"""A circle's board on two real phones: an ask posted with no signal lands once
when the signal is back, and the founder sees it (issue 13, items 3 and 8)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer, assert_accessible, screenshot, visit
from tests.browser.test_outings_browser import phone
from tests.live import rows

pytestmark = pytest.mark.browser

#: Back online, the outbox waits for the browser's "online" event and a push:
#: seconds on a busy machine (as in tests/browser/test_offline.py).
BACK_ONLINE = 20_000

ASK = "Looking for a double stroller near the market"


def test_an_ask_posted_offline_lands_once_and_the_founder_sees_it(
    live_server: LiveServer, browser: Browser
) -> None:
    founder = phone(browser, live_server, "Fatou")
    founder.goto(f"{live_server.url}/circles/new")
    founder.get_by_label("Name").fill("Riverside parents")
    founder.get_by_label("Neighbourhood or town").fill("Riverside")
    founder.get_by_role("button", name="Start the circle").click()
    founder.wait_for_url(re.compile(r"/circles/[0-9a-f-]{36}$"))
    circle_url = founder.url

    mel = phone(browser, live_server, "Mel")
    visit(mel, circle_url)
    expect(mel.locator("#board")).to_contain_text("0 open posts on the board")
    mel.get_by_role("button", name="Join the circle").click()
    expect(mel.locator(".circle-about")).to_contain_text("You are a member")
    mel.goto(circle_url)  # the worker keeps the page as a member sees it

    mel.context.set_offline(True)
    mel.reload()
    mel.get_by_label("Your post").fill(ASK)
    mel.get_by_role("button", name="Post on the board").click()
    waiting = mel.locator("#board-posts .is-pending")
    expect(waiting).to_contain_text(ASK)
    expect(waiting).to_contain_text("Waiting for signal")
    expect(mel.locator("#sync-status")).to_contain_text("Waiting to sync: 1")
    expect(mel.get_by_label("Your post")).to_have_value("")
    screenshot(mel, "circle-board-offline-waiting")
    assert_accessible(mel)
    assert rows(live_server, "select count(*) from circle_posts") == [(0,)]

    mel.context.set_offline(False)
    expect(mel.locator("#sync-verdicts")).to_contain_text(
        "Your post is on the board.", timeout=BACK_ONLINE
    )
    landed = mel.locator("#board-posts .board-post:not(.is-pending)")
    expect(landed).to_have_count(1, timeout=BACK_ONLINE)
    expect(landed).to_contain_text(ASK, timeout=BACK_ONLINE)
    mel.wait_for_timeout(1500)  # give a second push (Background Sync, a retry) its chance
    assert rows(
        live_server,
        "select p.kind, p.body, u.display_name from circle_posts p"
        " join users u on u.id = p.author_id",
    ) == [("ask", ASK, "Mel")]
    assert rows(live_server, "select name from sync_mutations") == [("post.add",)]

    founder.goto(circle_url)
    post = founder.locator("#board-posts .board-post")
    expect(post).to_have_count(1)
    expect(post).to_contain_text(ASK)
    expect(post).to_contain_text("Mel")
    expect(post.locator(".pill-ask")).to_have_text("Ask")
    screenshot(founder, "circle-board")
    assert_accessible(founder)

    founder.get_by_role("link", name=ASK).click()
    expect(founder.get_by_role("heading", level=1)).to_have_text(ASK)
    founder.get_by_label("Your reply").fill("My neighbour has one she no longer uses!")
    founder.get_by_role("button", name="Send my reply").click()
    expect(founder.locator("#replies-list")).to_contain_text("My neighbour has one")
    expect(founder.locator("#replies-title")).to_have_text("1 reply")
    screenshot(founder, "circle-board-post")
    assert_accessible(founder)


def test_joining_and_replying_offline_land_once(live_server: LiveServer, browser: Browser) -> None:
    founder = phone(browser, live_server, "Fatou")
    founder.goto(f"{live_server.url}/circles/new")
    founder.get_by_label("Name").fill("Hillside families")
    founder.get_by_label("Neighbourhood or town").fill("Hillside")
    founder.get_by_role("button", name="Start the circle").click()
    founder.wait_for_url(re.compile(r"/circles/[0-9a-f-]{36}$"))
    circle_url = founder.url
    founder.get_by_label("Your post").fill("Who has a baby bath to lend for a week?")
    founder.get_by_role("button", name="Post on the board").click()
    expect(founder.locator("#board-posts .board-post")).to_have_count(1)
    post_url = f"{live_server.url}{founder.locator('#board-posts a').get_attribute('href')}"

    ana = phone(browser, live_server, "Ana")
    visit(ana, circle_url)
    ana.context.set_offline(True)
    ana.get_by_role("button", name="Join the circle").click()
    expect(ana.locator(".outbox-note")).to_contain_text("you will join the circle")
    expect(ana.get_by_role("button", name="Join the circle")).to_be_disabled()
    assert rows(live_server, "select count(*) from circle_members") == [(1,)]
    ana.context.set_offline(False)
    expect(ana.locator(".circle-about")).to_contain_text("You are a member", timeout=BACK_ONLINE)
    expect(ana.locator("#sync-verdicts")).to_contain_text(
        "You are a member of the circle now.", timeout=BACK_ONLINE
    )

    visit(ana, post_url)
    ana.context.set_offline(True)
    ana.get_by_label("Your reply").fill("I do! Blue one, with a stand.")
    ana.get_by_role("button", name="Send my reply").click()
    waiting = ana.locator("#replies-list .is-pending")
    expect(waiting).to_contain_text("I do! Blue one")
    expect(waiting).to_contain_text("your reply will be posted")
    screenshot(ana, "circle-board-reply-offline")
    assert_accessible(ana)
    ana.context.set_offline(False)
    expect(ana.locator("#replies-list .comment:not(.is-pending)")).to_contain_text(
        "I do!", timeout=BACK_ONLINE
    )
    ana.wait_for_timeout(1500)
    assert rows(live_server, "select body from circle_post_replies") == [
        ("I do! Blue one, with a stand.",)
    ]
    assert rows(live_server, "select name from sync_mutations order by mutation_id") == [
        ("circle.join",),
        ("post.reply",),
    ]


def test_an_offline_post_the_server_refuses_comes_back_into_the_form(
    live_server: LiveServer, browser: Browser
) -> None:
    mel = phone(browser, live_server, "Mel")
    mel.goto(f"{live_server.url}/circles/new")
    mel.get_by_label("Name").fill("Riverside parents")
    mel.get_by_label("Neighbourhood or town").fill("Riverside")
    mel.get_by_role("button", name="Start the circle").click()
    mel.wait_for_url(re.compile(r"/circles/[0-9a-f-]{36}$"))
    circle_url = mel.url
    for n in range(6):  # the most one family may post in an hour
        mel.get_by_label("Your post").fill(f"Ask number {n}")
        mel.get_by_role("button", name="Post on the board").click()
        expect(mel.locator("#board-posts .board-post")).to_have_count(n + 1)
    visit(mel, circle_url)
    mel.context.set_offline(True)
    mel.get_by_label("Your post").fill("A seventh ask, too many")
    mel.get_by_label("An offer").check()
    mel.get_by_role("button", name="Post on the board").click()
    expect(mel.locator("#board-posts .is-pending")).to_contain_text("A seventh ask")
    mel.context.set_offline(False)
    expect(mel.locator("#sync-verdicts")).to_contain_text(
        "Not saved: You have posted 6 times", timeout=BACK_ONLINE
    )
    expect(mel.get_by_label("Your post")).to_have_value(
        "A seventh ask, too many", timeout=BACK_ONLINE
    )
    expect(mel.get_by_label("An offer")).to_be_checked(timeout=BACK_ONLINE)
    assert rows(live_server, "select count(*) from circle_posts") == [(6,)]
