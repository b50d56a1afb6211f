"""The board of a circle: members' asks and offers, with replies (issue 13, item 3).

"Looking for a double stroller", "Giving away 6–12 month clothes": a post is
short, its author marks it sorted once it is, and it leaves the board 30 days
after it was made unless a circle moderator pinned it. Only members read and
write it; everyone else learns that it exists and how many posts wait for an
answer. Moderators (the circle's, or the site's) hide a post or a reply with a
reason (through outings/moderation: in its log, the author told why).

Rules first (plain functions), then what a page shows, then the changes
people make: one transaction each, the ``*_in(w, …)`` form shared by the
HTML forms and the sync mutations, the plain form wrapping it in
``db.write``. Every change records the post in the change log: its audience
is the circle's members, read from the post itself (outings/changelog).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from outings import changelog
from outings.accounts.models import User
from outings.accounts.rules import clean_text
from outings.circle import post_store, rules, store
from outings.circle.board_models import KINDS, Post, Reply
from outings.circle.models import Circle, Member
from outings.db import Database, stamp
from outings.db.database import Conn, Writer
from outings.i18n import gettext as _
from outings.i18n import ngettext
from outings.ids import new_id
from outings.notifications import notify
from outings.refusals import Invalid, Refused

#: A post leaves the board this long after it was made, unless pinned.
LIFETIME = timedelta(days=30)
BODY_MAX = 500
REPLY_MAX = 1000
#: Like comments: a cap per hour keeps one account from flooding a board.
POSTS_PER_HOUR = 6
REPLIES_PER_HOUR = 30


def utcnow() -> datetime:
    """The board's clock (tests move it to see posts leave the board)."""
    return datetime.now(UTC)


# Rules -----------------------------------------------------------------------


def check_kind(kind: str) -> str | None:
    if kind not in KINDS:
        return _("Please say whether you are asking or offering.")
    return None


def check_body(body: str, limit: int) -> tuple[str, str | None]:
    """The cleaned text, and why it cannot be posted (None when it can)."""
    text = clean_text(body)
    if not text:
        return text, _("Please write something first.")
    if len(text) > limit:
        return text, rules.too_long(limit)
    return text, None


def expires_at(post: Post) -> datetime | None:
    """When the post leaves the board; None while a moderator keeps it pinned."""
    if post.pinned:
        return None
    return datetime.fromisoformat(post.created_at) + LIFETIME


def on_board(post: Post, now: datetime) -> bool:
    ends = expires_at(post)
    return ends is None or now < ends


def board_since(now: datetime) -> str:
    """Posts made since then are still on the board (pinned ones stay whenever made)."""
    return stamp(now - LIFETIME)


def may_read(user: User | None, me: Member | None) -> bool:
    """The circle's members read the board; the site's moderators too, who act on reports."""
    return rules.belongs(me) or (user is not None and user.is_moderator)


def why_no_more_posts(made_in_an_hour: int) -> str | None:
    if made_in_an_hour < POSTS_PER_HOUR:
        return None
    return ngettext(
        "You have posted %(num)d time on boards in the last hour, the most one family may."
        " Please keep this one and post it a little later.",
        "You have posted %(num)d times on boards in the last hour, the most one family may."
        " Please keep this one and post it a little later.",
        POSTS_PER_HOUR,
    )


def why_no_more_replies(written_in_an_hour: int) -> str | None:
    if written_in_an_hour < REPLIES_PER_HOUR:
        return None
    return ngettext(
        "You have written %(num)d reply on boards in the last hour, the most one family may."
        " Please keep this one and send it a little later.",
        "You have written %(num)d replies on boards in the last hour, the most one family may."
        " Please keep this one and send it a little later.",
        REPLIES_PER_HOUR,
    )


def ago(moment: str, now: datetime) -> str:
    """How long ago, in words: "just now", "5 minutes ago", "3 days ago"."""
    seconds = (now - datetime.fromisoformat(moment)).total_seconds()
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("just now")
    if minutes < 60:
        return ngettext("%(num)d minute ago", "%(num)d minutes ago", minutes)
    hours = minutes // 60
    if hours < 24:
        return ngettext("%(num)d hour ago", "%(num)d hours ago", hours)
    days = hours // 24
    return ngettext("%(num)d day ago", "%(num)d days ago", days)


