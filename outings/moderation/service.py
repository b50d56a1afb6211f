"""Reports, and what moderators decide about them. Every decision is logged."""

from __future__ import annotations

from outings import changelog
from outings.accounts.models import User
from outings.db import Database, now_iso
from outings.db.database import Writer
from outings.i18n import gettext as _
from outings.moderation import store
from outings.notifications import notify
from outings.outing import service as outing_service
from outings.refusals import Invalid, Refused
from outings.venue import rules as venue_rules
from outings.venue import service as venue_service
from outings.venue import store as venue_store

TARGETS = ("venue", "outing", "comment")


def _moderator(user: User) -> None:
    if not user.is_moderator:
        raise Refused("forbidden", _("Only moderators can do that."))


async def _author(w: Writer, target_type: str, target_id: str) -> tuple[str | None, str] | None:
    """Who wrote a target, and its title, or None when it does not exist."""
    if target_type == "venue":
        row = await w.fetchone("select created_by, name from venues where id = ?", (target_id,))
    elif target_type == "outing":
        row = await w.fetchone("select host_id, title from outings where id = ?", (target_id,))
    else:
        row = await w.fetchone(
            "select c.author_id, o.title from comments c join outings o on o.id = c.outing_id"
            " where c.id = ?",
            (target_id,),
        )
    return None if row is None else (row[0], row[1])


async def report(db: Database, user: User, target_type: str, target_id: str, reason: str) -> bool:
    """Anyone signed in flags something; venue reports also reach the manager.

    False when this person's report of it is still open: nothing more is
    recorded, and nobody is told twice.
    """
    if target_type not in TARGETS:
        raise Invalid({"target_type": _("That cannot be reported.")})
    text, error = venue_rules.check_reason(reason)
    if error:
        raise Invalid({"reason": error})

    async def run(w: Writer) -> bool:
        if await _author(w, target_type, target_id) is None:
            raise Refused("not_found", _("We could not find what you are reporting."))
        now = now_iso()
        if not await store.insert_report(w, user.id, target_type, target_id, text, now):
            return False
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
    db: Database, moderator: User, target_type: str, target_id: str, reason: str
) -> None:
    """Hide what breaks the rules; its author is told why."""
    _moderator(moderator)
    text, error = venue_rules.check_reason(reason)
    if error:
        raise Invalid({"reason": error})
    if target_type not in TARGETS:
        raise Invalid({"target_type": _("That cannot be hidden.")})

    async def run(w: Writer) -> None:
        found = await _author(w, target_type, target_id)
        if found is None:
            raise Refused("not_found", _("We could not find that."))
        author_id, title = found
        now = now_iso()
        hide_in = {
            "venue": venue_service.hide_in,
            "outing": outing_service.hide_in,
            "comment": outing_service.hide_comment_in,
        }[target_type]
        await hide_in(w, target_id, text, now)
        await store.resolve(w, target_type, target_id, moderator.id, "hidden", now)
        await store.log(w, moderator.id, "hide", target_type, target_id, text, now)
        if author_id:
            await notify(w, [author_id], "hidden", None, now, title=title, reason=text)

    await db.write(run)


async def dismiss(db: Database, moderator: User, report_id: str) -> None:
    _moderator(moderator)

    async def run(w: Writer) -> None:
        found = await store.get_report(w, report_id)
        if found is None or found["resolved_at"] is not None:
            raise Refused("not_found", _("That report was already handled."))
        now = now_iso()
        await store.resolve(
            w, found["target_type"], found["target_id"], moderator.id, "dismissed", now
        )
        await store.log(
            w, moderator.id, "dismiss", found["target_type"], found["target_id"], "", now
        )

    await db.write(run)
