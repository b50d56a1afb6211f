"""Reports, and what moderators decide about them. Every decision is logged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from outings import changelog
from outings.accounts.models import User
from outings.circle import board, book, rules
from outings.circle import service as circle_service
from outings.circle import store as circle_store
from outings.db import Database, now_iso, stamp
from outings.db.database import Writer
from outings.i18n import gettext as _
from outings.moderation import store
from outings.notifications import notify
from outings.outing import comments
from outings.outing import service as outing_service
from outings.refusals import Invalid, Refused
from outings.venue import rules as venue_rules
from outings.venue import service as venue_service
from outings.venue import store as venue_store

#: What can be reported and hidden, and how each is hidden (``hide_in(w, id, reason, now)``).
HIDERS: dict[str, Callable[[Writer, str, str, str], Awaitable[None]]] = {
    "venue": venue_service.hide_in,
    "outing": outing_service.hide_in,
    "comment": comments.hide_comment_in,
    "circle": circle_service.hide_in,
    "post": board.hide_post_in,
    "reply": board.hide_reply_in,
    "entry": book.hide_entry_in,
}
TARGETS = tuple(HIDERS)

#: How long a circle's moderators have to act on a report before the site's
#: moderators see it too (issue 13: local first).
ESCALATE_AFTER = timedelta(hours=48)

# Who wrote a target, its title, and the circle whose moderators act on it
# first (none for a circle itself: its own moderators do not judge it).
_TARGET_SQL = {
    "venue": "select created_by, name, null from venues where id = ?",
    "outing": "select host_id, title, circle_id from outings where id = ?",
    "comment": "select c.author_id, o.title, o.circle_id from comments c"
    " join outings o on o.id = c.outing_id where c.id = ?",
    "circle": "select created_by, name, null from circles where id = ?",
    "post": "select author_id, substr(body, 1, 60), circle_id from circle_posts where id = ?",
    "reply": "select r.author_id, substr(r.body, 1, 60), p.circle_id from circle_post_replies r"
    " join circle_posts p on p.id = r.post_id where r.id = ?",
    "entry": "select added_by, name, circle_id from circle_entries where id = ?",
}


class Target(NamedTuple):
    author_id: str | None
    title: str
    circle_id: str | None


def _moderator(user: User) -> None:
    if not user.is_moderator:
        raise Refused("forbidden", _("Only moderators can do that."))


async def _target(w: Writer, target_type: str, target_id: str) -> Target | None:
    """Who wrote a target, its title and its circle, or None when it does not exist."""
    row = await w.fetchone(_TARGET_SQL[target_type], (target_id,))
    return None if row is None else Target(row[0], row[1], row[2])


async def _may_act(w: Writer, user: User, circle_id: str | None) -> None:
    """The site's moderators act on anything; a circle's, on what is in their circle."""
    if user.is_moderator:
        return
    if circle_id is not None and rules.moderates(
        user, await circle_store.member(w, circle_id, user.id)
    ):
        return
    raise Refused("forbidden", _("Only moderators can do that."))


def escalated_before(now: datetime) -> str:
    """Reports on circle things made before this reach the site's moderators too."""
    return stamp(now - ESCALATE_AFTER)


async def report(db: Database, user: User, target_type: str, target_id: str, reason: str) -> bool:
    """Anyone signed in flags something; venue reports also reach the manager,
    reports on things in a circle reach the circle's moderators first.

    False when this person's report of it is still open: nothing more is
    recorded, and nobody is told twice.
    """
    if target_type not in TARGETS:
        raise Invalid({"target_type": _("That cannot be reported.")})
    text, error = venue_rules.check_reason(reason)
    if error:
        raise Invalid({"reason": error})

    async def run(w: Writer) -> bool:
        target = await _target(w, target_type, target_id)
        if target is None:
            raise Refused("not_found", _("We could not find what you are reporting."))
        now = now_iso()
        circle_id = target.circle_id
        if not await store.insert_report(w, user.id, target_type, target_id, text, now, circle_id):
            return False
        if circle_id is not None:
            # its own moderators first; the site's after ESCALATE_AFTER
            circle = await circle_store.get(w, circle_id, hidden=True)
            await notify(
                w,
                await circle_store.moderator_ids(w, circle_id),
                "circle_report",
                None,
                now,
                title=circle.name if circle else "",
                circle_id=circle_id,
            )
        if target_type == "venue":
            venue = await venue_store.get(w, target_id)
            if venue is not None:
                await venue_service.tell_manager(w, venue, text, now)
        return True

    return await db.write(run)


