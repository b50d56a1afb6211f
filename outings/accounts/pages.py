"""Account pages: sign up, sign in, sign out, and ``/me``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from outings import changelog, notifications
from outings.accounts import rules, service, sessions, store
from outings.accounts.models import User
from outings.db import now_iso
from outings.db.database import Writer
from outings.outing import mine, rsvp_store
from outings.push import preference_store, subscription_store
from outings.push.preference_store import HOURS
from outings.settings import Settings
from outings.web import cookies, flash
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
    token = sessions.session_token(request)
    if token:
        await service.end_session(db, token)
    return Redirect(
        "/", cookies=[sessions.clear_session_cookie(settings), flash.cookie("signed_out")]
    )


async def _me_page(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Settings,
    user: User,
    *,
    status_code: int = 200,
    rename: tuple[str, str, str] | None = None,
) -> Template:
    now = now_iso()
    moment = datetime.now(UTC)
    async with db.reader() as r:
        # read first: a change made meanwhile makes the page look older, never newer
        version, _oldest = await changelog.bounds(r)
        passkeys = await store.list_passkeys(r, user.id)
        active = await store.list_sessions(r, user.id, now)
        outings = await mine.family_outings(r, user.id, moment)
        recent = await notifications.recent(r, user.id)
        calendar_on = await store.calendar_key(r, user.id)
        push_devices = await subscription_store.for_user(r, user.id)
        push_prefs = await preference_store.get(r, user.id)
        # offered once she has replied to something: before that there is nothing to tell
        push_offered = bool(push_devices) or await rsvp_store.has_replied(r, user.id)
    # Only a hash of the link's secret is kept: the link itself is shown from
    # the short-lived cookie its making left, and only while it is current.
    secret = cookies.read(request.scope, cookies.CALENDAR, path=_ME)
    if not (secret and calendar_on == rules.calendar_key(secret)):
        secret = None
    calendar_url = f"{settings.origin}/calendar/{secret}.ics" if secret else None
    return page(
        request,
        "accounts/me.html",
        status_code=status_code,
        passkeys=passkeys,
        sessions=active,
        current_session=sessions.current_session_id(request),
        device_name=rules.device_name,
        rename=rename,
        passkey_name_max=rules.PASSKEY_NAME_MAX,
        outings=outings,
        recent=recent,
        calendar_on=calendar_on is not None,
        calendar_url=calendar_url,
        # the same feed for calendar apps that subscribe to webcal:// links
        webcal_url=calendar_url and "webcal://" + calendar_url.split("://", 1)[1],
        version=version,
        watch=[m.outing.id for m in [*outings.coming_up, *outings.past]],
        push_offered=push_offered,
        push_devices=push_devices,
        push_key=request.app.state.vapid.public_b64,
        push_prefs=push_prefs,
        push_hours=HOURS,
    )


@get("/me")
async def me(request: Request[Any, Any, Any], db: DB, settings: Conf) -> Template:
    return await _me_page(request, db, settings, signed_in(request))


_ME = "/me"


@post("/me/calendar")
async def make_calendar_link(request: Request[Any, Any, Any], db: DB) -> Redirect:
    """A new secret calendar URL (an old one stops working)."""
    secret = await service.new_calendar_secret(db, signed_in(request))
    shown = cookies.make(cookies.CALENDAR, secret, max_age=CALENDAR_SHOWN, path=_ME)
    return Redirect("/me#calendar", cookies=[shown, flash.cookie("calendar_ready")])


#: Seconds the new calendar link stays on /me for the parent to copy it.
CALENDAR_SHOWN = 600


@post("/me/calendar/stop")
async def stop_calendar_link(request: Request[Any, Any, Any], db: DB) -> Redirect:
    """Turn the calendar link off: a calendar app subscribed to it gets nothing more."""
    await service.stop_calendar(db, signed_in(request))
    gone = cookies.make(cookies.CALENDAR, "", max_age=0, path=_ME)
    return Redirect("/me#calendar", cookies=[gone, flash.cookie("calendar_stopped")])


@post("/me/notifications/read")
async def read_notifications(request: Request[Any, Any, Any], db: DB, data: FormData) -> Redirect:
    user = signed_in(request)
    ids = data.get("id", [])
    ids = [ids] if isinstance(ids, str) else list(ids)

    async def run(w: Writer) -> None:
        await notifications.mark_read(w, user.id, [str(i) for i in ids], now_iso())

    await db.write(run)
    return Redirect(safe_next(field(data, "next")))


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
    request: Request[Any, Any, Any],
    db: DB,
    settings: Conf,
    passkey_id: FromPath[str],
    data: FormData,
) -> Redirect | Template:
    user = signed_in(request)
    raw = field(data, "name")
    name, error = rules.check_passkey_name(raw)
    if error:
        return await _me_page(
            request, db, settings, user, status_code=400, rename=(passkey_id, raw, error)
        )
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
        make_calendar_link,
        stop_calendar_link,
        read_notifications,
        login_page,
        logout,
        me,
        delete_passkey,
        rename_passkey,
        revoke_session,
    ],
    include_in_schema=False,
)
