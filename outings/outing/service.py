"""What people do with outings, each in one write transaction.

Both the HTML forms and (next) the sync mutations call these functions, so a
rule is enforced in one place whatever way a change arrives. A refusal is a
:class:`Refused` with a stable code and words for people; bad fields are an
:class:`Invalid` with a message per field.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from outings import changelog
from outings.accounts.models import User
from outings.circle import store as circle_store
from outings.db import Database, now_iso
from outings.db.database import Writer
from outings.i18n import gettext as _
from outings.notifications import notify
from outings.outing import audience, capacity, comment_store, rsvp_store, rules, store
from outings.outing.models import Outing, RsvpState, RsvpStatus, Seat
from outings.outing.rules import OutingInput
from outings.refusals import Invalid, Refused

__all__ = ["Invalid", "Refused"]


class RsvpResult(msgspec.Struct, frozen=True, kw_only=True):
    status: RsvpStatus
    state: RsvpState
    position: int | None
    adults: int
    children: int


class Edited(msgspec.Struct, frozen=True, kw_only=True):
    outing: Outing
    #: confirmed families above a lowered capacity (kept; nobody new comes in)
    over_capacity: int
    promoted: int


def utcnow() -> datetime:
    return datetime.now(UTC)


def _not_found() -> Refused:
    return Refused("not_found", _("We could not find that outing. It may have been removed."))


async def _load(w: Writer, outing_id: str) -> Outing:
    outing = await store.get(w, outing_id)
    if outing is None:
        raise _not_found()
    return outing


async def _check_venue(w: Writer, data: OutingInput) -> None:
    if data.venue_id is None:
        return
    found = await w.fetchval(
        "select 1 from venues where id = ? and hidden_at is null", (data.venue_id,)
    )
    if not found:
        raise Invalid({"venue_id": _("That venue is no longer listed. Please choose another.")})


async def _record_outing(w: Writer, outing_id: str) -> None:
    await changelog.record(w, "outing", outing_id)


async def _check_circle(w: Writer, user: User, data: OutingInput, before: Outing | None) -> None:
    """Only to a circle she belongs to; one her outing is in already stays
    when she has left it (she keeps her outing)."""
    if data.circle_id is None:
        return
    unchanged = before is not None and before.circle_id == data.circle_id
    belongs = data.circle_id in await circle_store.belongs_to(w, user.id)
    if why := rules.why_not_this_circle(belongs, unchanged=unchanged):
        raise Invalid({"circle_id": why})


async def visible(w: Writer, user: User, outing_id: str) -> Outing:
    """The outing, if ``user`` may see it: to anyone else a members-only
    outing is not there at all, as a hidden one is not."""
    outing = await _load(w, outing_id)
    if not await audience.may_see(w, user, outing):
        raise _not_found()
    return outing


async def _record_new_audience(w: Writer, before: Outing, after: Outing) -> None:
    """An edit that changes who sees the outing: it and its comments leave
    the phones of those who no longer may (a tombstone for all, before the
    put its new audience pulls), and reach those who now may."""
    was = before.circle_id if before.members_only else None
    now = after.circle_id if after.members_only else None
    if was == now:
        return
    comments = await comment_store.ids_on(w, after.id)
    if now is not None:
        await changelog.withdraw(w, "outing", after.id)
        for comment_id in comments:
            await changelog.withdraw(w, "comment", comment_id)
    await changelog.record_each(w, "comment", comments)


async def _write_seats(
    w: Writer, outing_id: str, before: list[Seat], changed: list[Seat], now: str
) -> None:
    """Save the changed seats, and record every RSVP to this outing whose pulled
    fields moved, the acting family's and everyone else's (a promotion, a place
    further up the waitlist): each phone hears of its new place. Every write of
    seats comes through here, so the rule has one home."""
    for seat in changed:
        await rsvp_store.save(w, outing_id, seat, now)
    after = capacity.merge(before, changed)
    await changelog.record_differences(
        w,
        "rsvp",
        capacity.as_pulled(before),
        capacity.as_pulled(after),
        owned_by_key_of=outing_id,  # each family's own copy of her reply to it
    )


async def _promote(w: Writer, outing: Outing, promoted: list[str], now: str) -> None:
    if promoted:
        await notify(w, promoted, "promoted", outing.id, now, title=outing.title)


async def propose(
    db: Database,
    user: User,
    outing_id: str,
    data: OutingInput,
    *,
    adults: int = rules.HOST_ADULTS,
    children: int = rules.HOST_CHILDREN,
) -> Outing:
    """Create an outing, its host's family coming. A re-sent form (same id,
    same host) returns the first one."""
    return await db.write(
        lambda w: propose_in(w, user, outing_id, data, adults=adults, children=children)
    )


async def propose_in(
    w: Writer,
    user: User,
    outing_id: str,
    data: OutingInput,
    *,
    adults: int = rules.HOST_ADULTS,
    children: int = rules.HOST_CHILDREN,
) -> Outing:
    data = rules.clean(data)
    errors = rules.check(data, now=utcnow())
    existing = await store.get(w, outing_id)
    if existing is not None:
        if existing.host_id != user.id:
            raise Refused("conflict", _("That outing id is taken."))
        return existing
    errors |= {
        k: v
        for k, v in rules.check_host_family(data.capacity, adults, children).items()
        if k not in errors
    }
    if errors:
        raise Invalid(errors)
    await _check_venue(w, data)
    await _check_circle(w, user, data, None)
    stamp = now_iso()
    await store.insert(w, outing_id, user.id, data, stamp)
    # The host comes to her own outing: her reply holds a place like any
    # family's, through the same rules and the same change-log path, so her
    # phone pulls it and the outing's counts include her.
    outcome = capacity.set_rsvp(
        [],
        data.capacity,
        user_id=user.id,
        status="going",
        adults=adults,
        children=children,
        seq=await changelog.next_seq(w),
    )
    await _write_seats(w, outing_id, [], outcome.changed, stamp)
    await _record_outing(w, outing_id)
    return await _load(w, outing_id)


async def outing_input(w: Writer, outing_id: str) -> OutingInput:
    """An outing's editable fields as they are now, to apply a partial update to."""
    o = await _load(w, outing_id)
    return OutingInput(
        title=o.title,
        category=o.category,
        starts_at=o.starts_at,
        ends_at=o.ends_at,
        description=o.description,
        venue_id=o.venue_id,
        place=o.place,
        meeting_point=o.meeting_point,
        meeting_point_private=o.meeting_point_private,
        area=o.area,
        age_min_months=o.age_min_months,
        age_max_months=o.age_max_months,
        capacity=o.capacity,
        cost=o.cost,
        language=o.language,
        circle_id=o.circle_id,
        visibility=o.visibility,
        adults_only=o.adults_only,
    )


