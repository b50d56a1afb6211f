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
from outings.web import cookies

_CEREMONY = "/api/auth"  # the challenge cookie goes only to the ceremony's own URLs


def session_cookie(settings: Settings, token: str) -> Cookie:
    return cookies.make(
        cookies.SESSION,
        token,
        max_age=settings.session_days * 24 * 3600,
        https=settings.secure_cookies,
    )


def clear_session_cookie(settings: Settings) -> Cookie:
    return cookies.make(cookies.SESSION, "", max_age=0, https=settings.secure_cookies)


def session_token(request: Request[Any, Any, Any]) -> str | None:
    """The session token this browser sent, if any."""
    return cookies.read(request.scope, cookies.SESSION)


def challenge_cookie(settings: Settings, challenge_id: str) -> Cookie:
    # Strict and scoped to the ceremony's own URLs: it binds the challenge to
    # the browser that asked for it.
    return cookies.make(
        cookies.CHALLENGE,
        challenge_id,
        max_age=int(service.CHALLENGE_TTL.total_seconds()),
        https=settings.secure_cookies,
        path=_CEREMONY,
        samesite="strict",
    )


def clear_challenge_cookie(settings: Settings) -> Cookie:
    return cookies.make(
        cookies.CHALLENGE,
        "",
        max_age=0,
        https=settings.secure_cookies,
        path=_CEREMONY,
        samesite="strict",
    )


def challenge_id(request: Request[Any, Any, Any]) -> str | None:
    return cookies.read(request.scope, cookies.CHALLENGE, path=_CEREMONY)


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
            litestar_app = scope["litestar_app"]
            cookies.use_https(litestar_app.state.settings.secure_cookies)
            token = cookies.read(scope, cookies.SESSION)
            # Static files are the same for everyone: no session lookup for them.
            if token and not scope["path"].startswith("/static/"):
                found = await service.user_for_session(
                    litestar_app.state.db, litestar_app.state.settings, token
                )
                if found is not None:
                    state["user"], session = found
                    state["session_id"] = session.id
                    state["session_until"] = service.look_again_by(session)
                    if _is_page_view(scope):
                        async with litestar_app.state.db.reader() as r:
                            state["notices"] = await notifications.unread(r, session.user_id)
        await app(scope, receive, send)

    return middleware
