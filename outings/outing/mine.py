"""A family's own outings and the part it takes in each, as ``/me`` lists
them and as the cards of the list say ("Hosting", "Going", "Waitlist #2",
"Maybe").

Coming up, soonest first: the outings it hosts, is going to, is waiting for
(with its place on the waitlist) or may go to; one it declined is not its
own any more. Past, most recent first: the outings it hosted or had a place
at. A host who also replied to their own outing is shown as the host.

The list is one copy shared by every member (:mod:`outings.web.shared_pages`);
each card holds a marker where it says how full the outing is, and the
parent's own part goes there (:func:`pill`); one who declined sees what
everyone sees.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

from outings.db.database import Conn
from outings.outing import rsvp_store, store
from outings.outing.models import Outing
from outings.outing.store import iso

Part = Literal["hosting", "going", "waitlisted", "maybe"]

#: Past outings /me shows: a parent looks back a few weeks, not through years.
PAST_SHOWN = 10


class MyOuting(msgspec.Struct, frozen=True, kw_only=True):
    outing: Outing
    part: Part
    #: the family's place on the waitlist (1 is next in), when it waits
    position: int | None = None


class MyOutings(msgspec.Struct, frozen=True, kw_only=True):
    coming_up: list[MyOuting]
    past: list[MyOuting]
    #: more past outings than ``past`` holds
    more_past: bool


def part(outing: Outing, user_id: str, rsvp: dict[str, Any] | None) -> Part | None:
    """The family's part in an outing; None when it is not theirs (declined, no reply)."""
    if outing.host_id == user_id:
        return "hosting"
    return _replied(rsvp)


def _replied(rsvp: dict[str, Any] | None) -> Part | None:
    """The part a reply (as a pull sends it) gives a family that does not host."""
    if rsvp is None:
        return None
    if rsvp["state"] == "confirmed":
        return "going"
    if rsvp["state"] == "waitlisted":
        return "waitlisted"
    if rsvp["status"] == "maybe":
        return "maybe"
    return None


async def family_outings(conn: Conn, user_id: str, now: datetime) -> MyOutings:
    coming = await store.coming_up_for(conn, user_id, now)
    # one more than shown, to know whether there are more
    past = await store.past_for(conn, user_id, now, PAST_SHOWN + 1)
    replies = await rsvp_store.mine_many(conn, user_id, [o.id for o in [*coming, *past]])

    def mine(outings: list[Outing]) -> list[MyOuting]:
        found = []
        for outing in outings:
            rsvp = replies.get(outing.id)
            role = part(outing, user_id, rsvp)
            if role is not None:
                position = rsvp["position"] if rsvp and role == "waitlisted" else None
                found.append(MyOuting(outing=outing, part=role, position=position))
        return found

    return MyOutings(
        coming_up=mine(coming), past=mine(past[:PAST_SHOWN]), more_past=len(past) > PAST_SHOWN
    )


class Role(msgspec.Struct, frozen=True):
    """A family's part in one outing, for the cards of the list."""

    part: Part
    position: int | None = None


async def roles(conn: Conn, user_id: str, now: datetime) -> dict[str, Role]:
    """The outings not yet over that this family hosts or replied to (not declined)."""
    found: dict[str, Role] = {}
    for outing_id, rsvp in (await rsvp_store.mine_upcoming(conn, user_id, iso(now))).items():
        role = _replied(rsvp)
        if role is not None:
            found[outing_id] = Role(role, rsvp["position"] if role == "waitlisted" else None)
    for outing_id in await store.hosted_ids(conn, user_id, now):
        found[outing_id] = Role("hosting")
    return found


def shows_places(role: Role) -> bool:
    """Whether a card still says how full the outing is beside the family's
    part: a host watches it fill, a "maybe" may want to decide in time."""
    return role.part in ("hosting", "maybe")
