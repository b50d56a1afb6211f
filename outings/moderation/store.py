"""SQL for ``reports`` and ``moderation_log``."""

from __future__ import annotations

from outings.db import Row
from outings.db.database import Conn, Writer
from outings.ids import new_id


async def insert_report(
    w: Writer, reporter_id: str, target_type: str, target_id: str, reason: str, now: str
) -> bool:
    """Record a report; False when this person's report of this thing is still open."""
    changed = await w.execute(
        "insert into reports (id, reporter_id, target_type, target_id, reason, created_at)"
        " values (?, ?, ?, ?, ?, ?)"
        " on conflict (reporter_id, target_type, target_id) where resolved_at is null do nothing",
        (new_id(), reporter_id, target_type, target_id, reason, now),
    )
    return changed > 0


async def open_reports(conn: Conn) -> list[Row]:
    return await conn.fetchall(
        "select r.*, u.display_name as reporter_name from reports r"
        " join users u on u.id = r.reporter_id where r.resolved_at is null"
        " order by r.created_at"
    )


async def get_report(conn: Conn, report_id: str) -> Row | None:
    return await conn.fetchone("select * from reports where id = ?", (report_id,))


async def resolve(
    w: Writer, target_type: str, target_id: str, moderator_id: str, resolution: str, now: str
) -> None:
    """Close every open report about one target with the same decision."""
    await w.execute(
        "update reports set resolved_at = ?, resolved_by = ?, resolution = ?"
        " where target_type = ? and target_id = ? and resolved_at is null",
        (now, moderator_id, resolution, target_type, target_id),
    )


async def log(
    w: Writer,
    moderator_id: str,
    action: str,
    target_type: str,
    target_id: str,
    reason: str,
    now: str,
    *,
    circle_id: str | None = None,
) -> None:
    """Who did what to which thing and why; ``circle_id`` for a circle's own moderation."""
    await w.execute(
        "insert into moderation_log (id, moderator_id, action, target_type, target_id, reason,"
        " circle_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id(), moderator_id, action, target_type, target_id, reason, circle_id, now),
    )


async def recent_log(conn: Conn, limit: int = 30) -> list[Row]:
    return await conn.fetchall(
        "select l.*, u.display_name as moderator_name from moderation_log l"
        " left join users u on u.id = l.moderator_id order by l.created_at desc limit ?",
        (limit,),
    )


async def moderator_ids(conn: Conn) -> list[str]:
    rows = await conn.fetchall(
        "select distinct user_id from user_roles where role in ('moderator', 'admin')"
    )
    return [r["user_id"] for r in rows]
