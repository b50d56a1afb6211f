"""SQL for the sync tables: clients, recorded mutation results, the change log."""

from __future__ import annotations

import msgspec

from outings.db import Row
from outings.db.database import Conn, Writer
from outings.sync.protocol import MutationResult

_encode = msgspec.json.Encoder().encode
_decode_result = msgspec.json.Decoder(MutationResult).decode


async def client(conn: Conn, client_id: str) -> tuple[str, int] | None:
    """(owner user id, last mutation id) of a client."""
    row = await conn.fetchone(
        "select user_id, last_mutation_id from sync_clients where id = ?", (client_id,)
    )
    return None if row is None else (row["user_id"], row["last_mutation_id"])


async def claim_client(w: Writer, client_id: str, user_id: str, now: str) -> None:
    await w.execute(
        "insert into sync_clients (id, user_id, last_mutation_id, created_at, updated_at)"
        " values (?, ?, 0, ?, ?) on conflict (id) do nothing",
        (client_id, user_id, now, now),
    )


async def record_result(
    w: Writer, client_id: str, name: str, result: MutationResult, now: str
) -> None:
    await w.execute(
        "insert into sync_mutations (client_id, mutation_id, name, status, result, processed_at)"
        " values (?, ?, ?, ?, ?, ?)",
        (client_id, result.id, name, result.status, _encode(result).decode(), now),
    )
    await w.execute(
        "update sync_clients set last_mutation_id = ?, updated_at = ? where id = ?",
        (result.id, now, client_id),
    )


async def recorded(conn: Conn, client_id: str, mutation_id: int) -> MutationResult | None:
    raw = await conn.fetchval(
        "select result from sync_mutations where client_id = ? and mutation_id = ?",
        (client_id, mutation_id),
    )
    return None if raw is None else _decode_result(raw)


async def cursor_bounds(conn: Conn) -> tuple[int, int]:
    """(current cursor, oldest cursor a pull may continue from)."""
    row = await conn.fetchone("select cursor, min_cursor from sync_state where id = 1")
    assert row is not None
    return row["cursor"], row["min_cursor"]


async def changes_after(conn: Conn, cursor: int, user_id: str | None, limit: int) -> list[Row]:
    """The change log after ``cursor`` that ``user_id`` may see, oldest first."""
    columns = "entity_type, entity_id, cursor, op, owner_id"
    public = (
        f"select {columns} from sync_changes"
        " where owner_id is null and cursor > ? order by cursor limit ?"
    )
    if user_id is None:
        return await conn.fetchall(public, (cursor, limit))
    # Each side reads its own stretch of the (owner_id, cursor) index: a page
    # costs the same however many other families' RSVPs the log holds.
    return await conn.fetchall(
        f"select * from ({public}) union all select * from ("
        f"select {columns} from sync_changes"
        " where owner_id = ? and cursor > ? order by cursor limit ?"
        ") order by cursor limit ?",
        (cursor, limit, user_id, cursor, limit, limit),
    )
