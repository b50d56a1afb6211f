"""SQL for ``push_subscriptions``: the devices a parent turned notifications on for."""

from __future__ import annotations

import msgspec

from outings.db.database import Conn, Row, Writer
from outings.ids import new_id


class Subscription(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    user_id: str
    endpoint: str
    p256dh: str
    auth: str
    locale: str
    label: str
    created_at: str

    @property
    def info(self) -> dict[str, object]:
        """As pywebpush takes it (the browser's ``PushSubscription.toJSON()``)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def _subscription(row: Row) -> Subscription:
    return Subscription(**{k: row[k] for k in row.keys()})  # noqa: SIM118 (sqlite3.Row)


async def save(
    w: Writer,
    user_id: str,
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    locale: str,
    label: str,
    now: str,
) -> Subscription:
    """Keep a browser's subscription. Its endpoint is the browser's own: asked
    again (a new sign-in on the same phone), the row is taken over, so a shared
    phone notifies whoever turned it on last, never two parents; what was
    still queued for the one before is dropped, never shown to the next."""
    await w.execute(
        "delete from push_deliveries where sent_at is null and subscription_id in"
        " (select id from push_subscriptions where endpoint = ? and user_id <> ?)",
        (endpoint, user_id),
    )
    await w.execute(
        "insert into push_subscriptions"
        " (id, user_id, endpoint, p256dh, auth, locale, label, created_at)"
        " values (?, ?, ?, ?, ?, ?, ?, ?)"
        " on conflict (endpoint) do update set user_id = excluded.user_id,"
        # a new owner is told only what happens from now on
        " created_at = case when push_subscriptions.user_id = excluded.user_id"
        " then push_subscriptions.created_at else excluded.created_at end,"
        " p256dh = excluded.p256dh, auth = excluded.auth, locale = excluded.locale,"
        " label = excluded.label",
        (new_id(), user_id, endpoint, p256dh, auth, locale, label, now),
    )
    row = await w.fetchone("select * from push_subscriptions where endpoint = ?", (endpoint,))
    assert row is not None
    return _subscription(row)


async def for_user(conn: Conn, user_id: str) -> list[Subscription]:
    rows = await conn.fetchall(
        "select * from push_subscriptions where user_id = ? order by created_at", (user_id,)
    )
    return [_subscription(r) for r in rows]


async def get(conn: Conn, subscription_id: str) -> Subscription | None:
    row = await conn.fetchone("select * from push_subscriptions where id = ?", (subscription_id,))
    return None if row is None else _subscription(row)


async def remove(w: Writer, user_id: str, subscription_id: str) -> bool:
    """Turn push off for one device of this parent (its queued pushes go with it)."""
    changed = await w.execute(
        "delete from push_subscriptions where id = ? and user_id = ?", (subscription_id, user_id)
    )
    return changed > 0


async def remove_endpoint(w: Writer, user_id: str, endpoint: str) -> bool:
    changed = await w.execute(
        "delete from push_subscriptions where endpoint = ? and user_id = ?", (endpoint, user_id)
    )
    return changed > 0


async def forget(w: Writer, subscription_id: str) -> None:
    """The push service said the subscription is gone (404/410)."""
    await w.execute("delete from push_subscriptions where id = ?", (subscription_id,))
