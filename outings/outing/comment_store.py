"""SQL for the ``comments`` table."""

from __future__ import annotations

from outings.db import placeholders
from outings.db.database import Conn, Writer
from outings.outing.models import Comment


async def insert(
    w: Writer, *, comment_id: str, outing_id: str, author_id: str, body: str, now: str
) -> bool:
    changed = await w.execute(
        "insert into comments (id, outing_id, author_id, body, created_at)"
        " values (?, ?, ?, ?, ?) on conflict (id) do nothing",
        (comment_id, outing_id, author_id, body, now),
    )
    return changed > 0


async def written_since(conn: Conn, author_id: str, since: str) -> int:
    """How many comments ``author_id`` wrote since ``since`` (deleted ones count too)."""
    count: int = await conn.fetchval(
        "select count(*) from comments where author_id = ? and created_at >= ?",
        (author_id, since),
    )
    return count


async def exists(conn: Conn, comment_id: str) -> bool:
    return bool(await conn.fetchval("select 1 from comments where id = ?", (comment_id,)))


async def for_outing(conn: Conn, outing_id: str) -> list[Comment]:
    rows = await conn.fetchall(
        "select c.*, u.display_name as author_name from comments c"
        " join users u on u.id = c.author_id where c.outing_id = ?"
        " and c.deleted_at is null and c.hidden_at is null order by c.created_at, c.id",
        (outing_id,),
    )
    return [
        Comment(
            id=r["id"],
            outing_id=r["outing_id"],
            author_id=r["author_id"],
            author_name=r["author_name"],
            body=r["body"],
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def many(conn: Conn, comment_ids: list[str]) -> dict[str, Comment]:
    """Live comments on shown outings by id, in one query."""
    if not comment_ids:
        return {}
    marks = placeholders(comment_ids)
    rows = await conn.fetchall(
        "select c.*, u.display_name as author_name from comments c"
        " join users u on u.id = c.author_id"
        " join outings o on o.id = c.outing_id and o.hidden_at is null"
        f" where c.id in ({marks}) and c.deleted_at is null and c.hidden_at is null",
        comment_ids,
    )
    return {
        r["id"]: Comment(
            id=r["id"],
            outing_id=r["outing_id"],
            author_id=r["author_id"],
            author_name=r["author_name"],
            body=r["body"],
            created_at=r["created_at"],
        )
        for r in rows
    }


async def author_of(conn: Conn, comment_id: str) -> tuple[str, str] | None:
    """(author id, outing id) of a live comment."""
    row = await conn.fetchone(
        "select author_id, outing_id from comments where id = ? and deleted_at is null",
        (comment_id,),
    )
    return None if row is None else (row["author_id"], row["outing_id"])


async def delete(w: Writer, comment_id: str, now: str) -> None:
    await w.execute("update comments set deleted_at = ? where id = ?", (now, comment_id))


async def ids_on(conn: Conn, outing_id: str) -> list[str]:
    rows = await conn.fetchall(
        "select id from comments where outing_id = ? and deleted_at is null and hidden_at is null",
        (outing_id,),
    )
    return [r["id"] for r in rows]


async def ids_by(conn: Conn, outing_id: str, author_id: str) -> list[str]:
    """The comments one parent wrote on an outing (and may delete)."""
    rows = await conn.fetchall(
        "select id from comments where outing_id = ? and author_id = ?"
        " and deleted_at is null and hidden_at is null order by id",
        (outing_id, author_id),
    )
    return [r["id"] for r in rows]


async def hide(w: Writer, comment_id: str, reason: str, now: str) -> None:
    await w.execute(
        "update comments set hidden_at = ?, hidden_reason = ? where id = ?",
        (now, reason, comment_id),
    )
