"""A circle's suggestion box: members write to its moderators, and only to them.

A member sends a suggestion ("Could we meet on Saturdays too?"); the
circle's moderators read it, answer, and close it. Its author sees the
answer on the suggestions page and in her notifications. Nobody else reads
either: not other members, not the site's moderators.
"""

from __future__ import annotations

import msgspec

from outings.accounts.models import User
from outings.accounts.rules import clean_text
from outings.circle import rules, store, suggestion_store
from outings.circle import service as circle_service
from outings.circle.book_models import Suggestion
from outings.db import Database, now_iso
from outings.db.database import Conn, Writer
from outings.i18n import gettext as _
from outings.notifications import notify
from outings.refusals import Invalid, Refused

BODY_MAX = 1000
ANSWER_MAX = 1000


def check_text(value: str, limit: int, empty: str) -> tuple[str, str | None]:
    text = clean_text(value)
    if not text:
        return text, empty
    if len(text) > limit:
        return text, rules.too_long(limit)
    return text, None


def _gone() -> Refused:
    return Refused("not_found", _("That suggestion is not in this circle's box."))


async def _moderating(w: Writer, user: User, circle_id: str) -> None:
    if not rules.moderates(user, await store.member(w, circle_id, user.id)):
        raise Refused("forbidden", _("Only the circle's moderators can do that."))


async def _one(w: Writer, circle_id: str, suggestion_id: str) -> Suggestion:
    found = await suggestion_store.get(w, suggestion_id)
    if found is None or found.circle_id != circle_id:
        raise _gone()
    return found


async def add_in(
    w: Writer, user: User, circle_id: str, suggestion_id: str, body: str
) -> Suggestion:
    """A member writes to the moderators. The same suggestion sent again
    (same id) changes nothing and tells nobody twice."""
    circle = await circle_service.load(w, circle_id)
    if not rules.belongs(await store.member(w, circle_id, user.id)):
        raise Refused("forbidden", _("Join the circle to write to its moderators."))
    existing = await suggestion_store.get(w, suggestion_id)
    if existing is not None:
        if existing.author_id != user.id or existing.circle_id != circle_id:
            raise Refused("conflict", _("That suggestion id is taken."))
        return existing
    text, error = check_text(body, BODY_MAX, _("Please write your suggestion."))
    if error:
        raise Invalid({"body": error})
    now = now_iso()
    await suggestion_store.insert(w, suggestion_id, circle_id, user.id, text, now)
    moderators = [m for m in await store.moderator_ids(w, circle_id) if m != user.id]
    await notify(
        w,
        moderators,
        "circle_suggestion",
        None,
        now,
        title=circle.name,
        circle_id=circle_id,
        name=user.display_name,
    )
    found = await suggestion_store.get(w, suggestion_id)
    assert found is not None
    return found


async def add(
    db: Database, user: User, circle_id: str, suggestion_id: str, body: str
) -> Suggestion:
    return await db.write(lambda w: add_in(w, user, circle_id, suggestion_id, body))


async def answer_in(w: Writer, user: User, circle_id: str, suggestion_id: str, answer: str) -> None:
    """A moderator answers; the author is told (answering again replaces it)."""
    circle = await circle_service.load(w, circle_id)
    await _moderating(w, user, circle_id)
    suggestion = await _one(w, circle_id, suggestion_id)
    text, error = check_text(answer, ANSWER_MAX, _("Please write your answer."))
    if error:
        raise Invalid({"answer": error})
    if text == suggestion.answer:
        return  # the same answer sent again
    now = now_iso()
    await suggestion_store.answer(w, suggestion_id, text, user.id, now)
    if suggestion.author_id != user.id:
        await notify(
            w,
            [suggestion.author_id],
            "circle_answer",
            None,
            now,
            title=circle.name,
            circle_id=circle_id,
        )


async def answer(db: Database, user: User, circle_id: str, suggestion_id: str, text: str) -> None:
    await db.write(lambda w: answer_in(w, user, circle_id, suggestion_id, text))


async def close_in(w: Writer, user: User, circle_id: str, suggestion_id: str) -> None:
    """A moderator closes a suggestion: done with, answered or not."""
    await circle_service.load(w, circle_id)
    await _moderating(w, user, circle_id)
    await _one(w, circle_id, suggestion_id)
    await suggestion_store.close(w, suggestion_id, now_iso())


async def close(db: Database, user: User, circle_id: str, suggestion_id: str) -> None:
    await db.write(lambda w: close_in(w, user, circle_id, suggestion_id))


class Box(msgspec.Struct, frozen=True, kw_only=True):
    """The suggestion page as one person reads it."""

    mine: list[Suggestion]
    #: for the circle's moderators: what waits, and what was closed lately
    open: list[Suggestion]
    closed: list[Suggestion]


async def box_for(conn: Conn, circle_id: str, user_id: str, *, moderates: bool) -> Box:
    mine = await suggestion_store.by_author(conn, circle_id, user_id)
    if not moderates:
        return Box(mine=mine, open=[], closed=[])
    return Box(
        mine=mine,
        open=await suggestion_store.open_ones(conn, circle_id),
        closed=await suggestion_store.closed_ones(conn, circle_id),
    )
