"""``/circles/{id}/moderation``: a circle's reports and log, for its moderators first.

Reports on anything in a circle reach its own moderators; the site's
moderators see them too once they wait longer than 48 hours
(moderation.service.ESCALATE_AFTER), and may act here at any time.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.pages import signed_in
from outings.circle import rules, store
from outings.circle.models import Circle
from outings.circle.pages import circle_or_404
from outings.moderation import service
from outings.moderation import store as moderation_store
from outings.refusals import Invalid, Refused
from outings.web import flash
from outings.web.deps import DB
from outings.web.forms import FormData, field
from outings.web.templating import page


async def _circle_moderated(request: Request[Any, Any, Any], db: DB, circle_id: str) -> Circle:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    async with db.reader() as r:
        me = await store.member(r, circle.id, user.id)
    if not rules.may_moderate_content(user, me):
        raise PermissionDeniedException(i18n.gettext("Only the circle's moderators can do that."))
    return circle


async def _queue(
    request: Request[Any, Any, Any],
    db: DB,
    circle: Circle,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    async with db.reader() as r:
        reports = await moderation_store.circle_reports(r, circle.id)
        log = await moderation_store.recent_log(r, circle_id=circle.id)
    return page(
        request,
        "circles/moderation.html",
        status_code=status_code,
        title=i18n.gettext("Moderation of %(name)s", name=circle.name),
        circle=circle,
        reports=reports,
        log=log,
        base=f"/circles/{circle.id}/moderation",
        errors=errors or {},
    )


@get("/circles/{circle_id:str}/moderation")
async def circle_queue(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str]
) -> Template:
    return await _queue(request, db, await _circle_moderated(request, db, circle_id))


def _done(circle: Circle) -> Redirect:
    return Redirect(f"/circles/{circle.id}/moderation", cookies=[flash.cookie("moderation_done")])


@post("/circles/{circle_id:str}/moderation/hide")
async def circle_hide(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], data: FormData
) -> Redirect | Template:
    user = signed_in(request)
    circle = await _circle_moderated(request, db, circle_id)
    target_id = field(data, "target_id")
    try:
        await service.hide(
            db,
            user,
            field(data, "target_type"),
            target_id,
            field(data, "reason"),
            circle_id=circle.id,
        )
    except Invalid as exc:
        errors = {f"hide-{target_id}": "; ".join(exc.errors.values())}
        return await _queue(request, db, circle, errors=errors, status_code=400)
    except Refused as exc:
        raise NotFoundException(exc.message) from exc
    return _done(circle)


@post("/circles/{circle_id:str}/moderation/reports/{report_id:str}/dismiss")
async def circle_dismiss(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], report_id: FromPath[str]
) -> Redirect:
    user = signed_in(request)
    circle = await _circle_moderated(request, db, circle_id)
    try:
        await service.dismiss(db, user, report_id, circle_id=circle.id)
    except Refused as exc:
        raise NotFoundException(exc.message) from exc
    return _done(circle)


router = Router(
    path="/",
    route_handlers=[circle_queue, circle_hide, circle_dismiss],
    include_in_schema=False,
)
