"""The change cursor and the change log: storage-level, below every domain.

Every write records what it changed inside its own transaction, by calling
down here; ``sync/`` only reads the log (pull). The cursor is a counter in
``sync_state`` bumped by the writer, so its order is the commit order and a
pull never skips a change committed later with a smaller number
(docs/sync.md, "The cursor").

An entity is recorded whenever anything a pull sends of it changes — its own
fields *and* the fields derived from other rows (an RSVP's waitlist position,
an outing's counts or venue name). :func:`record_differences` is the one way
to do the derived part: compare what a pull would send before and after a
change, and record every entity that differs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from outings.changelog import store
from outings.db import Database, Row, now_iso, stamp
from outings.db.database import Conn, Writer

EntityType = Literal["outing", "rsvp", "comment", "venue", "circle", "membership", "post", "entry"]

#: What a circle's members alone may pull (when the row says so, see :func:`audience`).
MEMBERS_ONLY: tuple[EntityType, ...] = ("outing", "comment", "post", "entry")

#: Members-only things their outing's host pulls as well as the circle's members.
HOST_TOO: tuple[EntityType, ...] = ("outing", "comment")

#: How often the app compacts the change log while it runs.
COMPACT_EVERY_S = 6 * 3600

log = logging.getLogger("outings.changelog")


async def next_seq(w: Writer) -> int:
    """The next value of the server's one counter (also used for first-come order)."""
    return await store.bump(w)


async def record(
    w: Writer,
    entity_type: EntityType,
    entity_id: str,
    *,
    op: Literal["put", "del"] = "put",
    owner_id: str | None = None,
) -> int:
    """Record that ``entity_id`` changed. Who may pull it is decided here, by
    construction: ``owner_id`` for what is one person's own (an RSVP, a
    membership), else the circle whose members alone may see it, read from
    the entity itself (:func:`audience`; a members-only outing's host as
    well), else everyone."""
    circle_id = None if owner_id else await audience(w, entity_type, entity_id)
    if circle_id is not None:
        if await store.was_for_everyone(w, entity_type, entity_id):
            # Its audience narrows (its outing turned members-only since): the
            # row moves out of sight of everyone else, and a tombstone it held
            # for them with it (a comment hidden while public, hidden again
            # now). Whoever pulled it while everyone could hears it go.
            await _tombstone_for_everyone(w, entity_type, entity_id)
        if entity_type in HOST_TOO:
            # its host too, in the circle or not: she keeps her outing when she leaves it
            owner_id = await store.host_of(w, entity_type, entity_id)
    cursor = await store.bump(w)
    await store.upsert(w, entity_type, entity_id, cursor, op, owner_id, circle_id, now_iso())
    return cursor


async def audience(w: Writer, entity_type: EntityType, entity_id: str) -> str | None:
    """The circle whose members alone may pull this entity, or None for everyone."""
    if entity_type not in MEMBERS_ONLY:
        return None
    return await store.audience(w, entity_type, entity_id)


async def record_for(
    w: Writer,
    user_id: str,
    entity_type: EntityType,
    entity_ids: Iterable[str],
    *,
    op: Literal["put", "del"] = "put",
) -> None:
    """Send entities to one person's pulls only: a circle's members-only things
    to someone who just joined (``put``: what the members got long ago) or
    just left (``del``: gone from her phone), without re-sending them to
    every other member. The row's key is ``entity:user``, like an RSVP's."""
    for entity_id in entity_ids:
        cursor = await store.bump(w)
        await store.upsert(
            w, entity_type, owned_key(entity_id, user_id), cursor, op, user_id, None, now_iso()
        )


async def record_each(w: Writer, entity_type: EntityType, entity_ids: Iterable[str]) -> None:
    for entity_id in entity_ids:
        await record(w, entity_type, entity_id)


async def record_differences(
    w: Writer,
    entity_type: EntityType,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    owned_by_key_of: str | None = None,
) -> None:
    """Record each entity whose pulled data differs: ``put`` when it is there
    after, ``del`` when it is gone. Keys are entity ids; with
    ``owned_by_key_of`` they are the ids of the people who alone pull them,
    and each is recorded as that person's copy of the entity of that id (an
    outing's RSVPs, by family): only the few that differ are named."""
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            await record(
                w,
                entity_type,
                key if owned_by_key_of is None else owned_key(owned_by_key_of, key),
                op="put" if key in after else "del",
                owner_id=None if owned_by_key_of is None else key,
            )


async def bounds(conn: Conn) -> tuple[int, int]:
    """(current cursor, oldest cursor a pull may continue from)."""
    return await store.bounds(conn)


