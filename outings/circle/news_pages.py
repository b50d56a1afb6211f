"""The circle's news page, and a moderator sending it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.pages import signed_in
from outings.accounts.sessions import current_user
from outings.circle import news, rules, store
from outings.circle.models import Circle
from outings.circle.pages import circle_or_404
from outings.ids import is_uuid, new_id
from outings.refusals import Invalid, Refused
from outings.web import flash
from outings.web.deps import DB
from outings.web.forms import FormData, field
from outings.web.templating import page


async def news_page(
    request: Request[Any, Any, Any],
    db: DB,
    circle: Circle,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: str = "",
    status_code: int = 200,
) -> Template:
    """This week in the circle, as this person may see it: members all of
    it, anyone else the circle's public outings. Moderators also get the
    form that sends it."""
    user = current_user(request)
    now = datetime.now(UTC)
    async with db.reader() as r:
        me = None if user is None else await store.member(r, circle.id, user.id)
        moderates = rules.moderates(user, me)
        found = await news.contents(r, circle.id, me, now)
        draft = await news.draft(r, circle.id, now) if moderates else None
    typed = typed or {}
    return page(
        request,
        "circles/news.html",
        status_code=status_code,
        title=i18n.gettext("This week in %(name)s", name=circle.name),
        circle=circle,
        me=me,
        moderates=moderates,
        news=found,
        draft=draft,
        new_id=typed.get("id") or new_id(),
        typed=typed,
        errors=errors or {},
        refusal=refusal,
    )


@get("/circles/{circle_id:str}/news")
async def show_news(request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str]) -> Template:
    return await news_page(request, db, await circle_or_404(db, circle_id))


@post("/circles/{circle_id:str}/news")
async def send_news(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    typed = {"id": field(data, "id"), "note": field(data, "note")}
    if not is_uuid(typed["id"]):
        typed["id"] = new_id()
    try:
        await news.send(db, user, circle.id, typed["id"], typed["note"])
    except Invalid as exc:
        return await news_page(request, db, circle, typed=typed, errors=exc.errors, status_code=400)
    except Refused as exc:
        if exc.code == "conflict":
            typed["id"] = new_id()
            return await news_page(
                request, db, circle, typed=typed, refusal=exc.message, status_code=409
            )
        raise PermissionDeniedException(exc.message) from exc
    return Redirect(f"/circles/{circle.id}/news", cookies=[flash.cookie("news_sent")])


router = Router(path="/", route_handlers=[show_news, send_news], include_in_schema=False)
