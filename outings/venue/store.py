"""SQL for ``venues``, ``venue_amenities`` and ``venue_claims``: the one place it lives."""

from __future__ import annotations

from typing import Any

from outings.db import Row, inserting, placeholders, setting
from outings.db.database import Conn, Writer
from outings.folded import Folded, containing, keyed, one_spelling_each
from outings.i18n import sort_key
from outings.venue.models import HAS, Amenity, Venue, VenueInput

#: What :func:`_venue` reads of the row (not its folded keys).
_COLUMNS = (
    "id", "name", "kind", "description", "address", "area", "latitude", "longitude",
    "opening_hours", "website", "phone", "price_notes", "age_min_months", "age_max_months",
    "created_by", "manager_id", "verified_at", "hidden_at", "updated_at",
)  # fmt: skip

_SELECT = (
    f"select {', '.join('v.' + c for c in _COLUMNS)}, m.display_name as manager_name"
    " from venues v left join users m on m.id = v.manager_id"
)


async def _amenities(conn: Conn, venue_ids: list[str]) -> dict[str, list[Amenity]]:
    if not venue_ids:
        return {}
    marks = placeholders(venue_ids)
    rows = await conn.fetchall(
        f"select * from venue_amenities where venue_id in ({marks}) order by amenity",
        venue_ids,
    )
    found: dict[str, list[Amenity]] = {}
    for r in rows:
        found.setdefault(r["venue_id"], []).append(
            Amenity(
                name=r["amenity"],
                value=r["value"],
                detail=r["detail"],
                confirmed_at=r["confirmed_at"],
            )
        )
    return found


