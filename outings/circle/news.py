"""A circle's news: this week, on one phone screen.

What is on in the next seven days (the circle's outings), and what is new
since the last news: who joined, what was asked and offered on the board,
which services came into the address book. A moderator writes a short
note on top and sends it: each member then finds it in her notifications
on /me, linking here.

Which stretch is "new": since the news before the last one was sent, while
the last one is less than a week old (so the page a member opens from her
notification shows what that news was about, and more as it comes); after
that, since the last news; before any news, the last seven days.

A parent outside the circle sees its public outings of the week, and none
of the rest: names, the board, the book and the note are for members.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from outings.accounts.models import User
from outings.accounts.rules import clean_text
from outings.circle import entry_store, news_store, rules, store
from outings.circle import service as circle_service
from outings.circle.book_models import Entry, NewsIssue, NewsPost
from outings.circle.models import Member
from outings.db import Database, now_iso, stamp
from outings.db.database import Conn, Writer
from outings.i18n import gettext as _
from outings.notifications import notify
from outings.outing import store as outing_store
from outings.outing.models import Outing
from outings.refusals import Invalid, Refused

WEEK = timedelta(days=7)
NOTE_MAX = 1000
SHOWN = news_store.SHOWN


class News(msgspec.Struct, frozen=True, kw_only=True):
    """The news page as one reader may see it (``full``: she is a member)."""

    full: bool
    #: the latest news sent, less than a week old: its note goes on top (members)
    issue: NewsIssue | None
    since: str
    outings: list[Outing]
    joined: list[str]
    posts: list[NewsPost]
    entries: list[Entry]


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    """For the moderators: what the next news would add, and who it reaches."""

    covers_from: str
    joined: int
    posts: int
    entries: int
    outings: int
    recipients: int


def _next_from(latest: NewsIssue | None, now: datetime) -> str:
    """Where the next news starts: the last one sent, else a week ago."""
    return latest.sent_at if latest else stamp(now - WEEK)


async def _outings(conn: Conn, circle_id: str, now: datetime, *, members: bool) -> list[Outing]:
    ids = await news_store.outing_ids(
        conn,
        circle_id,
        outing_store.iso(now),
        outing_store.iso(now + WEEK),
        members=members,
    )
    found = await outing_store.get_many(conn, ids)
    return [found[i] for i in ids if i in found]


async def contents(conn: Conn, circle_id: str, member: Member | None, now: datetime) -> News:
    full = rules.belongs(member)
    outings = await _outings(conn, circle_id, now, members=full)
    if not full:
        return News(
            full=False, issue=None, since="", outings=outings, joined=[], posts=[], entries=[]
        )
    latest = await news_store.latest(conn, circle_id)
    if latest is not None and latest.sent_at > stamp(now - WEEK):
        issue: NewsIssue | None = latest
        since = latest.covers_from
    else:
        issue, since = None, _next_from(latest, now)
    until = stamp(now)
    return News(
        full=True,
        issue=issue,
        since=since,
        outings=outings,
        joined=await news_store.joined_between(conn, circle_id, since, until),
        posts=await news_store.posts_between(conn, circle_id, since, until),
        entries=await entry_store.approved_between(conn, circle_id, since, until),
    )


async def draft(conn: Conn, circle_id: str, now: datetime) -> Draft:
    covers_from = _next_from(await news_store.latest(conn, circle_id), now)
    until = stamp(now)
    return Draft(
        covers_from=covers_from,
        joined=len(await news_store.joined_between(conn, circle_id, covers_from, until)),
        posts=len(await news_store.posts_between(conn, circle_id, covers_from, until)),
        entries=len(await entry_store.approved_between(conn, circle_id, covers_from, until)),
        outings=len(await _outings(conn, circle_id, now, members=True)),
        recipients=len(await store.member_ids(conn, circle_id)) - 1,
    )


def check_note(note: str) -> tuple[str, str | None]:
    text = clean_text(note)
    if len(text) > NOTE_MAX:
        return text, rules.too_long(NOTE_MAX)
    return text, None


async def send_in(w: Writer, user: User, circle_id: str, news_id: str, note: str) -> NewsIssue:
    """A moderator sends the news: kept, and in every other member's
    notifications. The same news sent again (same id) tells nobody twice."""
    circle = await circle_service.load(w, circle_id)
    if not rules.moderates(user, await store.member(w, circle_id, user.id)):
        raise Refused("forbidden", _("Only the circle's moderators can send its news."))
    existing = await news_store.get(w, news_id)
    if existing is not None:
        if existing.circle_id != circle_id or existing.sent_by != user.id:
            raise Refused("conflict", _("That news id is taken."))
        return existing
    text, error = check_note(note)
    if error:
        raise Invalid({"note": error})
    now = now_iso()
    covers_from = _next_from(await news_store.latest(w, circle_id), datetime.fromisoformat(now))
    await news_store.insert(w, news_id, circle_id, text, user.id, covers_from, now)
    readers = [m for m in await store.member_ids(w, circle_id) if m != user.id]
    await notify(
        w,
        readers,
        "circle_news",
        None,
        now,
        title=circle.name,
        circle_id=circle_id,
        news_id=news_id,
    )
    sent = await news_store.get(w, news_id)
    assert sent is not None
    return sent


async def send(db: Database, user: User, circle_id: str, news_id: str, note: str) -> NewsIssue:
    return await db.write(lambda w: send_in(w, user, circle_id, news_id, note))
