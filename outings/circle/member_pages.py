"""``/circles/{id}/members``: who is in a circle, and what its moderators do
about each person (accept, decline, make moderator, remove or ban)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.pages import signed_in
from outings.circle import rules, service, store
from outings.circle.models import Circle
from outings.circle.pages import circle_or_404
from outings.ids import is_uuid
from outings.refusals import Invalid, Refused
from outings.web import flash
from outings.web.deps import DB
from outings.web.forms import FormData, field
from outings.web.templating import page


async def members_page(
    request: Request[Any, Any, Any],
    db: DB,
    circle: Circle,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    user = signed_in(request)
    async with db.reader() as r:
        me = await store.member(r, circle.id, user.id)
        everyone = await store.members(r, circle.id)
    if not rules.belongs(me) and not user.is_moderator:
        raise PermissionDeniedException()
    moderates = rules.moderates(user, me)
    return page(
        request,
        "circles/members.html",
        status_code=status_code,
        title=i18n.gettext("Members of %(name)s", name=circle.name),
        circle=circle,
        me=me,
        moderates=moderates,
        may_remove=rules.may_moderate_content(user, me),
        members=[m for m in everyone if m.belongs],
        asked=[m for m in everyone if m.role == "asked"] if moderates else [],
        errors=errors or {},
        typed=typed or {},
    )


@get("/circles/{circle_id:str}/members")
async def show_members(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str]
) -> Template:
    return await members_page(request, db, await circle_or_404(db, circle_id))


def _person(user_id: str) -> str:
    if not is_uuid(user_id):
        raise NotFoundException()
    return user_id


async def _member_action(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: str,
    user_id: str,
    done: str,
    act: Any,
    *,
    typed: dict[str, str] | None = None,
) -> Template | Redirect:
    """Run a moderator's action on one member; the members page comes back
    with the refusal beside that person when it cannot be done."""
    signed_in(request)
    circle = await circle_or_404(db, circle_id)
    _person(user_id)
    try:
        await act(circle)
    except Invalid as exc:
        errors = {f"{k}-{user_id}": v for k, v in exc.errors.items()}
        return await members_page(request, db, circle, errors=errors, typed=typed, status_code=400)
    except Refused as exc:
        if exc.code == "forbidden":
            raise PermissionDeniedException(exc.message) from exc
        if exc.code == "not_found":
            raise NotFoundException(exc.message) from exc
        return await members_page(
            request, db, circle, errors={f"member-{user_id}": exc.message}, status_code=409
        )
    return Redirect(f"/circles/{circle.id}/members", cookies=[flash.cookie(done)])


@post("/circles/{circle_id:str}/members/{user_id:str}/accept")
async def accept_member(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], user_id: FromPath[str]
) -> Template | Redirect:
    user = signed_in(request)
    return await _member_action(
        request,
        db,
        circle_id,
        user_id,
        "member_accepted",
        lambda c: service.decide(db, user, c.id, user_id, accept=True),
    )


@post("/circles/{circle_id:str}/members/{user_id:str}/decline")
async def decline_member(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], user_id: FromPath[str]
) -> Template | Redirect:
    user = signed_in(request)
    return await _member_action(
        request,
        db,
        circle_id,
        user_id,
        "member_declined",
        lambda c: service.decide(db, user, c.id, user_id, accept=False),
    )


@post("/circles/{circle_id:str}/members/{user_id:str}/role")
async def member_role(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: FromPath[str],
    user_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    user = signed_in(request)
    role = field(data, "role")
    return await _member_action(
        request,
        db,
        circle_id,
        user_id,
        "member_role",
        lambda c: service.set_role(db, user, c.id, user_id, role),
    )


@post("/circles/{circle_id:str}/members/{user_id:str}/remove")
async def remove_member(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: FromPath[str],
    user_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    user = signed_in(request)
    reason = field(data, f"reason-{user_id}")
    ban = field(data, "ban") in ("on", "1", "true")
    return await _member_action(
        request,
        db,
        circle_id,
        user_id,
        "member_removed",
        lambda c: service.remove(db, user, c.id, user_id, reason, ban=ban),
        typed={f"reason-{user_id}": reason},
    )


router = Router(
    path="/",
    route_handlers=[show_members, accept_member, decline_member, member_role, remove_member],
    include_in_schema=False,
)
