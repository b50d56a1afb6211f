"""What people do with circles: start, edit, join, leave, and run them.

One transaction each. Every change records what phones pull of it: the
circle (its size), the person's own membership, and, when she comes in or
goes, the members-only things of the circle to her alone.
"""

from __future__ import annotations

from outings import changelog
from outings.accounts.models import User
from outings.circle import rules, store
from outings.circle.models import Circle, CircleInput, Member
from outings.db import Database, now_iso
from outings.db.database import Conn, Writer
from outings.i18n import gettext as _
from outings.moderation import store as moderation_store
from outings.notifications import notify
from outings.outing import service as outing_service
from outings.refusals import Invalid, Refused

__all__ = ["Invalid", "Refused"]


def not_found() -> Refused:
    return Refused("not_found", _("We could not find that circle. It may have been closed."))


async def load(conn: Conn, circle_id: str) -> Circle:
    circle = await store.get(conn, circle_id)
    if circle is None:
        raise not_found()
    return circle


async def _record_membership(w: Writer, circle_id: str, user_id: str, *, gone: bool) -> None:
    await changelog.record(
        w,
        "membership",
        changelog.owned_key(circle_id, user_id),
        op="del" if gone else "put",
        owner_id=user_id,
    )


async def _moderator(w: Writer, user: User, circle_id: str) -> Member:
    """The acting person as one of the circle's moderators, or a refusal."""
    me = await store.member(w, circle_id, user.id)
    if not rules.moderates(user, me):
        raise Refused("forbidden", _("Only the circle's moderators can do that."))
    assert me is not None
    return me


async def create_in(w: Writer, user: User, circle_id: str, data: CircleInput) -> Circle:
    """Start a circle; its founder is its first moderator."""
    data = rules.clean(data)
    existing = await store.get(w, circle_id, hidden=True)
    if existing is not None:
        if existing.created_by != user.id:
            raise Refused("conflict", _("That circle id is taken."))
        return existing  # a re-sent form
    if errors := rules.check(data):
        raise Invalid(errors)
    now = now_iso()
    await store.insert(w, circle_id, data, user.id, now)
    await store.save_member(w, circle_id, user.id, "moderator", "", now)
    await _record_membership(w, circle_id, user.id, gone=False)
    await changelog.record(w, "circle", circle_id)
    return await load(w, circle_id)


async def create(db: Database, user: User, circle_id: str, data: CircleInput) -> Circle:
    return await db.write(lambda w: create_in(w, user, circle_id, data))


async def update_in(w: Writer, user: User, circle_id: str, data: CircleInput) -> Circle:
    await load(w, circle_id)
    await _moderator(w, user, circle_id)
    data = rules.clean(data)
    if errors := rules.check(data):
        raise Invalid(errors)
    await store.update(w, circle_id, data, now_iso())
    await changelog.record(w, "circle", circle_id)
    return await load(w, circle_id)


async def update(db: Database, user: User, circle_id: str, data: CircleInput) -> Circle:
    return await db.write(lambda w: update_in(w, user, circle_id, data))


async def _admit(w: Writer, circle_id: str, user_id: str, role: str, now: str) -> None:
    """Make someone a member: her membership, the circle's size, and every
    members-only thing of the circle to her phone at once."""
    await store.save_member(w, circle_id, user_id, role, "", now)
    await _record_membership(w, circle_id, user_id, gone=False)
    await changelog.record(w, "circle", circle_id)
    await changelog.send_circle(w, user_id, circle_id)


async def join_in(w: Writer, user: User, circle_id: str, message: str = "") -> Member:
    """Join an open circle, or ask to join one whose moderators accept each member.
    Asking again, or joining when already in, changes nothing."""
    circle = await load(w, circle_id)
    if await store.banned(w, circle_id, user.id):
        raise Refused("banned", _("The circle's moderators have removed you from this circle."))
    me = await store.member(w, circle_id, user.id)
    if me is not None and (me.belongs or circle.asks):
        return me
    now = now_iso()
    if circle.asks:
        text, error = rules.check_message(message)
        if error:
            raise Invalid({"message": error})
        await store.save_member(w, circle_id, user.id, "asked", text, now)
        await _record_membership(w, circle_id, user.id, gone=False)
        moderators = await store.moderator_ids(w, circle_id)
        await notify(
            w,
            moderators,
            "circle_asked",
            None,
            now,
            title=circle.name,
            circle_id=circle_id,
            name=user.display_name,
        )
    else:
        await _admit(w, circle_id, user.id, "member", now)
    found = await store.member(w, circle_id, user.id)
    assert found is not None
    return found


async def join(db: Database, user: User, circle_id: str, message: str = "") -> Member:
    return await db.write(lambda w: join_in(w, user, circle_id, message))


