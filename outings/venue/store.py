"""SQL for the ``venues`` and ``venue_amenities`` tables."""

from __future__ import annotations

import msgspec

from outings.db.database import Reader, Writer

Conn = Reader | Writer


class Amenity(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    value: str
    detail: str
    confirmed_at: str


class VenueSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    kind: str
    area: str
    address: str
    latitude: float | None
    longitude: float | None
    verified: bool
    amenities: list[Amenity] = []


async def get_summary(conn: Conn, venue_id: str) -> VenueSummary | None:
    row = await conn.fetchone(
        "select * from venues where id = ? and hidden_at is null", (venue_id,)
    )
    if row is None:
        return None
    amenities = await conn.fetchall(
        "select * from venue_amenities where venue_id = ? order by amenity", (venue_id,)
    )
    return VenueSummary(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        area=row["area"],
        address=row["address"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        verified=row["verified_at"] is not None,
        amenities=[
            Amenity(
                name=a["amenity"],
                value=a["value"],
                detail=a["detail"],
                confirmed_at=a["confirmed_at"],
            )
            for a in amenities
        ],
    )


async def choices(conn: Conn) -> list[tuple[str, str, str]]:
    """(id, name, area) of every listed venue, for the propose form."""
    rows = await conn.fetchall(
        "select id, name, area from venues where hidden_at is null order by name"
    )
    return [(r["id"], r["name"], r["area"]) for r in rows]
