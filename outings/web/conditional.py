"""What a page costs to send again: an ETag, a 304 with no body, gzip (issue 12).

The service worker keeps copies of the pages a parent will want offline and
asks again, from time to time, whether they changed: with the copy's ETag in
``If-None-Match``. An unchanged page is then answered ``304 Not Modified``
and no body: a few hundred bytes of headers instead of the page. The
browser's own cache does the same for an ordinary visit.

An ETag is a hash of what the page shows, not of the data version: the
version moves with every reply anywhere, and a page that did not change
should not be sent again because another one did. Three things make it:

- the body, less this request's CSRF token (a fresh one on every page, so
  the same page would otherwise never match; the token of the copy the
  phone keeps stays good for the same session) and less the data version
  the page was drawn at (base.html's ``outings-version``: it moves with
  every write anywhere; a copy confirmed unchanged holds an older one, and
  offline.js then asks what changed since it, which is still right) and
  less the id made for a new comment (each drawing has its own). A copy the
  phone holds is the last it was given: once a comment is posted from it,
  the page shows that comment and is never confirmed again, so its id is
  never offered twice (and offline.js makes a new one as a page opens);
- who asked: the session (its id, not its secret) or "visitor". A 304 says
  "the copy you hold is right for you", so a copy kept for one person can
  never be confirmed to another, even on one browser;
- the language is in the body already (``<html lang>``, every word).

Pages kept whole for everyone (web/shared_pages.py) bring their ETag with
them, computed once per copy; the rest are hashed here, which costs a few
microseconds beside the rendering. Litestar compresses answers below the
middleware that could hash them, so pages are compressed here instead, after
the hash (told to Litestar through the same flag a cached answer sets).

With ``Save-Data: on`` (the phone's data saver), the worker's storing ahead
(``X-Outings-Prefetch``) is answered at once with ``204`` and nothing else:
the page script and the worker already hold back, and this holds an older
worker back too.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from outings.web import gzipped

#: Smaller answers are sent as they are: gzip's own header would outweigh the gain.
MINIMUM_GZIP = 512
_NOT_PAGES = ("/api/", "/static/", "/calendar/")
_VERSION = re.compile(rb'<meta name="outings-version" content="[0-9]*"')
_COMMENT_ID = re.compile(
    rb'(<form [^>]*class="[^"]*comment-form[^>]*>(?:(?!</form>).)*?name="id" value=")'
    rb'[0-9a-f-]{36}"',
    re.DOTALL,
)
#: Where a handler says that its answer may be kept (:func:`keep`).
KEEP = "front_keep"
KEEP_FOR_EVERYONE = "front_keep_for_everyone"
#: What kind of value a hole in a kept page takes, made anew for each request.
CSRF = "csrf"
NEW_ID = "new_id"
#: What a 304 leaves out: it describes the kept copy's body, not a new one.
BODY_HEADERS = frozenset((b"content-type", b"content-length", b"content-encoding"))


def keep(scope: Scope, holes: dict[str, str] | None = None, *, everyone: bool = False) -> None:
    """Say that this answer may be kept and sent again (web/front.py): it
    depends only on the request's path, query, cookies and languages, and on
    the data; with ``everyone``, only on the path, query and data (whoever
    asks, signed in or not). ``holes`` maps each value in the body that must
    be new for each request to its kind (:data:`CSRF`, :data:`NEW_ID`)."""
    state = scope.setdefault("state", {})
    state[KEEP] = dict(holes or {})
    state[KEEP_FOR_EVERYONE] = everyone


def is_page(scope: Scope) -> bool:
    """A page (HTML a person or the worker asks for), as opposed to the API or a file."""
    path: str = scope["path"]
    return (
        scope.get("method") in ("GET", "HEAD")
        and not path.startswith(_NOT_PAGES)
        and "." not in path.rsplit("/", 1)[-1]
    )


def digest(body: bytes, token: str | None = None) -> bytes:
    """What the page shows: its body less a CSRF token and the data version it was drawn at."""
    if token:
        body = body.replace(token.encode(), b"")
    body = _COMMENT_ID.sub(rb'\1"', _VERSION.sub(b"", body), count=1)
    return hashlib.sha256(body).digest()


def tag(digest: bytes, who: str) -> str:
    """A weak ETag (the same page, gzipped or not) for ``digest`` as ``who`` sees it."""
    mixed = hashlib.sha256(digest + b"|" + who.encode()).hexdigest()[:20]
    return f'W/"{mixed}"'


def who(scope: Scope) -> str:
    """Whose page this is: a session (its id, not the cookie's secret) or "visitor"."""
    session_id = scope.get("state", {}).get("session_id")
    return f"session:{session_id}" if session_id else "visitor"


def matches(if_none_match: str, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 asks)."""
    wanted = etag.removeprefix("W/")
    return any(
        part.strip() == "*" or part.strip().removeprefix("W/") == wanted
        for part in if_none_match.split(",")
    )


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip ("gzip;q=0" refuses it)."""
    for part in header.split(","):
        coding, _sep, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            quality = params.strip().removeprefix("q=").strip()
            return not (params.strip().startswith("q=") and _is_zero(quality))
    return False


def _is_zero(quality: str) -> bool:
    try:
        return float(quality) == 0
    except ValueError:
        return False


def save_data(headers: Headers) -> bool:
    return headers.get("save-data", "").strip().lower() == "on"


def middleware(app: ASGIApp) -> ASGIApp:
    """ETag and 304 for pages, then gzip; nothing for storing ahead under Save-Data."""

    async def conditional(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not is_page(scope):
            await app(scope, receive, send)
            return
        headers = Headers.from_scope(scope)
        if headers.get("x-outings-prefetch") and save_data(headers):
            await send_answer(send, 204, [(b"cache-control", b"no-store")], b"")
            return
        # Litestar's compression passes on an answer marked cached: this one
        # compresses once the ETag is known (see the module's docstring).
        ScopeState.from_scope(scope).is_cached = True
        start: HTTPResponseStartEvent | None = None
        chunks: list[bytes] = []
        passing = False  # an answer that needs nothing more from here goes straight on

        async def keep(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
            elif message["type"] == "http.response.start":
                if _ready(message, headers):
                    # a kept copy with its ETag, compressed or not to be: no need to
                    # hold its body back (the common case: pages kept for everyone)
                    passing = True
                    await send(message)
                else:
                    start = message  # sent with the body, once its ETag is known
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await _finish(scope, headers, start, b"".join(chunks), send)
            else:
                await send(message)

        await app(scope, receive, keep)

    return conditional


async def _finish(
    scope: Scope, request: Headers, start: HTTPResponseStartEvent, body: bytes, send: Send
) -> None:
    headers = MutableScopeHeaders(start)
    fresh = "etag" not in headers and "content-encoding" not in headers
    if start["status"] == 200 and fresh and _is_html(headers):
        token = ScopeState.from_scope(scope).csrf_token
        digested = digest(body, token if isinstance(token, str) else None)
        headers["etag"] = tag(digested, who(scope))
    await finish(
        dict(start),
        list(start["headers"]),
        body,
        request.get("if-none-match", ""),
        accepts_gzip(request.get("accept-encoding", "")),
        send,
        scope.get("state", {}).get(KEEP),
    )


async def finish(
    start: dict[str, Any],
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    if_none_match: str,
    gzip_ok: bool,
    send: Send,
    holes: dict[str, str] | None = None,
) -> None:
    """Send an answer whose ETag is known: a 304 when the asker holds it, else
    the body, gzipped when the asker takes it (web/front.py sends pages so too)."""
    status = start["status"]
    names = {name.lower(): value for name, value in headers}
    etag = names.get(b"etag")
    if etag is not None and status == 200 and matches(if_none_match, etag.decode("latin-1")):
        kept = [(k, v) for k, v in headers if k.lower() not in BODY_HEADERS]
        await send_answer(send, 304, kept, b"")
        return
    headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    if gzip_ok and len(body) >= MINIMUM_GZIP and b"content-encoding" not in names:
        body = gzipped.compress(body, holes)
        headers = vary_encoding([*headers, (b"content-encoding", b"gzip")])
    headers.append((b"content-length", str(len(body)).encode()))
    started: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": headers,
    }
    await send(started)
    await send({"type": "http.response.body", "body": body, "more_body": False})


def vary_encoding(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` with ``Vary`` naming Accept-Encoding (a cache must not mix the two)."""
    out: list[tuple[bytes, bytes]] = []
    varied = False
    for name, value in headers:
        if name.lower() == b"vary":
            varied = True
            if b"accept-encoding" not in value.lower():
                value = value + b", accept-encoding"
        out.append((name, value))
    if not varied:
        out.append((b"vary", b"accept-encoding"))
    return out


def _ready(start: HTTPResponseStartEvent, request: Headers) -> bool:
    """Whether an answer can go on as it is: it has its ETag, it is not one a
    304 would replace, and it is compressed already or will not be."""
    if start["status"] != 200 or request.get("if-none-match"):
        return False
    names = {name.lower() for name, _value in start["headers"]}
    if b"etag" not in names:
        return False
    return b"content-encoding" in names or not accepts_gzip(request.get("accept-encoding", ""))


def _is_html(headers: MutableScopeHeaders) -> bool:
    return (headers.get("content-type") or "").startswith("text/html")


async def send_answer(send: Send, status: int, headers: Any, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": list(headers)})
    await send({"type": "http.response.body", "body": body, "more_body": False})
