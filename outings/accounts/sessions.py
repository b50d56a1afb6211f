"""The session cookie, and the middleware that knows who is signed in."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import Cookie, Headers
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from outings import notifications
from outings.accounts import service
from outings.accounts.models import User
from outings.settings import Settings
from outings.web.middleware import cookie_value

COOKIE = "outings_session"
CHALLENGE_COOKIE = "outings_challenge"


def session_cookie(settings: Settings, token: str) -> Cookie:
    return Cookie(
        key=COOKIE,
        value=token,
        path="/",
        max_age=settings.session_days * 24 * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )


def clear_session_cookie(settings: Settings) -> Cookie:
    return Cookie(
        key=COOKIE,
        value="",
        path="/",
        max_age=0,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )


def challenge_cookie(settings: Settings, challenge_id: str) -> Cookie:
    # Strict and scoped to the ceremony's own URLs: it binds the challenge to
    # the browser that asked for it.
    return Cookie(
        key=CHALLENGE_COOKIE,
        value=challenge_id,
        path="/api/auth",
        max_age=int(service.CHALLENGE_TTL.total_seconds()),
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
    )


def clear_challenge_cookie(settings: Settings) -> Cookie:
    return Cookie(
        key=CHALLENGE_COOKIE,
        value="",
        path="/api/auth",
        max_age=0,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
    )


def current_user(request: Request[Any, Any, Any]) -> User | None:
    user: User | None = request.state.get("user")
    return user


def current_session_id(request: Request[Any, Any, Any]) -> str | None:
    sid: str | None = request.state.get("session_id")
    return sid


def _is_page_view(scope: Scope) -> bool:
    path: str = scope["path"]
    if scope.get("method") != "GET" or path.startswith(("/api/", "/static/")) or "." in path:
        return False
    accept = Headers.from_scope(scope).get("accept", "")
    return not accept or "text/html" in accept or "*/*" in accept


def load_user(app: ASGIApp) -> ASGIApp:
    """Put the signed-in user (or None) on ``request.state`` for every routed request."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            state = scope.setdefault("state", {})
            state["user"] = None
            state["session_id"] = None
            token = cookie_value(scope, COOKIE)
            # Static files are the same for everyone: no session lookup for them.
            if token and not scope["path"].startswith("/static/"):
                litestar_app = scope["litestar_app"]
                found = await service.user_for_session(
                    litestar_app.state.db, litestar_app.state.settings, token
                )
                if found is not None:
                    state["user"], session = found
                    state["session_id"] = session.id
                    if _is_page_view(scope):
                        async with litestar_app.state.db.reader() as r:
                            state["notices"] = await notifications.unread(r, session.user_id)
        await app(scope, receive, send)

    return middleware
