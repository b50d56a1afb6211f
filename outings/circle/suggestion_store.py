"""SQL for ``circle_suggestions``: the one place it lives."""

from __future__ import annotations

from outings.circle.book_models import Suggestion
from outings.db import Row
from outings.db.database import Conn, Writer

_SELECT = (
    "select s.*, a.display_name as author_name, m.display_name as answered_by_name"
    " from circle_suggestions s join users a on a.id = s.author_id"
    " left join users m on m.id = s.answered_by"
)

#: How many closed suggestions the moderators still see.
CLOSED_SHOWN = 20


def _suggestion(row: Row) -> Suggestion:
    return Suggestion(
        id=row["id"],
        circle_id=row["circle_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        body=row["body"],
        answer=row["answer"],
        answered_by_name=row["answered_by_name"],
        answered_at=row["answered_at"],
        closed_at=row["closed_at"],
        created_at=row["created_at"],
    )


async def get(conn: Conn, suggestion_id: str) -> Suggestion | None:
    row = await conn.fetchone(_SELECT + " where s.id = ?", (suggestion_id,))
    return None if row is None else _suggestion(row)


async def open_ones(conn: Conn, circle_id: str) -> list[Suggestion]:
    """What waits for the moderators, oldest first."""
    rows = await conn.fetchall(
        _SELECT + " where s.circle_id = ? and s.closed_at is null order by s.created_at, s.id",
        (circle_id,),
    )
    return [_suggestion(r) for r in rows]


async def closed_ones(conn: Conn, circle_id: str, limit: int = CLOSED_SHOWN) -> list[Suggestion]:
    rows = await conn.fetchall(
        _SELECT + " where s.circle_id = ? and s.closed_at is not null"
        " order by s.closed_at desc, s.id limit ?",
        (circle_id, limit),
    )
    return [_suggestion(r) for r in rows]


async def by_author(conn: Conn, circle_id: str, author_id: str) -> list[Suggestion]:
    """One member's own suggestions to a circle, newest first."""
    rows = await conn.fetchall(
        _SELECT + " where s.circle_id = ? and s.author_id = ? order by s.created_at desc, s.id",
        (circle_id, author_id),
    )
    return [_suggestion(r) for r in rows]


async def open_count(conn: Conn, circle_id: str) -> int:
    count: int = await conn.fetchval(
        "select count(*) from circle_suggestions where circle_id = ? and closed_at is null",
        (circle_id,),
    )
    return count


async def insert(
    w: Writer, suggestion_id: str, circle_id: str, author_id: str, body: str, now: str
) -> bool:
    """False when the id is there already (a form or mutation sent again)."""
    changed = await w.execute(
        "insert into circle_suggestions (id, circle_id, author_id, body, created_at)"
        " values (?, ?, ?, ?, ?) on conflict (id) do nothing",
        (suggestion_id, circle_id, author_id, body, now),
    )
    return changed > 0


async def answer(w: Writer, suggestion_id: str, text: str, by: str, now: str) -> None:
    await w.execute(
        "update circle_suggestions set answer = ?, answered_by = ?, answered_at = ? where id = ?",
        (text, by, now, suggestion_id),
    )


async def close(w: Writer, suggestion_id: str, now: str) -> bool:
    changed = await w.execute(
        "update circle_suggestions set closed_at = ? where id = ? and closed_at is null",
        (now, suggestion_id),
    )
    return changed > 0
