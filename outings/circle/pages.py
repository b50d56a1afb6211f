"""Circle pages: find circles, start one, a circle's page, join, leave, and its members."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.pages import signed_in
from outings.accounts.sessions import current_user
from outings.circle import board, book, circle_outings, forms, rules, service, store
from outings.circle.models import EMOJIS, PALETTE, Circle, Member
from outings.ids import is_uuid, new_id
from outings.moderation import store as moderation_store
from outings.outing import browse
from outings.refusals import Invalid, Refused
from outings.web import flash
from outings.web.deps import DB, Conf
from outings.web.forms import FormData, field
from outings.web.templating import page


def _choices() -> dict[str, Any]:
    """What the circle form offers: languages, colours, emojis."""
    return {
        "languages": [("", i18n.gettext("Any language"))]
        + [(code, i18n.language_name(code)) for code in i18n.LOCALES],
        "palette": [(name, str(words), bg, fg) for name, (words, bg, fg) in PALETTE.items()],
        "emojis": EMOJIS,
    }


@get("/circles")
async def circles(
    request: Request[Any, Any, Any], db: DB, settings: Conf, area: FromQuery[str] = ""
) -> Template:
    user = current_user(request)
    chosen = area.strip()[:60] or browse.home_area(request)
    async with db.reader() as r:
        found = await store.listed(r, chosen)
        mine = {} if user is None else await store.roles_of(r, user.id)
        areas = await store.areas(r)
        next_outings = await circle_outings.next_outings(r, settings, user, found)
    return page(
        request,
        "circles/list.html",
        title=i18n.gettext("Circles"),
        mine=[c for c in found if mine.get(c.id) in ("member", "moderator")],
        others=[c for c in found if mine.get(c.id) not in ("member", "moderator")],
        roles=mine,
        next_outings=next_outings,
        area=chosen,
        areas=areas,
    )


async def _form_page(
    request: Request[Any, Any, Any],
    values: dict[str, str],
    *,
    circle: Circle | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        request,
        "circles/form.html",
        status_code=status_code,
        v=values,
        circle=circle,
        errors=errors or {},
        title=i18n.gettext("Edit the circle") if circle else i18n.gettext("Start a circle"),
        **_choices(),
    )


@get("/circles/new")
async def new_circle(request: Request[Any, Any, Any]) -> Template:
    signed_in(request)
    values = forms.blank(new_id(), browse.home_area(request), i18n.current_locale())
    return await _form_page(request, values)


@post("/circles")
async def create_circle(
    request: Request[Any, Any, Any], db: DB, data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    values = forms.from_post(data)
    circle_id = values["id"] if is_uuid(values["id"]) else new_id()
    values["id"] = circle_id
    try:
        await service.create(db, user, circle_id, forms.parsed(values))
    except Invalid as exc:
        return await _form_page(request, values, errors=exc.errors, status_code=400)
    except Refused as exc:
        raise PermissionDeniedException(exc.message) from exc
    return Redirect(f"/circles/{circle_id}", cookies=[flash.cookie("circle_started")])


async def circle_or_404(db: DB, circle_id: str) -> Circle:
    if not is_uuid(circle_id):
        raise NotFoundException()
    async with db.reader() as r:
        circle = await store.get(r, circle_id)
    if circle is None:
        raise NotFoundException()
    return circle


def refused(exc: Refused) -> Exception:
    """A refusal as the HTTP error a page answers: 404 when it is not there (or
    not hers to know of), else 403."""
    if exc.code == "not_found":
        return NotFoundException(exc.message)
    return PermissionDeniedException(exc.message)


async def _me(db: DB, circle_id: str, request: Request[Any, Any, Any]) -> Member | None:
    user = current_user(request)
    if user is None:
        return None
    async with db.reader() as r:
        return await store.member(r, circle_id, user.id)


async def circle_page(
    request: Request[Any, Any, Any],
    db: DB,
    circle: Circle,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """A circle's page as this person may see it; ``errors``/``typed`` bring
    back a form of the page that was refused, with what was typed."""
    user = current_user(request)
    async with db.reader() as r:
        me = None if user is None else await store.member(r, circle.id, user.id)
        everyone = await store.members(r, circle.id)
        upcoming = await circle_outings.upcoming(r, circle, me)
        board_section = await board.section(r, circle, user, me)
        book_summary = await book.summary(r, circle.id, me)
        moderates = rules.moderates(user, me)
        reports = len(await moderation_store.circle_reports(r, circle.id)) if moderates else 0
    belongs = rules.belongs(me)
    return page(
        request,
        "circles/show.html",
        status_code=status_code,
        title=circle.name,
        circle=circle,
        me=me,
        belongs=belongs,
        moderates=moderates,
        open_reports=reports,
        # names to members only; a parent deciding whether to join sees who runs it
        members=[m for m in everyone if m.belongs] if belongs else [],
        moderators=[m for m in everyone if m.moderates] if user else [],
        asked=sum(1 for m in everyone if m.role == "asked"),
        circle_outings=upcoming,
        board=board_section,
        book_summary=book_summary,
        errors=errors or {},
        typed=typed or {},
    )


@get("/circles/{circle_id:str}")
async def show_circle(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str]
) -> Template:
    return await circle_page(request, db, await circle_or_404(db, circle_id))


async def _moderated(request: Request[Any, Any, Any], db: DB, circle_id: str) -> Circle:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    if not rules.moderates(user, await _me(db, circle.id, request)):
        raise PermissionDeniedException()
    return circle


@get("/circles/{circle_id:str}/edit")
async def edit_circle_page(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str]
) -> Template:
    circle = await _moderated(request, db, circle_id)
    return await _form_page(request, forms.from_circle(circle), circle=circle)


@post("/circles/{circle_id:str}")
async def update_circle(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    circle = await _moderated(request, db, circle_id)
    values = forms.from_post(data) | {"id": circle.id}
    try:
        await service.update(db, user, circle.id, forms.parsed(values))
    except Invalid as exc:
        return await _form_page(request, values, circle=circle, errors=exc.errors, status_code=400)
    return Redirect(f"/circles/{circle.id}", cookies=[flash.cookie("circle_saved")])


@post("/circles/{circle_id:str}/join")
async def join_circle(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    message = field(data, "message")
    try:
        member = await service.join(db, user, circle.id, message)
    except Invalid as exc:
        return await circle_page(
            request, db, circle, errors=exc.errors, typed={"message": message}, status_code=400
        )
    except Refused as exc:
        return await circle_page(request, db, circle, errors={"join": exc.message}, status_code=403)
    code = "circle_asked" if member.role == "asked" else "circle_joined"
    return Redirect(f"/circles/{circle.id}", cookies=[flash.cookie(code)])


@post("/circles/{circle_id:str}/leave")
async def leave_circle(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str]
) -> Template | Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    try:
        await service.leave(db, user, circle.id)
    except Refused as exc:
        return await circle_page(
            request, db, circle, errors={"leave": exc.message}, status_code=409
        )
    return Redirect(f"/circles/{circle.id}", cookies=[flash.cookie("circle_left")])


router = Router(
    path="/",
    route_handlers=[
        circles,
        new_circle,
        create_circle,
        show_circle,
        edit_circle_page,
        update_circle,
        join_circle,
        leave_circle,
    ],
    include_in_schema=False,
)
