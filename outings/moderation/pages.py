"""``/moderation``: venues to verify, claims to decide, reports to handle."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.models import User
from outings.accounts.pages import signed_in
from outings.moderation import service, store
from outings.outing.service import utcnow
from outings.refusals import Invalid, Refused
from outings.venue import store as venue_store
from outings.web import flash
from outings.web.deps import DB
from outings.web.forms import FormData, field
from outings.web.templating import page


def moderator(request: Request[Any, Any, Any]) -> User:
    user = signed_in(request)
    if not user.is_moderator:
        raise PermissionDeniedException(i18n.gettext("Only moderators can do that."))
    return user


async def _queue(
    request: Request[Any, Any, Any],
    db: DB,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
) -> Template:
    async with db.reader() as r:
        to_verify = await venue_store.unverified(r)
        claims = await venue_store.pending_claims(r)
        reports = await store.open_reports(r, service.escalated_before(utcnow()))
        log = await store.recent_log(r)
    return page(
        request,
        "moderation/queue.html",
        status_code=status_code,
        title=i18n.gettext("Moderation"),
        to_verify=to_verify,
        claims=claims,
        reports=reports,
        log=log,
        errors=errors or {},
    )


@get("/moderation")
async def queue(request: Request[Any, Any, Any], db: DB) -> Template:
    moderator(request)
    return await _queue(request, db)


def _done() -> Redirect:
    return Redirect("/moderation", cookies=[flash.cookie("moderation_done")])


async def _run(call: Any) -> None:
    try:
        await call
    except Refused as exc:
        raise NotFoundException(exc.message) from exc


@post("/moderation/venues/{venue_id:str}/verify")
async def verify(request: Request[Any, Any, Any], db: DB, venue_id: FromPath[str]) -> Redirect:
    await _run(service.verify_venue(db, moderator(request), venue_id))
    return _done()


@post("/moderation/claims/{claim_id:str}/{decision:str}")
async def decide(
    request: Request[Any, Any, Any], db: DB, claim_id: FromPath[str], decision: FromPath[str]
) -> Redirect:
    if decision not in ("approve", "refuse"):
        raise NotFoundException()
    await _run(service.decide_claim(db, moderator(request), claim_id, decision == "approve"))
    return _done()


@post("/moderation/hide")
async def hide(request: Request[Any, Any, Any], db: DB, data: FormData) -> Redirect | Template:
    user = moderator(request)
    try:
        await _run(
            service.hide(
                db,
                user,
                field(data, "target_type"),
                field(data, "target_id"),
                field(data, "reason"),
            )
        )
    except Invalid as exc:
        return await _queue(
            request,
            db,
            status_code=400,
            errors={f"hide-{field(data, 'target_id')}": "; ".join(exc.errors.values())},
        )
    return _done()


@post("/moderation/reports/{report_id:str}/dismiss")
async def dismiss(request: Request[Any, Any, Any], db: DB, report_id: FromPath[str]) -> Redirect:
    await _run(service.dismiss(db, moderator(request), report_id))
    return _done()


router = Router(
    path="/", route_handlers=[queue, verify, decide, hide, dismiss], include_in_schema=False
)
