"""SQL for ``circles``, ``circle_members`` and ``circle_bans``: the one place it lives."""

from __future__ import annotations

from typing import Any

from outings.circle.models import Circle, CircleInput, Member
from outings.db import Row, inserting, placeholders, setting
from outings.db.database import Conn, Writer
from outings.folded import Folded, keyed, one_spelling_each
from outings.i18n import sort_key

_SELECT = (
    "select c.*, (select count(*) from circle_members m where m.circle_id = c.id"
    " and m.role in ('member', 'moderator')) as member_count from circles c"
)


def _circle(row: Row) -> Circle:
    return Circle(
        id=row["id"],
        name=row["name"],
        area=row["area"],
        description=row["description"],
        language=row["language"],
        colour=row["colour"],
        emoji=row["emoji"],
        joining=row["joining"],
        created_by=row["created_by"],
        member_count=row["member_count"],
        hidden_at=row["hidden_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def get(conn: Conn, circle_id: str, *, hidden: bool = False) -> Circle | None:
    row = await conn.fetchone(
        _SELECT + " where c.id = ?" + ("" if hidden else " and c.hidden_at is null"),
        (circle_id,),
    )
    return None if row is None else _circle(row)


async def get_many(conn: Conn, circle_ids: list[str]) -> dict[str, Circle]:
    if not circle_ids:
        return {}
    rows = await conn.fetchall(
        _SELECT + f" where c.id in ({placeholders(circle_ids)}) and c.hidden_at is null",
        circle_ids,
    )
    return {r["id"]: _circle(r) for r in rows}


async def listed(conn: Conn, area: str | None, limit: int = 100) -> list[Circle]:
    """Circles, those of ``area`` first, then the biggest."""
    rows = await conn.fetchall(
        _SELECT + " where c.hidden_at is null order by case"
        " when c.area_key = ? and c.area_key != '' then 0 else 1 end,"
        " member_count desc, c.sort_name, c.id limit ?",
        (sort_key(area or ""), limit),
    )
    return [_circle(r) for r in rows]


#: Keys kept beside the text (outings.folded): the list's order, her area first.
FOLDED = (
    Folded("circles", "sort_name", ("name",)),
    Folded("circles", "area_key", ("area",)),
)


async def areas(conn: Conn) -> list[str]:
    rows = await conn.fetchall(
        "select area, count(*) as n from circles where hidden_at is null and area != ''"
        " group by area"
    )
    return one_spelling_each((r["area"], r["n"]) for r in rows)


def _fields(data: CircleInput) -> dict[str, Any]:
    fields = {
        "name": data.name,
        "area": data.area,
        "description": data.description,
        "language": data.language,
        "colour": data.colour,
        "emoji": data.emoji,
        "joining": data.joining,
    }
    return keyed(fields, FOLDED)


async def insert(w: Writer, circle_id: str, data: CircleInput, created_by: str, now: str) -> None:
    fields = {
        "id": circle_id,
        **_fields(data),
        "created_by": created_by,
        "created_at": now,
        "updated_at": now,
    }
    await w.execute(inserting("circles", fields), fields)


async def update(w: Writer, circle_id: str, data: CircleInput, now: str) -> None:
    fields = {**_fields(data), "updated_at": now}
    await w.execute(
        f"update circles set {setting(fields)} where id = :id", {**fields, "id": circle_id}
    )


async def hide(w: Writer, circle_id: str, reason: str, now: str) -> None:
    await w.execute(
        "update circles set hidden_at = ?, hidden_reason = ?, updated_at = ? where id = ?",
        (now, reason, now, circle_id),
    )


# Members --------------------------------------------------------------------

_MEMBER = "select m.*, u.display_name from circle_members m join users u on u.id = m.user_id"


def _member(row: Row) -> Member:
    return Member(
        circle_id=row["circle_id"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        role=row["role"],
        message=row["message"],
        joined_at=row["joined_at"],
        created_at=row["created_at"],
    )


async def member(conn: Conn, circle_id: str, user_id: str) -> Member | None:
    row = await conn.fetchone(
        _MEMBER + " where m.circle_id = ? and m.user_id = ?", (circle_id, user_id)
    )
    return None if row is None else _member(row)


async def members(conn: Conn, circle_id: str) -> list[Member]:
    """Moderators first, then members by when they joined, then those who asked."""
    rows = await conn.fetchall(
        _MEMBER + " where m.circle_id = ? order by case m.role when 'moderator' then 0"
        " when 'member' then 1 else 2 end, m.joined_at, m.created_at, u.display_name",
        (circle_id,),
    )
    return [_member(r) for r in rows]


async def moderator_count(conn: Conn, circle_id: str) -> int:
    count: int = await conn.fetchval(
        "select count(*) from circle_members where circle_id = ? and role = 'moderator'",
        (circle_id,),
    )
    return count


async def moderator_ids(conn: Conn, circle_id: str) -> list[str]:
    rows = await conn.fetchall(
        "select user_id from circle_members where circle_id = ? and role = 'moderator'",
        (circle_id,),
    )
    return [r["user_id"] for r in rows]


async def member_ids(conn: Conn, circle_id: str) -> list[str]:
    rows = await conn.fetchall(
        "select user_id from circle_members where circle_id = ?"
        " and role in ('member', 'moderator')",
        (circle_id,),
    )
    return [r["user_id"] for r in rows]


async def roles_of(conn: Conn, user_id: str) -> dict[str, str]:
    """Circle id -> this person's role, in every circle she belongs to or asked to join."""
    rows = await conn.fetchall(
        "select m.circle_id, m.role from circle_members m join circles c on c.id = m.circle_id"
        " where m.user_id = ? and c.hidden_at is null",
        (user_id,),
    )
    return {r["circle_id"]: r["role"] for r in rows}


async def belongs_to(conn: Conn, user_id: str) -> dict[str, str]:
    """Circle id -> name of every circle this person is a member or moderator
    of, by name: whose members-only outings she sees, where she may post one."""
    rows = await conn.fetchall(
        "select c.id, c.name from circle_members m join circles c on c.id = m.circle_id"
        " where m.user_id = ? and m.role in ('member', 'moderator') and c.hidden_at is null",
        (user_id,),
    )
    ordered = sorted(rows, key=lambda r: (sort_key(r["name"]), r["id"]))
    return {r["id"]: r["name"] for r in ordered}


async def save_member(
    w: Writer, circle_id: str, user_id: str, role: str, message: str, now: str
) -> None:
    joined = None if role == "asked" else now
    await w.execute(
        "insert into circle_members (circle_id, user_id, role, message, joined_at, created_at,"
        " updated_at) values (?, ?, ?, ?, ?, ?, ?) on conflict (circle_id, user_id) do update"
        " set role = excluded.role, message = excluded.message,"
        " joined_at = coalesce(circle_members.joined_at, excluded.joined_at),"
        " updated_at = excluded.updated_at",
        (circle_id, user_id, role, message, joined, now, now),
    )


async def delete_member(w: Writer, circle_id: str, user_id: str) -> None:
    await w.execute(
        "delete from circle_members where circle_id = ? and user_id = ?", (circle_id, user_id)
    )


async def ban(w: Writer, circle_id: str, user_id: str, by: str, reason: str, now: str) -> None:
    await w.execute(
        "insert into circle_bans (circle_id, user_id, banned_by, reason, created_at)"
        " values (?, ?, ?, ?, ?) on conflict (circle_id, user_id) do nothing",
        (circle_id, user_id, by, reason, now),
    )


async def banned(conn: Conn, circle_id: str, user_id: str) -> bool:
    found = await conn.fetchval(
        "select 1 from circle_bans where circle_id = ? and user_id = ?", (circle_id, user_id)
    )
    return found is not None