async def data_version(conn: Conn, now: datetime) -> tuple[int, datetime]:
    """What a rendered page depends on: every write bumps the cursor, and pages
    show relative times ("today", "starts in…"), so (cursor, minute) says a
    page rendered earlier is still right."""
    cursor, _oldest = await store.bounds(conn)
    return cursor, now.replace(second=0, microsecond=0)


async def compact(w: Writer, now: datetime, keep_days: int) -> int:
    """Drop tombstones older than ``keep_days`` and raise the floor a pull may
    continue from; returns how many were dropped.

    Only tombstones can go: the log holds one row per entity (its latest
    change), so nothing else is superseded. A phone whose cursor is below the
    new floor may have missed a dropped tombstone, so it is sent a fresh
    snapshot (``reset``) instead.
    """
    dropped, newest = await store.drop_tombstones(w, stamp(now - timedelta(days=keep_days)))
    if newest is not None:
        await store.raise_floor(w, newest)
    return dropped


async def start_over(w: Writer) -> None:
    """Forget the whole log, for a database whose data was all deleted
    (``outings demo --reset``): every cursor handed out so far becomes older
    than the oldest kept, so each phone's next pull is a fresh copy (``reset``)
    rather than changes on top of data that is gone. The cursor itself only
    ever rises."""
    await store.forget_all(w)
    await store.raise_floor(w, await store.bump(w))


async def send_circle(
    w: Writer, user_id: str, circle_id: str, *, op: Literal["put", "del"] = "put"
) -> None:
    """Everything only a circle's members may pull, sent to one person's pulls:
    ``put`` when she joins (a new member sees it all at once), ``del`` when
    she leaves or is removed (it leaves her phone). Her own outings there stay:
    their host pulls them whether she belongs or not (:func:`record`).

    Leaving takes off everything the circle's members were ever sent, hidden
    or deleted since included: one who leaves before her phone pulled a
    hiding would not pull it after, as she is no member any more."""
    if op == "put":
        found = await store.members_only(w, circle_id, except_host=user_id)
    else:
        found = await store.sent_to_members(w, circle_id, except_host=user_id)
    for entity_type, entity_id in found:
        await record_for(w, user_id, entity_type, [entity_id], op=op)  # type: ignore[arg-type]


async def withdraw(w: Writer, entity_type: EntityType, entity_id: str) -> None:
    """Take an entity off the phones of everyone who is not to see it any more
    (a public outing made members-only): a tombstone for all, recorded
    *before* the put its audience will pull, so members apply both and keep it.
    The copies sent to one person alone (a joiner's) were for the audience it
    had: each becomes a deletion too, or a fresh pull would still find it."""
    await _tombstone_for_everyone(w, entity_type, entity_id)
    for copy, owner_id in await store.copies(w, entity_type, entity_id):
        cursor = await store.bump(w)
        await store.upsert(w, entity_type, copy, cursor, "del", owner_id, None, now_iso())


async def _tombstone_for_everyone(w: Writer, entity_type: EntityType, entity_id: str) -> None:
    """A deletion every reader pulls, under a key of its own, so that the
    entity's own row may go on to a narrower audience."""
    cursor = await store.bump(w)
    key = f"{entity_id}:withdrawn"
    await store.upsert(w, entity_type, key, cursor, "del", None, None, now_iso())


def owned_key(entity_id: str, user_id: str) -> str:
    """The change-log key of an entity as one person pulls it (an RSVP, a
    membership, a copy sent to her alone): ``entity:user``. Pulls send the
    part before the colon as the id."""
    return f"{entity_id}:{user_id}"


rsvp_key = owned_key


async def changes_after(conn: Conn, cursor: int, user_id: str | None, limit: int) -> list[Row]:
    """The change log after ``cursor`` that ``user_id`` may see, oldest first."""
    return await store.after(conn, cursor, user_id, limit)


async def compact_now(db: Database, keep_days: int) -> int:
    return await db.write(lambda w: compact(w, datetime.now(UTC), keep_days))


async def compact_forever(db: Database, keep_days: int) -> None:
    """Compact at start and every few hours, for as long as the app runs.

    Safe with several processes on one database: each compaction is one
    transaction, and a second one right after finds nothing to drop.
    """
    while True:
        try:
            dropped = await compact_now(db, keep_days)
            if dropped:
                log.info(
                    "change log compacted: %d tombstones older than %d days", dropped, keep_days
                )
        except Exception:
            log.warning("change log compaction failed; trying again later", exc_info=True)
        await asyncio.sleep(COMPACT_EVERY_S)
