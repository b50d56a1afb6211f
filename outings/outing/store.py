"""SQL for the ``outings`` table: the one place it lives."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from outings.db import Row, inserting, placeholders, setting, stamp
from outings.db.database import Conn, Writer
from outings.folded import Folded, containing, keyed, one_spelling_each
from outings.i18n import sort_key
from outings.outing import rules
from outings.outing.models import Outing
from outings.outing.rules import OutingInput
from outings.refusals import Refused

#: What :func:`_outing` reads of the row (not its folded keys: a second copy
#: of its text, never shown, would be read for every outing of every page).
_COLUMNS = (
    "id", "host_id", "title", "category", "description", "starts_at", "ends_at", "venue_id",
    "place", "meeting_point", "meeting_point_private", "area", "age_min_months",
    "age_max_months", "capacity", "cost", "language", "status", "cancel_reason", "sequence",
    "created_at", "updated_at", "circle_id", "visibility", "adults_only",
)  # fmt: skip

_SELECT = f"""
select {", ".join("o." + c for c in _COLUMNS)}, u.display_name as host_name, v.name as venue_name,
  v.latitude as venue_latitude, v.longitude as venue_longitude, ci.name as circle_name,
  (select count(*) from rsvps r where r.outing_id = o.id and r.state = 'confirmed')
    as confirmed_count,
  (select count(*) from rsvps r where r.outing_id = o.id and r.state = 'waitlisted')
    as waitlist_count
