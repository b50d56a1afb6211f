"""SQL for ``circle_posts`` and ``circle_post_replies``: the one place it lives.

Hidden posts and replies stay in their tables (the moderation log points at
them) but no reader here hands them out unless asked to (``hidden=True``).
"""

from __future__ import annotations

from outings.circle.board_models import Post, Reply
from outings.db import Row, placeholders
from outings.db.database import Conn, Writer

_POST = (
    "select p.*, u.display_name as author_name,"
    " (select count(*) from circle_post_replies r where r.post_id = p.id"
    " and r.hidden_at is null) as reply_count"
    " from circle_posts p join users u on u.id = p.author_id"
)
_REPLY = (
    "select r.*, u.display_name as author_name from circle_post_replies r"
    " join users u on u.id = r.author_id"
)
# Open posts first (pinned ones on top, then the newest), sorted ones after.
_BOARD_ORDER = (
    " order by case when p.sorted_at is null then 0 else 1 end,"
    " case when p.pinned_at is null then 1 else 0 end, p.created_at desc, p.id"
)
# On the board: not hidden, and made since ``?`` or pinned.
_ON_BOARD = (
    " where p.circle_id = ? and p.hidden_at is null"
    " and (p.created_at >= ? or p.pinned_at is not null)"
)


def _post(row: Row) -> Post:
    return Post(
        id=row["id"],
        circle_id=row["circle_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        kind=row["kind"],
        body=row["body"],
        sorted_at=row["sorted_at"],
        pinned_at=row["pinned_at"],
        hidden_at=row["hidden_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        reply_count=row["reply_count"],
    )


def _reply(row: Row) -> Reply:
    return Reply(
        id=row["id"],
        post_id=row["post_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        body=row["body"],
        created_at=row["created_at"],
    )


# Posts -----------------------------------------------------------------------


async def insert(
    w: Writer, *, post_id: str, circle_id: str, author_id: str, kind: str, body: str, now: str
) -> bool:
    changed = await w.execute(
        "insert into circle_posts (id, circle_id, author_id, kind, body, created_at, updated_at)"
        " values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing",
        (post_id, circle_id, author_id, kind, body, now, now),
    )
    return changed > 0


async def get(conn: Conn, post_id: str, *, hidden: bool = False) -> Post | None:
    row = await conn.fetchone(
        _POST + " where p.id = ?" + ("" if hidden else " and p.hidden_at is null"), (post_id,)
    )
    return None if row is None else _post(row)


async def board(conn: Conn, circle_id: str, since: str, limit: int = 100) -> list[Post]:
    """The posts on a circle's board: made since ``since`` or pinned, open ones first."""
    rows = await conn.fetchall(
        _POST + _ON_BOARD + _BOARD_ORDER + " limit ?", (circle_id, since, limit)
    )
    return [_post(r) for r in rows]


async def open_count(conn: Conn, circle_id: str, since: str) -> int:
    """How many posts on the board still wait for an answer (not sorted)."""
    count: int = await conn.fetchval(
        "select count(*) from circle_posts p" + _ON_BOARD + " and p.sorted_at is null",
        (circle_id, since),
    )
    return count


async def many(conn: Conn, post_ids: list[str]) -> dict[str, Post]:
    """Posts that are not hidden, in circles that are not closed, by id, in one query."""
    if not post_ids:
        return {}
    rows = await conn.fetchall(
        _POST + f" where p.id in ({placeholders(post_ids)}) and p.hidden_at is null"
        " and p.circle_id in (select id from circles where hidden_at is null)",
        post_ids,
    )
    return {r["id"]: _post(r) for r in rows}


async def written_since(conn: Conn, author_id: str, since: str) -> int:
    """Posts ``author_id`` made since ``since``, on any board (hidden ones count too)."""
    count: int = await conn.fetchval(
        "select count(*) from circle_posts where author_id = ? and created_at >= ?",
        (author_id, since),
    )
    return count


async def set_sorted(w: Writer, post_id: str, sorted_at: str | None, now: str) -> None:
    await w.execute(
        "update circle_posts set sorted_at = ?, updated_at = ? where id = ?",
        (sorted_at, now, post_id),
    )


async def set_pinned(
    w: Writer, post_id: str, pinned_at: str | None, pinned_by: str | None, now: str
) -> None:
    await w.execute(
        "update circle_posts set pinned_at = ?, pinned_by = ?, updated_at = ? where id = ?",
        (pinned_at, pinned_by, now, post_id),
    )


async def hide(w: Writer, post_id: str, reason: str, now: str) -> None:
    await w.execute(
        "update circle_posts set hidden_at = ?, hidden_reason = ?, updated_at = ? where id = ?",
        (now, reason, now, post_id),
    )


# Replies ---------------------------------------------------------------------


async def insert_reply(
    w: Writer, *, reply_id: str, post_id: str, author_id: str, body: str, now: str
) -> bool:
    changed = await w.execute(
        "insert into circle_post_replies (id, post_id, author_id, body, created_at)"
        " values (?, ?, ?, ?, ?) on conflict (id) do nothing",
        (reply_id, post_id, author_id, body, now),
    )
    return changed > 0


async def get_reply(conn: Conn, reply_id: str, *, hidden: bool = False) -> Reply | None:
    row = await conn.fetchone(
        _REPLY + " where r.id = ?" + ("" if hidden else " and r.hidden_at is null"), (reply_id,)
    )
    return None if row is None else _reply(row)


async def replies(conn: Conn, post_id: str) -> list[Reply]:
    """A post's replies that are not hidden, oldest first (a conversation)."""
    rows = await conn.fetchall(
        _REPLY + " where r.post_id = ? and r.hidden_at is null order by r.created_at, r.id",
        (post_id,),
    )
    return [_reply(r) for r in rows]


async def replies_of(conn: Conn, post_ids: list[str]) -> dict[str, list[Reply]]:
    """The replies of several posts, by post, in one query."""
    if not post_ids:
        return {}
    rows = await conn.fetchall(
        _REPLY + f" where r.post_id in ({placeholders(post_ids)}) and r.hidden_at is null"
        " order by r.created_at, r.id",
        post_ids,
    )
    found: dict[str, list[Reply]] = {}
    for row in rows:
        found.setdefault(row["post_id"], []).append(_reply(row))
    return found


async def replies_written_since(conn: Conn, author_id: str, since: str) -> int:
    """Replies ``author_id`` wrote since ``since``, on any board (hidden ones count too)."""
    count: int = await conn.fetchval(
        "select count(*) from circle_post_replies where author_id = ? and created_at >= ?",
        (author_id, since),
    )
    return count


async def hide_reply(w: Writer, reply_id: str, reason: str, now: str) -> None:
    await w.execute(
        "update circle_post_replies set hidden_at = ?, hidden_reason = ? where id = ?",
        (now, reason, reply_id),
    )


async def touch(w: Writer, post_id: str, now: str) -> None:
    """A reply came or went: the post (as pulled, with its replies) changed."""
    await w.execute("update circle_posts set updated_at = ? where id = ?", (now, post_id))
