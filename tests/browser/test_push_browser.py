"""Web Push on a phone (issue 14): /me offers it once she has replied, a push
shows a notification with the right words and button, and "I can't come
after all" becomes one reply through the outbox, synced once."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from outings.notifications import Notification
from outings.push.messages import compose
from tests.browser.conftest import assert_accessible, controlled, screenshot
from tests.browser.test_me_browser import _reply
from tests.browser.test_outings_browser import phone
from tests.live import LiveServer, csrf, host_outing, rows, signed_up
from tests.outing_helpers import in_days

pytestmark = pytest.mark.browser

SHOWN = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications();
  return shown.map((n) => ({
    title: n.title, body: n.body, tag: n.tag, actions: n.actions.map((a) => a.action),
    labels: n.actions.map((a) => a.title),
  }));
}"""


def _shown(page: Page, count: int) -> list[dict[str, Any]]:
    """The notifications shown, once there are ``count`` (a promise is truthy, so
    wait_for_function cannot wait for an async check: poll instead). Up to 15 s:
    a busy CI machine once took longer than 5 s to show one."""
    for _ in range(150):
        shown: list[dict[str, Any]] = page.evaluate(SHOWN)
        if len(shown) == count:
            return shown
        page.wait_for_timeout(100)
    return shown


def _deliver(context: BrowserContext, page: Page, origin: str, data: str) -> None:
    """Hand ``data`` to the page's service worker as the push service would."""
    cdp = context.new_cdp_session(page)
    found: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(200)
    assert found, "no service worker registration"
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": found[-1], "data": data},
    )


def _promoted(server: LiveServer, page: Page) -> str:
    """Bea (this phone) waits for the last place; Ana gives hers up. The outing's id."""
    outing_id = host_outing(server, title="Puppet show", capacity="2", date=in_days(2).isoformat())
    ana = signed_up(server, "Ana")
    ana.post(f"/outings/{outing_id}/rsvp", data={"_csrf_token": csrf(ana), "status": "going"})
    _reply(page, server, outing_id, "going")
    ana.post(f"/outings/{outing_id}/rsvp", data={"_csrf_token": csrf(ana), "status": "declined"})
    ana.close()
    return outing_id


def _payload(server: LiveServer, outing_id: str, locale: str) -> str:
    """The push the server queues for Bea's promotion, in ``locale``."""
    [(note_id, kind, params, created, user_id)] = rows(
        server,
        "select n.id, n.kind, n.params, n.created_at, n.user_id from notifications n"
        " join users u on u.id = n.user_id where u.display_name = 'Bea'",
    )
    note = Notification(
        id=str(note_id),
        kind=str(kind),
        outing_id=outing_id,
        params=msgspec.json.decode(str(params)),
        created_at=str(created),
        read_at=None,
    )
    return compose(note, locale, str(user_id))  # hers: a reply from it goes in her name


def test_a_promotion_push_and_i_cant_come_after_all(
    live_server: LiveServer, browser: Browser
) -> None:
    url = live_server.url
    page = phone(browser, live_server, "Bea")
    context = page.context
    context.grant_permissions(["notifications"], origin=url)
    outing_id = _promoted(live_server, page)

    page.goto(f"{url}/me")
    expect(page.get_by_role("button", name="Tell me on this phone")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "me-push-en")
    controlled(page)

    payload = _payload(live_server, outing_id, "en")
    _deliver(context, page, url, payload)
    [shown] = _shown(page, 1)
    assert shown["title"] == "A place is yours"
    assert "Puppet show" in shown["body"]
    assert shown["tag"] == f"outing-{outing_id}"
    assert shown["actions"] == ["decline"]
    assert shown["labels"] == ["I can't come after all"]

    # the button, as a tap on it runs in the worker
    [worker] = context.service_workers
    worker.evaluate(
        """async () => {
          const [shown] = await self.registration.getNotifications();
          await self.OutingsPush.notificationClicked(shown, "decline");
        }"""
    )
    statuses = rows(
        live_server,
        "select r.status from rsvps r join users u on u.id = r.user_id"
        " where u.display_name = 'Bea' and r.outing_id = ?",
        outing_id,
    )
    assert statuses == [("declined",)]
    # one change, sent once: her phone's sync identity has applied exactly one
    clients = rows(
        live_server,
        "select c.last_mutation_id from sync_clients c join users u on u.id = c.user_id"
        " where u.display_name = 'Bea'",
    )
    assert clients == [(1,)]
    # her /me, open meanwhile, is drawn again without the outing she declined
    coming_up = page.locator("[aria-labelledby=coming-up-title]")
    expect(coming_up.get_by_role("link", name="Puppet show")).to_have_count(0)
    page.wait_for_load_state("load")
    assert _shown(page, 0) == []  # the notification went with the tap
    outbox: Any = worker.evaluate(
        """() => new Promise((resolve) => {
          const open = indexedDB.open("outings-sync");
          open.onsuccess = () => {
            const all = open.result.transaction("outbox").objectStore("outbox").getAll();
            all.onsuccess = () => resolve(all.result.length);
          };
        })"""
    )
    assert outbox == 0
    assert json.loads(payload)["lang"] == "en"


def test_me_push_card_in_polish(live_server: LiveServer, browser: Browser) -> None:
    url = live_server.url
    page = phone(browser, live_server, "Bea")
    outing_id = host_outing(live_server, title="Puppet show", date=in_days(2).isoformat())
    _reply(page, live_server, outing_id, "going")
    # a phone she turned push on earlier (the browser here has no push service)
    rows(
        live_server,
        "insert into push_subscriptions (id, user_id, endpoint, p256dh, auth, locale, label,"
        " created_at) select 'sub-1', id, 'https://push.example.test/s/1', 'k', 'a', 'pl',"
        " 'Safari na iPhone', '2026-11-01T10:00:00.000000Z' from users where display_name = 'Bea'",
    )
    page.goto(f"{url}/language?lang=pl&next=/me")
    expect(page.locator("#push li")).to_contain_text("Safari na iPhone")
    expect(page.get_by_role("button", name="Powiadamiaj mnie na tym telefonie")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "me-push-pl")
