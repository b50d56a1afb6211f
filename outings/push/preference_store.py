"""SQL for ``push_preferences``: the kinds a parent switched off, her quiet hours."""

from __future__ import annotations

from datetime import time

import msgspec

from outings.db.database import Conn, Writer


class Preferences(msgspec.Struct, frozen=True, kw_only=True):
    kinds_off: frozenset[str] = frozenset()
    quiet_from: time = time(21, 0)
    quiet_until: time = time(8, 0)


DEFAULT = Preferences()
#: The quiet hours /me offers: whole hours, local time.
HOURS = tuple(f"{hour:02d}:00" for hour in range(24))


def parse(kinds_off: str | None, quiet_from: str | None, quiet_until: str | None) -> Preferences:
    """From a row's columns (all null when she never changed anything)."""
    if quiet_from is None or quiet_until is None:
        return DEFAULT
    return Preferences(
        kinds_off=frozenset((kinds_off or "").split()),
        quiet_from=time.fromisoformat(quiet_from),
        quiet_until=time.fromisoformat(quiet_until),
    )


async def get(conn: Conn, user_id: str) -> Preferences:
    row = await conn.fetchone(
        "select kinds_off, quiet_from, quiet_until from push_preferences where user_id = ?",
        (user_id,),
    )
    return DEFAULT if row is None else parse(*row)


async def save(w: Writer, user_id: str, prefs: Preferences, now: str) -> None:
    values = (
        " ".join(sorted(prefs.kinds_off)),
        prefs.quiet_from.strftime("%H:%M"),
        prefs.quiet_until.strftime("%H:%M"),
    )
    await w.execute(
        "insert into push_preferences (user_id, kinds_off, quiet_from, quiet_until, updated_at)"
        " values (?, ?, ?, ?, ?) on conflict (user_id) do update set"
        " kinds_off = excluded.kinds_off, quiet_from = excluded.quiet_from,"
        " quiet_until = excluded.quiet_until, updated_at = excluded.updated_at",
        (user_id, *values, now),
    )
