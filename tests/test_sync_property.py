"""What a phone holds after any pattern of pulls equals what a fresh pull says.

Hypothesis drives random sequences of replies, capacity edits, cancellations,
comments, venue renames and moderators hiding things, for several families;
and, since circles (issue 13), families joining and leaving the circle both
outings are posted to, its host leaving and coming back, and the host making
an outing members-only or public again.
Each family pulls now and then, a few changes a page, and keeps every
(cursor, state) it ever held. At the end, continuing from *any* of those
earlier states must give exactly what a pull from 0 gives, field by field,
for every entity type; and every outing's waitlist must be numbered 1..k in
first-come order.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from outings.accounts import store as account_store
from outings.accounts.models import User
from outings.circle import service as circle_service
from outings.circle.models import CircleInput
from outings.db import Database, database_at, now_iso
from outings.db.database import Writer
from outings.ids import new_id
from outings.moderation import service as moderation
from outings.outing import comments as comment_service
from outings.outing import service
from outings.outing.rules import OutingInput
from outings.refusals import Invalid, Refused
from outings.sync.pull import Versions, pull, versions
from outings.venue import service as venue_service
from outings.venue.models import VenueInput
from tests import pg
from tests.conftest import in_thread
from tests.pg import fresh_database
from tests.test_sync import materialize

FAMILIES = 6
OUTINGS = 2
State = dict[tuple[str, str], Any]

family = st.integers(0, FAMILIES - 1)
outing = st.integers(0, OUTINGS - 1)
SHAPES: dict[str, st.SearchStrategy[tuple[Any, ...]]] = {
    "reply": st.tuples(
        st.just("reply"),
        family,
        outing,
        st.sampled_from(["going", "going", "maybe", "declined"]),
        st.integers(1, 2),
        st.integers(0, 2),
    ),
    "capacity": st.tuples(st.just("capacity"), outing, st.sampled_from([None, 1, 2, 3])),
    "cancel": st.tuples(st.just("cancel"), outing),
    "comment": st.tuples(st.just("comment"), family, outing),
    "uncomment": st.tuples(st.just("uncomment"), family),
    "hide": st.tuples(st.just("hide"), st.sampled_from(["outing", "comment", "venue"]), outing),
    "rename": st.tuples(st.just("rename"), st.integers(0, 99)),
    "join": st.tuples(st.just("join"), family),
    "leave": st.tuples(st.just("leave"), family),
    "host": st.tuples(st.just("host"), st.sampled_from(["leaves", "joins"])),
    "visibility": st.tuples(st.just("visibility"), outing, st.sampled_from(["public", "members"])),
    "pull": st.tuples(st.just("pull"), st.integers(-1, FAMILIES - 1), st.integers(1, 4)),
}
#: Replies move waitlists, so they are most of what happens; a cancellation
#: or a hidden outing ends an outing's story, so they are rare.
KINDS = ["reply"] * 12 + ["capacity"] * 3 + ["comment", "uncomment", "rename", "pull", "pull"]
KINDS += ["cancel", "hide"]
# who is in the circle decides who sees its members-only outing
KINDS += ["join"] * 3 + ["leave"] * 2 + ["visibility"] * 2 + ["host"]
operations = st.lists(
    st.sampled_from(KINDS).flatmap(lambda kind: SHAPES[kind]), min_size=30, max_size=60
)


async def pull_from(
    db: Database,
    user: User | None,
    cursor: int,
    state: State,
    limit: int = 200,
    known: Versions | None = None,
) -> tuple[int, State]:
    """Pull to the end from ``cursor``; ``known``: the versions the server has
    read already (the phones' pulls share them; a fresh pull reads everything)."""
    pages = []
    while True:
        page = msgspec.to_builtins(await pull(db, user, cursor, None, limit, known))
        pages.append(page)
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor, materialize(pages, state)


async def _user(w: Writer, name: str) -> User:
    return await account_store.insert_user(
        w, id=new_id(), display_name=name, user_handle=new_id().encode(), now=now_iso()
    )


async def scenario(path: str, ops: list[tuple[Any, ...]]) -> None:
    db = database_at(path)
    await db.open()
    try:
        await run(db, ops)
    finally:
        await db.close()


async def run(db: Database, ops: list[tuple[Any, ...]]) -> None:
    host = await db.write(lambda w: _user(w, "Host"))
    families = [await db.write(partial(_user, name=f"Family {i}")) for i in range(FAMILIES)]
    moderator = msgspec.structs.replace(host, roles=frozenset({"moderator"}))
    venue_id = new_id()
    await venue_service.create(
        db, host, venue_id, VenueInput(name="Zoo", kind="zoo", area="Riverside"), manage=True
    )
    circle_id = new_id()
    await circle_service.create(
        db, host, circle_id, CircleInput(name="Riverside", area="Riverside")
    )
    start = service.utcnow().replace(microsecond=0) + timedelta(days=2)
    outing_ids = []
    # the host's family holds one place: one and two left; the first for the circle's members
    for capacity, visibility in ((2, "members"), (3, "public")):
        outing_ids.append(new_id())
        data = OutingInput(
            title="Zoo morning",
            category="zoo",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            venue_id=venue_id,
            capacity=capacity,
            circle_id=circle_id,
            visibility=visibility,
        )
        await service.propose(db, host, outing_ids[-1], data)
    comments: list[tuple[str, User]] = []
    # the host too: her own replies reach her phone (issue 12)
    readers: list[User | None] = [None, *families, host]
    # each reader's history of (cursor, state) it held
    held: list[list[tuple[int, State]]] = [[(0, {})] for _ in readers]
    known = versions()  # what the server has read already, shared by every phone's pull

    for op in ops:
        try:
            match op:
                case ("reply", i, j, status, adults, children):
                    await service.set_rsvp(db, families[i], outing_ids[j], status, adults, children)
                case ("capacity", j, capacity):
                    current = await db.write(partial(service.outing_input, outing_id=outing_ids[j]))
                    edited = msgspec.structs.replace(current, capacity=capacity)
                    await service.edit(db, host, outing_ids[j], edited)
                case ("cancel", j):
                    await service.cancel(db, host, outing_ids[j], "Rain")
                case ("comment", i, j):
                    comment_id = new_id()
                    await comment_service.add_comment(
                        db, families[i], outing_ids[j], comment_id, "Hi"
                    )
                    comments.append((comment_id, families[i]))
                case ("uncomment", i) if comments:
                    comment_id, author = comments.pop(i % len(comments))
                    await comment_service.delete_comment(db, author, comment_id)
                case ("hide", "outing", j):
                    await moderation.hide(db, moderator, "outing", outing_ids[j], "Spam")
                case ("hide", "comment", j) if comments:
                    comment_id, _author = comments[j % len(comments)]
                    await moderation.hide(db, moderator, "comment", comment_id, "Rude")
                case ("hide", "venue", _j):
                    await moderation.hide(db, moderator, "venue", venue_id, "Closed")
                case ("rename", n):
                    place = venue_service.as_input(
                        await db.write(lambda w: venue_service.load(w, venue_id))
                    )
                    place.name = f"Zoo {n}"
                    await venue_service.update(db, host, venue_id, place)
                case ("join", i):
                    await circle_service.join(db, families[i], circle_id)
                case ("leave", i):
                    await circle_service.leave(db, families[i], circle_id)
                case ("host", "leaves"):
                    # a circle keeps a moderator: family 0 takes over first
                    await circle_service.join(db, families[0], circle_id)
                    await circle_service.set_role(db, host, circle_id, families[0].id, "moderator")
                    await circle_service.leave(db, host, circle_id)
                case ("host", "joins"):
                    await circle_service.join(db, host, circle_id)
                case ("visibility", j, visibility):
                    current = await db.write(partial(service.outing_input, outing_id=outing_ids[j]))
                    edited = msgspec.structs.replace(current, visibility=visibility)
                    await service.edit(db, host, outing_ids[j], edited)
                case ("pull", reader, limit):
                    cursor, state = held[reader + 1][-1]
                    held[reader + 1].append(
                        await pull_from(db, readers[reader + 1], cursor, state, limit, known)
                    )
        except (Refused, Invalid):
            pass  # refused things change nothing; the invariants still hold
        for reader, history in zip(readers, held, strict=True):
            # every phone catches up now and then, so phones hold states at many cursors
            if len(history) % 2 or op[0] == "reply":
                history.append(await pull_from(db, reader, *history[-1], known=known))

    for reader, history in zip(readers, held, strict=True):
        _cursor, fresh = await pull_from(db, reader, 0, {})
        for cursor, state in history:
            _, caught_up = await pull_from(db, reader, cursor, state, limit=3, known=known)
            differ = {
                k: (caught_up.get(k), fresh.get(k))
                for k in caught_up.keys() | fresh.keys()
                if caught_up.get(k) != fresh.get(k)
            }
            assert not differ, (reader and reader.display_name, cursor, differ)

    # Waitlist places are 1..k in first-come order, as each family's own phone says.
    rows = await db.fetchall(
        "select outing_id, user_id, queued_seq from rsvps where state = 'waitlisted'"
        " order by outing_id, queued_seq, user_id"
    )
    expected: dict[tuple[str, str], int] = {}
    for row in rows:
        expected[row["outing_id"], row["user_id"]] = 1 + sum(
            1 for key in expected if key[0] == row["outing_id"]
        )
    seen = {}
    for user in families:
        _cursor, fresh = await pull_from(db, user, 0, {})
        for (kind, _id), data in fresh.items():
            if kind == "rsvp" and data["state"] == "waitlisted":
                seen[data["outing_id"], user.id] = data["position"]
    hidden = {
        r["id"] for r in await db.fetchall("select id from outings where hidden_at is not null")
    }
    assert seen == {k: v for k, v in expected.items() if k[0] not in hidden}


# On PostgreSQL an example takes ~1.3 s (a round trip per statement): fewer
# there. What sync decides is the same code on both engines; the second one
# checks that the same SQL means the same, on the explicit examples and these.
@pytest.mark.timeout(600)
@settings(
    max_examples=30 if pg.SERVER else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=operations)
# Found by CI: a comment hidden while its outing was public, the outing made
# members-only, the comment hidden again: its tombstone moved into the circle,
# out of sight of its author outside it, whose phone kept the comment.
@example(
    ops=[
        ("reply", 0, 1, "going", 1, 0),
        ("comment", 0, 1),
        ("pull", 0, 1),
        ("hide", "comment", 0),
        ("visibility", 1, "members"),
        ("hide", "comment", 0),
        ("reply", 0, 0, "going", 1, 0),
    ]
)
def test_every_phone_converges_on_a_fresh_pull(ops: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        in_thread(asyncio.run, scenario(fresh_database(Path(folder)), ops))
