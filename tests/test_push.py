"""Web Push (issue 14): what reaches a parent's phone, once, and when.

A push service of the tests' own on loopback stands in for the browser
vendor's; the test decrypts what the app sent with the subscription's private
key, as the phone would. Time is injected: nothing here waits for a clock.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from outings import notifications
from outings.app import create_app
from outings.db import Database, database_at
from outings.db.connection import Writer
from outings.push import enqueue, keys, subscription_store
from outings.push.sender import webpush_sender
from outings.push.worker import run_once
from outings.settings import Settings
from tests.conftest import ORIGIN, csrf_token, in_thread, sign_up
from tests.outing_helpers import db, in_days, propose, reply
from tests.push_service import BrowserKeys, PushService, push_service, vapid_claims
from tests.softauthn import SoftAuthenticator

T = TypeVar("T")
TZ = ZoneInfo("Europe/Paris")
SUBJECT = "mailto:team@outings.test"


@pytest.fixture
def push_settings(settings: Settings) -> Settings:
    return Settings(db=settings.db, origin=ORIGIN, secret="test-secret", vapid_subject=SUBJECT)


@pytest.fixture
def service() -> Iterator[PushService]:
    with push_service() as service:
        yield service


@pytest.fixture
def parents(push_settings: Settings) -> Iterator[Callable[[str], TestClient[Litestar]]]:
    """Parents' browsers on apps that leave the push queue to the test."""
    with ExitStack() as stack:

        def make(name: str) -> TestClient[Litestar]:
            app = create_app(push_settings, push=False)
            client = stack.enter_context(TestClient(app, base_url=ORIGIN))
            sign_up(client, SoftAuthenticator(origin=ORIGIN), name)
            return client

        yield make


def run(fn: Callable[[Database], Awaitable[T]], settings: Settings) -> T:
    """``fn`` with the database open, as another app process would have it."""

    async def main() -> T:
        database = database_at(settings.db)
        await database.open()
        try:
            return await fn(database)
        finally:
            await database.close()

    result: T = in_thread(asyncio.run, main())
    return result


def subscribe(
    settings: Settings, user_id: str, endpoint: str, browser: BrowserKeys, locale: str = "en"
) -> str:
    async def save(database: Database) -> str:
        sub = await database.write(
            lambda w: subscription_store.save(
                w,
                user_id,
                endpoint=endpoint,
                p256dh=browser.p256dh,
                auth=browser.auth,
                locale=locale,
                label="Chrome on Android",
                now="2000-01-01T00:00:00.000000Z",
            )
        )
        return sub.id

    return run(save, settings)


def send_pass(settings: Settings, at: datetime, worker: str = "test") -> int:
    """One pass of the app's push task at the moment ``at``."""

    async def one(database: Database) -> int:
        key = await keys.load(database, settings)
        send = webpush_sender(key, settings.push_subject)
        return await run_once(database, settings, send, lambda: at, worker)

    return run(one, settings)


def user_id(settings: Settings, name: str) -> str:
    return str(db(settings, "select id from users where display_name = ?", name)[0][0])


