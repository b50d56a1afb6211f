"""SQL for the ``rsvps`` table."""

from __future__ import annotations

from typing import Any

from outings.db import Row, placeholders
from outings.db.database import Conn, Writer
from outings.outing.models import Attendee, Seat

#: What the capacity rules read of an RSVP (a reply reads many: only these).
_SEAT = "user_id, status, adults, children, state, queued_seq"


def _seat(row: Row) -> Seat:
    return Seat(
        user_id=row["user_id"],
        status=row["status"],
        adults=row["adults"],
        children=row["children"],
        state=row["state"],
        queued_seq=row["queued_seq"],
    )


async def seats(conn: Conn, outing_id: str) -> list[Seat]:
    rows = await conn.fetchall(f"select {_SEAT} from rsvps where outing_id = ?", (outing_id,))
    return [_seat(r) for r in rows]


async def queue(conn: Conn, outing_id: str, user_id: str) -> list[Seat]:
    """What a reply by ``user_id`` can move: her own seat and the waitlist
    (capacity.set_rsvp; the confirmed others are counted, not read)."""
    rows = await conn.fetchall(
        f"select {_SEAT} from rsvps where outing_id = ? and state = 'waitlisted' and user_id != ?"
        f" union all select {_SEAT} from rsvps where outing_id = ? and user_id = ?",
        (outing_id, user_id, outing_id, user_id),
    )
    return [_seat(r) for r in rows]


async def replies_to_members_only(
    conn: Conn, circle_id: str, user_id: str, now: str
) -> list[tuple[str, int, int]]:
    """(outing, adults, children) of each members-only outing of a circle, not
    yet over nor cancelled, that ``user_id`` replied going or maybe to and does
    not host."""
    rows = await conn.fetchall(
        "select o.id, r.adults, r.children from rsvps r join outings o on o.id = r.outing_id"
        " where r.user_id = ? and r.status in ('going', 'maybe') and o.circle_id = ?"
        " and o.visibility = 'members' and o.host_id != ? and o.hidden_at is null"
        " and o.status = 'scheduled' and o.ends_at > ? order by o.starts_at, o.id",
        (user_id, circle_id, user_id, now),
    )
    return [(r["id"], r["adults"], r["children"]) for r in rows]


async def seat(conn: Conn, outing_id: str, user_id: str) -> Seat | None:
    row = await conn.fetchone(
        f"select {_SEAT} from rsvps where outing_id = ? and user_id = ?", (outing_id, user_id)
    )
    return None if row is None else _seat(row)


#: An RSVP as a pull sends it, with its place on the waitlist (counted in the
#: order of :func:`capacity.waitlist`, as :func:`capacity.as_pulled` does to
#: find whose place moved); RSVPs to hidden outings are not sent.
_PULLED = (
    "select r.outing_id, r.user_id, r.status, r.adults, r.children, r.state,"
    " case when r.state = 'waitlisted' then (select count(*) from rsvps w"
    " where w.outing_id = r.outing_id and w.state = 'waitlisted' and (w.queued_seq <"
    " r.queued_seq or (w.queued_seq = r.queued_seq and w.user_id <= r.user_id))) end"
    " as position from rsvps r join outings o on o.id = r.outing_id and o.hidden_at is null"
)
PULLED_FIELDS = ("outing_id", "status", "adults", "children", "state", "position")


def _pulled(row: Row) -> dict[str, Any]:
    return {name: row[name] for name in PULLED_FIELDS}


async def mine_many(conn: Conn, user_id: str, outing_ids: list[str]) -> dict[str, dict[str, Any]]:
    """One family's RSVPs to these outings as a pull sends them, in one query."""
    if not outing_ids:
        return {}
    marks = placeholders(outing_ids)
    rows = await conn.fetchall(
        _PULLED + f" where r.user_id = ? and r.outing_id in ({marks})", (user_id, *outing_ids)
    )
    return {r["outing_id"]: _pulled(r) for r in rows}


async def save(w: Writer, outing_id: str, seat: Seat, now: str) -> None:
    await w.execute(
        "insert into rsvps (outing_id, user_id, status, adults, children, state, queued_seq,"
        " created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " on conflict (outing_id, user_id) do update set status = excluded.status,"
        " adults = excluded.adults, children = excluded.children, state = excluded.state,"
        " queued_seq = excluded.queued_seq, updated_at = excluded.updated_at",
        (
            outing_id,
            seat.user_id,
            seat.status,
            seat.adults,
            seat.children,
            seat.state,
            seat.queued_seq,
            now,
            now,
        ),
    )


async def attendees(conn: Conn, outing_id: str) -> list[Attendee]:
    """Everyone who replied: confirmed first, then the waitlist in order, then maybes."""
    rows = await conn.fetchall(
        "select r.*, u.display_name from rsvps r join users u on u.id = r.user_id"
        " where r.outing_id = ? order by case r.state when 'confirmed' then 0"
        " when 'waitlisted' then 1 else 2 end, r.queued_seq, r.updated_at, r.user_id",
        (outing_id,),
    )
    found = []
    position = 0
    for r in rows:
        place = None
        if r["state"] == "waitlisted":
            position += 1
            place = position
        found.append(
            Attendee(
                user_id=r["user_id"],
                display_name=r["display_name"],
                status=r["status"],
                state=r["state"],
                adults=r["adults"],
                children=r["children"],
                position=place,
                updated_at=r["updated_at"],
            )
        )
    return found


async def user_ids(conn: Conn, outing_id: str, statuses: tuple[str, ...]) -> list[str]:
    marks = placeholders(statuses)
    rows = await conn.fetchall(
        f"select user_id from rsvps where outing_id = ? and status in ({marks})",
        (outing_id, *statuses),
    )
    return [r["user_id"] for r in rows]


async def mine_upcoming(conn: Conn, user_id: str, now: str) -> dict[str, dict[str, Any]]:
    """One family's replies to outings not yet over, as a pull sends them."""
    rows = await conn.fetchall(_PULLED + " where r.user_id = ? and o.ends_at > ?", (user_id, now))
    return {r["outing_id"]: _pulled(r) for r in rows}


#: Where a page of :func:`coming_between` ends: (starts_at, outing_id, user_id).
Mark = tuple[str, str, str]


async def coming_between(
    conn: Conn, start: str, end: str, *, after: Mark | None = None, limit: int = 500
) -> list[Row]:
    """Families going (confirmed) or maybe coming to outings that start in
    ``[start, end)``, with what a reminder says: for the push reminders. A
    page at a time, in (start, outing, family) order, after ``after``."""
    since = "" if after is None else " and (o.starts_at, o.id, r.user_id) > (?, ?, ?)"
    return await conn.fetchall(
        "select o.id as outing_id, o.title, o.starts_at, o.meeting_point, o.place,"
        " r.user_id, r.status, r.state"
        " from outings o join rsvps r on r.outing_id = o.id"
        " where o.starts_at >= ? and o.starts_at < ? and o.status = 'scheduled'"
        " and o.hidden_at is null"
        " and ((r.status = 'going' and r.state = 'confirmed') or r.status = 'maybe')"
        f"{since} order by o.starts_at, o.id, r.user_id limit {int(limit)}",
        (start, end, *(after or ())),
    )


async def has_replied(conn: Conn, user_id: str) -> bool:
    """Whether this parent ever replied to an outing (or hosted one)."""
    found = await conn.fetchval("select 1 from rsvps where user_id = ? limit 1", (user_id,))
    return found is not None
