"""``outings demo``: a believable fortnight so a first run looks alive.

Sample families have no passkeys: nobody can sign in as them. The data is in
:mod:`outings.demo_data`. Venues go in through the venue SQL module (added by
a sample family, some already verified); outings, replies, comments and the
one cancellation go through :mod:`outings.outing.service`, so every rule
(capacity, waitlist, who may comment) holds for the sample data too.

The dates are relative to the day it runs, and one outing is later *today*,
so the list opens on a "Today" group. Sample data made on another day goes
stale; ``--reset`` deletes everything in the database and loads it afresh.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from outings import changelog
from outings.accounts import store
from outings.accounts.models import User
from outings.db import Database, database_at, now_iso
from outings.db.database import Writer, in_order
from outings.demo_circle_data import CIRCLES
from outings.demo_circles import add_board, add_book, add_circle, add_news
from outings.demo_data import COMMENTS, FAMILIES, OUTINGS, VENUES, Plan
from outings.demo_data import stable_id as _stable_id
from outings.outing import comments, rsvp_store, rules, service
from outings.outing.models import Outing
from outings.outing.rules import OutingInput
from outings.settings import Settings
from outings.venue import store as venue_store
from outings.venue.models import VenueInput


class DemoRefused(Exception):
    """``--reset`` would delete something it must not without being told to."""


#: The tables ``--reset`` keeps; it empties every other one, children before
#: their parents (the foreign keys, as each engine's catalogue has them).
#: Kept: ``schema_migrations``, ``meta`` (the secret that signs forms),
#: ``sync_state`` (the change cursor, which only ever rises; the change log
#: itself is emptied by :func:`changelog.start_over`) and ``rate_hits``
#: (rate-limit counts, gone within the hour).
KEPT = ("schema_migrations", "meta", "sync_state", "sync_changes", "rate_hits")


async def load_demo(
    settings: Settings, *, if_empty: bool = False, reset: bool = False, force: bool = False
) -> str:
    """Add the sample data; ``reset``: delete everything first (refused while
    the database holds accounts made with a passkey, unless ``force``)."""
    db = database_at(settings.db)
    await db.open()
    try:
        if if_empty and await db.fetchval("select count(*) from users") > 0:
            return "the database has data already: no sample data added"
        said = ""
        if reset:
            said = await _reset(db, settings, force=force) + "\n"
        families = await db.write(_add_families)
        venues = await db.write(_add_venues)
        users = await _users(db)
        circles = 0
        for circle in CIRCLES:  # before the outings posted to them
            circles += await add_circle(db, users, circle)
        today = datetime.now(settings.tz).date()
        outings = replies = comments = 0
        for plan in (*OUTINGS, TODAY):
            outing, created = await _propose(db, users[plan.host], plan, today, settings.tz)
            outings += created
            replies += await _reply(db, users, outing, plan)
            comments += await _comment(db, users, outing, plan)
            if plan.cancel and not rules.why_no_edit(users[plan.host], outing, service.utcnow()):
                await service.cancel(db, users[plan.host], outing.id, plan.cancel)
        posts = await add_board(db, users)
        entries = await add_book(db, users)
        await add_news(db, users)
        return said + (
            f"sample data: {families} families and {venues} venues added,"
            f" {outings} outings, {replies} replies, {comments} comments, {circles} circles,"
            f" {posts} board posts, {entries} addresses"
        )
    finally:
        await db.close()


async def _reset(db: Database, settings: Settings, *, force: bool) -> str:
    async with db.reader() as r:
        people = await r.fetchval("select count(distinct user_id) from passkeys")
    if people and not force:
        raise DemoRefused(
            f"{settings.db} holds {people} account(s) made with a passkey (people who signed"
            " up, not sample families). `outings demo --reset --force` deletes them too."
        )

    wiped = [t.name for t in reversed(in_order(await db.tables())) if t.name not in KEPT]

    async def wipe(w: Writer) -> dict[str, int]:
        removed = {}
        for table in wiped:
            # table names from the database's own catalogue, never input
            removed[table] = await w.fetchval(f"select count(*) from {table}")
            await w.execute(f"delete from {table}")
        await changelog.start_over(w)
        return removed

    removed = await db.write(wipe)
    return (
        f"reset {settings.db}: deleted {removed['users']} accounts ({people} with a passkey),"
        f" {removed['venues']} places, {removed['outings']} outings, {removed['rsvps']} replies,"
        f" {removed['comments']} comments, {removed['sessions']} sign-ins and the change log;"
        " phones that synced before get a fresh copy"
    )


#: The outing later today: its time is set when the sample data is made.
TODAY = Plan(
    "today", "Nadia", "playground", "Swings and sandpit: come along today", 0, "", "",
    "The sun is out, so we're heading to the playground. Come for ten minutes or stay "
    "until the little ones are tired; I'll bring a flask of tea to share.",
    venue="Meadow Park Playground", meet="The benches next to the sandpit",
    ages=(12, 48), language="Français / English", going=("Amara", "Bartek", "Jonas"),
    maybe=("Hui Min",),
)  # fmt: skip


def today_slot(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end of the outing "later today": two hours from now (9:30 at
    the earliest), or in a few minutes when that would be late at night (an
    outing is only ever proposed for the future, and the list shows it under
    "Today")."""
    local = now.astimezone(tz)
    morning = datetime.combine(local.date(), time(9, 30), tzinfo=tz)
    start = max(_round_up(local + timedelta(hours=2), 15), morning)
    if start.date() != local.date() or start.hour >= 22:
        start = _round_up(local + timedelta(minutes=5), 5)
    if start.date() != local.date():
        start = _round_up(local, 1)  # a minute before midnight: the next minute
    return start.astimezone(UTC), (start + timedelta(minutes=90)).astimezone(UTC)


def _round_up(moment: datetime, minutes: int) -> datetime:
    """The first whole ``minutes`` mark after ``moment`` (wall-clock)."""
    later = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return later + timedelta(minutes=-later.minute % minutes)


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
    if plan is TODAY:
        starts_at, ends_at = today_slot(datetime.now(UTC), tz)
    else:
        starts_at, ends_at = _at(day, plan.start, tz), _at(day, plan.end, tz)
    return OutingInput(
        title=plan.title,
        category=plan.category,
        starts_at=starts_at,
        ends_at=ends_at,
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
        circle_id=_stable_id("circle", plan.circle) if plan.circle else None,
        visibility="members" if plan.members_only else "public",
        adults_only=plan.adults_only,
    )


def _at(day: date, clock: str, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=tz).astimezone(UTC)


async def _propose(
    db: Database, host: User, plan: Plan, today: date, tz: ZoneInfo
) -> tuple[Outing, bool]:
    outing_id = _stable_id("outing", plan.key)
    existed = await db.fetchval("select 1 from outings where id = ?", (outing_id,))
    adults, children = FAMILIES[plan.host]  # the host comes, with her family
    if plan.adults_only:
        children = 0
    data = _outing_input(plan, today, tz)
    outing = await service.propose(db, host, outing_id, data, adults=adults, children=children)
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
            if plan.adults_only:
                children = 0
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
            await comments.add_comment(db, users[author], outing.id, comment_id, body)
            added += 1
    return added
