"""Draining the queue: claim due pushes, send them with pywebpush, record what
the push service answered.

2xx: sent. 404/410: the browser's subscription is gone, and so is ours (with
its queued pushes). 429 and 5xx, or no answer: tried again later, after the
service's ``Retry-After`` when it gives one, else with a doubling backoff.
Any other answer (a 400, a 413) would be the same next time: dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import msgspec

from outings.db import Database
from outings.db.database import Writer, stamp
from outings.push import delivery_store, subscription_store
from outings.push.delivery_store import Delivery
from outings.push.keys import VapidKey
from outings.push.subscription_store import Subscription

log = logging.getLogger("outings.push")

#: How long a push service keeps a push for a phone that is off (seconds).
TTL = 12 * 60 * 60
TIMEOUT_S = 10.0
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
#: A Retry-After further out than this is taken as this.
LONGEST_WAIT = timedelta(days=1)
#: After this many tries a push is given up (a day or so of backoff).
MAX_ATTEMPTS = 10

Clock = Callable[[], datetime]


class Answer(msgspec.Struct, frozen=True):
    """What the push service said: a status, and its Retry-After if any."""

    status: int
    retry_after: str | None = None


#: Sends one payload to one subscription; raises when there was no answer.
Send = Callable[[Subscription, str], Awaitable[Answer]]


def webpush_sender(key: VapidKey, subject: str) -> Send:
    """Send with pywebpush (aes128gcm, RFC 8291; VAPID, RFC 8292), off the event loop."""

    def post(subscription: Subscription, payload: str) -> Answer:
        # Loaded by the first push, on this thread: pywebpush brings aiohttp and
        # requests, a fifth of the app's start-up (every restart, every test server).
        import requests
        from pywebpush import WebPushException, webpush

        try:
            response = webpush(
                subscription.info,
                data=payload,
                vapid_private_key=key.vapid,
                # a fresh dict each time: pywebpush writes the audience into it
                vapid_claims={"sub": subject},
                content_encoding="aes128gcm",
                ttl=TTL,
                timeout=TIMEOUT_S,
                headers={"Urgency": "high"},
            )
        except WebPushException as exc:
            if exc.response is None:
                raise
            return Answer(exc.response.status_code, exc.response.headers.get("Retry-After"))
        assert isinstance(response, requests.Response)
        return Answer(response.status_code)

    async def send(subscription: Subscription, payload: str) -> Answer:
        return await asyncio.to_thread(post, subscription, payload)

    return send


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """``Retry-After`` as seconds or as an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        wait = timedelta(seconds=int(value))
    else:
        try:
            wait = parsedate_to_datetime(value) - now
        except (TypeError, ValueError):
            return None
    return max(timedelta(0), min(wait, LONGEST_WAIT))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min… up to an hour, for the try after ``attempts`` failed ones."""
    return min(FIRST_RETRY * (1 << min(attempts, 16)), LONGEST_RETRY)


async def _settle(db: Database, delivery: Delivery, answer: Answer | None, now: datetime) -> None:
    status = answer.status if answer else 0

    async def run(w: Writer) -> None:
        if 200 <= status < 300:
            await delivery_store.mark_sent(w, delivery.id, now)
        elif status in (404, 410):
            await subscription_store.forget(w, delivery.subscription_id)
        elif status == 0 or status == 429 or status >= 500:
            if delivery.attempts + 1 >= MAX_ATTEMPTS:
                await delivery_store.drop(w, delivery.id, f"gave up after {MAX_ATTEMPTS} tries")
                return
            wait = retry_after(answer.retry_after if answer else None, now)
            wait = wait or backoff(delivery.attempts)
            await delivery_store.retry_at(w, delivery.id, now + wait)
        else:
            await delivery_store.drop(w, delivery.id, f"push service answered {status}")

    await db.write(run)


def _claimer(worker: str, now: datetime) -> Callable[[Writer], Awaitable[list[Delivery]]]:
    return lambda w: delivery_store.claim(w, worker, now)


async def drain_once(db: Database, send: Send, clock: Clock, worker: str) -> int:
    """Send every push due now; returns how many were tried."""
    tried = 0
    while True:
        now = clock()
        due = await db.fetchval(
            "select 1 from push_deliveries where sent_at is null and dropped is null"
            " and next_try <= ? limit 1",
            (stamp(now),),
        )
        if not due:
            return tried
        claimed = await db.write(_claimer(worker, now))
        if not claimed:
            return tried  # another process has them
        for delivery in claimed:
            async with db.reader() as r:
                subscription = await subscription_store.get(r, delivery.subscription_id)
            if subscription is None:
                continue  # turned off meanwhile: its queue went with it
            answer: Answer | None
            try:
                answer = await send(subscription, delivery.payload)
            except Exception as exc:
                # no answer (no route, timeout): the push service's trouble, not a bug
                log.warning("push %s got no answer (%r); trying again later", delivery.id, exc)
                answer = None
            await _settle(db, delivery, answer, clock())
            tried += 1
