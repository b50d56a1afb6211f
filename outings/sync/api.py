"""``/api/sync/push`` and ``/api/sync/pull`` (docs/sync.md)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.params import FromQuery, QueryParameter

from outings.accounts.sessions import current_user
from outings.i18n import gettext as _
from outings.i18n import ngettext
from outings.sync import pull as pulling
from outings.sync import push as pushing
from outings.sync.protocol import (
    MAX_MUTATIONS,
    MAX_PUSH_BYTES,
    PULL_PAGE,
    PullResponse,
    PushResponse,
    decode_push,
)
from outings.web import conditional
from outings.web.deps import DB
from outings.web.errors import ApiError
from outings.web.openapi import PUSH_ERRORS, SIGNED_IN, SIGNED_IN_OR_NOT, PushOperation, errors


@post(
    "/push",
    status_code=200,
    request_max_body_size=MAX_PUSH_BYTES,
    operation_class=PushOperation,
    responses=PUSH_ERRORS,
    security=SIGNED_IN,
)
async def push(request: Request[Any, Any, Any], db: DB) -> PushResponse:
    user = current_user(request)
    if user is None:
        raise ApiError(401, "sign_in_needed", _("Please sign in to send your changes."))
    try:
        body = decode_push(await request.body())
    except (msgspec.DecodeError, RecursionError) as exc:
        raise ApiError(
            400, "invalid", _("The changes could not be read."), {"body": str(exc)}
        ) from exc
    if len(body.mutations) > MAX_MUTATIONS:
        raise ApiError(
            413,
            "too_many_mutations",
            ngettext(
                "Send at most %(num)d change at once.",
                "Send at most %(num)d changes at once.",
                MAX_MUTATIONS,
            ),
        )
    try:
        return await pushing.push(db, user, body)
    except pushing.PushRefused as exc:
        raise ApiError(exc.status, exc.code, exc.message, extra=exc.extra) from exc


@get("/pull", responses=errors(400, 503), security=SIGNED_IN_OR_NOT)
async def pull(
    request: Request[Any, Any, Any],
    db: DB,
    cursor: Annotated[int, QueryParameter(ge=0)] = 0,
    client_id: FromQuery[str | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=PULL_PAGE)] = PULL_PAGE,
) -> Response[PullResponse]:
    if cursor < 0 or not 1 <= limit <= PULL_PAGE:
        raise ApiError(
            400, "invalid", _("cursor must be 0 or more, limit 1 to %(max)d.", max=PULL_PAGE)
        )
    known: pulling.Versions = request.app.state.pulled
    result = await pulling.pull(db, current_user(request), cursor, client_id, limit, known)
    if not client_id and result.cursor == cursor and not (result.changes or result.reset):
        # "Nothing new" at the head of the log: the same for any phone, signed
        # in or not, until the next write; the front desk answers it again.
        conditional.keep(request.scope, everyone=True)
    return Response(result, headers={"cache-control": "private, no-store"})


router = Router(path="/api/sync", route_handlers=[push, pull], tags=["sync"])
