"""Limits on how often one client may do what costs others (issue 11).

A request over a limit is answered 429 with ``Retry-After`` (the error
handler turns it into a page or JSON a parent understands). Each rule counts
one kind of POST in a window that opens with the first of them: ``limit``
requests per ``per`` seconds, then none until the window ends.

Who is counted: the signed-in user when there is one, else the client's
address. A family on a shared address (a café's Wi-Fi, a mobile carrier's
NAT) is then never limited by its neighbours once signed in, and the
benchmarks' and tests' many parents on 127.0.0.1 each count for themselves;
only the ceremonies before an account exists (and other requests without a
session) are counted per address. Behind a proxy the address must be the
client's, not the proxy's: see the README (``FORWARDED_ALLOW_IPS``).

Where the counts live (:func:`hits_for`): in this process's memory when it
is the only one serving the database (SQLite: a restart forgets them); in
the database when several processes share it (PostgreSQL, issue 15), so
that a parent sending to four processes is counted once, not four times.
What must hold for ever is counted in the data itself: outings proposed in a
day (:func:`outings.outing.store.insert`), one open report per thing per
person (a unique index).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from typing import NamedTuple, Protocol

from litestar.exceptions import TooManyRequestsException
from litestar.middleware.base import DefineMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from outings.db import Database
from outings.settings import Settings

MINUTE = 60
HOUR = 3600
#: How often counts whose window is over are forgotten.
FORGET_EVERY_S = 600.0

log = logging.getLogger("outings.limits")

_SIGN_IN = frozenset(
    f"/api/auth/{ceremony}/{step}"
    for ceremony in ("register", "login")
    for step in ("options", "verify")
)


class Rule(NamedTuple):
    name: str
    per: int  # seconds
    limit: int
    applies: Callable[[str], bool]  # given a POST's path


class Hits(Protocol):
    async def hit(self, key: str, now: float, per: int) -> tuple[int, float]:
        """Count one request for ``key``: (requests in its window so far, when the window ends)."""
        ...

    async def forget(self, now: float) -> None:
        """Drop the counts whose window is over."""
        ...


class MemoryHits:
    """Counts in this process's memory: for a database one process serves."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}

    async def hit(self, key: str, now: float, per: int) -> tuple[int, float]:
        ends_at, hits = self._windows.get(key, (0.0, 0))
        ends_at, hits = (now + per, 1) if ends_at <= now else (ends_at, hits + 1)
        self._windows[key] = (ends_at, hits)
        return hits, ends_at

    async def forget(self, now: float) -> None:
        self._windows = {k: v for k, v in self._windows.items() if v[0] > now}


# The same window as MemoryHits keeps, in one statement: atomic however many
# processes count at once (the key's row is locked by the upsert). SET reads
# the row as it was, so both columns test the old window.
_HIT = (
    "insert into rate_hits (key, ends_at, hits) values (:key, :ends_at, 1)"
    " on conflict (key) do update set"
    " hits = case when rate_hits.ends_at <= :now then 1 else rate_hits.hits + 1 end,"
    " ends_at = case when rate_hits.ends_at <= :now then excluded.ends_at"
    " else rate_hits.ends_at end"
    " returning hits, ends_at"
)


class DatabaseHits:
    """Counts in the database (``rate_hits``): shared by every process serving it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def hit(self, key: str, now: float, per: int) -> tuple[int, float]:
        row = await self._db.apply_alone(_HIT, {"key": key, "ends_at": now + per, "now": now})
        assert row is not None
        return row["hits"], row["ends_at"]

    async def forget(self, now: float) -> None:
        await self._db.apply_alone("delete from rate_hits where ends_at <= ?", (now,))


def hits_for(db: Database) -> Hits:
    return DatabaseHits(db) if db.shared_by_processes else MemoryHits()


def who(scope: Scope) -> str:
    """The signed-in user's id, else the client's address."""
    user = scope.get("state", {}).get("user")
    if user is not None:
        return f"user:{user.id}"
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


class Limits:
    """Checks each POST against the rules that apply to it, in order."""

    def __init__(self, app: ASGIApp, rules: list[Rule], hits: Callable[[], Hits]) -> None:
        self.app = app
        self.rules = rules
        self.hits = hits  # the counts of the database the app runs on now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") == "POST":  # http only: a websocket has no method
            # every rule counts POSTs only: nothing is read or counted for the rest
            path = scope["path"]
            for rule in self.rules:
                if rule.applies(path):
                    now = time.time()
                    hits, ends_at = await self.hits().hit(
                        f"{rule.name}:{who(scope)}", now, rule.per
                    )
                    if hits > rule.limit:
                        wait = max(1, math.ceil(ends_at - now))
                        raise TooManyRequestsException(headers={"retry-after": str(wait)})
        await self.app(scope, receive, send)


def rules(settings: Settings) -> list[Rule]:
    return [
        Rule("sign_in", MINUTE, settings.limit_sign_in, _SIGN_IN.__contains__),
        Rule("push", MINUTE, settings.limit_push, lambda path: path == "/api/sync/push"),
        Rule("forms", MINUTE, settings.limit_forms, lambda path: not path.startswith("/api/")),
        Rule("reports", HOUR, settings.limit_reports, lambda path: path == "/reports"),
    ]


def middleware(settings: Settings, hits: Callable[[], Hits]) -> DefineMiddleware:
    """The limits, checked after the user is known."""
    return DefineMiddleware(Limits, rules=rules(settings), hits=hits)


async def forget_expired(hits: Hits, every: float = FORGET_EVERY_S) -> None:
    """Drop counts whose window is over, now and then (they would pile up else)."""
    while True:
        await asyncio.sleep(every)
        try:
            await hits.forget(time.time())
        except Exception:
            log.warning("forgetting old rate-limit counts failed; will try again", exc_info=True)
