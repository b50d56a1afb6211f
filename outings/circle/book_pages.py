"""The address book's pages: read it, recommend a service, and run it."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.pages import signed_in
from outings.accounts.sessions import current_user
from outings.circle import book, entry_store, rules, store
from outings.circle.book_models import KINDS, EntryInput
from outings.circle.models import Circle
from outings.circle.pages import circle_or_404, refused
from outings.ids import is_uuid, new_id
from outings.moderation import service as moderation
from outings.refusals import Invalid, Refused
from outings.web import flash
from outings.web.deps import DB
from outings.web.forms import FormData, field
from outings.web.templating import page

FIELDS = ("id", "kind", "name", "phone", "email", "address", "website", "note")


def _blank() -> dict[str, str]:
    return dict.fromkeys(FIELDS, "") | {"id": new_id()}


def _typed(data: dict[str, Any]) -> dict[str, str]:
    return {name: field(data, name) for name in FIELDS}


def _parsed(values: dict[str, str]) -> EntryInput:
    return EntryInput(**{name: values[name] for name in FIELDS if name != "id"})


def _kinds() -> list[tuple[str, str]]:
    return [(code, str(words)) for code, (words, _icon) in KINDS.items()]


async def book_page(
    request: Request[Any, Any, Any],
    db: DB,
    circle: Circle,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    refusal: str = "",
    status_code: int = 200,
) -> Template:
    """The book as this person may read it. Outside the circle: only that it
    keeps one, and how many services are in it. ``values``/``errors``: the
    add form as it was typed; ``typed``: a moderator's reason for hiding."""
    user = current_user(request)
    async with db.reader() as r:
        me = None if user is None else await store.member(r, circle.id, user.id)
        moderates = rules.moderates(user, me)
        found = None
        if user is not None and book.may_read(me):
            found = await book.book_for(r, circle.id, user.id, moderates=moderates)
        count = found.count if found else await entry_store.shown_count(r, circle.id)
    return page(
        request,
        "circles/book.html",
        status_code=status_code,
        title=i18n.gettext("Address book of %(name)s", name=circle.name),
        circle=circle,
        me=me,
        moderates=moderates,
        may_hide=rules.may_moderate_content(user, me),
        book=found,
        count=count,
        kinds=_kinds(),
        v=values or _blank(),
        errors=errors or {},
        typed=typed or {},
        refusal=refusal,
    )


@get("/circles/{circle_id:str}/book")
async def show_book(request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str]) -> Template:
    return await book_page(request, db, await circle_or_404(db, circle_id))


@post("/circles/{circle_id:str}/entries")
async def add_entry(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    values = _typed(data)
    values["id"] = values["id"] if is_uuid(values["id"]) else new_id()
    try:
        entry = await book.add(db, user, circle.id, values["id"], _parsed(values))
    except Invalid as exc:
        return await book_page(
            request, db, circle, values=values, errors=exc.errors, status_code=400
        )
    except Refused as exc:
        if exc.code == "conflict":
            values["id"] = new_id()
            return await book_page(
                request, db, circle, values=values, refusal=exc.message, status_code=409
            )
        raise refused(exc) from exc
    code = "entry_added" if entry.status == "approved" else "entry_sent"
    return Redirect(f"/circles/{circle.id}/book", cookies=[flash.cookie(code)])


def _entry_id(entry_id: str) -> str:
    if not is_uuid(entry_id):
        raise NotFoundException()
    return entry_id


@post("/circles/{circle_id:str}/entries/{entry_id:str}/recommend")
async def recommend_entry(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], entry_id: FromPath[str]
) -> Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    try:
        await book.recommend(db, user, _entry_id(entry_id), circle_id=circle.id)
    except Refused as exc:
        raise refused(exc) from exc
    return Redirect(
        f"/circles/{circle.id}/book#entry-{entry_id}", cookies=[flash.cookie("entry_recommended")]
    )


async def _decide(
    request: Request[Any, Any, Any], db: DB, circle_id: str, entry_id: str, *, approve: bool
) -> Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    try:
        await book.decide(db, user, circle.id, _entry_id(entry_id), approve=approve)
    except Refused as exc:
        raise refused(exc) from exc
    code = "entry_approved" if approve else "entry_declined"
    return Redirect(f"/circles/{circle.id}/book", cookies=[flash.cookie(code)])


@post("/circles/{circle_id:str}/entries/{entry_id:str}/approve")
async def approve_entry(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], entry_id: FromPath[str]
) -> Redirect:
    return await _decide(request, db, circle_id, entry_id, approve=True)


@post("/circles/{circle_id:str}/entries/{entry_id:str}/decline")
async def decline_entry(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], entry_id: FromPath[str]
) -> Redirect:
    return await _decide(request, db, circle_id, entry_id, approve=False)


@post("/circles/{circle_id:str}/entries/{entry_id:str}/hide")
async def hide_entry(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: FromPath[str],
    entry_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    user = signed_in(request)
    circle = await circle_or_404(db, circle_id)
    reason = field(data, "reason")
    try:
        await moderation.hide(db, user, "entry", _entry_id(entry_id), reason, circle_id=circle.id)
    except Invalid as exc:
        errors = {f"{k}-{entry_id}": v for k, v in exc.errors.items()}
        return await book_page(
            request,
            db,
            circle,
            errors=errors,
            typed={f"reason-{entry_id}": reason},
            status_code=400,
        )
    except Refused as exc:
        raise refused(exc) from exc
    return Redirect(f"/circles/{circle.id}/book", cookies=[flash.cookie("moderation_done")])


router = Router(
    path="/",
    route_handlers=[
        show_book,
        add_entry,
        recommend_entry,
        approve_entry,
        decline_entry,
        hide_entry,
    ],
    include_in_schema=False,
)
