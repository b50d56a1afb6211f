"""The app's push task: started and stopped with the app (see outings.app)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import UTC, datetime

from outings.db import Database
from outings.push import delivery_store, enqueue
from outings.push.sender import Clock, Send, drain_once
from outings.settings import Settings

log = logging.getLogger("outings.push")

#: How often the queue is looked at. A promotion reaches a phone within this.
POLL_S = 5.0
#: Reminders are looked for, and old rows forgotten, every this many polls.
REMIND_EVERY = 12


def utc_now() -> datetime:
    return datetime.now(UTC)


async def run_once(db: Database, settings: Settings, send: Send, clock: Clock, worker: str) -> int:
    """One pass: reminders due, news to push, then everything due is sent."""
    await enqueue.reminders(db, settings.tz, clock())
    await enqueue.notifications_to_push(db, settings.tz, clock())
    return await drain_once(db, send, clock, worker)


async def run_forever(db: Database, settings: Settings, send: Send, clock: Clock = utc_now) -> None:
    # Names this process's claims, so two processes never take each other's.
    worker = secrets.token_hex(8)
    reminded = enqueue.Reminded()
    polls = 0
    while True:
        try:
            if polls % REMIND_EVERY == 0:
                await enqueue.reminders(db, settings.tz, clock(), reminded)
                async with db.reader() as r:
                    old = await delivery_store.anything_old(r, clock())
                if old:  # a write only when there is something to forget
                    await db.write(lambda w: delivery_store.forget_old(w, clock()))
            await enqueue.notifications_to_push(db, settings.tz, clock())
            await drain_once(db, send, clock, worker)
        except Exception:
            log.warning("sending pushes failed; trying again shortly", exc_info=True)
        polls += 1
        await asyncio.sleep(POLL_S)
