"""SQL for ``circle_entries`` and ``circle_entry_recommendations``: the one place it lives."""

from __future__ import annotations

from outings.circle.book_models import Entry, EntryInput
from outings.db import Row, placeholders
from outings.db.database import Conn, Writer
from outings.i18n import sort_key

_SELECT = (
    "select e.*, u.display_name as added_by_name,"
    " (select count(*) from circle_entry_recommendations r where r.entry_id = e.id)"
    " as recommended_count"
    " from circle_entries e left join users u on u.id = e.added_by"
)


def _entry(row: Row) -> Entry:
    return Entry(
        id=row["id"],
        circle_id=row["circle_id"],
        added_by=row["added_by"],
        added_by_name=row["added_by_name"],
        kind=row["kind"],
        name=row["name"],
        phone=row["phone"],
        email=row["email"],
        address=row["address"],
        website=row["website"],
        note=row["note"],
        status=row["status"],
        decided_at=row["decided_at"],
        hidden_at=row["hidden_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        recommended_count=row["recommended_count"],
    )


async def get(conn: Conn, entry_id: str) -> Entry | None:
    """Any entry, whatever its state (the caller decides who may see it)."""
    row = await conn.fetchone(_SELECT + " where e.id = ?", (entry_id,))
    return None if row is None else _entry(row)


async def shown_many(conn: Conn, entry_ids: list[str]) -> dict[str, Entry]:
    """Approved, visible entries by id, in one query (a pull page asks for up to 200)."""
    if not entry_ids:
        return {}
    rows = await conn.fetchall(
        _SELECT + f" where e.id in ({placeholders(entry_ids)})"
        " and e.status = 'approved' and e.hidden_at is null",
        entry_ids,
    )
    return {r["id"]: _entry(r) for r in rows}


async def shown(conn: Conn, circle_id: str) -> list[Entry]:
    """The book members read: approved and not hidden, the most recommended first."""
    rows = await conn.fetchall(
        _SELECT + " where e.circle_id = ? and e.status = 'approved' and e.hidden_at is null",
        (circle_id,),
    )
    entries = [_entry(r) for r in rows]
    # the most recommended first, then by name (as parents read names: i18n.sort_key)
    return sorted(entries, key=lambda e: (-e.recommended_count, sort_key(e.name), e.id))


async def shown_count(conn: Conn, circle_id: str) -> int:
    count: int = await conn.fetchval(
        "select count(*) from circle_entries where circle_id = ? and status = 'approved'"
        " and hidden_at is null",
        (circle_id,),
    )
    return count


async def pending(conn: Conn, circle_id: str, added_by: str | None = None) -> list[Entry]:
    """Entries waiting for a moderator, oldest first; ``added_by``: one member's own."""
    sql = _SELECT + " where e.circle_id = ? and e.status = 'pending' and e.hidden_at is null"
    params: list[str] = [circle_id]
    if added_by is not None:
        sql += " and e.added_by = ?"
        params.append(added_by)
    rows = await conn.fetchall(sql + " order by e.created_at, e.id", params)
    return [_entry(r) for r in rows]


async def approved_between(conn: Conn, circle_id: str, since: str, until: str) -> list[Entry]:
    """Entries that came into the book in a stretch of time (the news), newest first."""
    rows = await conn.fetchall(
        _SELECT + " where e.circle_id = ? and e.status = 'approved' and e.hidden_at is null"
        " and e.decided_at > ? and e.decided_at <= ? order by e.decided_at desc, e.id",
        (circle_id, since, until),
    )
    return [_entry(r) for r in rows]


async def insert(
    w: Writer,
    entry_id: str,
    circle_id: str,
    added_by: str,
    data: EntryInput,
    *,
    approved: bool,
    now: str,
) -> bool:
    """Add an entry (``approved``: a moderator's own goes straight in); False
    when the id is there already (a form or mutation sent again)."""
    changed = await w.execute(
        "insert into circle_entries (id, circle_id, added_by, kind, name, phone, email, address,"
        " website, note, status, decided_by, decided_at, created_at, updated_at)"
        " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing",
        (
            entry_id,
            circle_id,
            added_by,
            data.kind,
            data.name,
            data.phone,
            data.email,
            data.address,
            data.website,
            data.note,
            "approved" if approved else "pending",
            added_by if approved else None,
            now if approved else None,
            now,
            now,
        ),
    )
    return changed > 0


async def decide(w: Writer, entry_id: str, status: str, by: str, now: str) -> bool:
    """Approve or decline a pending entry; False when it was decided already."""
    changed = await w.execute(
        "update circle_entries set status = ?, decided_by = ?, decided_at = ?, updated_at = ?"
        " where id = ? and status = 'pending'",
        (status, by, now, now, entry_id),
    )
    return changed > 0


async def hide(w: Writer, entry_id: str, reason: str, now: str) -> bool:
    changed = await w.execute(
        "update circle_entries set hidden_at = ?, hidden_reason = ?, updated_at = ?"
        " where id = ? and hidden_at is null",
        (now, reason, now, entry_id),
    )
    return changed > 0


# Recommendations ------------------------------------------------------------


async def recommend(w: Writer, entry_id: str, user_id: str, now: str) -> bool:
    """One recommendation per person and entry; False when she had given it already."""
    changed = await w.execute(
        "insert into circle_entry_recommendations (entry_id, user_id, created_at)"
        " values (?, ?, ?) on conflict (entry_id, user_id) do nothing",
        (entry_id, user_id, now),
    )
    return changed > 0


async def recommenders(conn: Conn, entry_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Entry id -> (user id, name) of each member who recommends it, first one first."""
    if not entry_ids:
        return {}
    rows = await conn.fetchall(
        "select r.entry_id, r.user_id, u.display_name from circle_entry_recommendations r"
        f" join users u on u.id = r.user_id where r.entry_id in ({placeholders(entry_ids)})"
        " order by r.created_at, u.display_name",
        entry_ids,
    )
    found: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        found.setdefault(r["entry_id"], []).append((r["user_id"], r["display_name"]))
    return found
