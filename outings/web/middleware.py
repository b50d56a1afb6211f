"""Middleware every request passes: the request log, clean input, the language, the API's door."""

from __future__ import annotations

import logging
import time
from typing import Any

import msgspec
from litestar.connection import Request
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from outings import i18n
from outings.web import cookies, forms

log = logging.getLogger("outings.request")
_encode = msgspec.json.Encoder().encode


def request_log(app: ASGIApp) -> ASGIApp:
    """Log one structured line per request: method, path, status, milliseconds."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not log.isEnabledFor(logging.INFO):
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        except HTTPException as exc:
            # raised by a middleware (a limit, the API's door): answered further out
            status = exc.status_code
            raise
        finally:
            record = {
                "method": scope["method"],
                "path": loggable_path(scope["path"]),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 2),
            }
            log.info(_encode(record).decode())

    return middleware


def loggable_path(path: str) -> str:
    """The path as the log keeps it: a calendar feed's secret never written down."""
    if path.startswith("/calendar/"):
        return "/calendar/…"
    return path


def clean_input(app: ASGIApp) -> ASGIApp:
    """Take control characters out of the query string and of URL-encoded forms.

    Before anything reads them (the CSRF check reads the form too), so every
    handler gets clean text; see :func:`outings.web.forms.clean_encoded`.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            query: bytes = scope.get("query_string", b"")
            if query and forms.needs_cleaning(query):
                scope["query_string"] = forms.clean_encoded(query, form=False)
            if scope["method"] == "POST" and _is_form(scope):
                # Read once within the app's body limit (a 413 past it), then
                # kept where Litestar reads a request's body from.
                body = await Request[Any, Any, Any](scope, receive).body()
                if forms.needs_cleaning(body):
                    ScopeState.from_scope(scope).body = forms.clean_encoded(body, form=True)
        await app(scope, receive, send)

    return middleware


def _is_form(scope: Scope) -> bool:
    content_type = Headers.from_scope(scope).get("content-type", "")
    return content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded"


async def head_without_body(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook: a HEAD request gets what GET would, less the body.

    Its headers (the length included) stay those of the GET, as HTTP says.
    """
    if message["type"] == "http.response.body" and scope.get("method") == "HEAD":
        message["body"] = b""


def locale(app: ASGIApp) -> ASGIApp:
    """Pick the language: the parent's choice (cookie), else their browser's."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            chosen = cookies.read(scope, cookies.LANGUAGE)
            accepted = Headers.from_scope(scope).get("accept-language")
            i18n.set_locale(i18n.negotiate(chosen, accepted))
        await app(scope, receive, send)

    return middleware


def json_api_guard(origin: str) -> Any:
    """Cross-site request forgery defence for ``/api/``: JSON only, our Origin only.

    A form on another site can neither send ``application/json`` nor forge
    the ``Origin`` header, which browsers send with every such request.
    """
    from outings.web.errors import ApiError

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if (
                scope["type"] == ScopeType.HTTP
                and scope["path"].startswith("/api/")
                and scope["method"] not in ("GET", "HEAD", "OPTIONS")
            ):
                headers = Headers.from_scope(scope)
                content_type = headers.get("content-type", "").split(";")[0].strip().lower()
                if content_type != "application/json":
                    raise ApiError(
                        415, "json_required", i18n.gettext("Send the request as application/json.")
                    )
                sent_origin = headers.get("origin")
                if sent_origin is not None and sent_origin != origin:
                    raise ApiError(
                        403,
                        "bad_origin",
                        i18n.gettext("This request came from another site and was refused."),
                    )
            await app(scope, receive, send)

        return middleware

    return factory
