"""SQL for the sync tables: clients and their recorded mutation results.

The cursor and the change log live below the domain, in ``outings.changelog``."""

from __future__ import annotations

import msgspec

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
