"""Capacity and the waitlist: the rules, with no web or SQL in them.

An outing holds ``capacity`` families (``None``: no limit); one ``going``
RSVP is one family. A ``going`` joins the back of the waitlist in the order
the server processed it, and :func:`settle` then fills every free place from
the front. So a family is only ever waitlisted while the outing is full,
first come first served, and nobody confirmed is ever pushed out — not even
when the host lowers the capacity below the confirmed count.
"""

from __future__ import annotations

import msgspec

from outings.outing.models import RsvpStatus, Seat


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    #: the acting family's RSVP after the change (None: they never replied)
    mine: Seat | None
    #: every seat whose row must be written, the acting family's included
    changed: list[Seat]
    #: families moved from the waitlist to confirmed by this change
    promoted: list[str]


def confirmed(seats: list[Seat]) -> int:
    return sum(1 for s in seats if s.state == "confirmed")


def waitlist(seats: list[Seat]) -> list[Seat]:
    """Waitlisted families, first come first served."""
    queue = [s for s in seats if s.state == "waitlisted"]
    return sorted(queue, key=lambda s: (s.queued_seq or 0, s.user_id))


def position(seats: list[Seat], user_id: str) -> int | None:
    """1 for the front of the waitlist; None when not waitlisted."""
    for place, seat in enumerate(waitlist(seats), start=1):
        if seat.user_id == user_id:
            return place
    return None


def free_places(seats: list[Seat], capacity: int | None, held: int = 0) -> int | None:
    """Places left; ``held``: places confirmed to families not in ``seats``."""
    if capacity is None:
        return None
    return max(capacity - held - confirmed(seats), 0)


def settle(seats: list[Seat], capacity: int | None, held: int = 0) -> list[Seat]:
    """The waitlisted seats to confirm now that places may have freed up."""
    queue = waitlist(seats)
    free = free_places(seats, capacity, held)
    take = len(queue) if free is None else min(free, len(queue))
    return [msgspec.structs.replace(s, state="confirmed") for s in queue[:take]]


def as_pulled(seats: list[Seat]) -> dict[str, tuple[object, ...]]:
    """Each family's RSVP as a pull sends it (``rsvp_store.mine_many`` counts
    the place the same way), by user id: what to compare to know whose
    changed."""
    places = {s.user_id: n for n, s in enumerate(waitlist(seats), start=1)}
    return {
        s.user_id: (s.status, s.adults, s.children, s.state, places.get(s.user_id)) for s in seats
    }


def merge(seats: list[Seat], changed: list[Seat]) -> list[Seat]:
    by_user = {s.user_id: s for s in seats}
    by_user.update({s.user_id: s for s in changed})
    return list(by_user.values())


def set_rsvp(
    seats: list[Seat],
    capacity: int | None,
    *,
    user_id: str,
    status: RsvpStatus,
    adults: int,
    children: int,
    seq: int,
    held: int = 0,
) -> Outcome:
    """A family replies (or changes its reply); ``seq`` is the server's processing order.

    ``seats`` need not be all of them: a reply moves only the family's own
    seat and waitlisted ones (promoted, or a place further up), never another
    confirmed family's. Given the family's seat, every waitlisted seat and
    ``held``, the number of other confirmed families, the outcome is the same
    as with every seat (tests/test_capacity.py): what a reply reads stays
    small however many families an outing has."""
    before = next((s for s in seats if s.user_id == user_id), None)
    if status == "going":
        if before is not None and before.status == "going" and before.state != "none":
            # Still going: keep the place or the waitlist position; counts may change.
            mine = msgspec.structs.replace(before, adults=adults, children=children)
        else:
            mine = Seat(
                user_id=user_id,
                status="going",
                adults=adults,
                children=children,
                state="waitlisted",
                queued_seq=seq,
            )
    else:
        mine = Seat(
            user_id=user_id,
            status=status,
            adults=adults,
            children=children,
            state="none",
            queued_seq=None,
        )
    after = merge(seats, [mine])
    promoted = settle(after, capacity, held)
    after = merge(after, promoted)
    mine = next(s for s in after if s.user_id == user_id)
    others = [s for s in promoted if s.user_id != user_id]
    return Outcome(mine=mine, changed=[mine, *others], promoted=[s.user_id for s in others])


def change_capacity(seats: list[Seat], capacity: int | None) -> Outcome:
    """The host changes the capacity: promote into any new places, push no one out."""
    promoted = settle(seats, capacity)
    return Outcome(mine=None, changed=promoted, promoted=[s.user_id for s in promoted])


def over_capacity(seats: list[Seat], capacity: int | None) -> int:
    """How many confirmed families are above a (lowered) capacity."""
    if capacity is None:
        return 0
    return max(confirmed(seats) - capacity, 0)
