"""A circle's address book: trusted local services its members recommend.

A member adds a paediatrician, a nursery, a childminder… with how to reach
them and a word of her own; a moderator of the circle approves it before
it shows (a moderator's own goes straight in); other members say "I
recommend them too", once each. Contact details, notes and who recommends
are for the circle's members only: a parent outside it learns that the
circle keeps a book and how many services are in it, never what they are.

The rules are plain functions; each change runs in one transaction
(``*_in(w, …)``, the form and the sync mutation alike) and records what
members' phones pull of it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import msgspec

from outings import changelog
from outings.accounts.models import User
from outings.accounts.rules import clean_text
from outings.circle import entry_store, rules, store, suggestion_store
from outings.circle import service as circle_service
from outings.circle.book_models import KINDS, Entry, EntryInput
from outings.circle.models import Member
from outings.db import Database, now_iso
from outings.db.database import Conn, Writer
from outings.i18n import gettext as _
from outings.moderation import store as moderation_store
from outings.notifications import notify
from outings.refusals import Invalid, Refused

NAME_MAX = 100
PHONE_MAX = 40
EMAIL_MAX = 200
ADDRESS_MAX = 200
WEBSITE_MAX = 200
NOTE_MAX = 1000

_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+([/?#]\S*)?$")


# Rules ----------------------------------------------------------------------


def _one_line(value: str) -> str:
    return clean_text(value).replace("\n", " ")


def clean(data: EntryInput) -> EntryInput:
    website = _one_line(data.website)
    # "www.drmartin.fr" is what a parent types: the scheme is implied
    if website and "://" not in website and _DOMAIN.match(website):
        website = "https://" + website
    return msgspec.structs.replace(
        data,
        kind=data.kind.strip(),
        name=_one_line(data.name),
        phone=_one_line(data.phone),
        email=_one_line(data.email),
        address=_one_line(data.address),
        website=website,
        note=clean_text(data.note),
    )


def check(data: EntryInput) -> dict[str, str]:
    """What is wrong with a (cleaned) entry, by field."""
    errors: dict[str, str] = {}
    if data.kind not in KINDS:
        errors["kind"] = _("Please choose what kind of service it is.")
    if not data.name:
        errors["name"] = _("Please give the name of the person or the place.")
    for name, value, limit in (
        ("name", data.name, NAME_MAX),
        ("phone", data.phone, PHONE_MAX),
        ("email", data.email, EMAIL_MAX),
        ("address", data.address, ADDRESS_MAX),
        ("website", data.website, WEBSITE_MAX),
        ("note", data.note, NOTE_MAX),
    ):
        if len(value) > limit and name not in errors:
            errors[name] = rules.too_long(limit)
    digits = sum(ch.isdigit() for ch in data.phone)
    if data.phone and "phone" not in errors and (not _PHONE.match(data.phone) or digits < 3):
        errors["phone"] = _("Please give a phone number in digits, e.g. +33 1 23 45 67 89.")
    if data.email and "email" not in errors and not _EMAIL.match(data.email):
        errors["email"] = _("Please give an email address like name@example.org.")
    if data.website and "website" not in errors:
        parts = urlsplit(data.website)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors["website"] = _("Please give the full web address, e.g. https://example.org.")
    if not (data.phone or data.email or data.address or data.website):
        errors["phone"] = _(
            "Please give at least one way to reach them: a phone, an email, an address or a"
            " website."
        )
    return errors


def may_read(member: Member | None) -> bool:
    """The book's contents (names, contact details, notes, who recommends)
    are for the circle's members."""
    return rules.belongs(member)


# Changes ---------------------------------------------------------------------


def _not_found() -> Refused:
    return Refused("not_found", _("That address is no longer in the circle's book."))


async def _member(w: Writer, user: User, circle_id: str, why: str) -> Member:
    me = await store.member(w, circle_id, user.id)
    if not rules.belongs(me):
        raise Refused("forbidden", why)
    assert me is not None
    return me


