"""SQL for ``sync_state`` (the cursor) and ``sync_changes`` (the change log)."""

from __future__ import annotations

from outings.db import Row
from outings.db.database import Conn, Writer


async def bump(w: Writer) -> int:
    value: int = await w.fetchval(
        "update sync_state set cursor = cursor + 1 where id = 1 returning cursor"
    )
    return value


async def upsert(
    w: Writer,
    entity_type: str,
    entity_id: str,
    cursor: int,
    op: str,
    owner_id: str | None,
    circle_id: str | None,
    now: str,
) -> None:
    await w.execute(
        "insert into sync_changes"
        " (entity_type, entity_id, cursor, op, owner_id, circle_id, changed_at)"
        " values (?, ?, ?, ?, ?, ?, ?) on conflict (entity_type, entity_id) do update set"
        " cursor = excluded.cursor, op = excluded.op, owner_id = excluded.owner_id,"
        " circle_id = excluded.circle_id, changed_at = excluded.changed_at",
        (entity_type, entity_id, cursor, op, owner_id, circle_id, now),
    )


# The circle whose members alone may pull an entity: the outing's own when it
# is for members, its outing's for a comment, the circle's for board and book.
_AUDIENCE = {
    "outing": "select case when visibility = 'members' then circle_id end"
    " from outings where id = ?",
    "comment": "select case when o.visibility = 'members' then o.circle_id end"
    " from comments c join outings o on o.id = c.outing_id where c.id = ?",
    "post": "select circle_id from circle_posts where id = ?",
    "entry": "select circle_id from circle_entries where id = ?",
}


async def audience(conn: Conn, entity_type: str, entity_id: str) -> str | None:
    circle_id: str | None = await conn.fetchval(_AUDIENCE[entity_type], (entity_id,))
    return circle_id


_HOST = {
    "outing": "select host_id from outings where id = ?",
    "comment": "select o.host_id from comments c join outings o on o.id = c.outing_id"
    " where c.id = ?",
}


async def host_of(conn: Conn, entity_type: str, entity_id: str) -> str | None:
    """The host of an outing, or of the outing a comment is on."""
    host_id: str | None = await conn.fetchval(_HOST[entity_type], (entity_id,))
    return host_id


async def members_only(
    conn: Conn, circle_id: str, *, except_host: str = ""
) -> list[tuple[str, str]]:
    """(entity type, id) of everything only this circle's members may pull:
    what someone who joins is sent at once, and what leaves her phone when she
    goes; ``except_host``'s own outings (and their comments) are not among them."""
    rows = await conn.fetchall(
        "select 'outing' as entity_type, id as entity_id from outings"
        " where circle_id = ? and visibility = 'members' and hidden_at is null and host_id != ?"
        " union all select 'comment', c.id from comments c join outings o on o.id = c.outing_id"
        " where o.circle_id = ? and o.visibility = 'members' and o.hidden_at is null"
        " and o.host_id != ? and c.hidden_at is null and c.deleted_at is null"
        " union all select 'post', id from circle_posts where circle_id = ? and hidden_at is null"
        " union all select 'entry', id from circle_entries where circle_id = ?"
        " and status = 'approved' and hidden_at is null",
        (circle_id, except_host, circle_id, except_host, circle_id, circle_id),
    )
    return [(r["entity_type"], r["entity_id"]) for r in rows]


async def sent_to_members(
    conn: Conn, circle_id: str, *, except_host: str = ""
) -> list[tuple[str, str]]:
    """(entity type, id) of everything this circle's members were sent and
    may still hold, deleted or hidden since included; ``except_host``'s own
    outings (and their comments), which she pulls as their host, are not."""
    rows = await conn.fetchall(
        "select entity_type, entity_id from sync_changes where circle_id = ?"
        " and (owner_id is null or owner_id != ?) order by cursor",
        (circle_id, except_host),
    )
    return [(r["entity_type"], r["entity_id"]) for r in rows]


async def was_for_everyone(conn: Conn, entity_type: str, entity_id: str) -> bool:
    """Whether the entity's row is one every reader pulls (no owner, no circle)."""
    found = await conn.fetchval(
        "select 1 from sync_changes where entity_type = ? and entity_id = ?"
        " and owner_id is null and circle_id is null",
        (entity_type, entity_id),
    )
    return found is not None


async def copies(conn: Conn, entity_type: str, entity_id: str) -> list[tuple[str, str]]:
    """(key, person) of each copy of an entity still sent to one person alone
    (``entity:user``, see ``record_for``)."""
    # the keys "id:" to "id;" (the character after ':'): a stretch of the primary key
    rows = await conn.fetchall(
        "select entity_id, owner_id from sync_changes where entity_type = ?"
        " and entity_id > ? and entity_id < ? and owner_id is not null and op = 'put'",
        (entity_type, entity_id + ":", entity_id + ";"),
    )
    return [(r["entity_id"], r["owner_id"]) for r in rows]


async def bounds(conn: Conn) -> tuple[int, int]:
    """(current cursor, oldest cursor a pull may continue from)."""
    row = await conn.fetchone("select cursor, min_cursor from sync_state where id = 1")
    assert row is not None
    return row["cursor"], row["min_cursor"]


async def after(conn: Conn, cursor: int, user_id: str | None, limit: int) -> list[Row]:
    """The change log after ``cursor`` that ``user_id`` may see, oldest first."""
    columns = "entity_type, entity_id, cursor, op, owner_id, circle_id"
    public = (
        f"select {columns} from sync_changes"
        " where owner_id is null and circle_id is null and cursor > ? order by cursor limit ?"
    )
    if user_id is None:
        return await conn.fetchall(public, (cursor, limit))
    # Each part reads its own stretch of an index: a page costs the same
    # however many other families' RSVPs or other circles' posts the log holds.
    # A members-only outing's row names its host and its circle: a host who
    # is a member finds it twice, and ``union`` sends it once.
    return await conn.fetchall(
        f"select * from ({public}) as p union select * from ("
        f"select {columns} from sync_changes"
        " where owner_id = ? and cursor > ? order by cursor limit ?"
        ") as o union select * from ("
        f"select {columns} from sync_changes"
        " where circle_id in (select m.circle_id from circle_members m"
        " join circles c on c.id = m.circle_id and c.hidden_at is null"
        " where m.user_id = ? and m.role in ('member', 'moderator'))"
        " and cursor > ? order by cursor limit ?"
        ") as c order by cursor limit ?",
        (cursor, limit, user_id, cursor, limit, user_id, cursor, limit, limit),
    )


async def drop_tombstones(w: Writer, before: str) -> tuple[int, int | None]:
    """Delete tombstones recorded before ``before``: (how many, the newest cursor dropped)."""
    newest = await w.fetchval(
        "select max(cursor) from sync_changes where op = 'del' and changed_at < ?", (before,)
    )
    if newest is None:
        return 0, None
    dropped = await w.execute(
        "delete from sync_changes where op = 'del' and cursor <= ?", (newest,)
    )
    return dropped, newest


async def raise_floor(w: Writer, cursor: int) -> None:
    await w.execute(
        "update sync_state set min_cursor = ? where id = 1 and min_cursor < ?", (cursor, cursor)
    )


async def forget_all(w: Writer) -> None:
    await w.execute("delete from sync_changes")
