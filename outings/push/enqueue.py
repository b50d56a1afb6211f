"""Turning news into queued pushes.

Polled by the worker rather than called from each write: the writes that
notify (a promotion, a cancellation) stay as they were, a push never slows or
fails them, and the queue's unique key makes every pass idempotent, whichever
process runs it and however often.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from outings import notifications
from outings.db import Database, Row
from outings.db.database import Writer, placeholders, stamp
from outings.notifications import notify_once
from outings.outing import rsvp_store
from outings.outing.store import iso
from outings.push import delivery_store, preference_store
from outings.push.messages import PUSH_KINDS, compose, group_of, send_after

#: Notifications older than this are not pushed any more (a phone that turns
#: push on is not sent yesterday's news).
LOOK_BACK = timedelta(days=1)
#: The evening reminder goes from this local time the day before…
EVENING_FROM = time(18, 0)
#: …and the "starts soon" one this long before the start, until SOON_UNTIL before.
SOON_BEFORE = timedelta(hours=2)
SOON_UNTIL = timedelta(minutes=30)
#: A reminder pass reads, and works through, the replies this many at a time,
#: letting requests through between: an evening reads every reply to
#: tomorrow's outings, thousands in a city (at the bench's scale 3,570 replies:
#: one read held the loop 14 ms, pages of 200 at most 2 ms).
CHUNK = 200


async def notifications_to_push(db: Database, tz: ZoneInfo, now: datetime) -> int:
    """Queue a push for each recent notification of a kind that is pushed, for
    each device its parent turned push on for after it was made. Returns how
    many were queued."""
    kinds = list(PUSH_KINDS)
    rows = await db.fetchall(
        "select n.*, s.id as subscription_id, s.locale, o.starts_at,"
        " p.kinds_off, p.quiet_from, p.quiet_until"
        " from notifications n"
        " join push_subscriptions s on s.user_id = n.user_id"
        " left join outings o on o.id = n.outing_id"
        " left join push_preferences p on p.user_id = n.user_id"
        f" where n.created_at >= ? and n.kind in ({placeholders(kinds)})"
        " and n.created_at >= s.created_at"
        " and not exists (select 1 from push_deliveries d"
        "  where d.notification_id = n.id and d.subscription_id = s.id)",
        (stamp(now - LOOK_BACK), *kinds),
    )
    if not rows:
        return 0
    queue: list[tuple[str, str, str, datetime]] = []
    for row in rows:
        starts_at = datetime.fromisoformat(row["starts_at"]) if row["starts_at"] else None
        if starts_at is not None and starts_at <= now:
            continue  # news of an outing that has begun is for the in-app list only
        prefs = preference_store.parse(row["kinds_off"], row["quiet_from"], row["quiet_until"])
        if group_of(row["kind"]) in prefs.kinds_off:
            continue  # she switched this kind off on /me: the in-app list has it
        note = notifications.from_row(row)
        queue.append(
            (
                note.id,
                row["subscription_id"],
                compose(note, row["locale"], row["user_id"]),
                send_after(note.kind, now, tz, starts_at, prefs),
            )
        )

    async def run(w: Writer) -> int:
        added = 0
        for notification_id, subscription_id, payload, not_before in queue:
            added += await delivery_store.enqueue(
                w, notification_id, subscription_id, payload, not_before, now
            )
        return added

    return await db.write(run) if queue else 0


def reminder_due(starts_at: datetime, now: datetime, tz: ZoneInfo) -> str | None:
    """Which reminder, if any, is due ``now`` for an outing at ``starts_at``."""
    if starts_at - SOON_BEFORE <= now < starts_at - SOON_UNTIL:
        return "reminder_soon"
    day_before = starts_at.astimezone(tz).date() - timedelta(days=1)
    evening = datetime.combine(day_before, EVENING_FROM, tzinfo=tz)
    if evening <= now < starts_at - SOON_BEFORE and now.astimezone(tz).date() == day_before:
        return "reminder_evening"
    return None


def due_window(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Where the starts of outings lie that a reminder may be due for ``now``:
    the next two hours (the "soon" one) and, from EVENING_FROM, the rest of
    tomorrow too (the evening one). A pass reads no more replies than that:
    it runs on the event loop every minute."""
    end = now + SOON_BEFORE + timedelta(seconds=1)
    local = now.astimezone(tz)
    if local.time() >= EVENING_FROM:
        after_tomorrow = datetime.combine(local.date() + timedelta(days=2), time(0), tzinfo=tz)
        end = max(end, after_tomorrow)
    return now + SOON_UNTIL, end


class Reminded:
    """The reminders this process knows are made, kept until their outing
    starts: the pass each minute of an evening reads every reply to
    tomorrow's outings, and asks the database only about those it does not
    know yet. A key is learned from the database (whichever process made the
    reminder), so knowing one never stops a reminder being made."""

    def __init__(self) -> None:
        self._until: dict[str, datetime] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._until

    def learn(self, key: str, starts_at: datetime) -> None:
        self._until[key] = starts_at

    def forget_started(self, now: datetime) -> None:
        self._until = {k: at for k, at in self._until.items() if at > now}


async def reminders(
    db: Database, tz: ZoneInfo, now: datetime, reminded: Reminded | None = None
) -> int:
    """Make the in-app reminders now due (each once per family, outing, time and
    kind); the next pass of :func:`notifications_to_push` pushes them."""
    reminded = Reminded() if reminded is None else reminded
    reminded.forget_started(now)
    start, end = due_window(now, tz)
    due = []
    async for row in _coming(db, iso(start), iso(end)):
        starts_at = datetime.fromisoformat(row["starts_at"])
        kind = reminder_due(starts_at, now, tz)
        if kind is None:
            continue
        key = f"{kind}:{row['outing_id']}:{row['user_id']}:{row['starts_at']}"
        if key in reminded:
            continue
        params: dict[str, str] = {"title": row["title"]}
        confirmed = row["status"] == "going" and row["state"] == "confirmed"
        where = row["meeting_point"] or row["place"]
        if confirmed and where:
            params["meeting_point"] = where
        due.append((key, starts_at, row["user_id"], kind, row["outing_id"], params))
    made = 0
    for at in range(0, len(due), CHUNK):
        chunk = due[at : at + CHUNK]
        async with db.reader() as r:  # each is made once: most are made already
            known = await notifications.already_made(r, [entry[0] for entry in chunk])
        new = [entry for entry in chunk if entry[0] not in known]
        if new:
            made += await db.write(partial(_remind, due=new, now=now))
        for key, starts_at, *_ in chunk:
            reminded.learn(key, starts_at)
        await asyncio.sleep(0)
    return made


async def _coming(db: Database, start: str, end: str) -> AsyncIterator[Row]:
    """The replies :func:`reminders` looks at, read a page at a time (CHUNK
    rows): an evening's thousands are never one long read holding the loop."""
    after: rsvp_store.Mark | None = None
    while True:
        async with db.reader() as r:
            rows = await rsvp_store.coming_between(r, start, end, after=after, limit=CHUNK)
        for row in rows:
            yield row
        if len(rows) < CHUNK:
            return
        last = rows[-1]
        after = (last["starts_at"], last["outing_id"], last["user_id"])
        await asyncio.sleep(0)  # requests between pages


async def _remind(w: Writer, due: list[tuple[Any, ...]], now: datetime) -> int:
    made = 0
    for key, _starts_at, user_id, kind, outing_id, params in due:
        made += await notify_once(w, key, user_id, kind, outing_id, stamp(now), **params)
    return made
