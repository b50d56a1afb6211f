"""Account pages: sign up, sign in, sign out, and ``/me``."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from outings.accounts import rules, service, sessions, store
from outings.accounts.models import User
from outings.db import now_iso
from outings.web import flash
from outings.web.deps import DB, Conf
from outings.web.forms import FormData, field, safe_next
from outings.web.templating import page


def signed_in(request: Request[Any, Any, Any]) -> User:
    user = sessions.current_user(request)
    if user is None:
        raise NotAuthorizedException()
    return user


@get("/register")
async def register_page(
    request: Request[Any, Any, Any], next: FromQuery[str | None] = None
) -> Template | Redirect:
    if sessions.current_user(request) is not None:
        return Redirect("/me")
    return page(request, "accounts/register.html", next=safe_next(next, "/me"))


@get("/login")
async def login_page(
    request: Request[Any, Any, Any], next: FromQuery[str | None] = None
) -> Template | Redirect:
    if sessions.current_user(request) is not None:
        return Redirect(safe_next(next, "/me"))
    return page(request, "accounts/login.html", next=safe_next(next, "/me"))


@post("/logout")
async def logout(request: Request[Any, Any, Any], db: DB, settings: Conf) -> Redirect:
    token = request.cookies.get(sessions.COOKIE)
    if token:
        await service.end_session(db, token)
    return Redirect(
        "/", cookies=[sessions.clear_session_cookie(settings), flash.cookie("signed_out")]
    )


async def _me_page(
    request: Request[Any, Any, Any],
    db: DB,
    user: User,
    *,
    status_code: int = 200,
    rename: tuple[str, str, str] | None = None,
) -> Template:
    now = now_iso()
    async with db.reader() as r:
        passkeys = await store.list_passkeys(r, user.id)
        active = await store.list_sessions(r, user.id, now)
    return page(
        request,
        "accounts/me.html",
        status_code=status_code,
        passkeys=passkeys,
        sessions=active,
        current_session=sessions.current_session_id(request),
        device_name=rules.device_name,
        rename=rename,
    )


@get("/me")
async def me(request: Request[Any, Any, Any], db: DB) -> Template:
    return await _me_page(request, db, signed_in(request))


@post("/me/passkeys/{passkey_id:str}/delete")
async def delete_passkey(
    request: Request[Any, Any, Any], db: DB, passkey_id: FromPath[str]
) -> Redirect:
    outcome = await service.remove_passkey(db, signed_in(request), passkey_id)
    if outcome == "missing":
        raise NotFoundException()
    code = "passkey_removed" if outcome == "removed" else "last_passkey"
    return Redirect("/me#passkeys", cookies=[flash.cookie(code)])


@post("/me/passkeys/{passkey_id:str}/rename")
async def rename_passkey(
    request: Request[Any, Any, Any], db: DB, passkey_id: FromPath[str], data: FormData
) -> Redirect | Template:
    user = signed_in(request)
    raw = field(data, "name")
    name, error = rules.check_passkey_name(raw)
    if error:
        return await _me_page(request, db, user, status_code=400, rename=(passkey_id, raw, error))
    if not await service.rename_passkey(db, user, passkey_id, name):
        raise NotFoundException()
    return Redirect("/me#passkeys", cookies=[flash.cookie("passkey_renamed")])


@post("/me/sessions/{session_id:str}/revoke")
async def revoke_session(
    request: Request[Any, Any, Any], db: DB, settings: Conf, session_id: FromPath[str]
) -> Redirect:
    user = signed_in(request)
    if not await service.revoke_session(db, user, session_id):
        raise NotFoundException()
    if session_id == sessions.current_session_id(request):
        return Redirect(
            "/", cookies=[sessions.clear_session_cookie(settings), flash.cookie("signed_out")]
        )
    return Redirect("/me#devices", cookies=[flash.cookie("session_revoked")])


router = Router(
    path="/",
    route_handlers=[
        register_page,
        login_page,
        logout,
        me,
        delete_passkey,
        rename_passkey,
        revoke_session,
    ],
    include_in_schema=False,
)
