"""Errors as a person or a program should meet them.

Pages get a friendly page in the reader's language; the JSON API gets
``{"error": {"code", "message", "fields"}}`` with a 4xx status. Nothing ever
shows a stack trace; unexpected errors are logged and answered with a 500
page that says sorry.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
    ValidationException,
)
from litestar.response import Redirect

from outings import i18n
from outings.db import TransientDatabaseError
from outings.i18n import gettext as _
from outings.web import cookies, flash
from outings.web.middleware import loggable_path
from outings.web.templating import csrf_input, csrf_token, layout_context

log = logging.getLogger("outings.errors")


class ErrorBody(msgspec.Struct, omit_defaults=True):
    code: str
    message: str
    fields: dict[str, str] = msgspec.field(default_factory=dict)
    #: e.g. the mutation id a sync push should resend from
    expected: int | None = None


class ErrorEnvelope(msgspec.Struct):
    error: ErrorBody


class ApiError(HTTPException):
    """A 4xx for the JSON API with a stable ``code`` and a message for people."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=message, status_code=status_code, headers=headers)
        self.code = code
        self.fields = fields or {}
        self.more = extra or {}


def wants_json(request: Request[Any, Any, Any]) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _too_many(exc: HTTPException) -> str:
    """Words for a 429: how long to wait, from its ``Retry-After``."""
    try:
        seconds = int((exc.headers or {}).get("retry-after", "60"))
    except ValueError:
        seconds = 60
    minutes = max(1, -(-seconds // 60))
    return i18n.ngettext(
        "You have done that many times in a short while. Please wait %(num)d minute,"
        " then try again.",
        "You have done that many times in a short while. Please wait %(num)d minutes,"
        " then try again.",
        minutes,
    )


def _describe(exc: Exception) -> tuple[int, str, str, dict[str, str]]:
    """Status, code, message and field errors for any exception."""
    if isinstance(exc, ApiError):
        return exc.status_code, exc.code, exc.detail, exc.fields
    if isinstance(exc, RecursionError):
        # Only input nests without bound here: JSON a thousand arrays deep.
        return 400, "invalid", _("What was sent is nested too deeply to read."), {}
    if isinstance(exc, TransientDatabaseError):
        return 503, "busy", _("We are very busy right now. Please try again in a moment."), {}
    if isinstance(exc, ValidationException) or (
        isinstance(exc, HTTPException) and exc.status_code == 400
    ):
        fields = {}
        if isinstance(exc, HTTPException) and isinstance(exc.extra, list):
            for item in exc.extra:
                if isinstance(item, dict) and item.get("key"):
                    fields[str(item["key"])] = str(item.get("message", ""))
        return 400, "invalid", _("Some of what was sent is not valid."), fields
    if isinstance(exc, NotFoundException):
        return 404, "not_found", _("We could not find that page."), {}
    if isinstance(exc, NotAuthorizedException):
        return 401, "sign_in_needed", _("Please sign in first."), {}
    if isinstance(exc, PermissionDeniedException):
        if "CSRF" in exc.detail:
            message = _("This form has expired. Please go back, reload the page and try again.")
            return 403, "csrf_failed", message, {}
        return 403, "forbidden", _("You are not allowed to do that."), {}
    if isinstance(exc, TooManyRequestsException):
        return 429, "rate_limited", _too_many(exc), {}
    if isinstance(exc, HTTPException) and exc.status_code == 413:
        return 413, "too_large", _("That is too much to send at once."), {}
    if isinstance(exc, MethodNotAllowedException):
        return 405, "method_not_allowed", _("That cannot be done here."), {}
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        return exc.status_code, "bad_request", _("Something in that request was not right."), {}
    return 500, "server_error", _("Sorry, something went wrong on our side."), {}


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any] | Redirect:
    status, code, message, fields = _describe(exc)
    if status >= 500 and not isinstance(exc, TransientDatabaseError):
        where = loggable_path(request.url.path)
        log.exception("unhandled error on %s %s", request.method, where, exc_info=exc)
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    if status == 503:
        headers.setdefault("retry-after", "2")
    if wants_json(request):
        expected = exc.more.get("expected") if isinstance(exc, ApiError) else None
        return Response(
            ErrorEnvelope(ErrorBody(code, message, fields, expected)),
            status_code=status,
            media_type=MediaType.JSON,
            headers=headers,
        )
    if status == 401 and request.headers.get("x-outings-prefetch"):
        # The service worker storing pages ahead: no page to send to, no message to leave.
        return Response(b"", status_code=401, headers={"cache-control": "no-store"})
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(
            f"/login?{urlencode({'next': target})}", cookies=[flash.cookie("sign_in_needed")]
        )
    if request.scope.get("route_handler") is None or "user" not in request.state:
        # Unrouted requests (a 404) skip the middleware that picks the language.
        i18n.set_locale(
            i18n.negotiate(
                cookies.read(request.scope, cookies.LANGUAGE),
                request.headers.get("accept-language"),
            )
        )
    context = {
        **layout_context(request, None),
        "notices": [],
        "status": status,
        "code": code,
        "message": message,
        "title": message,
        "csrf_input": csrf_input(csrf_token(request)),
    }
    try:
        # Rendered here, not lazily, so that a broken error page still answers.
        engine = request.app.template_engine
        assert engine is not None
        html = engine.get_template("errors/error.html").render(**context)
    except Exception:
        log.exception("the error page itself failed")
        html = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>"
    return Response(html, status_code=status, headers=headers, media_type=MediaType.HTML)
