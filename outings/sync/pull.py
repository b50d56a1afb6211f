"""Pulling what changed since a cursor, as the caller may see it.

All reads of one pull happen in one read transaction, so the cursor handed
back is exactly as new as the changes sent with it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from outings.accounts.models import User
from outings.db import Database
from outings.db.database import Reader
from outings.outing import capacity, rsvp_store
from outings.outing import store as outing_store
from outings.outing.models import Outing
from outings.sync import store
from outings.sync.protocol import PULL_PAGE, Change, PullResponse
from outings.venue import store as venue_store


def outing_data(o: Outing) -> dict[str, Any]:
    return {
        "id": o.id,
        "host_id": o.host_id,
        "host_name": o.host_name,
        "title": o.title,
        "category": o.category,
        "description": o.description,
        "starts_at": outing_store.iso(o.starts_at),
        "ends_at": outing_store.iso(o.ends_at),
        "venue_id": o.venue_id,
        "venue_name": o.venue_name,
        "place": o.place,
        "area": o.area,
        "age_min_months": o.age_min_months,
        "age_max_months": o.age_max_months,
        "capacity": o.capacity,
        "confirmed_count": o.confirmed_count,
        "waitlist_count": o.waitlist_count,
        "places_left": o.places_left,
        "cost": o.cost,
        "language": o.language,
        "status": o.status,
        "cancel_reason": o.cancel_reason,
        "updated_at": o.updated_at,
    }


async def _data(r: Reader, entity_type: str, entity_id: str) -> tuple[str, dict[str, Any] | None]:
    """The public id and current data of an entity (None: gone, so a tombstone)."""
    if entity_type == "outing":
        outing = await outing_store.get(r, entity_id)
        return entity_id, None if outing is None else outing_data(outing)
    if entity_type == "rsvp":
        outing_id, _sep, user_id = entity_id.partition(":")
        seats = await rsvp_store.seats(r, outing_id)
        seat = next((s for s in seats if s.user_id == user_id), None)
        if seat is None:
            return outing_id, None
        return outing_id, {
            "outing_id": outing_id,
            "status": seat.status,
            "adults": seat.adults,
            "children": seat.children,
            "state": seat.state,
            "position": capacity.position(seats, user_id),
        }
    if entity_type == "venue":
        venue = await venue_store.get(r, entity_id)
        if venue is None:
            return entity_id, None
        data = msgspec.structs.asdict(venue)
        data["amenities"] = {a.name: a.value for a in venue.amenities}
        data["verified"] = venue.verified
        for private in ("created_by", "hidden_at"):
            data.pop(private)
        return entity_id, data
    if entity_type == "comment":
        row = await r.fetchone(
            "select c.*, u.display_name from comments c join users u on u.id = c.author_id"
            " where c.id = ? and c.deleted_at is null and c.hidden_at is null",
            (entity_id,),
        )
        if row is None:
            return entity_id, None
        return entity_id, {
            "id": row["id"],
            "outing_id": row["outing_id"],
            "author_id": row["author_id"],
            "author_name": row["display_name"],
            "body": row["body"],
            "created_at": row["created_at"],
        }
    return entity_id, None


async def pull(
    db: Database, user: User | None, cursor: int, client_id: str | None, limit: int = PULL_PAGE
) -> PullResponse:
    async with db.reader() as r:
        await r.conn.execute("begin")
        try:
            return await _pull(r, user, cursor, client_id, limit)
        finally:
            await r.conn.execute("commit")


async def _pull(
    r: Reader, user: User | None, cursor: int, client_id: str | None, limit: int
) -> PullResponse:
    current, oldest = await store.cursor_bounds(r)
    reset = cursor > current or (cursor != 0 and cursor < oldest)
    since = 0 if reset else cursor
    user_id = user.id if user else None
    rows = await store.changes_after(r, since, user_id, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    changes = []
    for row in rows:
        public_id, data = await _data(r, row["entity_type"], row["entity_id"])
        if row["op"] == "del" or data is None:
            if not reset:  # a fresh snapshot needs no tombstones
                changes.append(Change(op="del", type=row["entity_type"], id=public_id))
        else:
            changes.append(Change(op="put", type=row["entity_type"], id=public_id, data=data))
    last_mutation_id = 0
    if client_id and user_id:
        found = await store.client(r, client_id)
        if found is not None and found[0] == user_id:
            last_mutation_id = found[1]
    new_cursor = rows[-1]["cursor"] if has_more else current
    return PullResponse(
        cursor=new_cursor,
        last_mutation_id=last_mutation_id,
        has_more=has_more,
        changes=changes,
        reset=reset,
    )
