"""Property-based: whatever families and hosts do, the capacity rules hold."""

from __future__ import annotations

from functools import partial

from hypothesis import given, settings
from hypothesis import strategies as st

from outings.outing import capacity
from outings.outing.models import Seat

FAMILIES = [f"family-{i}" for i in range(8)]

rsvp = st.tuples(
    st.just("rsvp"),
    st.sampled_from(FAMILIES),
    st.sampled_from(["going", "going", "maybe", "declined"]),
    st.integers(1, 3),
    st.integers(0, 4),
)
resize = st.tuples(st.just("capacity"), st.none() | st.integers(1, 6))
actions = st.lists(st.one_of(rsvp, rsvp, rsvp, resize), max_size=40)


def check_invariants(seats: list[Seat], cap: int | None, arrivals: list[str]) -> None:
    going = [s for s in seats if s.status == "going"]
    assert all(s.state in ("confirmed", "waitlisted") for s in going)
    assert all(s.state == "none" for s in seats if s.status != "going")
    queue = capacity.waitlist(seats)
    if queue:
        # nobody waits while a place is free
        assert cap is not None
        assert capacity.confirmed(seats) >= cap
    # the waitlist is in the order the server processed the "going"s
    order = [s.user_id for s in queue]
    assert order == [u for u in arrivals if u in order]
    positions = [capacity.position(seats, u) for u in order]
    assert positions == list(range(1, len(order) + 1))


@settings(max_examples=300, deadline=None)
@given(initial=st.none() | st.integers(1, 5), steps=actions)
def test_any_sequence_keeps_capacity_and_first_come_first_served(
    initial: int | None, steps: list[tuple[object, ...]]
) -> None:
    seats: dict[str, Seat] = {}
    cap = initial
    arrivals: list[str] = []  # order in which families (re)joined the queue
    for seq, step in enumerate(steps, start=1):
        if step[0] == "rsvp":
            _, user, status, adults, children = step
            assert isinstance(user, str)
            assert isinstance(status, str)
            assert isinstance(adults, int)
            assert isinstance(children, int)
            before = seats.get(user)
            confirmed_before = capacity.confirmed(list(seats.values()))
            reply = partial(
                capacity.set_rsvp,
                capacity=cap,
                user_id=user,
                status=status,  # type: ignore[arg-type]
                adults=adults,
                children=children,
                seq=seq,
            )
            outcome = reply(list(seats.values()))
            # what a reply reads (her seat, the waitlist, a count of the
            # other confirmed families) gives the outcome every seat gives
            some = [s for s in seats.values() if s.user_id == user or s.state == "waitlisted"]
            assert outcome == reply(some, held=confirmed_before - capacity.confirmed(some))
            rejoined = status == "going" and (before is None or before.state == "none")
            if rejoined:
                arrivals = [u for u in arrivals if u != user] + [user]
            for seat in outcome.changed:
                seats[seat.user_id] = seat
            # confirmed families are never pushed out by someone else's reply
            if before is not None and before.state == "confirmed" and status == "going":
                assert seats[user].state == "confirmed"
            if cap is not None and confirmed_before < cap:
                assert capacity.confirmed(list(seats.values())) <= cap
        else:
            _, new_cap = step
            assert new_cap is None or isinstance(new_cap, int)
            confirmed_before = capacity.confirmed(list(seats.values()))
            outcome = capacity.change_capacity(list(seats.values()), new_cap)
            for seat in outcome.changed:
                seats[seat.user_id] = seat
            # lowering keeps those confirmed; no one new comes in above the capacity
            assert capacity.confirmed(list(seats.values())) >= confirmed_before
            cap = new_cap
        all_seats = list(seats.values())
        if cap is not None and capacity.over_capacity(all_seats, cap) == 0:
            assert capacity.confirmed(all_seats) <= cap
        check_invariants(all_seats, cap, arrivals)


def test_capacity_is_never_exceeded_when_it_was_never_lowered() -> None:
    seats: list[Seat] = []
    for seq, user in enumerate(FAMILIES, start=1):
        outcome = capacity.set_rsvp(
            seats, 3, user_id=user, status="going", adults=1, children=1, seq=seq
        )
        seats = [s for s in seats if s.user_id != user] + outcome.changed
    assert capacity.confirmed(seats) == 3
    assert [s.user_id for s in capacity.waitlist(seats)] == FAMILIES[3:]
    # a confirmed family declines: the first waitlisted is promoted
    outcome = capacity.set_rsvp(
        seats, 3, user_id=FAMILIES[0], status="declined", adults=1, children=0, seq=99
    )
    assert outcome.promoted == [FAMILIES[3]]
    seats = [s for s in seats if s.user_id not in {c.user_id for c in outcome.changed}]
    seats += outcome.changed
    assert capacity.position(seats, FAMILIES[4]) == 1
    # the host raises the capacity by two: the next two come in, in order
    raised = capacity.change_capacity(seats, 5)
    assert raised.promoted == FAMILIES[4:6]
