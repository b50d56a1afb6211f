"""The board's pages: post an ask or an offer, a post with its replies, reply,
mark sorted, and the moderators' pin and hide. Thin: the rules live in board.py.

A form refused for its input comes back (the circle's page or the post's)
with what was typed and the error beside the field.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.pages import signed_in
from outings.circle import board, post_store, store
from outings.circle.board_models import Post
from outings.circle.models import Circle
from outings.circle.pages import circle_page, refused
from outings.ids import is_uuid, new_id
from outings.moderation import service as moderation_service
from outings.refusals import Invalid, Refused
from outings.web import flash
from outings.web.deps import DB
from outings.web.forms import FormData, field
from outings.web.templating import page


def _truthy(value: str) -> bool:
    return value in ("true", "on", "1")


def _uuid_or_new(value: str) -> str:
    """The id the page made for what it creates (a re-sent form keeps it), or a new one."""
    return value if is_uuid(value) else new_id()


async def _circle(db: DB, circle_id: str) -> Circle:
    if not is_uuid(circle_id):
        raise NotFoundException()
    async with db.reader() as r:
        circle = await store.get(r, circle_id)
    if circle is None:
        raise NotFoundException()
    return circle


async def _post(db: DB, circle_id: str, post_id: str) -> tuple[Circle, Post]:
    """The circle and one of its posts that is not hidden, or a 404."""
    circle = await _circle(db, circle_id)
    if not is_uuid(post_id):
        raise NotFoundException()
    async with db.reader() as r:
        found = await post_store.get(r, post_id)
    if found is None or found.circle_id != circle.id:
        raise NotFoundException()
    return circle, found


async def post_page(
    request: Request[Any, Any, Any],
    db: DB,
    circle: Circle,
    shown: Post,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    refusal: str = "",
    status_code: int = 200,
) -> Template:
    """A post with its replies, to the circle's members (and the site's moderators)."""
    user = signed_in(request)
    async with db.reader() as r:
        me = await store.member(r, circle.id, user.id)
        if not board.may_read(user, me):
            raise PermissionDeniedException(
                i18n.gettext("The board is for the circle's members. Join the circle to read it.")
            )
        conversation = await board.thread(r, shown, user, me)
    return page(
        request,
        "circles/post.html",
        status_code=status_code,
        title=i18n.gettext("A post on %(name)s's board", name=circle.name),
        circle=circle,
        thread=conversation,
        reply_id=new_id(),
        errors=errors or {},
        typed=typed or {},
        refusal=refusal,
    )


@get("/circles/{circle_id:str}/posts/{post_id:str}")
async def show_post(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], post_id: FromPath[str]
) -> Template:
    signed_in(request)
    circle, shown = await _post(db, circle_id, post_id)
    return await post_page(request, db, circle, shown)


@post("/circles/{circle_id:str}/posts")
async def add_post(
    request: Request[Any, Any, Any], db: DB, circle_id: FromPath[str], data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    circle = await _circle(db, circle_id)
    typed = {"post_id": field(data, "id"), "post_kind": field(data, "kind")}
    typed["post_body"] = field(data, "body")
    try:
        await board.add(
            db,
            user,
            circle.id,
            _uuid_or_new(typed["post_id"]),
            typed["post_kind"],
            typed["post_body"],
        )
    except Invalid as exc:
        errors = {f"post_{name}": message for name, message in exc.errors.items()}
        return await circle_page(request, db, circle, errors=errors, typed=typed, status_code=400)
    except Refused as exc:
        raise refused(exc) from exc
    return Redirect(f"/circles/{circle.id}#board", cookies=[flash.cookie("post_added")])


@post("/circles/{circle_id:str}/posts/{post_id:str}/replies")
async def add_reply(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: FromPath[str],
    post_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    user = signed_in(request)
    circle, shown = await _post(db, circle_id, post_id)
    typed = {"id": field(data, "id"), "body": field(data, "body")}
    try:
        await board.reply(db, user, shown.id, _uuid_or_new(typed["id"]), typed["body"])
    except Invalid as exc:
        return await post_page(
            request, db, circle, shown, errors=exc.errors, typed=typed, status_code=400
        )
    except Refused as exc:
        if exc.code == "expired":
            return await post_page(
                request, db, circle, shown, refusal=exc.message, typed=typed, status_code=409
            )
        raise refused(exc) from exc
    return Redirect(
        f"/circles/{circle.id}/posts/{shown.id}#replies", cookies=[flash.cookie("reply_added")]
    )


@post("/circles/{circle_id:str}/posts/{post_id:str}/sort")
async def sort_post(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: FromPath[str],
    post_id: FromPath[str],
    data: FormData,
) -> Redirect:
    user = signed_in(request)
    circle, shown = await _post(db, circle_id, post_id)
    done = _truthy(field(data, "sorted"))
    try:
        await board.sort(db, user, shown.id, done)
    except Refused as exc:
        raise refused(exc) from exc
    code = "post_sorted" if done else "post_reopened"
    return Redirect(f"/circles/{circle.id}/posts/{shown.id}", cookies=[flash.cookie(code)])


@post("/circles/{circle_id:str}/posts/{post_id:str}/pin")
async def pin_post(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: FromPath[str],
    post_id: FromPath[str],
    data: FormData,
) -> Redirect:
    user = signed_in(request)
    circle, shown = await _post(db, circle_id, post_id)
    pinned = _truthy(field(data, "pinned"))
    try:
        await board.pin(db, user, shown.id, pinned)
    except Refused as exc:
        raise refused(exc) from exc
    code = "post_pinned" if pinned else "post_unpinned"
    return Redirect(f"/circles/{circle.id}/posts/{shown.id}", cookies=[flash.cookie(code)])


async def _hide(
    request: Request[Any, Any, Any],
    circle: Circle,
    shown: Post,
    db: DB,
    target_type: str,
    target_id: str,
    field_name: str,
    reason: str,
    done: str,
) -> Template | Redirect:
    """A moderator hides a post or a reply: outings/moderation decides who may,
    logs it with the circle, and tells the author why."""
    user = signed_in(request)
    try:
        await moderation_service.hide(db, user, target_type, target_id, reason, circle_id=circle.id)
    except Invalid as exc:
        errors = {field_name: exc.errors.get("reason", "")}
        return await post_page(
            request, db, circle, shown, errors=errors, typed={field_name: reason}, status_code=400
        )
    except Refused as exc:
        raise refused(exc) from exc
    return Redirect(done, cookies=[flash.cookie("moderation_done")])


@post("/circles/{circle_id:str}/posts/{post_id:str}/hide")
async def hide_post(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: FromPath[str],
    post_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    signed_in(request)
    circle, shown = await _post(db, circle_id, post_id)
    reason = field(data, "reason")
    done = f"/circles/{circle.id}#board"
    return await _hide(request, circle, shown, db, "post", shown.id, "reason", reason, done)


@post("/circles/{circle_id:str}/posts/{post_id:str}/replies/{reply_id:str}/hide")
async def hide_reply(
    request: Request[Any, Any, Any],
    db: DB,
    circle_id: FromPath[str],
    post_id: FromPath[str],
    reply_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    signed_in(request)
    circle, shown = await _post(db, circle_id, post_id)
    if not is_uuid(reply_id):
        raise NotFoundException()
    async with db.reader() as r:
        found = await post_store.get_reply(r, reply_id)
    if found is None or found.post_id != shown.id:
        raise NotFoundException()
    name = f"reason-{reply_id}"
    done = f"/circles/{circle.id}/posts/{shown.id}#replies"
    return await _hide(request, circle, shown, db, "reply", reply_id, name, field(data, name), done)


router = Router(
    path="/",
    route_handlers=[show_post, add_post, add_reply, sort_post, pin_post, hide_post, hide_reply],
    include_in_schema=False,
)