async def _entry_in(w: Writer, circle_id: str, entry_id: str) -> Entry:
    found = await entry_store.get(w, entry_id)
    if found is None or found.circle_id != circle_id or found.hidden_at is not None:
        raise _not_found()
    return found


async def add_in(w: Writer, user: User, circle_id: str, entry_id: str, data: EntryInput) -> Entry:
    """A member recommends a service. It waits for a moderator, unless she
    is one. Sending the same entry again (same id) changes nothing."""
    circle = await circle_service.load(w, circle_id)
    me = await _member(w, user, circle_id, _("Join the circle to recommend a service."))
    existing = await entry_store.get(w, entry_id)
    if existing is not None:
        if existing.added_by != user.id or existing.circle_id != circle_id:
            raise Refused("conflict", _("That address id is taken."))
        return existing
    data = clean(data)
    if errors := check(data):
        raise Invalid(errors)
    now = now_iso()
    await entry_store.insert(w, entry_id, circle_id, user.id, data, approved=me.moderates, now=now)
    await entry_store.recommend(w, entry_id, user.id, now)  # she recommends it, first
    if me.moderates:
        await changelog.record(w, "entry", entry_id)
    else:
        others = [m for m in await store.moderator_ids(w, circle_id) if m != user.id]
        await notify(
            w,
            others,
            "circle_entry_waiting",
            None,
            now,
            title=circle.name,
            circle_id=circle_id,
            name=data.name,
        )
    added = await entry_store.get(w, entry_id)
    assert added is not None
    return added


async def add(db: Database, user: User, circle_id: str, entry_id: str, data: EntryInput) -> Entry:
    return await db.write(lambda w: add_in(w, user, circle_id, entry_id, data))


async def recommend_in(w: Writer, user: User, entry_id: str, circle_id: str | None = None) -> Entry:
    """Say "I recommend them too": once per member, whatever she sends again.
    ``circle_id``: the circle the page was about (a form names it)."""
    entry = await entry_store.get(w, entry_id)
    if entry is None or not entry.shown or circle_id not in (None, entry.circle_id):
        raise _not_found()
    await circle_service.load(w, entry.circle_id)
    await _member(w, user, entry.circle_id, _("Join the circle to recommend a service."))
    if await entry_store.recommend(w, entry_id, user.id, now_iso()):
        await changelog.record(w, "entry", entry_id)  # its count, on every member's phone
    found = await entry_store.get(w, entry_id)
    assert found is not None
    return found


async def recommend(
    db: Database, user: User, entry_id: str, *, circle_id: str | None = None
) -> Entry:
    return await db.write(lambda w: recommend_in(w, user, entry_id, circle_id))


async def decide_in(w: Writer, user: User, circle_id: str, entry_id: str, approve: bool) -> None:
    """A moderator of the circle lets an entry into the book, or not. Deciding
    again (or a second moderator at the same time) changes nothing."""
    circle = await circle_service.load(w, circle_id)
    me = await store.member(w, circle_id, user.id)
    if not rules.moderates(user, me):
        raise Refused("forbidden", _("Only the circle's moderators can do that."))
    entry = await _entry_in(w, circle_id, entry_id)
    now = now_iso()
    status = "approved" if approve else "declined"
    if not await entry_store.decide(w, entry_id, status, user.id, now):
        return
    if approve:
        await changelog.record(w, "entry", entry_id)
    action = "approve_entry" if approve else "decline_entry"
    await moderation_store.log(
        w, user.id, action, "entry", entry_id, entry.name, now, circle_id=circle_id
    )
    if entry.added_by and entry.added_by != user.id:
        kind = "circle_entry_approved" if approve else "circle_entry_declined"
        await notify(
            w,
            [entry.added_by],
            kind,
            None,
            now,
            title=circle.name,
            circle_id=circle_id,
            name=entry.name,
        )


async def decide(db: Database, user: User, circle_id: str, entry_id: str, *, approve: bool) -> None:
    await db.write(lambda w: decide_in(w, user, circle_id, entry_id, approve))