async def _let_go(w: Writer, circle_id: str, member: Member) -> None:
    """Take someone out: her membership, the circle's size, her places at its
    members-only outings, and (when she belonged) every members-only thing of
    the circle off her phone."""
    await store.delete_member(w, circle_id, member.user_id)
    await outing_service.give_up_places_in(w, circle_id, member.user_id)
    await _record_membership(w, circle_id, member.user_id, gone=True)
    if member.belongs:
        await changelog.record(w, "circle", circle_id)
        await changelog.send_circle(w, member.user_id, circle_id, op="del")


async def leave_in(w: Writer, user: User, circle_id: str) -> None:
    """Leave a circle (or take back a request to join). Leaving twice changes nothing."""
    await load(w, circle_id)
    me = await store.member(w, circle_id, user.id)
    if me is None:
        return
    if why := rules.why_not_leave(me, await store.moderator_count(w, circle_id)):
        raise Refused("last_moderator", why)
    await _let_go(w, circle_id, me)


async def leave(db: Database, user: User, circle_id: str) -> None:
    await db.write(lambda w: leave_in(w, user, circle_id))


async def _someone(w: Writer, circle_id: str, user_id: str) -> Member:
    found = await store.member(w, circle_id, user_id)
    if found is None:
        raise Refused("not_found", _("That person is not in this circle (any more)."))
    return found


async def decide_in(w: Writer, user: User, circle_id: str, user_id: str, accept: bool) -> None:
    """A moderator accepts or declines someone who asked to join."""
    circle = await load(w, circle_id)
    await _moderator(w, user, circle_id)
    them = await _someone(w, circle_id, user_id)
    if them.role != "asked":
        return  # already decided, by this moderator or another
    now = now_iso()
    if accept:
        await _admit(w, circle_id, user_id, "member", now)
    else:
        await _let_go(w, circle_id, them)
    kind = "circle_accepted" if accept else "circle_declined"
    await notify(w, [user_id], kind, None, now, title=circle.name, circle_id=circle_id)


async def decide(db: Database, user: User, circle_id: str, user_id: str, accept: bool) -> None:
    await db.write(lambda w: decide_in(w, user, circle_id, user_id, accept))


async def set_role_in(w: Writer, user: User, circle_id: str, user_id: str, role: str) -> None:
    """A moderator makes a member a moderator, or a moderator (herself too) a
    member again — never leaving the circle without one."""
    if role not in ("member", "moderator"):
        raise Invalid({"role": _("Please choose member or moderator.")})
    await load(w, circle_id)
    await _moderator(w, user, circle_id)
    them = await _someone(w, circle_id, user_id)
    if not them.belongs:
        raise Refused("not_member", _("Accept their request to join first."))
    if them.role == role:
        return
    if role == "member" and await store.moderator_count(w, circle_id) <= 1:
        raise Refused(
            "last_moderator",
            _("A circle needs at least one moderator. Make someone else a moderator first."),
        )
    await store.save_member(w, circle_id, user_id, role, them.message, now_iso())
    await _record_membership(w, circle_id, user_id, gone=False)


async def set_role(db: Database, user: User, circle_id: str, user_id: str, role: str) -> None:
    await db.write(lambda w: set_role_in(w, user, circle_id, user_id, role))


async def remove_in(
    w: Writer, user: User, circle_id: str, user_id: str, reason: str, *, ban: bool
) -> None:
    """A moderator (the circle's, or the site's) removes someone, and may ban
    them from coming back. In the moderation log with who, what and why."""
    circle = await load(w, circle_id)
    me = await store.member(w, circle_id, user.id)
    if not rules.may_moderate_content(user, me):
        raise Refused("forbidden", _("Only the circle's moderators can do that."))
    text, error = rules.check_message(reason)
    if error or not text:
        raise Invalid({"reason": error or _("Please say in a few words why.")})
    if user_id == user.id:
        raise Refused("self", _("To leave the circle yourself, use “Leave this circle”."))
    them = await _someone(w, circle_id, user_id)
    if them.moderates and await store.moderator_count(w, circle_id) <= 1:
        raise Refused("last_moderator", _("A circle needs at least one moderator."))
    now = now_iso()
    await _let_go(w, circle_id, them)
    if ban:
        await store.ban(w, circle_id, user_id, user.id, text, now)
    action = "ban_member" if ban else "remove_member"
    await moderation_store.log(w, user.id, action, "user", user_id, text, now, circle_id=circle_id)
    await notify(w, [user_id], "circle_removed", None, now, title=circle.name, reason=text)


async def remove(
    db: Database, user: User, circle_id: str, user_id: str, reason: str, *, ban: bool
) -> None:
    await db.write(lambda w: remove_in(w, user, circle_id, user_id, reason, ban=ban))


async def hide_in(w: Writer, circle_id: str, reason: str, now: str) -> None:
    """A site moderator closes a circle: it leaves every phone, and with it
    its members-only things and each member's membership."""
    members = await store.member_ids(w, circle_id)
    for user_id in members:
        await changelog.send_circle(w, user_id, circle_id, op="del")
    await store.hide(w, circle_id, reason, now)
    for user_id in members:
        await _record_membership(w, circle_id, user_id, gone=True)
    await changelog.record(w, "circle", circle_id, op="del")
