"""SQL for users, passkeys, sessions and WebAuthn challenges: the one place it lives."""

from __future__ import annotations

from typing import Any

import msgspec

from outings.accounts.models import Challenge, Passkey, Session, User
from outings.db import Row
from outings.db.database import Conn, Writer


def _user(row: Row, roles: frozenset[str]) -> User:
    return User(
        id=row["id"],
        display_name=row["display_name"],
        user_handle=bytes(row["user_handle"]),
        created_at=row["created_at"],
        roles=roles,
    )


def _passkey(row: Row) -> Passkey:
    return Passkey(
        id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        public_key=bytes(row["public_key"]),
        sign_count=row["sign_count"],
        transports=msgspec.json.decode(row["transports"], type=list[str]),
        backed_up=bool(row["backed_up"]),
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
    )


async def _roles(conn: Conn, user_id: str) -> frozenset[str]:
    rows = await conn.fetchall("select role from user_roles where user_id = ?", (user_id,))
    return frozenset(r["role"] for r in rows)


# users -------------------------------------------------------------------


async def insert_user(
    w: Writer, *, id: str, display_name: str, user_handle: bytes, now: str
) -> User:
    await w.execute(
        "insert into users (id, display_name, user_handle, created_at, updated_at)"
        " values (?, ?, ?, ?, ?)",
        (id, display_name, user_handle, now, now),
    )
    return User(id=id, display_name=display_name, user_handle=user_handle, created_at=now)


async def get_user(conn: Conn, user_id: str) -> User | None:
    row = await conn.fetchone("select * from users where id = ?", (user_id,))
    return None if row is None else _user(row, await _roles(conn, user_id))


async def find_users(conn: Conn, name_or_id: str) -> list[User]:
    rows = await conn.fetchall(
        "select * from users where id = ? or display_name = ? order by created_at",
        (name_or_id, name_or_id),
    )
    return [_user(r, await _roles(conn, r["id"])) for r in rows]


async def grant_role(w: Writer, user_id: str, role: str, granted_by: str | None, now: str) -> bool:
    changed = await w.execute(
        "insert into user_roles (user_id, role, granted_by, granted_at) values (?, ?, ?, ?)"
        " on conflict (user_id, role) do nothing",
        (user_id, role, granted_by, now),
    )
    return changed > 0


async def set_calendar_key(w: Writer, user_id: str, key: str | None) -> None:
    await w.execute(
        "update users set calendar_key = ?, calendar_token = null where id = ?", (key, user_id)
    )


async def calendar_key(conn: Conn, user_id: str) -> str | None:
    key: str | None = await conn.fetchval("select calendar_key from users where id = ?", (user_id,))
    return key


async def user_by_calendar_key(conn: Conn, key: str) -> str | None:
    user_id: str | None = await conn.fetchval("select id from users where calendar_key = ?", (key,))
    return user_id


async def clear_calendar_tokens(w: Writer) -> list[tuple[str, str]]:
    """Take the calendar secrets still kept in clear (made before 0005): (user, secret)."""
    rows = await w.fetchall("select id, calendar_token from users where calendar_token is not null")
    await w.execute("update users set calendar_token = null where calendar_token is not null")
    return [(r[0], r[1]) for r in rows]


# passkeys ----------------------------------------------------------------


async def insert_passkey(
    w: Writer,
    *,
    id: str,
    user_id: str,
    public_key: bytes,
    sign_count: int,
    transports: list[str],
    device_type: str,
    backed_up: bool,
    aaguid: str,
    name: str,
    now: str,
) -> None:
    await w.execute(
        "insert into passkeys (id, user_id, public_key, sign_count, transports, device_type,"
        " backed_up, aaguid, name, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            id,
            user_id,
            public_key,
            sign_count,
            msgspec.json.encode(transports).decode(),
            device_type,
            int(backed_up),
            aaguid,
            name,
            now,
        ),
    )


async def get_passkey(conn: Conn, passkey_id: str) -> Passkey | None:
    row = await conn.fetchone("select * from passkeys where id = ?", (passkey_id,))
    return None if row is None else _passkey(row)


async def list_passkeys(conn: Conn, user_id: str) -> list[Passkey]:
    rows = await conn.fetchall(
        "select * from passkeys where user_id = ? order by created_at", (user_id,)
    )
    return [_passkey(r) for r in rows]


async def passkey_ids(conn: Conn, user_id: str) -> list[str]:
    rows = await conn.fetchall("select id from passkeys where user_id = ?", (user_id,))
    return [r["id"] for r in rows]


