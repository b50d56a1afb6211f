"""Pulling what changed since a cursor, as the caller may see it.

All reads of one pull happen in one read transaction, so the cursor handed
back is exactly as new as the changes sent with it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from outings import changelog, privacy
from outings.accounts.models import User
from outings.circle import board, book, post_store
from outings.circle import store as circle_store
from outings.circle.board_models import Post, Reply
from outings.circle.models import Circle
from outings.db import Database, Row, stamp
from outings.db.database import Reader
from outings.outing import comment_store, rsvp_store
from outings.outing import store as outing_store
from outings.outing.models import Outing
from outings.sync import store
from outings.sync.protocol import PULL_PAGE, Change, PullResponse
from outings.venue import store as venue_store
from outings.venue.models import Venue
from outings.web.cache import LRU


def outing_data(o: Outing) -> dict[str, Any]:
    return {
        "id": o.id,
        "host_id": o.host_id,
        "host_name": o.host_name,
        "title": o.title,
        "category": o.category,
        "description": o.description,
        "starts_at": outing_store.iso(o.starts_at),
        "ends_at": outing_store.iso(o.ends_at),
        "venue_id": o.venue_id,
        "venue_name": o.venue_name,
        "place": o.place,
        "area": o.area,
        "age_min_months": o.age_min_months,
        "age_max_months": o.age_max_months,
        "capacity": o.capacity,
        "confirmed_count": o.confirmed_count,
        "waitlist_count": o.waitlist_count,
        "places_left": o.places_left,
        "cost": o.cost,
        "language": o.language,
        "status": o.status,
        "cancel_reason": o.cancel_reason,
        "circle_id": o.circle_id,
        "visibility": o.visibility,
        "adults_only": o.adults_only,
        "updated_at": o.updated_at,
    }


def venue_data(venue: Venue) -> dict[str, Any]:
    data = msgspec.structs.asdict(venue)
    data["amenities"] = {a.name: a.value for a in venue.amenities}
    data["verified"] = venue.verified
    for private in ("created_by", "hidden_at"):
        data.pop(private)
    return data


def circle_data(c: Circle) -> dict[str, Any]:
    """A circle's public fields: what anyone may pull."""
    return {
        "id": c.id,
        "name": c.name,
        "area": c.area,
        "description": c.description,
        "language": c.language,
        "colour": c.colour,
        "emoji": c.emoji,
        "joining": c.joining,
        "member_count": c.member_count,
        "updated_at": c.updated_at,
    }


def post_data(p: Post, replies: list[Reply]) -> dict[str, Any]:
    """A board post with its replies (members only: the change log's audience).
    ``expires_at`` is when it leaves the board (null while pinned): the phone
    stops showing it then, as the server's page does, with no change sent."""
    ends = board.expires_at(p)
    return {
        "id": p.id,
        "circle_id": p.circle_id,
        "kind": p.kind,
        "body": p.body,
        "author_id": p.author_id,
        "author_name": p.author_name,
        "created_at": p.created_at,
        "sorted": p.is_sorted,
        "pinned": p.pinned,
        "expires_at": None if ends is None else stamp(ends),
        "replies": [
            {
                "id": r.id,
                "author_id": r.author_id,
                "author_name": r.author_name,
                "body": r.body,
                "created_at": r.created_at,
            }
            for r in replies
        ],
    }


def public_id(key: str) -> str:
    """The id a pull sends for a change-log key: ``entity:user`` keys are one
    person's copy (an RSVP, a membership, a circle's things sent to her alone)."""
    return key.partition(":")[0]


#: Types whose pulled data is the same whoever pulls it (the change log's
#: audience decides who gets it; a visitor's copy is made nameless after).
SHARED_TYPES = frozenset(("outing", "venue", "comment", "circle"))

Versions = LRU[dict[str, Any]]


def versions(size: int = 4096) -> Versions:
    """Pulled data by (type, id, cursor): one version of an entity, read once.

    The change log holds one row per entity, moved to a new cursor in the
    same transaction as every change of it (and of what it shows: its
    counts, its venue's name), so the cursor names what the entity was, for
    every reader. Phones pulling the same recent changes share one reading."""
    return LRU(size)


async def _load(
    r: Reader, rows: list[Row], user_id: str | None, known: Versions | None = None
) -> dict[tuple[str, str], Any]:
    """The current data of every entity on a page, a few queries in all, not
    one per row; keyed by (type, id as pulled). Versions ``known`` already
    are not read again, and those read are added to it."""
    ids: dict[str, list[str]] = {}
    found: dict[tuple[str, str], Any] = {}
    for row in rows:
        kind, entity_id = row["entity_type"], public_id(row["entity_id"])
        if known is not None and kind in SHARED_TYPES:
            data = known.get((kind, entity_id, row["cursor"]))
            if data is not None:
                found[kind, entity_id] = data
                continue
        ids.setdefault(kind, []).append(entity_id)
    read = await _read(r, ids, user_id)
    if known is not None:
        for row in rows:
            kind, entity_id = row["entity_type"], public_id(row["entity_id"])
            if kind in SHARED_TYPES and (kind, entity_id) in read:
                known.put((kind, entity_id, row["cursor"]), read[kind, entity_id])
    found.update(read)
    return found