def promotion(settings: Settings, parents: Callable[[str], TestClient[Litestar]]) -> str:
    """Bea waits for the last place; Ana gives hers up: Bea is promoted. The outing's id."""
    host, ana, bea = parents("Hana"), parents("Ana"), parents("Bea")
    outing_id = propose(host, capacity="2", date=in_days(2).isoformat())
    assert reply(ana, outing_id).status_code < 400
    assert reply(bea, outing_id).status_code < 400
    assert reply(ana, outing_id, "declined").status_code < 400
    [(kind,)] = db(
        settings,
        "select kind from notifications where user_id = ?",
        user_id(settings, "Bea"),
    )
    assert kind == "promoted"
    return outing_id


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = datetime.now(TZ).date() + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def test_a_promotion_reaches_the_phone_encrypted_and_signed(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    outing_id = promotion(push_settings, parents)
    phone = BrowserKeys()
    subscribe(push_settings, user_id(push_settings, "Bea"), service.endpoint("bea"), phone, "pl")

    assert send_pass(push_settings, local(0, 12)) == 1

    [push] = service.received
    assert push.path == "/push/bea"
    message = phone.decrypt(push)
    assert message["url"] == f"/outings/{outing_id}"
    assert message["tag"] == f"outing-{outing_id}"
    assert message["title"] == "Miejsce jest Twoje"
    assert "Toddler morning at the zoo" in message["body"]
    assert [a["action"] for a in message["actions"]] == ["decline"]
    claims, key = vapid_claims(push)
    assert claims["aud"] == service.url
    assert claims["sub"] == SUBJECT
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    [(kept,)] = db(push_settings, "select value from meta where key = 'vapid_private_key'")
    assert key == keys.VapidKey.parse(kept).public_b64
    # a second pass sends nothing again
    assert send_pass(push_settings, local(0, 12, 5)) == 0
    assert len(service.received) == 1


def test_a_promotion_in_quiet_hours_waits_for_eight(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    promotion(push_settings, parents)
    phone = BrowserKeys()
    subscribe(push_settings, user_id(push_settings, "Bea"), service.endpoint("bea"), phone)

    assert send_pass(push_settings, local(0, 23)) == 0
    assert send_pass(push_settings, local(1, 7, 59)) == 0
    assert service.received == []
    assert send_pass(push_settings, local(1, 8)) == 1
    assert phone.decrypt(service.received[0])["title"] == "A place is yours"


def test_a_cancellation_for_tomorrow_morning_is_not_held(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    host, ana = parents("Hana"), parents("Ana")
    outing_id = propose(host, date=in_days(1).isoformat(), start_time="07:30", end_time="09:00")
    reply(ana, outing_id)
    phone = BrowserKeys()
    subscribe(push_settings, user_id(push_settings, "Ana"), service.endpoint("ana"), phone)
    response = host.post(
        f"/outings/{outing_id}/cancel",
        data={
            "_csrf_token": csrf_token(host, f"/outings/{outing_id}"),
            "reason": "The zoo is closed for a storm",
        },
    )
    assert response.status_code < 400, response.text
    # 22:00 the evening before: inside quiet hours, but the outing is within 12 hours
    assert send_pass(push_settings, local(0, 22)) == 1
    message = phone.decrypt(service.received[0])
    assert message["title"] == "Outing cancelled"
    assert "storm" in message["body"]


def test_a_gone_subscription_is_removed(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    promotion(push_settings, parents)
    subscribe(push_settings, user_id(push_settings, "Bea"), service.endpoint("bea"), BrowserKeys())
    service.answers.append((410, {}))

    send_pass(push_settings, local(0, 12))

    assert len(service.received) == 1
    assert db(push_settings, "select count(*) from push_subscriptions") == [(0,)]
    assert db(push_settings, "select count(*) from push_deliveries") == [(0,)]


def test_too_many_requests_waits_as_long_as_the_service_asks(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    promotion(push_settings, parents)
    phone = BrowserKeys()
    subscribe(push_settings, user_id(push_settings, "Bea"), service.endpoint("bea"), phone)
    service.answers.append((429, {"Retry-After": "600"}))
    noon = local(0, 12)

    send_pass(push_settings, noon)
    send_pass(push_settings, noon + timedelta(seconds=599))
    assert len(service.received) == 1
    send_pass(push_settings, noon + timedelta(seconds=601))
    assert len(service.received) == 2
    assert phone.decrypt(service.received[1])["title"] == "A place is yours"
    assert db(push_settings, "select count(*) from push_deliveries where sent_at is null") == [(0,)]


def test_a_server_error_is_tried_again_later(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    promotion(push_settings, parents)
    subscribe(push_settings, user_id(push_settings, "Bea"), service.endpoint("bea"), BrowserKeys())
    service.answers.append((503, {}))
    noon = local(0, 12)

    send_pass(push_settings, noon)
    send_pass(push_settings, noon + timedelta(seconds=1))
    assert len(service.received) == 1
    send_pass(push_settings, noon + timedelta(minutes=5))
    assert len(service.received) == 2


def test_two_app_processes_send_each_push_once(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    promotion(push_settings, parents)
    bea = user_id(push_settings, "Bea")
    phones = {f"bea-{i}": BrowserKeys() for i in range(4)}
    for name, phone in phones.items():
        subscribe(push_settings, bea, service.endpoint(name), phone)
    service.delay_s = 0.05
    noon = local(0, 12)

    async def both() -> list[int]:
        async def one(worker: str) -> int:
            database = database_at(push_settings.db)
            await database.open()
            try:
                key = await keys.load(database, push_settings)
                send = webpush_sender(key, push_settings.push_subject)
                return await run_once(database, push_settings, send, lambda: noon, worker)
            finally:
                await database.close()

        return list(await asyncio.gather(one("first"), one("second")))

    tried = in_thread(asyncio.run, both())

    assert sum(tried) == 4
    assert sorted(r.path for r in service.received) == sorted(f"/push/{n}" for n in phones)
    for received in service.received:
        phone = phones[received.path.rsplit("/", 1)[1]]
        assert phone.decrypt(received)["title"] == "A place is yours"


def test_the_evening_before_and_two_hours_before_each_remind_once(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    host, ana = parents("Hana"), parents("Ana")
    outing_id = propose(host, date=in_days(2).isoformat(), start_time="10:00")
    reply(ana, outing_id)
    phone = BrowserKeys()
    subscribe(push_settings, user_id(push_settings, "Ana"), service.endpoint("ana"), phone)

    send_pass(push_settings, local(1, 17, 59))
    assert service.received == []
    send_pass(push_settings, local(1, 18, 30))
    send_pass(push_settings, local(1, 19))
    [evening] = service.received
    message = phone.decrypt(evening)
    assert message["title"] == "Tomorrow"
    assert "By the giraffes" in message["body"]  # she is confirmed: the meeting point
    send_pass(push_settings, local(2, 8, 5))
    send_pass(push_settings, local(2, 8, 10))
    assert len(service.received) == 2
    assert phone.decrypt(service.received[1])["title"] == "Soon"
    # both are in her list on /me too
    kinds = db(
        push_settings,
        "select kind from notifications where outing_id = ? and user_id = ?",
        outing_id,
        user_id(push_settings, "Ana"),
    )
    assert sorted(k for (k,) in kinds) == ["reminder_evening", "reminder_soon"]


def test_an_evening_of_many_replies_reminds_each_once_and_lets_requests_through(
    push_settings: Settings, parents: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pass each minute of an evening reads every reply to tomorrow's
    outings: it lets other work run between its chunks, and asks the database
    again only about replies it has not seen made."""
    host = parents("Hana")
    outing_id = propose(host, date=in_days(2).isoformat(), start_time="10:00", capacity="")
    families = 2 * enqueue.CHUNK + 50
    now = "2026-11-30T10:00:00.000000Z"
    ids = [str(uuid.uuid4()) for _ in range(families)]

    async def seed(database: Database) -> None:
        async def write(w: Writer) -> None:  # one write: 900 round trips cost ~10 s on PostgreSQL
            await w.executemany(
                "insert into users (id, display_name, user_handle, created_at, updated_at)"
                " values (?, ?, ?, ?, ?)",
                [(f, f"Family {n}", uuid.uuid4().bytes, now, now) for n, f in enumerate(ids)],
            )
            await w.executemany(
                "insert into rsvps (outing_id, user_id, status, adults, children, state,"
                " queued_seq, created_at, updated_at)"
                " values (?, ?, 'going', 1, 1, 'confirmed', ?, ?, ?)",
                [(outing_id, f, n + 10, now, now) for n, f in enumerate(ids)],
            )

        await database.write(write)

    run(seed, push_settings)
    ticks = 0
    seen_at: list[int] = []  # the ticks counted as each reply is looked at
    due = enqueue.reminder_due

    def looked_at(starts_at: datetime, at: datetime, tz: ZoneInfo) -> str | None:
        seen_at.append(ticks)
        return due(starts_at, at, tz)

    monkeypatch.setattr(enqueue, "reminder_due", looked_at)
    asked: list[int] = []
    made_already = notifications.already_made

    async def already_made(conn: Any, keys: list[str]) -> set[str]:
        asked.append(len(keys))
        return await made_already(conn, keys)

    monkeypatch.setattr(notifications, "already_made", already_made)

    async def evening(database: Database) -> list[int]:
        nonlocal ticks

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        ticking = asyncio.create_task(tick())
        reminded = enqueue.Reminded()
        made = [
            await enqueue.reminders(database, TZ, local(1, 19, minute), reminded)
            for minute in (0, 1)
        ]
        ticking.cancel()
        return made

    assert run(evening, push_settings) == [families + 1, 0]  # the host is going too
    [(reminders,)] = db(
        push_settings, "select count(*) from notifications where kind = 'reminder_evening'"
    )
    assert reminders == families + 1
    # between the first reply looked at and the last, requests had their turns
    assert seen_at[families] > seen_at[0]
    # the second pass asked about nothing it had seen made
    assert sum(asked) == families + 1


def test_a_key_given_in_the_environment_is_the_one_used(settings: Settings) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    given = Settings.from_env({"OUTINGS_VAPID_PRIVATE_KEY": pem}, db=settings.db)
    key = run(lambda database: keys.load(database, given), given)
    assert key.public_b64 == keys.b64url(
        private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    # and the same key as base64url
    assert keys.VapidKey.parse(key.private_b64).public_b64 == key.public_b64


GOOD_KEYS = {"p256dh": "BA" + "A" * 85, "auth": "A" * 22}


def test_me_offers_push_once_she_has_replied_and_lists_the_device(
    push_settings: Settings, parents: Any
) -> None:
    from tests.conftest import html

    host, ana = parents("Hana"), parents("Ana")
    assert html(ana.get("/me")).select_one("#push") is None  # nothing to tell her yet
    outing_id = propose(host)
    reply(ana, outing_id)
    section = html(ana.get("/me")).select_one("#push")
    assert section is not None
    assert section.select_one("#push-on") is not None
    [(kept,)] = db(push_settings, "select value from meta where key = 'vapid_private_key'")
    assert section["data-key"] == keys.VapidKey.parse(kept).public_b64

    endpoint = "https://push.example.test/send/ana-phone"
    turned_on = ana.post(
        "/api/push/subscriptions",
        json={"endpoint": endpoint, "keys": GOOD_KEYS, "expirationTime": None},
        headers={
            "Accept-Language": "pl",
            "User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile",
        },
    )
    assert turned_on.status_code == 201, turned_on.text
    assert db(push_settings, "select locale, endpoint from push_subscriptions") == [
        ("pl", endpoint)
    ]
    page = html(ana.get("/me"))
    [device] = page.select("#push li")
    assert "Android" in device.get_text()

    form = device.select_one("form")
    assert form is not None
    off = ana.post(
        str(form["action"]),
        data={"_csrf_token": csrf_token(ana)},
        follow_redirects=True,
    )
    assert off.status_code == 200
    assert "Notifications are off for that device." in off.text
    assert db(push_settings, "select count(*) from push_subscriptions") == [(0,)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"endpoint": "http://push.example.test/x", "keys": GOOD_KEYS}, "endpoint"),
        ({"endpoint": "https://127.0.0.1/x", "keys": GOOD_KEYS}, "endpoint"),
        ({"endpoint": "https://localhost/x", "keys": GOOD_KEYS}, "endpoint"),
        (
            {"endpoint": "https://push.example.test/x", "keys": {**GOOD_KEYS, "auth": "AAAA"}},
            "auth",
        ),
    ],
)
def test_a_subscription_that_is_not_a_push_service_is_refused(
    push_settings: Settings, parents: Any, body: dict[str, Any], field: str
) -> None:
    ana = parents("Ana")
    refused = ana.post("/api/push/subscriptions", json=body)
    assert refused.status_code == 400
    assert field in refused.text
    assert db(push_settings, "select count(*) from push_subscriptions") == [(0,)]


def test_a_phone_turned_on_by_another_parent_never_shows_the_first_ones_news(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    promotion(push_settings, parents)
    shared = service.endpoint("shared-tablet")
    subscribe(push_settings, user_id(push_settings, "Bea"), shared, BrowserKeys())
    send_pass(push_settings, local(0, 23))  # held until the morning
    assert db(push_settings, "select count(*) from push_deliveries") == [(1,)]
    # the next morning Ana signs in on the same tablet and turns push on
    subscribe(push_settings, user_id(push_settings, "Ana"), shared, BrowserKeys())
    send_pass(push_settings, local(1, 8))
    assert service.received == []


def test_her_own_quiet_hours_and_switched_off_kinds(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    host, ana = parents("Hana"), parents("Ana")
    outing_id = propose(host, date=in_days(2).isoformat(), start_time="10:00")
    reply(ana, outing_id)
    phone = BrowserKeys()
    subscribe(push_settings, user_id(push_settings, "Ana"), service.endpoint("ana"), phone)
    saved = ana.post(
        "/me/push/preferences",
        data={
            "_csrf_token": csrf_token(ana),
            "kind": ["promoted", "news"],  # reminders off
            "quiet_from": "13:00",  # the baby's nap
            "quiet_until": "15:00",
        },
    )
    assert "Your notification choices are saved." in saved.text
    from tests.conftest import html

    page = html(ana.get("/me"))
    assert page.select_one("#push-kind-reminders[checked]") is None
    assert page.select_one("#push-kind-news[checked]") is not None
    assert page.select_one("#quiet-from option[selected]").get_text() == "13:00"  # type: ignore[union-attr]

    send_pass(push_settings, local(1, 18, 30))  # the evening reminder: switched off
    assert service.received == []
    assert db(
        push_settings,
        "select count(*) from notifications where kind = 'reminder_evening' and user_id = ?",
        user_id(push_settings, "Ana"),
    ) == [(1,)]  # still in her list on /me


def test_quiet_hours_of_her_own_hold_a_promotion_until_they_end(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    promotion(push_settings, parents)
    subscribe(push_settings, user_id(push_settings, "Bea"), service.endpoint("bea"), BrowserKeys())
    # Bea's quiet hours are her baby's nap, 13:00 to 15:00
    db(
        push_settings,
        "insert into push_preferences (user_id, quiet_from, quiet_until, updated_at)"
        " values (?, '13:00', '15:00', 'x')",
        user_id(push_settings, "Bea"),
    )
    send_pass(push_settings, local(0, 13, 30))
    assert service.received == []
    send_pass(push_settings, local(0, 15))
    assert len(service.received) == 1


def test_quiet_hours_not_from_the_list_are_refused_and_nothing_changes(
    push_settings: Settings, parents: Any
) -> None:
    ana = parents("Ana")
    answer = ana.post(
        "/me/push/preferences",
        data={"_csrf_token": csrf_token(ana), "quiet_from": "25:00", "quiet_until": "07:00"},
    )
    assert answer.status_code == 200
    assert "Please choose quiet hours from the lists." in answer.text
    assert db(push_settings, "select count(*) from push_preferences") == [(0,)]


def test_a_push_service_that_does_not_answer_is_tried_again(
    push_settings: Settings, parents: Any
) -> None:
    promotion(push_settings, parents)
    with push_service() as gone:
        endpoint = gone.endpoint("bea")  # the service is stopped once this block ends
    subscribe(push_settings, user_id(push_settings, "Bea"), endpoint, BrowserKeys())

    assert send_pass(push_settings, local(0, 12)) == 1
    [(attempts, sent, dropped)] = db(
        push_settings, "select attempts, sent_at, dropped from push_deliveries"
    )
    assert (attempts, sent, dropped) == (1, None, None)


def test_a_reply_to_her_ask_and_her_circle_s_news_reach_her_phone(
    push_settings: Settings, parents: Any, service: PushService
) -> None:
    from tests.circle_helpers import join, post_form, start_circle

    founder, mel = parents("Fatou"), parents("Mel")
    circle = start_circle(founder)
    join(mel, circle)
    post = str(uuid.uuid4())
    asked = post_form(mel, f"/circles/{circle}/posts", id=post, kind="ask", body="Double buggy?")
    assert asked.status_code in (302, 303)
    phone = BrowserKeys()
    subscribe(push_settings, user_id(push_settings, "Mel"), service.endpoint("mel"), phone, "pl")
    answered = post_form(
        founder, f"/circles/{circle}/posts/{post}/replies", id=str(uuid.uuid4()), body="Mine!"
    )
    assert answered.status_code in (302, 303)
    sent = post_form(founder, f"/circles/{circle}/news", id=str(uuid.uuid4()), note="Hello all")
    assert sent.status_code in (302, 303)
    assert "Fatou replied to your post" in mel.get("/me?lang=en").text

    assert send_pass(push_settings, local(0, 12)) == 2
    messages = {m["kind"]: m for m in (phone.decrypt(p) for p in service.received)}
    assert messages["post_reply"]["title"] == "Odpowiedź na tablicy"
    assert messages["post_reply"]["url"] == f"/circles/{circle}/posts/{post}#replies"
    assert "Double buggy?" in messages["post_reply"]["body"]
    assert messages["circle_news"]["title"] == "Riverside parents"
    assert messages["circle_news"]["url"] == f"/circles/{circle}/news"
    # her own reply on her own post tells nobody
    post_form(mel, f"/circles/{circle}/posts/{post}/replies", id=str(uuid.uuid4()), body="Thanks")
    assert send_pass(push_settings, local(0, 12, 5)) == 0


@given(
    # naive bounds, as hypothesis asks; each moment is then taken as UTC
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),  # noqa: DTZ001
    st.integers(min_value=0, max_value=3 * 24 * 60),
    st.sampled_from(["Europe/Paris", "Africa/Nairobi", "Asia/Shanghai", "America/New_York"]),
)
def test_a_reminder_pass_reads_every_outing_a_reminder_is_due_for(
    moment: datetime, minutes_ahead: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    now = moment.replace(tzinfo=UTC)
    starts_at = now + timedelta(minutes=minutes_ahead)
    start, end = enqueue.due_window(now, tz)
    if enqueue.reminder_due(starts_at, now, tz) is not None:
        assert start <= starts_at < end
    assert end - start <= timedelta(days=2)
