"""Limits on how often one client may do what costs others (issue 11).

Litestar's own rate-limit middleware and its memory store count the
requests, one :class:`~litestar.middleware.rate_limit.RateLimitConfig` per
rule below; a request over a limit is answered 429 with ``Retry-After``
(the error handler turns it into a page or JSON a parent understands).

Who is counted: the signed-in user when there is one, else the client's
address. A family on a shared address (a café's Wi-Fi, a mobile carrier's
NAT) is then never limited by its neighbours once signed in, and the
benchmarks' and tests' many parents on 127.0.0.1 each count for themselves;
only the ceremonies before an account exists (and other requests without a
session) are counted per address. Behind a proxy the address must be the
client's, not the proxy's: see the README (``FORWARDED_ALLOW_IPS``).

The counts live in this process's memory: a restart forgets them, and each
process counts its own. What must hold across restarts and processes is
counted in the database instead: outings proposed in a day
(:func:`outings.outing.store.insert`), one open report per thing per person
(a unique index).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.rate_limit import DurationUnit, RateLimitConfig, RateLimitMiddleware
from litestar.stores.memory import MemoryStore
from litestar.stores.registry import StoreRegistry
from litestar.types import Receive, Scope, Send

from outings.settings import Settings

STORE = "rate_limit"

_SIGN_IN = frozenset(
    f"/api/auth/{ceremony}/{step}"
    for ceremony in ("register", "login")
    for step in ("options", "verify")
)


def who(request: Request[Any, Any, Any]) -> str:
    """The signed-in user's id, else the client's address."""
    user = request.scope.get("state", {}).get("user")
    if user is not None:
        return f"user:{user.id}"
    return f"address:{request.client.host if request.client else 'unknown'}"


class Limit(RateLimitMiddleware):
    """Litestar's middleware, answering a request over the limit with ``Retry-After``.

    (Litestar's own sends only ``RateLimit-*`` headers, and sends them on
    every answer; a 429 without ``Retry-After`` leaves a client guessing.)
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "POST":
            # every rule counts POSTs only: reading and checking nothing for the rest
            await self.app(scope, receive, send)
            return
        app = scope["litestar_app"]
        request: Request[Any, Any, Any] = app.request_class(scope)
        if await self.should_check_request(request=request):
            store = self.config.get_store_from_app(app)
            key = self.cache_key_from_request(request)
            async with self._lock:
                seen = await self.retrieve_cached_history(key, store)
                if len(seen.history) >= self.max_requests:
                    wait = max(1, seen.reset - int(time.time()))
                    raise TooManyRequestsException(headers={"retry-after": str(wait)})
                await self.set_cached_history(key=key, cache_object=seen, store=store)
        await self.app(scope, receive, send)


def _rule(
    name: str,
    per: DurationUnit,
    limit: int,
    applies: Callable[[Request[Any, Any, Any]], bool],
) -> DefineMiddleware:
    async def check(request: Request[Any, Any, Any]) -> bool:
        return applies(request)

    config = RateLimitConfig(
        rate_limit=(per, limit),
        exclude=["^/static/"],
        identifier_for_request=lambda request: f"{name}:{who(request)}",
        check_throttle_handler=check,
        middleware_class=Limit,
        set_rate_limit_headers=False,
        store=STORE,
    )
    return config.middleware


def _is_form_post(request: Request[Any, Any, Any]) -> bool:
    return request.method == "POST" and not request.url.path.startswith("/api/")


def middleware(settings: Settings) -> list[DefineMiddleware]:
    """The limits, in the order they are checked (after the user is known)."""
    return [
        _rule(
            "sign_in",
            "minute",
            settings.limit_sign_in,
            lambda r: r.method == "POST" and r.url.path in _SIGN_IN,
        ),
        _rule(
            "push",
            "minute",
            settings.limit_push,
            lambda r: r.method == "POST" and r.url.path == "/api/sync/push",
        ),
        _rule("forms", "minute", settings.limit_forms, _is_form_post),
        _rule(
            "reports",
            "hour",
            settings.limit_reports,
            lambda r: r.method == "POST" and r.url.path == "/reports",
        ),
    ]


async def forget_expired(stores: StoreRegistry, every: float = 600) -> None:
    """Drop counts whose window is over, now and then (the memory store keeps them else)."""
    while True:
        await asyncio.sleep(every)
        store = stores.get(STORE)
        if isinstance(store, MemoryStore):
            await store.delete_expired()