async def hide_entry_in(w: Writer, entry_id: str, reason: str, now: str) -> None:
    """Take an entry out of the book (a moderator's decision, made through
    outings.moderation.service.hide: logged, its adder told, reports closed):
    members' phones pull it as a deletion."""
    if await entry_store.hide(w, entry_id, reason, now):
        await changelog.record(w, "entry", entry_id)


# Reading ---------------------------------------------------------------------


class Shelf(msgspec.Struct, frozen=True, kw_only=True):
    """One kind of service in the book, with its entries."""

    kind: str
    label: str
    icon: str
    entries: list[Entry]


class Book(msgspec.Struct, frozen=True, kw_only=True):
    """The address book as one member reads it."""

    shelves: list[Shelf]
    #: entry id -> names of the members who recommend it
    recommenders: dict[str, list[str]]
    #: the entries she recommends herself (her own among them)
    mine: set[str]
    #: waiting for a moderator: all of them for a moderator, else her own
    pending: list[Entry]
    count: int


async def book_for(conn: Conn, circle_id: str, user_id: str, *, moderates: bool) -> Book:
    """The whole book for a member (the caller checked she is one)."""
    entries = await entry_store.shown(conn, circle_id)
    pending = await entry_store.pending(conn, circle_id, None if moderates else user_id)
    by_whom = await entry_store.recommenders(conn, [e.id for e in entries + pending])
    shelves = []
    for kind, (words, icon) in KINDS.items():
        of_kind = [e for e in entries if e.kind == kind]
        if of_kind:
            shelves.append(Shelf(kind=kind, label=str(words), icon=icon, entries=of_kind))
    return Book(
        shelves=shelves,
        recommenders={k: [name for _id, name in v] for k, v in by_whom.items()},
        mine={k for k, v in by_whom.items() if any(uid == user_id for uid, _name in v)},
        pending=pending,
        count=len(entries),
    )


class Summary(msgspec.Struct, frozen=True, kw_only=True):
    """What the circle's page says of its book: for members, the most
    recommended few; for anyone else, only how many services it holds.
    For its moderators, what waits for them: entries, and suggestions."""

    count: int
    top: list[Entry]
    waiting: int = 0
    suggestions: int = 0


async def summary(conn: Conn, circle_id: str, member: Member | None) -> Summary:
    if not may_read(member):
        return Summary(count=await entry_store.shown_count(conn, circle_id), top=[])
    assert member is not None
    entries = await entry_store.shown(conn, circle_id)
    if not member.moderates:
        return Summary(count=len(entries), top=entries[:3])
    return Summary(
        count=len(entries),
        top=entries[:3],
        waiting=len(await entry_store.pending(conn, circle_id)),
        suggestions=await suggestion_store.open_count(conn, circle_id),
    )


def entry_data(entry: Entry, recommended_by_me: bool) -> dict[str, object]:
    """An entry as a member's phone pulls it."""
    return {
        "id": entry.id,
        "circle_id": entry.circle_id,
        "kind": entry.kind,
        "name": entry.name,
        "phone": entry.phone,
        "email": entry.email,
        "address": entry.address,
        "website": entry.website,
        "note": entry.note,
        "recommended_count": entry.recommended_count,
        "recommended_by_me": recommended_by_me,
        "added_by_name": entry.added_by_name,
        "updated_at": entry.updated_at,
    }


async def pulled(conn: Conn, entry_ids: list[str], user_id: str) -> dict[str, dict[str, object]]:
    """The entries of a pull page a member may hold: approved, visible, of a
    circle she belongs to now (the change log's audience says so too; this
    is the second lock on the same door)."""
    entries = await entry_store.shown_many(conn, entry_ids)
    if not entries:
        return {}
    roles = await store.roles_of(conn, user_id)
    readable = {
        e.id: e for e in entries.values() if roles.get(e.circle_id) in ("member", "moderator")
    }
    by_whom = await entry_store.recommenders(conn, list(readable))
    return {
        entry_id: entry_data(e, any(uid == user_id for uid, _n in by_whom.get(entry_id, [])))
        for entry_id, e in readable.items()
    }