# What pages show ---------------------------------------------------------------


class Board(msgspec.Struct, frozen=True, kw_only=True):
    """The board as one person sees it on the circle's page."""

    may_read: bool
    may_post: bool
    #: the circle's own moderators pin; they and the site's hide
    moderates: bool
    may_hide: bool
    open_count: int
    posts: list[Post]
    #: the id a new post from this page gets (a re-sent form keeps it: posted once)
    draft_id: str
    now: datetime

    def age(self, moment: str) -> str:
        return ago(moment, self.now)


class Thread(msgspec.Struct, frozen=True, kw_only=True):
    """A post and its replies, for its own page."""

    post: Post
    replies: list[Reply]
    on_board: bool
    mine: bool
    may_reply: bool
    moderates: bool
    may_hide: bool
    now: datetime

    def age(self, moment: str) -> str:
        return ago(moment, self.now)


async def section(conn: Conn, circle: Circle, user: User | None, me: Member | None) -> Board:
    """The board on a circle's page: the posts to members, their number to everyone."""
    now = utcnow()
    since = board_since(now)
    # On the circle's page, members only: a site moderator reaches a reported
    # post through its report, on the post's own page.
    readable = rules.belongs(me)
    return Board(
        may_read=readable,
        may_post=rules.belongs(me),
        moderates=rules.moderates(user, me),
        may_hide=rules.may_moderate_content(user, me),
        open_count=await post_store.open_count(conn, circle.id, since),
        posts=await post_store.board(conn, circle.id, since) if readable else [],
        draft_id=new_id(),
        now=now,
    )


async def thread(conn: Conn, post: Post, user: User, me: Member | None) -> Thread:
    now = utcnow()
    showing = on_board(post, now)
    return Thread(
        post=post,
        replies=await post_store.replies(conn, post.id),
        on_board=showing,
        mine=post.author_id == user.id,
        may_reply=rules.belongs(me) and showing,
        moderates=rules.moderates(user, me),
        may_hide=rules.may_moderate_content(user, me),
        now=now,
    )


# Changes -----------------------------------------------------------------------


def _gone() -> Refused:
    return Refused("not_found", _("That post is no longer on the board."))


def _members_only() -> Refused:
    return Refused("forbidden", _("Only the circle's members can write on its board."))


async def _post(w: Writer, post_id: str) -> Post:
    post = await post_store.get(w, post_id)
    if post is None or await store.get(w, post.circle_id) is None:
        raise _gone()
    return post


async def _record(w: Writer, post_id: str, now: str) -> None:
    await post_store.touch(w, post_id, now)
    await changelog.record(w, "post", post_id)


async def add_in(w: Writer, user: User, circle_id: str, post_id: str, kind: str, body: str) -> Post:
    """Put an ask or an offer on the board. A re-sent one (same id) changes nothing."""
    if await store.get(w, circle_id) is None:
        raise Refused("not_found", _("We could not find that circle. It may have been closed."))
    if not rules.belongs(await store.member(w, circle_id, user.id)):
        raise _members_only()
    text, error = check_body(body, BODY_MAX)
    errors = {name: e for name, e in (("kind", check_kind(kind)), ("body", error)) if e}
    if errors:
        raise Invalid(errors)
    existing = await post_store.get(w, post_id, hidden=True)
    if existing is not None:
        if existing.author_id != user.id or existing.circle_id != circle_id:
            raise Refused("conflict", _("That post id is taken."))
        return existing
    now = utcnow()
    hour_ago = stamp(now - timedelta(hours=1))
    if refusal := why_no_more_posts(await post_store.written_since(w, user.id, hour_ago)):
        raise Invalid({"body": refusal})
    await post_store.insert(
        w,
        post_id=post_id,
        circle_id=circle_id,
        author_id=user.id,
        kind=kind,
        body=text,
        now=stamp(now),
    )
    await changelog.record(w, "post", post_id)
    return await _post(w, post_id)