async def record_passkey_use(
    w: Writer, passkey_id: str, sign_count: int, backed_up: bool, now: str
) -> None:
    await w.execute(
        "update passkeys set sign_count = ?, backed_up = ?, last_used_at = ? where id = ?",
        (sign_count, int(backed_up), now, passkey_id),
    )


async def rename_passkey(w: Writer, user_id: str, passkey_id: str, name: str) -> bool:
    changed = await w.execute(
        "update passkeys set name = ? where id = ? and user_id = ?", (name, passkey_id, user_id)
    )
    return changed > 0


async def count_passkeys(conn: Conn, user_id: str) -> int:
    count: int = await conn.fetchval("select count(*) from passkeys where user_id = ?", (user_id,))
    return count


async def delete_passkey(w: Writer, user_id: str, passkey_id: str) -> bool:
    changed = await w.execute(
        "delete from passkeys where id = ? and user_id = ?", (passkey_id, user_id)
    )
    return changed > 0


# sessions ----------------------------------------------------------------


def _session(row: Row) -> Session:
    return Session(
        id=row["id"],
        user_id=row["user_id"],
        user_agent=row["user_agent"],
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
        expires_at=row["expires_at"],
    )


async def insert_session(
    w: Writer, *, id: str, user_id: str, user_agent: str, now: str, expires_at: str
) -> None:
    await w.execute(
        "insert into sessions (id, user_id, user_agent, created_at, last_seen_at, expires_at)"
        " values (?, ?, ?, ?, ?, ?)",
        (id, user_id, user_agent, now, now, expires_at),
    )


async def live_session_user(conn: Conn, session_id: str, now: str) -> tuple[Session, User] | None:
    """A live session and its user with their roles, in one query: every request asks."""
    row = await conn.fetchone(
        "select s.id, s.user_id, s.user_agent, s.created_at, s.last_seen_at, s.expires_at,"
        " u.display_name, u.user_handle, u.created_at as user_created_at,"
        " (select group_concat(role, ' ') from user_roles r where r.user_id = u.id) as roles"
        " from sessions s join users u on u.id = s.user_id"
        " where s.id = ? and s.expires_at > ?",
        (session_id, now),
    )
    if row is None:
        return None
    user = User(
        id=row["user_id"],
        display_name=row["display_name"],
        user_handle=bytes(row["user_handle"]),
        created_at=row["user_created_at"],
        roles=frozenset((row["roles"] or "").split()),
    )
    return _session(row), user


async def touch_session(w: Writer, session_id: str, now: str, expires_at: str) -> None:
    await w.execute(
        "update sessions set last_seen_at = ?, expires_at = ? where id = ?",
        (now, expires_at, session_id),
    )


async def list_sessions(conn: Conn, user_id: str, now: str) -> list[Session]:
    rows = await conn.fetchall(
        "select * from sessions where user_id = ? and expires_at > ? order by last_seen_at desc",
        (user_id, now),
    )
    return [_session(r) for r in rows]


async def delete_session(w: Writer, session_id: str, user_id: str | None = None) -> bool:
    if user_id is None:
        changed = await w.execute("delete from sessions where id = ?", (session_id,))
    else:
        changed = await w.execute(
            "delete from sessions where id = ? and user_id = ?", (session_id, user_id)
        )
    return changed > 0


async def delete_expired(w: Writer, now: str) -> None:
    await w.execute("delete from sessions where expires_at <= ?", (now,))
    await w.execute("delete from auth_challenges where expires_at <= ?", (now,))


# challenges --------------------------------------------------------------


async def insert_challenge(w: Writer, c: Challenge, now: str) -> None:
    await w.execute(
        "insert into auth_challenges (id, purpose, challenge, user_id, user_handle,"
        " display_name, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            c.id,
            c.purpose,
            c.challenge,
            c.user_id,
            c.user_handle,
            c.display_name,
            now,
            c.expires_at,
        ),
    )


async def take_challenge(w: Writer, challenge_id: str, purpose: str) -> Challenge | None:
    """Remove and return a challenge: each one can be answered once only."""
    row: Any = await w.fetchone(
        "delete from auth_challenges where id = ? and purpose = ? returning *",
        (challenge_id, purpose),
    )
    if row is None:
        return None
    return Challenge(
        id=row["id"],
        purpose=row["purpose"],
        challenge=bytes(row["challenge"]),
        user_id=row["user_id"],
        user_handle=None if row["user_handle"] is None else bytes(row["user_handle"]),
        display_name=row["display_name"],
        expires_at=row["expires_at"],
    )