from outings o
join users u on u.id = o.host_id
left join venues v on v.id = o.venue_id and v.hidden_at is null
left join circles ci on ci.id = o.circle_id and ci.hidden_at is null
"""

#: Whether the person ``?`` (given twice) sees an outing ``o``: a public one,
#: or a members-only one she hosts or whose circle she belongs to (rules.may_see).
SEEN_BY = (
    "(o.visibility = 'public' or o.host_id = ? or exists (select 1 from circle_members cm"
    " where cm.circle_id = o.circle_id and cm.user_id = ? and cm.role in ('member', 'moderator')))"
)


def iso(moment: datetime) -> str:
    """The one way times are stored and compared: UTC, to the second, ``Z``.
    Stored strings compare in time order only because they share this form."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _outing(row: Row) -> Outing:
    return Outing(
        id=row["id"],
        host_id=row["host_id"],
        host_name=row["host_name"],
        title=row["title"],
        category=row["category"],
        description=row["description"],
        starts_at=datetime.fromisoformat(row["starts_at"]),
        ends_at=datetime.fromisoformat(row["ends_at"]),
        venue_id=row["venue_id"],
        venue_name=row["venue_name"],
        place=row["place"],
        meeting_point=row["meeting_point"],
        meeting_point_private=bool(row["meeting_point_private"]),
        area=row["area"],
        age_min_months=row["age_min_months"],
        age_max_months=row["age_max_months"],
        capacity=row["capacity"],
        cost=row["cost"],
        language=row["language"],
        status=row["status"],
        cancel_reason=row["cancel_reason"],
        sequence=row["sequence"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        confirmed_count=row["confirmed_count"],
        venue_latitude=row["venue_latitude"],
        venue_longitude=row["venue_longitude"],
        waitlist_count=row["waitlist_count"],
        circle_id=row["circle_id"],
        circle_name=row["circle_name"],
        visibility=row["visibility"],
        adults_only=bool(row["adults_only"]),
    )


#: Keys kept beside the text (outings.folded): the area chosen, the words searched.
FOLDED = (
    Folded("outings", "area_key", ("area",)),
    Folded("outings", "search_key", ("title", "description", "place", "area")),
)


def _fields(data: OutingInput) -> dict[str, Any]:
    fields = {
        "title": data.title,
        "category": data.category,
        "description": data.description,
        "starts_at": iso(data.starts_at),
        "ends_at": iso(data.ends_at),
        "venue_id": data.venue_id,
        "place": data.place,
        "meeting_point": data.meeting_point,
        "meeting_point_private": int(data.meeting_point_private),
        "area": data.area,
        "age_min_months": data.age_min_months,
        "age_max_months": data.age_max_months,
        "capacity": data.capacity,
        "cost": data.cost,
        "language": data.language,
        "circle_id": data.circle_id,
        "visibility": data.visibility,
        "adults_only": int(data.adults_only),
    }
    return keyed(fields, FOLDED)


async def proposed_since(conn: Conn, host_id: str, since: str) -> int:
    count: int = await conn.fetchval(
        "select count(*) from outings where host_id = ? and created_at >= ?", (host_id, since)
    )
    return count


async def first_proposed_since(conn: Conn, host_id: str, since: str) -> str | None:
    first: str | None = await conn.fetchval(
        "select min(created_at) from outings where host_id = ? and created_at >= ?",
        (host_id, since),
    )
    return first


async def insert(w: Writer, outing_id: str, host_id: str, data: OutingInput, now: str) -> bool:
    """Insert; False when an outing with this id exists already (a re-sent form).

    Refused past :data:`rules.OUTINGS_PER_DAY` in 24 hours: counted here, in
    the transaction that inserts, so the limit holds for forms and pushes
    alike, across restarts and processes.
    """
    day_ago = stamp(datetime.fromisoformat(now) - timedelta(days=1))
    refusal = rules.why_no_more_outings(await proposed_since(w, host_id, day_ago))
    if refusal:
        raise Refused("too_many_outings", refusal)
    fields = {
        "id": outing_id,
        "host_id": host_id,
        **_fields(data),
        "created_at": now,
        "updated_at": now,
    }
    changed = await w.execute(
        inserting("outings", fields) + " on conflict (id) do nothing",
        fields,
    )
    return changed > 0


async def update(w: Writer, outing_id: str, data: OutingInput, now: str, *, bump: bool) -> None:
    fields = {**_fields(data), "updated_at": now}
    await w.execute(
        f"update outings set {setting(fields)}, sequence = sequence + :bump where id = :id",
        {**fields, "id": outing_id, "bump": int(bump)},
    )


async def cancel(w: Writer, outing_id: str, reason: str, now: str) -> None:
    await w.execute(
        "update outings set status = 'cancelled', cancel_reason = ?, cancelled_at = ?,"
        " updated_at = ?, sequence = sequence + 1 where id = ?",
        (reason, now, now, outing_id),
    )


async def hide(w: Writer, outing_id: str, reason: str, now: str) -> None:
    await w.execute(
        "update outings set hidden_at = ?, hidden_reason = ? where id = ?",
        (now, reason, outing_id),
    )


async def ids_at_venue(conn: Conn, venue_id: str) -> list[str]:
    """Outings shown at a venue: they carry its name, so they change when it does."""
    rows = await conn.fetchall(
        "select id from outings where venue_id = ? and hidden_at is null", (venue_id,)
    )
    return [r["id"] for r in rows]


async def get(conn: Conn, outing_id: str) -> Outing | None:
    row = await conn.fetchone(_SELECT + " where o.id = ? and o.hidden_at is null", (outing_id,))
    return None if row is None else _outing(row)


async def get_many(conn: Conn, outing_ids: list[str]) -> dict[str, Outing]:
    """Visible outings by id, in one query (a pull page asks for up to 200)."""
    if not outing_ids:
        return {}
    marks = placeholders(outing_ids)
    rows = await conn.fetchall(
        _SELECT + f" where o.id in ({marks}) and o.hidden_at is null", outing_ids
    )
    return {r["id"]: _outing(r) for r in rows}


class Filters:
    """The list's filters as SQL conditions; values always travel as parameters."""

    def __init__(self) -> None:
        self.where: list[str] = ["o.hidden_at is null"]
        self.params: dict[str, Any] = {}

    def add(self, condition: str, **params: Any) -> None:
        self.where.append(condition)
        self.params.update(params)


async def upcoming(
    conn: Conn,
    *,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
    category: str | None = None,
    area: str | None = None,
    age_months: int | None = None,
    text: str | None = None,
    venue_id: str | None = None,
    circles: Sequence[str] = (),
    only_circles: bool = False,
    circle_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Outing]:
    """Outings not yet over, soonest first, narrowed by the list's filters.

    ``circles``: those whose members-only outings the reader sees (the ones
    she belongs to); every other outing shown is public. ``only_circles``:
    the outings of those circles alone ("My circles"); ``circle_id``: one circle's.
    """
    f = Filters()
    f.add("o.ends_at > :now", now=iso(now))
    marks = {f"circle{n}": c for n, c in enumerate(circles)}
    among = ", ".join(f":{name}" for name in marks)
    if marks:
        f.add(f"(o.visibility = 'public' or o.circle_id in ({among}))", **marks)
    else:
        f.add("o.visibility = 'public'")
    if only_circles:
        f.add(f"o.circle_id in ({among})" if marks else "0 = 1")
    if circle_id:
        f.add("o.circle_id = :circle_id", circle_id=circle_id)
    if start is not None:
        f.add("o.ends_at > :start", start=iso(start))
    if end is not None:
        f.add("o.starts_at < :end", end=iso(end))
    if category:
        f.add("o.category = :category", category=category)
    if venue_id:
        f.add("o.venue_id = :venue_id", venue_id=venue_id)
    if area_key := sort_key(area or ""):  # "\u0301" alone chooses no area
        f.add("o.area_key = :area", area=area_key)
    if age_months is not None:
        # a parents' evening is no outing for a child of any age
        f.add("o.adults_only = 0")
        f.add(
            "(o.age_min_months is null or o.age_min_months <= :age)"
            " and (o.age_max_months is null or o.age_max_months >= :age)",
            age=age_months,
        )
    if text_key := sort_key(text or ""):  # nor does it search for anything
        f.add(
            "(o.search_key like :q escape '\\' or coalesce(v.sort_name, '') like :q escape '\\')",
            q=containing(text_key),
        )
    sql = (
        _SELECT
        + " where "
        + " and ".join(f.where)
        + " order by o.starts_at, o.id limit :limit offset :offset"
    )
    rows = await conn.fetchall(sql, {**f.params, "limit": limit, "offset": offset})
    return [_outing(r) for r in rows]


async def areas(conn: Conn, now: datetime) -> list[str]:
    rows = await conn.fetchall(
        "select area, count(*) as n from outings where ends_at > ? and area != ''"
        " and hidden_at is null and visibility = 'public' group by area",
        (iso(now),),
    )
    return one_spelling_each((r["area"], r["n"]) for r in rows)


#: A family's own outings: those it hosts and those it replied to and did not
#: decline (``mine`` is its RSVP, when it has one), and still sees (one who
#: left a circle no longer finds its members-only outings here).
_MINE = (
    _SELECT + " left join rsvps mine on mine.outing_id = o.id and mine.user_id = ?"
    " where o.hidden_at is null and (o.host_id = ? or mine.status in ('going', 'maybe'))"
    " and " + SEEN_BY
)


async def hosted_ids(conn: Conn, user_id: str, now: datetime) -> list[str]:
    """The outings not yet over that this family hosts."""
    rows = await conn.fetchall(
        "select id from outings where host_id = ? and ends_at > ? and hidden_at is null",
        (user_id, iso(now)),
    )
    return [r["id"] for r in rows]


async def coming_up_for(conn: Conn, user_id: str, now: datetime) -> list[Outing]:
    """Outings a family hosts, is going to, waits for or may go to, not yet over, soonest first."""
    rows = await conn.fetchall(
        _MINE + " and o.ends_at > ? order by o.starts_at, o.id",
        (user_id, user_id, user_id, user_id, iso(now)),
    )
    return [_outing(r) for r in rows]


async def past_for(conn: Conn, user_id: str, now: datetime, limit: int) -> list[Outing]:
    """Over outings a family hosted or had a place at, most recent first."""
    rows = await conn.fetchall(
        _MINE + " and o.ends_at <= ? and (o.host_id = ? or mine.state = 'confirmed')"
        " order by o.starts_at desc, o.id limit ?",
        (user_id, user_id, user_id, user_id, iso(now), user_id, limit),
    )
    return [_outing(r) for r in rows]


async def for_calendar(conn: Conn, user_id: str, since: datetime) -> list[Outing]:
    """Outings a user hosts or is going to (or may go to), for their calendar feed."""
    rows = await conn.fetchall(
        _SELECT + " where o.hidden_at is null and o.ends_at > ? and (o.host_id = ? or exists"
        " (select 1 from rsvps r where r.outing_id = o.id and r.user_id = ?"
        "  and r.status in ('going', 'maybe'))) and " + SEEN_BY + " order by o.starts_at",
        (iso(since), user_id, user_id, user_id, user_id),
    )
    return [_outing(r) for r in rows]


async def next_in_circles(
    conn: Conn, circle_ids: Sequence[str], circles: Sequence[str], now: datetime
) -> dict[str, Outing]:
    """Each circle's next outing not yet over nor cancelled that the reader
    sees (``circles``: those she belongs to), for the circles' cards."""
    if not circle_ids:
        return {}
    seen = "o.visibility = 'public'"
    if circles:
        seen = f"(o.visibility = 'public' or o.circle_id in ({placeholders(circles)}))"
    # the first of each circle, in one query (PostgreSQL has row_number too)
    rows = await conn.fetchall(
        "select * from (select x.*, row_number() over"
        " (partition by x.circle_id order by x.starts_at, x.id) as n from ("
        + _SELECT
        + f" where o.circle_id in ({placeholders(circle_ids)}) and o.hidden_at is null"
        f" and o.status = 'scheduled' and o.ends_at > ? and {seen}"
        ") x) as firsts where n = 1",
        [*circle_ids, iso(now), *circles],
    )
    return {r["circle_id"]: _outing(r) for r in rows}