async def add(db: Database, user: User, circle_id: str, post_id: str, kind: str, body: str) -> Post:
    return await db.write(lambda w: add_in(w, user, circle_id, post_id, kind, body))


async def reply_in(w: Writer, user: User, post_id: str, reply_id: str, body: str) -> Reply:
    """Answer a post on the board. A re-sent reply (same id) changes nothing."""
    post = await _post(w, post_id)
    if not rules.belongs(await store.member(w, post.circle_id, user.id)):
        raise _members_only()
    text, error = check_body(body, REPLY_MAX)
    if error:
        raise Invalid({"body": error})
    existing = await post_store.get_reply(w, reply_id, hidden=True)
    if existing is not None:
        if existing.author_id != user.id or existing.post_id != post_id:
            raise Refused("conflict", _("That reply id is taken."))
        return existing
    now = utcnow()
    if not on_board(post, now):
        raise Refused("expired", _("This post has left the board: it is more than 30 days old."))
    hour_ago = stamp(now - timedelta(hours=1))
    if refusal := why_no_more_replies(await post_store.replies_written_since(w, user.id, hour_ago)):
        raise Invalid({"body": refusal})
    await post_store.insert_reply(
        w, reply_id=reply_id, post_id=post_id, author_id=user.id, body=text, now=stamp(now)
    )
    # The pulled post carries its replies: a new one sends it again.
    await _record(w, post_id, stamp(now))
    if post.author_id != user.id:
        # "Who has a double stroller?" — she wants to know the moment someone answers
        await notify(
            w,
            [post.author_id],
            "post_reply",
            None,
            stamp(now),
            title=post.body[:60],
            name=user.display_name,
            circle_id=post.circle_id,
            post_id=post_id,
        )
    found = await post_store.get_reply(w, reply_id)
    assert found is not None
    return found


async def reply(db: Database, user: User, post_id: str, reply_id: str, body: str) -> Reply:
    return await db.write(lambda w: reply_in(w, user, post_id, reply_id, body))


async def sort_in(w: Writer, user: User, post_id: str, done: bool) -> Post:
    """The author marks her post sorted (or open again). Twice is once."""
    post = await _post(w, post_id)
    if post.author_id != user.id:
        raise Refused("forbidden", _("Only the person who posted it can mark it sorted."))
    if post.is_sorted != done:
        now = stamp(utcnow())
        await post_store.set_sorted(w, post_id, now if done else None, now)
        await _record(w, post_id, now)
    return await _post(w, post_id)


async def sort(db: Database, user: User, post_id: str, done: bool) -> Post:
    return await db.write(lambda w: sort_in(w, user, post_id, done))


async def pin_in(w: Writer, user: User, post_id: str, pinned: bool) -> Post:
    """A circle moderator keeps a post on the board past its 30 days, or lets it go."""
    post = await _post(w, post_id)
    if not rules.moderates(user, await store.member(w, post.circle_id, user.id)):
        raise Refused("forbidden", _("Only the circle's moderators can pin a post."))
    if post.pinned != pinned:
        now = stamp(utcnow())
        await post_store.set_pinned(
            w, post_id, now if pinned else None, user.id if pinned else None, now
        )
        await _record(w, post_id, now)
    return await _post(w, post_id)


async def pin(db: Database, user: User, post_id: str, pinned: bool) -> Post:
    return await db.write(lambda w: pin_in(w, user, post_id, pinned))


# How a moderator's "hide" reaches the board: outings/moderation/service.py
# (HIDERS) checks who may, logs it with its circle and tells the author; these
# take the thing off the board and off every phone.


async def hide_post_in(w: Writer, post_id: str, reason: str, now: str) -> None:
    """A post leaves the board and every phone (a tombstone to the circle's members)."""
    await post_store.hide(w, post_id, reason, now)
    await changelog.record(w, "post", post_id, op="del")


async def hide_reply_in(w: Writer, reply_id: str, reason: str, now: str) -> None:
    """One reply goes; its post, which carries its replies, reaches phones again."""
    found = await post_store.get_reply(w, reply_id, hidden=True)
    await post_store.hide_reply(w, reply_id, reason, now)
    if found is not None:
        await _record(w, found.post_id, now)
