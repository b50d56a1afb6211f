"""The change cursor: every write records what changed, inside its own transaction.

The cursor is a counter in ``sync_state`` bumped by the writer, so its order
is the commit order and a pull never skips a change committed later with a
smaller number (DESIGN.md, Sync API).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from outings.db import now_iso
from outings.db.database import Conn, Writer
from outings.sync import store

EntityType = Literal["outing", "rsvp", "comment", "venue"]


async def next_seq(w: Writer) -> int:
    """The next value of the server's one counter (also used for first-come order)."""
    value: int = await w.fetchval(
        "update sync_state set cursor = cursor + 1 where id = 1 returning cursor"
    )
    return value


async def record(
    w: Writer,
    entity_type: EntityType,
    entity_id: str,
    *,
    op: Literal["put", "del"] = "put",
    owner_id: str | None = None,
) -> int:
    cursor = await next_seq(w)
    await w.execute(
        "insert into sync_changes (entity_type, entity_id, cursor, op, owner_id, changed_at)"
        " values (?, ?, ?, ?, ?, ?) on conflict (entity_type, entity_id) do update set"
        " cursor = excluded.cursor, op = excluded.op, owner_id = excluded.owner_id,"
        " changed_at = excluded.changed_at",
        (entity_type, entity_id, cursor, op, owner_id, now_iso()),
    )
    return cursor


async def data_version(conn: Conn, now: datetime) -> tuple[int, datetime]:
    """What a rendered page depends on: every write bumps the cursor, and pages
    show relative times ("today", "starts in…"), so (cursor, minute) says a
    page rendered earlier is still right."""
    cursor, _oldest = await store.cursor_bounds(conn)
    return cursor, now.replace(second=0, microsecond=0)


def rsvp_key(outing_id: str, user_id: str) -> str:
    return f"{outing_id}:{user_id}"
