"""What people do with venues: list, edit, confirm, claim. One transaction each."""

from __future__ import annotations

from outings import changelog
from outings.accounts.models import User
from outings.db import Database, now_iso
from outings.db.database import Writer
from outings.i18n import gettext as _
from outings.ids import new_id
from outings.notifications import notify
from outings.outing import store as outing_store
from outings.refusals import Invalid, Refused
from outings.venue import rules, store
from outings.venue.models import Venue, VenueInput

__all__ = ["Invalid", "Refused"]


def _not_found() -> Refused:
    return Refused("not_found", _("We could not find that place. It may have been removed."))


async def load(w: Writer, venue_id: str) -> Venue:
    venue = await store.get(w, venue_id)
    if venue is None:
        raise _not_found()
    return venue


async def create_in(
    w: Writer, user: User, venue_id: str, data: VenueInput, *, manage: bool
) -> Venue:
    """List a place; ``manage``: the person listing it runs it, and may edit it."""
    data = rules.clean(data)
    existing = await store.get(w, venue_id, hidden=True)
    if existing is not None:
        if existing.created_by != user.id:
            raise Refused("conflict", _("That venue id is taken."))
        return existing  # a re-sent form
    if errors := rules.check(data):
        raise Invalid(errors)
    now = now_iso()
    await store.insert(
        w, venue_id, data, created_by=user.id, manager_id=user.id if manage else None, now=now
    )
    await store.set_amenities(w, venue_id, data, user.id, now)
    await changelog.record(w, "venue", venue_id)
    return await load(w, venue_id)


async def create(
    db: Database, user: User, venue_id: str, data: VenueInput, *, manage: bool
) -> Venue:
    return await db.write(lambda w: create_in(w, user, venue_id, data, manage=manage))


async def update_in(w: Writer, user: User, venue_id: str, data: VenueInput) -> Venue:
    venue = await load(w, venue_id)
    if not rules.may_edit(user, venue):
        raise Refused("forbidden", _("Only the place's manager or a moderator can edit it."))
    data = rules.clean(data)
    if errors := rules.check(data):
        raise Invalid(errors)
    now = now_iso()
    await store.update(w, venue_id, data, now)
    await store.set_amenities(w, venue_id, data, user.id, now)
    await changelog.record(w, "venue", venue_id)
    if data.name != venue.name:
        # outings carry the venue's name
        await changelog.record_each(w, "outing", await outing_store.ids_at_venue(w, venue_id))
    return await load(w, venue_id)


async def hide_in(w: Writer, venue_id: str, reason: str, now: str) -> None:
    """A moderator hides a place: it leaves every phone, and the outings there
    no longer name it."""
    await store.hide(w, venue_id, reason, now)
    await changelog.record(w, "venue", venue_id, op="del")
    await changelog.record_each(w, "outing", await outing_store.ids_at_venue(w, venue_id))


async def update(db: Database, user: User, venue_id: str, data: VenueInput) -> Venue:
    return await db.write(lambda w: update_in(w, user, venue_id, data))


def as_input(venue: Venue) -> VenueInput:
    """A venue's current fields, to apply a partial update to."""
    location = venue.amenity("changing_table")
    return VenueInput(
        name=venue.name,
        kind=venue.kind,
        address=venue.address,
        area=venue.area,
        description=venue.description,
        latitude=venue.latitude,
        longitude=venue.longitude,
        opening_hours=venue.opening_hours,
        website=venue.website,
        phone=venue.phone,
        price_notes=venue.price_notes,
        age_min_months=venue.age_min_months,
        age_max_months=venue.age_max_months,
        amenities={a.name: a.value for a in venue.amenities},
        changing_table_location=location.detail if location else "",
    )


async def confirm(db: Database, user: User, venue_id: str) -> None:
    """A parent was there and the amenities are still right."""

    async def run(w: Writer) -> None:
        await load(w, venue_id)
        await store.confirm_amenities(w, venue_id, user.id, now_iso())
        await changelog.record(w, "venue", venue_id)

    await db.write(run)


async def claim(db: Database, user: User, venue_id: str, message: str) -> None:
    """Ask to manage a place; a moderator approves or refuses."""

    async def run(w: Writer) -> None:
        venue = await load(w, venue_id)
        refusal = rules.why_no_claim(user, venue, await store.pending_claim(w, venue_id, user.id))
        if refusal:
            raise Refused("claim_refused", refusal)
        text = message.strip()[:1000]
        await store.insert_claim(w, new_id(), venue_id, user.id, text, now_iso())

    await db.write(run)


async def tell_manager(w: Writer, venue: Venue, reason: str, now: str) -> None:
    if venue.manager_id:
        await notify(
            w,
            [venue.manager_id],
            "venue_report",
            None,
            now,
            title=venue.name,
            reason=reason,
            venue_id=venue.id,
        )
