"""Names kept sortable: every venue and circle holds the key of its name
(:func:`outings.i18n.sort_key`) beside it, for lists that SQL sorts and cuts."""

from __future__ import annotations

from outings.circle import store as circle_store
from outings.db import Database
from outings.db.database import Writer
from outings.i18n import sort_key
from outings.venue import store as venue_store

_STORES = (venue_store, circle_store)


async def sort_names(db: Database) -> int:
    """Give each venue and circle whose stored key is missing or stale (written
    before keys existed, by hand, or under an older :func:`sort_key`) its key;
    how many there were. Run at each start: a read, and a write only when
    something needs one."""
    async with db.reader() as r:
        stale = [
            [
                (row_id, key)
                for row_id, name, kept in await store.sort_names(r)
                if kept != (key := sort_key(name))
            ]
            for store in _STORES
        ]
    if not any(stale):
        return 0

    async def run(w: Writer) -> None:
        for store, rows in zip(_STORES, stale, strict=True):
            for row_id, key in rows:
                await store.set_sort_name(w, row_id, key)

    await db.write(run)
    return sum(len(rows) for rows in stale)