async def edit(db: Database, user: User, outing_id: str, data: OutingInput) -> Edited:
    return await db.write(lambda w: edit_in(w, user, outing_id, data))


async def edit_in(w: Writer, user: User, outing_id: str, data: OutingInput) -> Edited:
    data = rules.clean(data)
    now = utcnow()
    before = await _load(w, outing_id)
    refusal = rules.why_no_edit(user, before, now)
    if refusal:
        raise Refused("forbidden" if not rules.is_host(user, before) else "closed", refusal)
    errors = rules.check(data, now=now, previous=before)
    if errors:
        raise Invalid(errors)
    await _check_venue(w, data)
    await _check_circle(w, user, data, before)
    stamp = now_iso()
    bump = rules.needs_new_sequence(before, data)
    await store.update(w, outing_id, data, stamp, bump=bump)
    seats = await rsvp_store.seats(w, outing_id)
    outcome = capacity.change_capacity(seats, data.capacity)
    await _write_seats(w, outing_id, seats, outcome.changed, stamp)
    await _promote(w, before, outcome.promoted, stamp)
    if bump:
        others = [
            s.user_id for s in seats if s.status in ("going", "maybe") and s.user_id != user.id
        ]
        await notify(w, others, "changed", outing_id, stamp, title=data.title)
    after = await _load(w, outing_id)
    await _record_new_audience(w, before, after)
    await _record_outing(w, outing_id)
    seats_after = await rsvp_store.seats(w, outing_id)
    return Edited(
        outing=after,
        over_capacity=capacity.over_capacity(seats_after, data.capacity),
        promoted=len(outcome.promoted),
    )


async def cancel(db: Database, user: User, outing_id: str, reason: str) -> Outing:
    return await db.write(lambda w: cancel_in(w, user, outing_id, reason))