def _venue(row: Row, amenities: list[Amenity]) -> Venue:
    return Venue(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        description=row["description"],
        address=row["address"],
        area=row["area"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        opening_hours=row["opening_hours"],
        website=row["website"],
        phone=row["phone"],
        price_notes=row["price_notes"],
        age_min_months=row["age_min_months"],
        age_max_months=row["age_max_months"],
        created_by=row["created_by"],
        manager_id=row["manager_id"],
        manager_name=row["manager_name"],
        verified_at=row["verified_at"],
        hidden_at=row["hidden_at"],
        updated_at=row["updated_at"],
        amenities=amenities,
    )


async def _many(conn: Conn, rows: list[Row]) -> list[Venue]:
    amenities = await _amenities(conn, [r["id"] for r in rows])
    return [_venue(r, amenities.get(r["id"], [])) for r in rows]


async def get(conn: Conn, venue_id: str, *, hidden: bool = False) -> Venue | None:
    row = await conn.fetchone(
        _SELECT + " where v.id = ?" + ("" if hidden else " and v.hidden_at is null"),
        (venue_id,),
    )
    if row is None:
        return None
    return (await _many(conn, [row]))[0]


async def get_many(conn: Conn, venue_ids: list[str]) -> dict[str, Venue]:
    if not venue_ids:
        return {}
    marks = placeholders(venue_ids)
    rows = await conn.fetchall(
        _SELECT + f" where v.id in ({marks}) and v.hidden_at is null", venue_ids
    )
    return {v.id: v for v in await _many(conn, rows)}


async def search(
    conn: Conn,
    *,
    kind: str | None = None,
    area: str | None = None,
    has: list[str] | None = None,
    text: str | None = None,
    limit: int = 100,
) -> list[Venue]:
    """Listed venues with every amenity in ``has``, verified ones first."""
    where = ["v.hidden_at is null"]
    params: dict[str, Any] = {"limit": limit}
    if kind:
        where.append("v.kind = :kind")
        params["kind"] = kind
    if area_key := sort_key(area or ""):  # "\u0301" alone chooses no area
        where.append("v.area_key = :area")
        params["area"] = area_key
    for i, tag in enumerate(has or []):
        values = sorted(HAS[tag])
        marks = ", ".join(f":v{i}_{j}" for j in range(len(values)))
        where.append(
            f"exists (select 1 from venue_amenities a where a.venue_id = v.id"
            f" and a.amenity = :tag{i} and a.value in ({marks}))"
        )
        params[f"tag{i}"] = tag
        params.update({f"v{i}_{j}": value for j, value in enumerate(values)})
    if text_key := sort_key(text or ""):  # nor does it search for anything
        where.append("v.search_key like :q escape '\\'")
        params["q"] = containing(text_key)
    rows = await conn.fetchall(
        _SELECT
        + " where "
        + " and ".join(where)
        + " order by v.verified_at is null, v.sort_name, v.id limit :limit",
        params,
    )
    return await _many(conn, rows)


async def areas(conn: Conn) -> list[str]:
    rows = await conn.fetchall(
        "select area, count(*) as n from venues where hidden_at is null and area != ''"
        " group by area"
    )
    return one_spelling_each((r["area"], r["n"]) for r in rows)


async def choices(conn: Conn) -> list[tuple[str, str, str]]:
    """(id, name, area) of every listed venue, for the propose form."""
    rows = await conn.fetchall(
        "select id, name, area from venues where hidden_at is null order by sort_name, id"
    )
    return [(r["id"], r["name"], r["area"]) for r in rows]


#: Keys kept beside the text (outings.folded): the list's order, the area
#: chosen, the words searched.
FOLDED = (
    Folded("venues", "sort_name", ("name",)),
    Folded("venues", "area_key", ("area",)),
    Folded("venues", "search_key", ("name", "description", "address")),
)


def _fields(data: VenueInput) -> dict[str, Any]:
    fields = {
        "name": data.name,
        "kind": data.kind,
        "description": data.description,
        "address": data.address,
        "area": data.area,
        "latitude": data.latitude,
        "longitude": data.longitude,
        "opening_hours": data.opening_hours,
        "website": data.website,
        "phone": data.phone,
        "price_notes": data.price_notes,
        "age_min_months": data.age_min_months,
        "age_max_months": data.age_max_months,
    }
    return keyed(fields, FOLDED)


async def insert(
    w: Writer,
    venue_id: str,
    data: VenueInput,
    *,
    created_by: str,
    manager_id: str | None,
    now: str,
) -> bool:
    fields = {
        "id": venue_id,
        **_fields(data),
        "created_by": created_by,
        "manager_id": manager_id,
        "created_at": now,
        "updated_at": now,
    }
    changed = await w.execute(inserting("venues", fields) + " on conflict (id) do nothing", fields)
    return changed > 0


async def update(w: Writer, venue_id: str, data: VenueInput, now: str) -> None:
    fields = {**_fields(data), "updated_at": now}
    await w.execute(
        f"update venues set {setting(fields)} where id = :id", {**fields, "id": venue_id}
    )


async def set_amenities(w: Writer, venue_id: str, data: VenueInput, user_id: str, now: str) -> None:
    """Replace the venue's amenities; an unchanged answer keeps its confirmation date."""
    current = {a.name: a for a in (await _amenities(w, [venue_id])).get(venue_id, [])}
    await w.execute("delete from venue_amenities where venue_id = ?", (venue_id,))
    for tag, value in data.amenities.items():
        detail = data.changing_table_location if tag == "changing_table" else ""
        before = current.get(tag)
        same = before is not None and before.value == value and before.detail == detail
        await w.execute(
            "insert into venue_amenities (venue_id, amenity, value, detail, confirmed_at,"
            " confirmed_by) values (?, ?, ?, ?, ?, ?)",
            (
                venue_id,
                tag,
                value,
                detail,
                before.confirmed_at if same and before else now,
                user_id,
            ),
        )


async def confirm_amenities(w: Writer, venue_id: str, user_id: str, now: str) -> None:
    await w.execute(
        "update venue_amenities set confirmed_at = ?, confirmed_by = ? where venue_id = ?",
        (now, user_id, venue_id),
    )


async def verify(w: Writer, venue_id: str, moderator_id: str | None, now: str) -> None:
    await w.execute(
        "update venues set verified_at = ?, verified_by = ?, updated_at = ? where id = ?",
        (now, moderator_id, now, venue_id),
    )


async def set_manager(w: Writer, venue_id: str, user_id: str, now: str) -> None:
    await w.execute(
        "update venues set manager_id = ?, updated_at = ? where id = ?", (user_id, now, venue_id)
    )


async def hide(w: Writer, venue_id: str, reason: str, now: str) -> None:
    await w.execute(
        "update venues set hidden_at = ?, hidden_reason = ?, updated_at = ? where id = ?",
        (now, reason, now, venue_id),
    )


async def unverified(conn: Conn) -> list[Venue]:
    rows = await conn.fetchall(
        _SELECT + " where v.verified_at is null and v.hidden_at is null order by v.created_at"
    )
    return await _many(conn, rows)


# claims --------------------------------------------------------------------


async def pending_claim(conn: Conn, venue_id: str, user_id: str) -> bool:
    found = await conn.fetchval(
        "select 1 from venue_claims where venue_id = ? and user_id = ? and status = 'pending'",
        (venue_id, user_id),
    )
    return bool(found)


async def insert_claim(
    w: Writer, claim_id: str, venue_id: str, user_id: str, message: str, now: str
) -> None:
    await w.execute(
        "insert into venue_claims (id, venue_id, user_id, message, created_at)"
        " values (?, ?, ?, ?, ?)",
        (claim_id, venue_id, user_id, message, now),
    )


async def pending_claims(conn: Conn) -> list[Row]:
    return await conn.fetchall(
        "select c.*, v.name as venue_name, u.display_name as user_name from venue_claims c"
        " join venues v on v.id = c.venue_id join users u on u.id = c.user_id"
        " where c.status = 'pending' order by c.created_at"
    )


async def get_claim(conn: Conn, claim_id: str) -> Row | None:
    return await conn.fetchone("select * from venue_claims where id = ?", (claim_id,))


async def decide_claim(w: Writer, claim_id: str, status: str, moderator_id: str, now: str) -> None:
    await w.execute(
        "update venue_claims set status = ?, decided_at = ?, decided_by = ? where id = ?",
        (status, now, moderator_id, claim_id),
    )


async def refuse_other_claims(
    w: Writer, venue_id: str, keep: str, moderator_id: str, now: str
) -> list[str]:
    rows = await w.fetchall(
        "update venue_claims set status = 'refused', decided_at = ?, decided_by = ?"
        " where venue_id = ? and id != ? and status = 'pending' returning user_id",
        (now, moderator_id, venue_id, keep),
    )
    return [r["user_id"] for r in rows]
