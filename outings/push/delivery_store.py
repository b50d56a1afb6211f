"""SQL for ``push_deliveries``: the queue that carries each notification to
each device once.

Several app processes may share one database; each claims rows inside a
write transaction (SQLite's ``BEGIN IMMEDIATE`` serialises them; on
PostgreSQL the same ``update … where claimed_at is null`` takes row locks), so
no two send the same row. A claim left by a process that stopped is taken over
once it is older than ``CLAIM_TIMEOUT``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from outings.db.database import Conn, Row, Writer, stamp
from outings.ids import new_id

CLAIM_TIMEOUT = timedelta(minutes=5)
#: Sent or dropped rows are kept this long (the enqueuer looks back one day,
#: and a row still here is what stops it queueing the same push again).
KEEP = timedelta(days=3)


class Delivery(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    notification_id: str
    subscription_id: str
    payload: str
    attempts: int


async def enqueue(
    w: Writer,
    notification_id: str,
    subscription_id: str,
    payload: str,
    not_before: datetime,
    now: datetime,
) -> bool:
    """Queue one push; a second call for the same notification and device does nothing."""
    changed = await w.execute(
        "insert into push_deliveries (id, notification_id, subscription_id, payload,"
        " not_before, next_try, created_at) values (?, ?, ?, ?, ?, ?, ?)"
        " on conflict (notification_id, subscription_id) do nothing",
        (
            new_id(),
            notification_id,
            subscription_id,
            payload,
            stamp(not_before),
            stamp(not_before),
            stamp(now),
        ),
    )
    return changed > 0


async def claim(w: Writer, worker: str, now: datetime, limit: int = 20) -> list[Delivery]:
    """Take up to ``limit`` rows that are due and nobody is sending."""
    at = stamp(now)
    await w.execute(
        "update push_deliveries set claimed_at = ?, claimed_by = ? where id in ("
        " select id from push_deliveries"
        " where sent_at is null and dropped is null and next_try <= ?"
        " and (claimed_at is null or claimed_at < ?)"
        " order by next_try limit ?)",
        (at, worker, at, stamp(now - CLAIM_TIMEOUT), limit),
    )
    rows = await w.fetchall(
        "select id, notification_id, subscription_id, payload, attempts from push_deliveries"
        " where claimed_by = ? and claimed_at = ? and sent_at is null and dropped is null",
        (worker, at),
    )
    return [_delivery(r) for r in rows]


def _delivery(row: Row) -> Delivery:
    return Delivery(
        id=row["id"],
        notification_id=row["notification_id"],
        subscription_id=row["subscription_id"],
        payload=row["payload"],
        attempts=row["attempts"],
    )


async def mark_sent(w: Writer, delivery_id: str, now: datetime) -> None:
    await w.execute(
        "update push_deliveries set sent_at = ?, attempts = attempts + 1,"
        " claimed_at = null, claimed_by = null where id = ?",
        (stamp(now), delivery_id),
    )


async def retry_at(w: Writer, delivery_id: str, when: datetime) -> None:
    await w.execute(
        "update push_deliveries set attempts = attempts + 1, next_try = ?,"
        " claimed_at = null, claimed_by = null where id = ?",
        (stamp(when), delivery_id),
    )


async def drop(w: Writer, delivery_id: str, reason: str) -> None:
    await w.execute(
        "update push_deliveries set dropped = ?, attempts = attempts + 1,"
        " claimed_at = null, claimed_by = null where id = ?",
        (reason, delivery_id),
    )


async def anything_old(conn: Conn, now: datetime) -> bool:
    found = await conn.fetchval(
        "select 1 from push_deliveries where (sent_at is not null or dropped is not null)"
        " and created_at < ? limit 1",
        (stamp(now - KEEP),),
    )
    return found is not None


async def forget_old(w: Writer, now: datetime) -> int:
    return await w.execute(
        "delete from push_deliveries where (sent_at is not null or dropped is not null)"
        " and created_at < ?",
        (stamp(now - KEEP),),
    )


async def pending_for(conn: Conn, subscription_id: str) -> int:
    count: int = await conn.fetchval(
        "select count(*) from push_deliveries where subscription_id = ?"
        " and sent_at is null and dropped is null",
        (subscription_id,),
    )
    return count
