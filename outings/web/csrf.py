"""Forms' CSRF tokens, bound to the session they were given to (issue 11, item 6).

A token is a random nonce and an HMAC of it with the session's id (its
SHA-256, as the sessions table keeps it) under the app's secret. It is
checked against the session the posting browser has now, so a token taken
from one session (another device, another account, a page from before
signing in) fails in any other, and a cookie planted by a neighbouring
subdomain proves nothing: no cookie is involved at all. Pages for visitors
who are not signed in hold no form, and their tokens (bound to "no
session") pass only while there is still no session.

Litestar's own middleware keeps the token in a cookie of its own (double
submit) and sets it on every answer, publicly cacheable ones included; this
one replaces it. Each page gets a fresh nonce, so a compressed page never
carries the same secret twice (BREACH).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

FIELD = "_csrf_token"
HEADER = "x-csrftoken"
_SAFE = frozenset(("GET", "HEAD", "OPTIONS", "TRACE"))
_EXEMPT = re.compile(r"^/(api|static)/")  # the JSON API checks Content-Type and Origin instead
_NONCE = 16  # bytes
#: Where a safe request keeps what its token would be made from: the token is
#: made only when a page asks for one (:func:`token_for`). A visitor's copy
#: of a shared page holds no form, and minting for it cost ~4 % of a page.
PENDING = "csrf_pending"


class Secret:
    """The key tokens are signed with; set at start-up when kept in the database."""

    def __init__(self, value: str) -> None:
        self.value = value


def _mac(secret: str, nonce: str, session_id: str | None) -> str:
    message = f"{nonce}|{session_id or ''}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def make_token(secret: str, session_id: str | None) -> str:
    """A new token for forms of ``session_id`` (None: a visitor not signed in)."""
    nonce = secrets.token_hex(_NONCE)
    return nonce + _mac(secret, nonce, session_id)


def is_valid(secret: str, token: str, session_id: str | None) -> bool:
    nonce, mac = token[: _NONCE * 2], token[_NONCE * 2 :]
    if len(nonce) != _NONCE * 2 or not mac:
        return False
    return hmac.compare_digest(mac, _mac(secret, nonce, session_id))


def middleware(secret: Secret) -> Any:
    """Give safe requests a token (``ScopeState.csrf_token``); refuse other forms without one."""

    def factory(app: ASGIApp) -> ASGIApp:
        async def check(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP or _EXEMPT.match(scope["path"]):
                await app(scope, receive, send)
                return
            session_id = scope.get("state", {}).get("session_id")
            state = ScopeState.from_scope(scope)
            if scope["method"] in _SAFE:
                scope.setdefault("state", {})[PENDING] = (secret, session_id)
                await app(scope, receive, send)
                return
            request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope, receive)
            sent = request.headers.get(HEADER)
            if sent is None and request.content_type[0] in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                value = (await request.form()).get(FIELD)
                sent = value if isinstance(value, str) else None
            if sent is None or not is_valid(secret.value, sent, session_id):
                raise PermissionDeniedException("CSRF token verification failed")
            state.csrf_token = sent
            await app(scope, receive, send)

        return check

    return factory


def token_for(scope: Scope) -> str:
    """This request's token, made the first time a page asks ("" when none is due)."""
    state = ScopeState.from_scope(scope)
    token = state.csrf_token
    if isinstance(token, str):
        return token
    pending = scope.get("state", {}).get(PENDING)
    if pending is None:
        return ""
    secret, session_id = pending
    state.csrf_token = token = make_token(secret.value, session_id)
    return token
