"""``outings demo``'s neighbourhood circles, loaded through the circles' own
services so every rule (moderators, approval, who may post) holds for the
sample data too. The words are in :mod:`outings.demo_circle_data`."""

from __future__ import annotations

import msgspec

from outings.accounts.models import User
from outings.circle import board, book, news
from outings.circle import service as circle_service
from outings.circle import store as circle_store
from outings.circle.book_models import EntryInput
from outings.circle.models import CircleInput
from outings.db import Database
from outings.demo_circle_data import BOARD, BOOK, CIRCLES, NEWS, CirclePlan
from outings.demo_data import stable_id as _stable_id


async def add_circle(db: Database, users: dict[str, User], plan: CirclePlan) -> int:
    """A neighbourhood circle with its moderators, members and who asked to
    join, through the circles' own service (the rules hold for sample data too)."""
    circle_id = _stable_id("circle", plan.key)
    founder = users[plan.moderators[0]]
    async with db.reader() as r:
        if await circle_store.get(r, circle_id, hidden=True) is not None:
            return 0
    data = CircleInput(
        name=plan.name,
        area=plan.area,
        description=plan.about,
        language=plan.language,
        colour=plan.colour,
        emoji=plan.emoji,
        joining="open",  # members come in first; asking starts once they are in
    )
    await circle_service.create(db, founder, circle_id, data)
    for name in (*plan.moderators[1:], *plan.members):
        await circle_service.join(db, users[name], circle_id)
    for name in plan.moderators[1:]:
        await circle_service.set_role(db, founder, circle_id, users[name].id, "moderator")
    if plan.joining != "open":
        await circle_service.update(
            db, founder, circle_id, msgspec.structs.replace(data, joining=plan.joining)
        )
    for name, message in plan.asked:
        await circle_service.join(db, users[name], circle_id, message)
    return 1


async def add_board(db: Database, users: dict[str, User]) -> int:
    """Asks and offers on the circles' boards, with replies, one sorted and one pinned."""
    added = 0
    for n, p in enumerate(BOARD):
        post_id = _stable_id("post", f"{p.circle}:{n}")
        if await db.fetchval("select 1 from circle_posts where id = ?", (post_id,)):
            continue
        circle_id = _stable_id("circle", p.circle)
        await board.add(db, users[p.author], circle_id, post_id, p.kind, p.body)
        for m, (name, words) in enumerate(p.replies):
            reply_id = _stable_id("reply", f"{p.circle}:{n}:{m}")
            await board.reply(db, users[name], post_id, reply_id, words)
        if p.sorted:
            await board.sort(db, users[p.author], post_id, True)
        if p.pinned:
            moderator = next(c.moderators[0] for c in CIRCLES if c.key == p.circle)
            await board.pin(db, users[moderator], post_id, True)
        added += 1
    return added


async def add_book(db: Database, users: dict[str, User]) -> int:
    """The circles' address books: most approved and recommended, one waiting."""
    added = 0
    for e in BOOK:
        entry_id = _stable_id("entry", f"{e.circle}:{e.name}")
        if await db.fetchval("select 1 from circle_entries where id = ?", (entry_id,)):
            continue
        circle_id = _stable_id("circle", e.circle)
        data = EntryInput(
            kind=e.kind,
            name=e.name,
            phone=e.phone,
            email=e.email,
            address=e.address,
            website=e.website,
            note=e.note,
        )
        entry = await book.add(db, users[e.adder], circle_id, entry_id, data)
        moderator = users[next(c.moderators[0] for c in CIRCLES if c.key == e.circle)]
        if e.approved and entry.status == "pending":
            await book.decide(db, moderator, circle_id, entry_id, approve=True)
        for name in e.recommended_by:
            await book.recommend(db, users[name], entry_id)
        added += 1
    return added


async def add_news(db: Database, users: dict[str, User]) -> None:
    """A news issue sent by each circle's first moderator (once: its id is stable)."""
    for key, note in NEWS:
        circle = next(c for c in CIRCLES if c.key == key)
        circle_id = _stable_id("circle", key)
        news_id = _stable_id("news", key)
        await news.send(db, users[circle.moderators[0]], circle_id, news_id, note)
