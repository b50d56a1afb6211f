"""The front desk: pages answered again without the framework, until the data changes.

Most page views ask for what was just drawn for someone: the list or an
outing page, for a visitor (the same for everyone who reads the same
language) or for a parent (the same for her until something changes). Those
pages are already rendered once and kept (web/shared_pages.py); what it
still cost to hand one over was the framework around it: routing, a dozen
layers of middleware, dependency injection, building the response, each a
few microseconds, together most of a page view (issue 16).

So the app's own ``__call__`` (outings.app) asks here first. A page a
handler marked *keepable* (:func:`outings.web.conditional.keep`) is kept as it was sent, under
everything of the request that can change it (path and query, the cookie
header, Accept and Accept-Language) and the database's data version (a write anywhere,
by this process or another, changes it) and the minute (pages say "today",
"in 20 minutes"). The next request with the same key, while nothing was
written, is answered from here.

What must differ from one answer to the next is cut out of the kept body
and made anew for each request: a form's CSRF token (a fresh nonce each time,
so a compressed page never carries the same secret twice: BREACH) and the id
offered to a new comment. A parent's kept page is hers alone (the key holds
her session cookie) and is never given after her session would have needed
a look (expiry, or its hourly "still here" note), which only the full path
does.

Compression is done here for these pages, once per kept page
(web/gzipped.py: per request, only the fresh values are added, uncompressed).
Conditional requests (``If-None-Match``) get their 304 here too.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.types import Message, Receive, Scope, Send

from outings.db import TransientDatabaseError
from outings.ids import new_id
from outings.web import conditional, cookies, csrf, gzipped
from outings.web.cache import LRU

_STRIPPED = (b"accept-encoding", b"if-none-match")
#: JSON answers a handler may mark keepable too (the same for everyone: a pull
#: at the head of the change log, which says "nothing new" to any phone).
_API_KEPT = frozenset(("/api/sync/pull",))


class Kept:
    """One page as it was sent, cut at its holes."""

    __slots__ = (
        "deflated",
        "etag",
        "headers",
        "holes",
        "no_body_headers",
        "parts",
        "session_id",
        "until",
        "version",
    )

    def __init__(
        self,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        holes: dict[str, str],
        *,
        version: object,
        session_id: str | None,
        until: float,
    ) -> None:
        self.headers = [(k, v) for k, v in headers if k.lower() not in conditional.BODY_HEADERS]
        self.no_body_headers = list(self.headers)
        self.headers.append((b"content-type", _header(headers, b"content-type")))
        etag = _header(headers, b"etag")
        self.etag = etag.decode() if etag else None
        parts, values = gzipped.cut(body, holes)
        kinds = [kind for kind, _value in values]
        self.parts = tuple(parts)
        self.holes = tuple(kinds)
        self.deflated: tuple[bytes, ...] | None = None
        self.version = version
        self.session_id = session_id
        self.until = until

    def body(self, make: Callable[[str], bytes]) -> tuple[bytes, list[bytes]]:
        values = [make(kind) for kind in self.holes]
        out = [self.parts[0]]
        for value, part in zip(values, self.parts[1:], strict=True):
            out.append(value)
            out.append(part)
        return b"".join(out), values

    def gzipped(self, body: bytes, values: list[bytes]) -> bytes:
        if self.deflated is None:  # once per kept page, when first asked for
            self.deflated = tuple(gzipped.deflated(part) for part in self.parts)
        return gzipped.assemble(self.deflated, values, body)


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes:
    for key, value in headers:
        if key.lower() == name:
            return value
    return b""


class Request:
    """What of a page request decides its answer, read once."""

    __slots__ = ("cookie", "everyone_key", "gzip", "if_none_match", "key", "prefetch", "session")

    def __init__(self, scope: Scope, https: bool) -> None:
        cookie = accept = accept_language = encoding = match = b""
        self.prefetch = False
        save_data = False
        for name, value in scope["headers"]:
            if name == b"cookie":
                cookie = value if not cookie else cookie + b"; " + value
            elif name == b"accept":  # whether her unread notices are looked up
                accept = value
            elif name == b"accept-language":
                accept_language = value
            elif name == b"accept-encoding":
                encoding = value
            elif name == b"if-none-match":
                match = value
            elif name == b"x-outings-prefetch":
                self.prefetch = True
            elif name == b"save-data":
                save_data = value.strip().lower() == b"on"
        self.prefetch = self.prefetch and save_data
        self.cookie = cookie.decode("latin-1")
        self.gzip = conditional.accepts_gzip(encoding.decode("latin-1"))
        self.if_none_match = match.decode("latin-1")
        self.session = (
            cookies.parse(self.cookie, cookies.name(cookies.SESSION, https=https))
            if self.cookie
            else None
        )
        # an answer the same for everyone (conditional.keep(everyone=True))
        self.everyone_key = ("everyone", scope["path"], scope.get("query_string", b""))
        self.key = (
            scope["path"],
            scope.get("query_string", b""),
            self.cookie,
            accept,
            accept_language,
        )

    def has_flash(self, https: bool) -> bool:
        return bool(self.cookie) and (
            cookies.parse(self.cookie, cookies.name(cookies.FLASH, https=https)) is not None
        )


class Front:
    """Kept pages of one app: looked up before the framework, filled after it."""

    def __init__(
        self,
        version: Callable[[], Awaitable[object]],
        secret: csrf.Secret,
        https: bool,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._version = version
        self._clock = clock
        self._secret = secret
        self._https = https
        self._kept: LRU[Kept] = LRU(512)

    @staticmethod
    def wants(scope: Scope) -> bool:
        return scope.get("method") == "GET" and (
            conditional.is_page(scope) or scope["path"] in _API_KEPT
        )

    async def __call__(
        self, scope: Scope, receive: Receive, send: Send, app: Callable[..., Any]
    ) -> None:
        request = Request(scope, self._https)
        if request.prefetch or request.has_flash(self._https):
            await app(scope, receive, send)  # answered as it always was
            return
        try:
            version = await self._version()
        except TransientDatabaseError:
            # the database is out of reach: nothing can be said to be current,
            # so the app answers (a 503 a parent understands), and nothing is kept
            await app(scope, receive, send)
            return
        kept = self._kept.get(request.everyone_key) or self._kept.get(request.key)
        if kept is not None and kept.version == version and self._clock() < kept.until:
            await self._answer(kept, request, send)
            return
        # Drawn by the app, without compression or a 304: both are done here,
        # where the answer can be kept whole first.
        scope["headers"] = [(k, v) for k, v in scope["headers"] if k not in _STRIPPED]
        start: dict[str, Any] | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = dict(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            else:
                await send(message)

        await app(scope, receive, capture)
        assert start is not None
        headers: list[tuple[bytes, bytes]] = list(start.get("headers", []))
        body = b"".join(chunks)
        state = scope.get("state", {})
        holes: dict[str, str] | None = state.get(conditional.KEEP)
        if (
            holes is None
            or start["status"] != 200
            or _header(headers, b"set-cookie")
            or _header(headers, b"content-encoding")
        ):
            await conditional.finish(
                start, headers, body, request.if_none_match, request.gzip, send, holes
            )
            return
        everyone = state.get(conditional.KEEP_FOR_EVERYONE, False)
        session_id = None if everyone else state.get("session_id")
        kept = Kept(
            headers,
            body,
            holes,
            version=version,
            session_id=session_id,
            until=state.get("session_until", float("inf")) if session_id else float("inf"),
        )
        self._kept.put(request.everyone_key if everyone else request.key, kept)
        await self._answer(kept, request, send)

    async def _answer(self, kept: Kept, request: Request, send: Send) -> None:
        if (
            kept.etag
            and request.if_none_match
            and conditional.matches(request.if_none_match, kept.etag)
        ):
            await conditional.send_answer(send, 304, kept.no_body_headers, b"")
            return

        def make(kind: str) -> bytes:
            if kind == conditional.CSRF:
                return csrf.make_token(self._secret.value, kept.session_id).encode()
            return new_id().encode()

        body, values = kept.body(make)
        headers = list(kept.headers)
        if request.gzip and len(body) >= conditional.MINIMUM_GZIP:
            body = kept.gzipped(body, values)
            headers.append((b"content-encoding", b"gzip"))
            headers = conditional.vary_encoding(headers)
        headers.append((b"content-length", str(len(body)).encode()))
        await conditional.send_answer(send, 200, headers, body)