async def cancel_in(w: Writer, user: User, outing_id: str, reason: str) -> Outing:
    text, error = rules.check_reason(reason)
    now = utcnow()
    outing = await _load(w, outing_id)
    if outing.cancelled and rules.is_host(user, outing):
        return outing  # cancelling twice is harmless
    refusal = rules.why_no_edit(user, outing, now)
    if refusal:
        raise Refused("forbidden" if not rules.is_host(user, outing) else "closed", refusal)
    if error:
        raise Invalid({"reason": error})
    stamp = now_iso()
    await store.cancel(w, outing_id, text, stamp)
    families = [
        family
        for family in await rsvp_store.user_ids(w, outing_id, ("going", "maybe"))
        if family != user.id  # the host knows: she cancelled it
    ]
    await notify(w, families, "cancelled", outing_id, stamp, title=outing.title, reason=text)
    await _record_outing(w, outing_id)
    return await _load(w, outing_id)


async def set_rsvp(
    db: Database, user: User, outing_id: str, status: str, adults: int, children: int
) -> RsvpResult:
    """Reply to an outing; a full outing puts a "going" on the waitlist."""
    return await db.write(lambda w: set_rsvp_in(w, user, outing_id, status, adults, children))


async def set_rsvp_in(
    w: Writer, user: User, outing_id: str, status: str, adults: int, children: int
) -> RsvpResult:
    if status not in ("going", "maybe", "declined"):
        raise Invalid({"status": _("Please choose going, maybe or can't go.")})
    errors = rules.check_rsvp_counts(adults, children)
    if errors:
        raise Invalid(errors)
    now = utcnow()
    outing = await visible(w, user, outing_id)
    refusal = rules.why_no_rsvp(outing, now)
    if refusal:
        raise Refused("cancelled" if outing.cancelled else "past", refusal)
    mine, after = await _reply(w, outing, user.id, status, adults, children)  # type: ignore[arg-type]
    return RsvpResult(
        status=mine.status,
        state=mine.state,
        position=capacity.position(after, user.id),
        adults=adults,
        children=children,
    )


async def _reply(
    w: Writer, outing: Outing, user_id: str, status: RsvpStatus, adults: int, children: int
) -> tuple[Seat, list[Seat]]:
    """A family's reply set, the seats moved by it saved and recorded, those
    promoted told: her seat, and the seats it could move as they are now."""
    stamp = now_iso()
    seats = await rsvp_store.queue(w, outing.id, user_id)
    outcome = capacity.set_rsvp(
        seats,
        outing.capacity,
        user_id=user_id,
        status=status,
        adults=adults,
        children=children,
        seq=await changelog.next_seq(w),
        held=outing.confirmed_count - capacity.confirmed(seats),
    )
    await _write_seats(w, outing.id, seats, outcome.changed, stamp)
    await _promote(w, outing, outcome.promoted, stamp)
    await _record_outing(w, outing.id)
    assert outcome.mine is not None
    return outcome.mine, capacity.merge(seats, outcome.changed)


async def give_up_places_in(w: Writer, circle_id: str, user_id: str) -> None:
    """A family who leaves a circle (or is removed from it) can't go to its
    members-only outings not yet over: she no longer sees them, and a place
    she keeps would keep a waitlisted family out. Her replies to them become
    "can't go" (the next on the waitlist moves up, and is told); her own
    outings stay hers."""
    now = store.iso(utcnow())
    replies = await rsvp_store.replies_to_members_only(w, circle_id, user_id, now)
    for outing_id, adults, children in replies:
        await _reply(w, await _load(w, outing_id), user_id, "declined", adults, children)


async def hide_in(w: Writer, outing_id: str, reason: str, now: str) -> None:
    """A moderator hides an outing: it, its replies and its comments leave every phone."""
    await store.hide(w, outing_id, reason, now)
    await changelog.record(w, "outing", outing_id, op="del")
    for seat in await rsvp_store.seats(w, outing_id):
        key = changelog.rsvp_key(outing_id, seat.user_id)
        await changelog.record(w, "rsvp", key, op="del", owner_id=seat.user_id)
    for comment_id in await comment_store.ids_on(w, outing_id):
        await changelog.record(w, "comment", comment_id, op="del")
