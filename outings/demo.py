"""``outings demo``: sample families and venues so a first run looks alive.

Sample families have no passkeys: nobody can sign in as them. The outings
they host and join arrive with the outings feature.
"""

from __future__ import annotations

import hashlib

from outings.accounts import store
from outings.db import Database, now_iso
from outings.db.database import Writer
from outings.settings import Settings

FAMILIES = (
    "Amara",
    "Bartek",
    "Chloé",
    "Daniel",
    "Émilie",
    "Fatuma",
    "Grzegorz",
    "Hui Min",
    "Imani",
    "Jonas",
    "Kasia",
    "Li Wei",
    "Malik",
    "Nadia",
)

# name, kind, area, address, amenities (OpenStreetMap-style tags)
VENUES: tuple[tuple[str, str, str, str, dict[str, str]], ...] = (
    (
        "Little Acorns Café",
        "cafe",
        "Riverside",
        "12 Mill Lane",
        {"changing_table": "yes", "highchair": "yes", "stroller": "yes", "kids_area": "indoor"},
    ),
    (
        "Northgate Leisure Pool",
        "pool",
        "Northgate",
        "3 Baths Road",
        {"changing_table": "yes", "baby_feeding": "room", "stroller_parking": "yes"},
    ),
    (
        "City Museum of Childhood",
        "museum",
        "Old Town",
        "1 Castle Square",
        {"changing_table": "yes", "stroller": "yes", "wheelchair": "yes", "baby_feeding": "room"},
    ),
    (
        "Meadow Park Playground",
        "playground",
        "Meadowbank",
        "Meadow Park, east gate",
        {"stroller": "yes", "kids_area": "outdoor"},
    ),
    (
        "Westfield Library",
        "library",
        "Westfield",
        "40 High Street",
        {"changing_table": "limited", "stroller": "yes", "quiet_space": "yes"},
    ),
    (
        "Hillside City Farm",
        "farm",
        "Hillside",
        "Orchard Road",
        {"changing_table": "yes", "stroller": "limited", "kids_menu": "yes"},
    ),
)


def _stable_id(kind: str, name: str) -> str:
    # The same sample rows get the same ids every run, so `demo` stays idempotent.
    digest = hashlib.sha256(f"outings-demo:{kind}:{name}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


async def load_demo(settings: Settings, *, if_empty: bool = False) -> str:
    db = Database(settings.db_path)
    await db.open()
    try:
        return await db.write(lambda w: _fill(w, if_empty=if_empty))
    finally:
        await db.close()


async def _fill(w: Writer, *, if_empty: bool) -> str:
    if if_empty and await w.fetchval("select count(*) from users") > 0:
        return "the database has data already: no sample data added"
    now = now_iso()
    families = 0
    for name in FAMILIES:
        user_id = _stable_id("family", name)
        if await store.get_user(w, user_id) is None:
            handle = hashlib.sha256(user_id.encode()).digest()
            await store.insert_user(w, id=user_id, display_name=name, user_handle=handle, now=now)
            families += 1
    venues = 0
    for name, kind, area, address, amenities in VENUES:
        venue_id = _stable_id("venue", name)
        changed = await w.execute(
            "insert into venues (id, name, kind, area, address, verified_at, created_at,"
            " updated_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing",
            (venue_id, name, kind, area, address, now, now, now),
        )
        if changed:
            venues += 1
            await w.executemany(
                "insert into venue_amenities (venue_id, amenity, value, confirmed_at)"
                " values (?, ?, ?, ?)",
                [(venue_id, tag, value, now) for tag, value in amenities.items()],
            )
    return f"sample data: {families} families and {venues} venues added"
