"""``outings demo``: a believable fortnight so a first run looks alive.

Sample families have no passkeys: nobody can sign in as them. The data is in
:mod:`outings.demo_data`. Venues go in through the venue SQL module (added by
a sample family, some already verified); outings, replies, comments and the
one cancellation go through :mod:`outings.outing.service`, so every rule
(capacity, waitlist, who may comment) holds for the sample data too.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from outings import changelog
from outings.accounts import store
from outings.accounts.models import User
from outings.db import Database, now_iso
from outings.db.database import Writer
from outings.demo_data import COMMENTS, FAMILIES, OUTINGS, VENUES, Plan
from outings.outing import rsvp_store, rules, service
from outings.outing.models import Outing
from outings.outing.rules import OutingInput
from outings.settings import Settings
from outings.venue import store as venue_store
from outings.venue.models import VenueInput


def _stable_id(kind: str, name: str) -> str:
    # The same sample rows get the same ids every run, so `demo` stays idempotent.
    digest = hashlib.sha256(f"outings-demo:{kind}:{name}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


async def load_demo(settings: Settings, *, if_empty: bool = False) -> str:
    db = Database(settings.db_path)
    await db.open()
    try:
        if if_empty and await db.fetchval("select count(*) from users") > 0:
            return "the database has data already: no sample data added"
        families = await db.write(_add_families)
        venues = await db.write(_add_venues)
        users = await _users(db)
        today = datetime.now(settings.tz).date()
        outings = replies = comments = 0
        for plan in OUTINGS:
            outing, created = await _propose(db, users[plan.host], plan, today, settings.tz)
            outings += created
            replies += await _reply(db, users, outing, plan)
            comments += await _comment(db, users, outing, plan)
            if plan.cancel and not rules.why_no_edit(users[plan.host], outing, service.utcnow()):
                await service.cancel(db, users[plan.host], outing.id, plan.cancel)
        return (
            f"sample data: {families} families and {venues} venues added,"
            f" {outings} outings, {replies} replies, {comments} comments"
        )
    finally:
        await db.close()


async def _add_families(w: Writer) -> int:
    now = now_iso()
    added = 0
    for name in FAMILIES:
        user_id = _stable_id("family", name)
        if await store.get_user(w, user_id) is None:
            handle = hashlib.sha256(user_id.encode()).digest()
            await store.insert_user(w, id=user_id, display_name=name, user_handle=handle, now=now)
            added += 1
    return added


async def _add_venues(w: Writer) -> int:
    now = now_iso()
    adder = _stable_id("family", next(iter(FAMILIES)))
    added = 0
    for v in VENUES:
        venue_id = _stable_id("venue", v.name)
        lat, lon = v.at or (None, None)
        data = VenueInput(
            name=v.name,
            kind=v.kind,
            description=v.about,
            address=v.address,
            area=v.area,
            latitude=lat,
            longitude=lon,
            opening_hours=v.hours,
            amenities=dict(tag.split("=", 1) for tag in v.tags.split()),
        )
        if not await venue_store.insert(
            w, venue_id, data, created_by=adder, manager_id=None, now=now
        ):
            continue
        added += 1
        await venue_store.set_amenities(w, venue_id, data, adder, now)
        if v.verified:
            await venue_store.verify(w, venue_id, None, now)
        await changelog.record(w, "venue", venue_id)
    return added


async def _users(db: Database) -> dict[str, User]:
    users: dict[str, User] = {}
    async with db.reader() as r:
        for name in FAMILIES:
            user = await store.get_user(r, _stable_id("family", name))
            assert user is not None, f"sample family {name} is missing"
            users[name] = user
    return users


def _outing_input(plan: Plan, today: date, tz: ZoneInfo) -> OutingInput:
    day = today + timedelta(days=plan.day)
    venue = next((v for v in VENUES if v.name == plan.venue), None)
    return OutingInput(
        title=plan.title,
        category=plan.category,
        starts_at=_at(day, plan.start, tz),
        ends_at=_at(day, plan.end, tz),
        description=plan.about,
        venue_id=_stable_id("venue", venue.name) if venue else None,
        place=plan.place,
        meeting_point=plan.meet,
        meeting_point_private=plan.private,
        area=venue.area if venue else plan.area,
        age_min_months=plan.ages[0],
        age_max_months=plan.ages[1],
        capacity=plan.capacity,
        cost=plan.cost,
        language=plan.language,
    )


def _at(day: date, clock: str, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=tz).astimezone(UTC)


async def _propose(
    db: Database, host: User, plan: Plan, today: date, tz: ZoneInfo
) -> tuple[Outing, bool]:
    outing_id = _stable_id("outing", plan.key)
    existed = await db.fetchval("select 1 from outings where id = ?", (outing_id,))
    outing = await service.propose(db, host, outing_id, _outing_input(plan, today, tz))
    return outing, not existed


async def _reply(db: Database, users: dict[str, User], outing: Outing, plan: Plan) -> int:
    # An outing cancelled or over by a later run takes no replies: leave it as it is.
    if rules.why_no_rsvp(outing, service.utcnow()):
        return 0
    added = 0
    for status, names in (
        ("going", plan.going),
        ("maybe", plan.maybe),
        ("declined", plan.declined),
    ):
        for name in names:
            async with db.reader() as r:
                if await rsvp_store.seat(r, outing.id, users[name].id) is not None:
                    continue
            adults, children = FAMILIES[name]
            await service.set_rsvp(db, users[name], outing.id, status, adults, children)
            added += 1
    return added


async def _comment(db: Database, users: dict[str, User], outing: Outing, plan: Plan) -> int:
    added = 0
    for key, author, body in COMMENTS:
        if key != plan.key:
            continue
        comment_id = _stable_id("comment", f"{key}:{author}:{body}")
        if not await db.fetchval("select 1 from comments where id = ?", (comment_id,)):
            await service.add_comment(db, users[author], outing.id, comment_id, body)
            added += 1
    return added
