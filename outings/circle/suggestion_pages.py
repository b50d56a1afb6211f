"""The suggestion box's pages: a member writes to the moderators; they answer and close."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.pages import signed_in
from outings.circle import rules, store, suggestions
from outings.circle.models import Circle
from outings.circle.pages import circle_or_404, refused
from outings.ids import is_uuid, new_id
from outings.refusals import Invalid, Refused
from outings.web import flash
from outings.web.deps import DB
from outings.web.forms import FormData, field
from outings.web.templating import page


async def box_page(
    request: Request[Any, Any, Any],
    db: DB,
    circle: Circle,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: str = "",
    status_code: int = 200,
) -> Template:
    """Members: the form and their own suggestions with the answers. The
    circle's moderators: every open suggestion, and the ones closed lately."""
    user = signed_in(request)
    async with db.reader() as r:
        me = await store.member(r, circle.id, user.id)
        if not rules.belongs(me):
            raise PermissionDeniedException()
        moderates = rules.moderates(user, me)
        box = await suggestions.box_for(r, circle.id, user.id, moderates=moderates)
    typed = typed or {}
    return page(
        request,
        "circles/suggestions.html",
        status_code=status_code,
        title=i18n.gettext("Suggestion box of %(name)s", name=circle.name),
        circle=circle,
        moderates=moderates,
        box=box,
        new_id=typed.get("id") or new_id(),
        typed=typed,
        errors=errors or {},
        refusal=refusal,
    )


@get("/circles/{circle_id:str}/suggestions")
async def show_suggestions(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str]
) -> Template:
    return await box_page(request, db, await circle_or_404(db, circle_id))


@post("/circles/{circle_id:str}/suggestions")
async def send_suggestion(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    typed = {"id": field(data, "id"), "body": field(data, "body")}
    if not is_uuid(typed["id"]):
        typed["id"] = new_id()
    try:
        await suggestions.add(db, user, circle.id, typed["id"], typed["body"])
    except Invalid as exc:
        return await box_page(request, db, circle, typed=typed, errors=exc.errors, status_code=400)
    except Refused as exc:
        if exc.code == "conflict":
            typed["id"] = new_id()
            return await box_page(
                request, db, circle, typed=typed, refusal=exc.message, status_code=409
            )
        raise refused(exc) from exc
    return Redirect(f"/circles/{circle.id}/suggestions", cookies=[flash.cookie("suggestion_sent")])


def _suggestion_id(suggestion_id: str) -> str:
    if not is_uuid(suggestion_id):
        raise NotFoundException()
    return suggestion_id


@post("/circles/{circle_id:str}/suggestions/{suggestion_id:str}/answer")
async def answer_suggestion(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: FromPath[str],
    suggestion_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    answer = field(data, "answer")
    key = f"answer-{suggestion_id}"
    try:
        await suggestions.answer(db, user, circle.id, _suggestion_id(suggestion_id), answer)
    except Invalid as exc:
        return await box_page(
            request,
            db,
            circle,
            typed={key: answer},
            errors={key: "; ".join(exc.errors.values())},
            status_code=400,
        )
    except Refused as exc:
        raise refused(exc) from exc
    return Redirect(
        f"/circles/{circle.id}/suggestions#suggestion-{suggestion_id}",
        cookies=[flash.cookie("suggestion_answered")],
    )


@post("/circles/{circle_id:str}/suggestions/{suggestion_id:str}/close")
async def close_suggestion(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], suggestion_id: FromPath[str]
) -> Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    try:
        await suggestions.close(db, user, circle.id, _suggestion_id(suggestion_id))
    except Refused as exc:
        raise refused(exc) from exc
    return Redirect(
        f"/circles/{circle.id}/suggestions", cookies=[flash.cookie("suggestion_closed")]
    )


router = Router(
    path="/",
    route_handlers=[show_suggestions, send_suggestion, answer_suggestion, close_suggestion],
    include_in_schema=False,
)
