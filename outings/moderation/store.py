"""SQL for ``reports`` and ``moderation_log``."""

from __future__ import annotations

from outings.db import Row
from outings.db.database import Conn, Writer
from outings.ids import new_id


async def insert_report(
    w: Writer,
    reporter_id: str,
    target_type: str,
    target_id: str,
    reason: str,
    now: str,
    circle_id: str | None = None,
) -> bool:
    """Record a report; False when this person's report of this thing is still open."""
    changed = await w.execute(
        "insert into reports (id, reporter_id, target_type, target_id, reason, circle_id,"
        " created_at) values (?, ?, ?, ?, ?, ?, ?)"
        " on conflict (reporter_id, target_type, target_id) where resolved_at is null do nothing",
        (new_id(), reporter_id, target_type, target_id, reason, circle_id, now),
    )
    return changed > 0


_OPEN = (
    "select r.*, u.display_name as reporter_name, c.name as circle_name from reports r"
    " join users u on u.id = r.reporter_id left join circles c on c.id = r.circle_id"
    " where r.resolved_at is null"
)


async def open_reports(conn: Conn, escalated_before: str) -> list[Row]:
    """The site's queue: reports outside circles, and those a circle's
    moderators left open since before ``escalated_before``."""
    return await conn.fetchall(
        _OPEN + " and (r.circle_id is null or r.created_at < ?) order by r.created_at",
        (escalated_before,),
    )


async def circle_reports(conn: Conn, circle_id: str) -> list[Row]:
    """A circle's open reports: its moderators see them first."""
    return await conn.fetchall(_OPEN + " and r.circle_id = ? order by r.created_at", (circle_id,))


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


async def recent_log(conn: Conn, limit: int = 30, circle_id: str | None = None) -> list[Row]:
    """The latest actions: the whole site's, or one circle's."""
    where = "" if circle_id is None else " where l.circle_id = ?"
    return await conn.fetchall(
        "select l.*, u.display_name as moderator_name, t.display_name as target_name"
        " from moderation_log l left join users u on u.id = l.moderator_id"
        " left join users t on l.target_type = 'user' and t.id = l.target_id"
        f"{where} order by l.created_at desc limit ?",
        (limit,) if circle_id is None else (circle_id, limit),
    )


async def moderator_ids(conn: Conn) -> list[str]:
    rows = await conn.fetchall(
        "select distinct user_id from user_roles where role in ('moderator', 'admin')"
    )
    return [r["user_id"] for r in rows]
