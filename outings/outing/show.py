"""The outing page, and what is done on it: reply, comment, cancel."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from outings import changelog
from outings.accounts.models import User
from outings.accounts.pages import signed_in
from outings.accounts.sessions import current_user
from outings.ids import is_uuid, new_id
from outings.outing import (
    audience,
    comment_store,
    comments,
    jsonld,
    rsvp_store,
    rules,
    service,
    store,
)
from outings.outing.feeds import ics_response
from outings.outing.models import Outing
from outings.settings import Settings
from outings.venue import store as venue_store
from outings.web import flash
from outings.web.deps import DB, Conf
from outings.web.forms import FormData, field
from outings.web.markers import marker
from outings.web.shared_pages import has_member_copy, is_shared, kept_page, member_page, shared_page
from outings.web.templating import page


async def outing_or_404(db: DB, outing_id: str, user: User | None) -> Outing:
    """The outing, if ``user`` (None: a visitor) may see it: a members-only
    outing is not found by anyone outside its circle, as a hidden one is not."""
    if not is_uuid(outing_id):
        raise NotFoundException()
    async with db.reader() as r:
        outing = await store.get(r, outing_id)
        seen = outing is not None and await audience.may_see(r, user, outing)
    if outing is None or not seen:
        raise NotFoundException()
    return outing


@get("/outings/{ref:str}")
async def show_outing(
    request: Request[Any, Any, Any], db: DB, settings: Conf, ref: FromPath[str]
) -> Template | Response[bytes]:
    user = current_user(request)
    if ref.endswith(".ics"):
        outing = await outing_or_404(db, ref.removesuffix(".ics"), user)
        return ics_response([outing], settings, outing.title, f"outing-{outing.id}.ics")
    if user is not None:
        return await _member_page(request, db, settings, user, await outing_or_404(db, ref, user))
    if not is_shared(request):  # a visitor with a message waiting
        return await _outing_page(request, db, settings, await outing_or_404(db, ref, None))
    # Visitors not signed in (a link a host shared) share one copy per data
    # version. A members-only outing never gets one: it is not found for them
    # below, and a copy kept while it was public belongs to an older version.
    async with db.reader() as r:
        key = await changelog.data_version(r, service.utcnow())
    address = f"/outings/{ref}"
    kept = kept_page(request, address, key, SHOW)
    if kept is not None:
        return kept
    outing = await outing_or_404(db, ref, None)
    context = await _outing_context(db, settings, None, outing)
    context["version"] = key[0]
    return shared_page(request, address, key, SHOW, **context)


SHOW = "outings/show.html"


async def _member_page(
    request: Request[Any, Any, Any], db: DB, settings: Settings, user: User, outing: Outing
) -> Response[bytes]:
    """The page as a signed-in parent sees it, from a copy shared by every
    member who stands where she does: what differs between two members is only
    their part in the outing (host, her reply and place in line), which comments
    are theirs, and what they may do — all in the copy's key. Most members have
    no part in most outings they open, and share one copy per data version."""
    now = service.utcnow()
    async with db.reader() as r:
        version = await changelog.data_version(r, now)
        reply = (await rsvp_store.mine_many(r, user.id, [outing.id])).get(outing.id)
        my_comments = tuple(await comment_store.ids_by(r, outing.id, user.id))
    confirmed = reply is not None and reply["state"] == "confirmed"
    stands = (
        rules.is_host(user, outing),
        None if reply is None else tuple(reply.values()),
        my_comments,
        rules.why_no_edit(user, outing, now) is None,
        rules.may_comment(user, outing, reply is not None),
        rules.may_see_meeting_point(user, outing, confirmed),
    )
    key = (version, stands)
    address = f"/outings/{outing.id}"
    context: dict[str, Any] = {}
    if not has_member_copy(request, address, key, SHOW):
        context = await _outing_context(db, settings, user, outing)
        context.update(version=version[0], comment_id=marker("comment-id"))
    fresh = {"comment-id": new_id()}
    return member_page(request, address, key, SHOW, fresh=fresh, **context)


async def _outing_page(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Settings,
    outing: Outing,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    context = await _outing_context(db, settings, current_user(request), outing)
    context.update(errors=errors or {}, typed=typed or {})
    return page(request, SHOW, status_code=status_code, **context)


async def _outing_context(
    db: DB, settings: Settings, user: User | None, outing: Outing
) -> dict[str, Any]:
    """What the outing page shows ``user`` (None: a visitor not signed in)."""
    now = service.utcnow()
    async with db.reader() as r:
        # read first: a change made meanwhile makes the page look older, never newer
        version, _oldest = await changelog.bounds(r)
        attendees = await rsvp_store.attendees(r, outing.id)
        comments = await comment_store.for_outing(r, outing.id)
        venue = await venue_store.get(r, outing.venue_id) if outing.venue_id else None
    mine = next((a for a in attendees if user and a.user_id == user.id), None)
    confirmed = mine is not None and mine.state == "confirmed"
    return {
        "title": outing.title,
        "outing": outing,
        "attendees": attendees,
        "going": [a for a in attendees if a.state == "confirmed"],
        "waitlisted": [a for a in attendees if a.state == "waitlisted"],
        "maybe": [a for a in attendees if a.status == "maybe"],
        "mine": mine,
        "comments": comments,
        "venue": venue,
        "is_host": rules.is_host(user, outing),
        "closed_reason": rules.why_no_rsvp(outing, now),
        "may_edit": rules.why_no_edit(user, outing, now) is None,
        "may_comment": rules.may_comment(user, outing, mine is not None),
        "show_meeting_point": rules.may_see_meeting_point(user, outing, confirmed),
        # for search engines: never one of a circle's members-only outings
        "jsonld": None
        if outing.members_only
        else jsonld.event(outing, origin=settings.origin, tz=settings.tz, venue=venue),
        "comment_id": new_id(),
        "my_comments": {c.id for c in comments if user and c.author_id == user.id},
        "errors": {},
        "typed": {},
        "version": version,
        "watch": [outing.id],
    }


def _count(data: dict[str, Any], name: str, default: int) -> int:
    raw = field(data, name).strip()
    try:
        return int(raw) if raw else default
    except ValueError:
        return -1  # out of range: the rule explains


@post("/outings/{outing_id:str}/rsvp")
async def rsvp(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Conf,
    outing_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    user = signed_in(request)
    outing = await outing_or_404(db, outing_id, user)
    status = field(data, "status")
    adults = _count(data, "adults", 1)
    children = _count(data, "children", 0)
    try:
        await service.set_rsvp(db, user, outing.id, status, adults, children)
    except service.Invalid as exc:
        typed = {
            "status": status,
            "adults": field(data, "adults"),
            "children": field(data, "children"),
        }
        return await _outing_page(
            request, db, settings, outing, status_code=400, errors=exc.errors, typed=typed
        )
    except service.Refused as exc:
        return await _outing_page(
            request, db, settings, outing, status_code=409, errors={"rsvp": exc.message}
        )
    return Redirect(f"/outings/{outing.id}#rsvp", cookies=[flash.cookie("rsvp_saved")])


@post("/outings/{outing_id:str}/cancel")
async def cancel_outing(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Conf,
    outing_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    user = signed_in(request)
    outing = await outing_or_404(db, outing_id, user)
    return await _act(
        request,
        db,
        settings,
        outing,
        data,
        service.cancel(db, user, outing.id, field(data, "reason")),
        typed=("reason",),
        done=Redirect(f"/outings/{outing.id}", cookies=[flash.cookie("outing_cancelled")]),
    )


@post("/outings/{outing_id:str}/comments")
async def add_comment(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Conf,
    outing_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    user = signed_in(request)
    outing = await outing_or_404(db, outing_id, user)
    comment_id = field(data, "id")
    return await _act(
        request,
        db,
        settings,
        outing,
        data,
        comments.add_comment(
            db,
            user,
            outing.id,
            comment_id if is_uuid(comment_id) else new_id(),
            field(data, "body"),
        ),
        typed=("body",),
        done=Redirect(f"/outings/{outing.id}#comments"),
    )


async def _act(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Settings,
    outing: Outing,
    data: dict[str, Any],
    change: Awaitable[object],
    *,
    typed: tuple[str, ...],
    done: Redirect,
) -> Template | Redirect:
    """Make a change from a form on the outing page; on bad input, the page with the errors."""
    try:
        await change
    except service.Invalid as exc:
        return await _outing_page(
            request,
            db,
            settings,
            outing,
            status_code=400,
            errors=exc.errors,
            typed={name: field(data, name) for name in typed},
        )
    except service.Refused as exc:
        raise PermissionDeniedException(exc.message) from exc
    return done


@post("/comments/{comment_id:str}/delete")
async def delete_comment(
    request: Request[Any, Any, Any], db: DB, comment_id: FromPath[str]
) -> Redirect:
    user = signed_in(request)
    try:
        outing_id = await comments.delete_comment(db, user, comment_id)
    except service.Refused as exc:
        if exc.code == "not_found":
            raise NotFoundException() from exc
        raise PermissionDeniedException(exc.message) from exc
    return Redirect(f"/outings/{outing_id}#comments", cookies=[flash.cookie("comment_deleted")])
