"""SQL for ``circle_news``, and what a news issue gathers from the circle's other tables.

The outings query reads ``outings.circle_id`` and ``visibility`` itself, so
the news does not depend on the outing model carrying them.
"""

from __future__ import annotations

from outings.circle.book_models import NewsIssue, NewsPost
from outings.db import Row
from outings.db.database import Conn, Writer

_SELECT = (
    "select n.*, u.display_name as sent_by_name from circle_news n"
    " left join users u on u.id = n.sent_by"
)

#: At most this many of each kind of news are listed (a phone's screen).
SHOWN = 20


def _issue(row: Row) -> NewsIssue:
    return NewsIssue(
        id=row["id"],
        circle_id=row["circle_id"],
        note=row["note"],
        sent_by=row["sent_by"],
        sent_by_name=row["sent_by_name"],
        covers_from=row["covers_from"],
        sent_at=row["sent_at"],
    )


async def get(conn: Conn, news_id: str) -> NewsIssue | None:
    row = await conn.fetchone(_SELECT + " where n.id = ?", (news_id,))
    return None if row is None else _issue(row)


async def latest(conn: Conn, circle_id: str) -> NewsIssue | None:
    row = await conn.fetchone(
        _SELECT + " where n.circle_id = ? order by n.sent_at desc, n.id limit 1", (circle_id,)
    )
    return None if row is None else _issue(row)


async def insert(
    w: Writer, news_id: str, circle_id: str, note: str, sent_by: str, covers_from: str, now: str
) -> bool:
    """False when the id is there already (the form sent again)."""
    changed = await w.execute(
        "insert into circle_news (id, circle_id, note, sent_by, covers_from, sent_at)"
        " values (?, ?, ?, ?, ?, ?) on conflict (id) do nothing",
        (news_id, circle_id, note, sent_by, covers_from, now),
    )
    return changed > 0


async def outing_ids(
    conn: Conn, circle_id: str, start: str, end: str, *, members: bool
) -> list[str]:
    """The circle's outings going on between ``start`` and ``end``, soonest
    first; its members-only ones only when ``members``."""
    rows = await conn.fetchall(
        "select id from outings where circle_id = ? and hidden_at is null"
        " and status = 'scheduled' and ends_at > ? and starts_at < ?"
        + ("" if members else " and visibility = 'public'")
        + " order by starts_at, id limit ?",
        (circle_id, start, end, SHOWN),
    )
    return [r["id"] for r in rows]


async def joined_between(conn: Conn, circle_id: str, since: str, until: str) -> list[str]:
    """Names of those who became members in a stretch of time, first come first."""
    rows = await conn.fetchall(
        "select u.display_name from circle_members m join users u on u.id = m.user_id"
        " where m.circle_id = ? and m.role in ('member', 'moderator')"
        " and m.joined_at > ? and m.joined_at <= ? order by m.joined_at, u.display_name",
        (circle_id, since, until),
    )
    return [r["display_name"] for r in rows]


async def posts_between(conn: Conn, circle_id: str, since: str, until: str) -> list[NewsPost]:
    """Board posts made in a stretch of time and still up, newest first."""
    rows = await conn.fetchall(
        "select p.id, p.kind, p.body, p.created_at, u.display_name as author_name"
        " from circle_posts p join users u on u.id = p.author_id"
        " where p.circle_id = ? and p.hidden_at is null and p.created_at > ?"
        " and p.created_at <= ? order by p.created_at desc, p.id",
        (circle_id, since, until),
    )
    return [
        NewsPost(
            id=r["id"],
            kind=r["kind"],
            body=r["body"],
            author_name=r["author_name"],
            created_at=r["created_at"],
        )
        for r in rows
    ]