async def verify_venue(db: Database, moderator: User, venue_id: str) -> None:
    _moderator(moderator)

    async def run(w: Writer) -> None:
        await venue_service.load(w, venue_id)
        now = now_iso()
        await venue_store.verify(w, venue_id, moderator.id, now)
        await store.log(w, moderator.id, "verify", "venue", venue_id, "", now)
        await changelog.record(w, "venue", venue_id)

    await db.write(run)


async def decide_claim(db: Database, moderator: User, claim_id: str, approve: bool) -> None:
    _moderator(moderator)

    async def run(w: Writer) -> None:
        claim = await venue_store.get_claim(w, claim_id)
        if claim is None or claim["status"] != "pending":
            raise Refused("not_found", _("That request was already decided."))
        venue = await venue_service.load(w, claim["venue_id"])
        now = now_iso()
        status = "approved" if approve else "refused"
        await venue_store.decide_claim(w, claim_id, status, moderator.id, now)
        if approve:
            await venue_store.set_manager(w, venue.id, claim["user_id"], now)
            others = await venue_store.refuse_other_claims(w, venue.id, claim_id, moderator.id, now)
            await notify(w, others, "claim_refused", None, now, title=venue.name)
            await changelog.record(w, "venue", venue.id)
        await notify(w, [claim["user_id"]], f"claim_{status}", None, now, title=venue.name)
        await store.log(w, moderator.id, f"claim_{status}", "venue", venue.id, "", now)

    await db.write(run)


async def hide(
    db: Database,
    moderator: User,
    target_type: str,
    target_id: str,
    reason: str,
    *,
    circle_id: str | None = None,
) -> None:
    """Hide what breaks the rules; its author is told why. The site's
    moderators hide anything; a circle's (``circle_id``), what is in it."""
    if circle_id is None:
        _moderator(moderator)
    text, error = venue_rules.check_reason(reason)
    if error:
        raise Invalid({"reason": error})
    if target_type not in TARGETS:
        raise Invalid({"target_type": _("That cannot be hidden.")})

    async def run(w: Writer) -> None:
        target = await _target(w, target_type, target_id)
        if target is None or (circle_id is not None and target.circle_id != circle_id):
            raise Refused("not_found", _("We could not find that."))
        await _may_act(w, moderator, target.circle_id)
        now = now_iso()
        await HIDERS[target_type](w, target_id, text, now)
        await store.resolve(w, target_type, target_id, moderator.id, "hidden", now)
        await store.log(
            w, moderator.id, "hide", target_type, target_id, text, now, circle_id=target.circle_id
        )
        if target.author_id:
            await notify(
                w, [target.author_id], "hidden", None, now, title=target.title, reason=text
            )

    await db.write(run)


async def dismiss(
    db: Database, moderator: User, report_id: str, *, circle_id: str | None = None
) -> None:
    """Close a report with nothing to do; a circle's moderators, those of their circle."""
    if circle_id is None:
        _moderator(moderator)

    async def run(w: Writer) -> None:
        found = await store.get_report(w, report_id)
        if found is None or found["resolved_at"] is not None:
            raise Refused("not_found", _("That report was already handled."))
        if circle_id is not None and found["circle_id"] != circle_id:
            raise Refused("not_found", _("That report was already handled."))
        await _may_act(w, moderator, found["circle_id"])
        now = now_iso()
        await store.resolve(
            w, found["target_type"], found["target_id"], moderator.id, "dismissed", now
        )
        await store.log(
            w,
            moderator.id,
            "dismiss",
            found["target_type"],
            found["target_id"],
            "",
            now,
            circle_id=found["circle_id"],
        )

    await db.write(run)