async def _read(
    r: Reader, ids: dict[str, list[str]], user_id: str | None
) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for outing_id, outing in (await outing_store.get_many(r, ids.get("outing", []))).items():
        found["outing", outing_id] = outing_data(outing)
    for venue_id, venue in (await venue_store.get_many(r, ids.get("venue", []))).items():
        found["venue", venue_id] = venue_data(venue)
    for comment_id, c in (await comment_store.many(r, ids.get("comment", []))).items():
        found["comment", comment_id] = {
            "id": c.id,
            "outing_id": c.outing_id,
            "author_id": c.author_id,
            "author_name": c.author_name,
            "body": c.body,
            "created_at": c.created_at,
        }
    for circle_id, circle in (await circle_store.get_many(r, ids.get("circle", []))).items():
        found["circle", circle_id] = circle_data(circle)
    posts = await post_store.many(r, ids.get("post", []))
    replies = await post_store.replies_of(r, list(posts))
    for post_id, p in posts.items():
        found["post", post_id] = post_data(p, replies.get(post_id, []))
    if user_id is not None:
        # rsvp and membership rows reach only their owner, so they are all the caller's
        for outing_id, data in (
            await rsvp_store.mine_many(r, user_id, ids.get("rsvp", []))
        ).items():
            found["rsvp", outing_id] = data
        if ids.get("membership"):
            roles = await circle_store.roles_of(r, user_id)
            for circle_id in ids["membership"]:
                if circle_id in roles:
                    found["membership", circle_id] = {"id": circle_id, "role": roles[circle_id]}
        # the address book: approved entries of her circles (a pending one is a del)
        for entry_id, data in (await book.pulled(r, ids.get("entry", []), user_id)).items():
            found["entry", entry_id] = data
    return found


async def pull(
    db: Database,
    user: User | None,
    cursor: int,
    client_id: str | None,
    limit: int = PULL_PAGE,
    known: Versions | None = None,
) -> PullResponse:
    """What changed after ``cursor`` as ``user`` may see it; ``known``: the
    versions of entities already read (:func:`versions`), shared by pulls."""
    async with db.reader() as r:
        if not client_id:
            # A phone checking for news at the head of the log, the commonest
            # pull: one read answers it (nothing new, so nothing to agree with).
            current, oldest = await changelog.bounds(r)
            if cursor == current and cursor >= oldest:
                return PullResponse(cursor=current, last_mutation_id=0, has_more=False, changes=[])
        async with r.snapshot():
            return await _pull(r, user, cursor, client_id, limit, known)


async def _pull(
    r: Reader,
    user: User | None,
    cursor: int,
    client_id: str | None,
    limit: int,
    known: Versions | None,
) -> PullResponse:
    current, oldest = await changelog.bounds(r)
    reset = cursor > current or (cursor != 0 and cursor < oldest)
    since = 0 if reset else cursor
    user_id = user.id if user else None
    rows = await changelog.changes_after(r, since, user_id, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    while reset and has_more and rows[-1]["cursor"] < oldest:
        # A fresh copy's first page reaches the oldest cursor kept: the next
        # page continues from where it ends, and a cursor below that would be
        # taken for a phone away too long, and sent the first page again, for ever.
        more = await changelog.changes_after(r, rows[-1]["cursor"], user_id, limit + 1)
        has_more = len(more) > limit
        rows += more[:limit]
    found = privacy.for_reader(await _load(r, rows, user_id, known), user)
    page = []
    for row in rows:
        kind, entity_id = row["entity_type"], public_id(row["entity_id"])
        data = found.get((kind, entity_id))
        if row["op"] == "del" or data is None:
            if not reset:  # a fresh snapshot needs no tombstones
                page.append(Change(op="del", type=kind, id=entity_id))
        else:
            page.append(Change(op="put", type=kind, id=entity_id, data=data))
    last_mutation_id = 0
    if client_id and user_id:
        owner = await store.client(r, client_id)
        if owner is not None and owner[0] == user_id:
            last_mutation_id = owner[1]
    new_cursor = rows[-1]["cursor"] if has_more else current
    return PullResponse(
        cursor=new_cursor,
        last_mutation_id=last_mutation_id,
        has_more=has_more,
        changes=page,
        reset=reset,
    )
