"""In-app notifications: "You're in for Zoo morning!", "cancelled by the host".

Stored as a kind and parameters; the words are chosen when shown, so they
come in the reader's language.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from outings.db import placeholders
from outings.db.database import Conn, Writer
from outings.i18n import gettext as _
from outings.ids import new_id
from outings.outing import store as outing_store

#: The page of a circle each kind of news about it opens.
_CIRCLE_PAGES = {
    "circle_entry_waiting": "book",
    "circle_entry_approved": "book",
    "circle_entry_declined": "book",
    "circle_suggestion": "suggestions",
    "circle_answer": "suggestions",
    "circle_news": "news",
}


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: str
    outing_id: str | None
    params: dict[str, Any]
    created_at: str
    read_at: str | None

    @property
    def link(self) -> str | None:
        if self.outing_id:
            return f"/outings/{self.outing_id}"
        venue_id = self.params.get("venue_id")
        if venue_id:
            return f"/venues/{venue_id}"
        circle_id = self.params.get("circle_id")
        if circle_id and self.kind == "circle_asked":
            return f"/circles/{circle_id}/members"
        post_id = self.params.get("post_id")
        if circle_id and post_id:
            return f"/circles/{circle_id}/posts/{post_id}#replies"
        if circle_id and self.kind == "circle_report":
            return f"/circles/{circle_id}/moderation"
        if circle_id and self.kind in _CIRCLE_PAGES:
            return f"/circles/{circle_id}/{_CIRCLE_PAGES[self.kind]}"
        return f"/circles/{circle_id}" if circle_id else None

    @property
    def message(self) -> str:
        title = str(self.params.get("title", ""))
        if self.kind == "promoted":
            return _("You're in for %(title)s! A place freed up and it's yours.", title=title)
        if self.kind == "cancelled":
            return _(
                "%(title)s was cancelled by the host: %(reason)s",
                title=title,
                reason=str(self.params.get("reason", "")),
            )
        if self.kind == "changed":
            return _("%(title)s has a new time or place. Please check it.", title=title)
        if self.kind in ("reminder_evening", "reminder_soon"):
            meeting_point = str(self.params.get("meeting_point", ""))
            if self.kind == "reminder_evening":
                when = _("%(title)s is tomorrow.", title=title)
            else:
                when = _("%(title)s starts in two hours.", title=title)
            if meeting_point:
                return when + " " + _("Meet at: %(place)s", place=meeting_point)
            return when
        reason = str(self.params.get("reason", ""))
        if self.kind == "venue_report":
            return _(
                "A parent reported a change at %(title)s: %(reason)s", title=title, reason=reason
            )
        if self.kind == "claim_approved":
            return _("You now manage %(title)s and can keep its listing current.", title=title)
        if self.kind == "claim_refused":
            return _("Your request to manage %(title)s was not approved.", title=title)
        if self.kind == "circle_asked":
            return _(
                "%(name)s asked to join %(title)s.",
                name=str(self.params.get("name", "")),
                title=title,
            )
        if self.kind == "post_reply":
            return _(
                "%(name)s replied to your post “%(title)s”.",
                name=str(self.params.get("name", "")),
                title=title,
            )
        if self.kind == "circle_report":
            return _("A parent reported something in %(title)s. Please have a look.", title=title)
        if self.kind == "circle_accepted":
            return _("Welcome to %(title)s! The moderators accepted you.", title=title)
        if self.kind == "circle_declined":
            return _("Your request to join %(title)s was not accepted.", title=title)
        if self.kind == "circle_removed":
            return _(
                "A moderator removed you from %(title)s: %(reason)s", title=title, reason=reason
            )
        name = str(self.params.get("name", ""))
        if self.kind == "circle_entry_waiting":
            return _(
                "%(name)s is recommended for the address book of %(title)s: it waits for a"
                " moderator.",
                name=name,
                title=title,
            )
        if self.kind == "circle_entry_approved":
            return _("%(name)s is in the address book of %(title)s now.", name=name, title=title)
        if self.kind == "circle_entry_declined":
            return _(
                "The moderators of %(title)s did not add %(name)s to the address book.",
                name=name,
                title=title,
            )
        if self.kind == "circle_suggestion":
            return _("%(name)s sent a suggestion to %(title)s.", name=name, title=title)
        if self.kind == "circle_answer":
            return _("The moderators of %(title)s answered your suggestion.", title=title)
        if self.kind == "circle_news":
            return _("This week in %(title)s: the news from its moderators.", title=title)
        if self.kind == "hidden":
            return _("A moderator hid “%(title)s”: %(reason)s", title=title, reason=reason)
        return title


#: A notification about an outing goes only to those who may see it (a
#: family who left the circle of a members-only outing she had replied to
#: hears no more of it): an insert that adds nothing for anyone else. Its
#: parameters: the row's six values, then the outing's id twice and the
#: person's id twice.
_INSERT = (
    "insert into notifications (id, user_id, kind, outing_id, params, created_at)"
    " select ?, ?, ?, ?, ?, ? where cast(? as text) is null or exists (select 1 from outings o"
    f" where o.id = ? and {outing_store.SEEN_BY})"
)


def _row(
    note_id: str, user_id: str, kind: str, outing_id: str | None, params: str, now: str
) -> tuple[str | None, ...]:
    return (note_id, user_id, kind, outing_id, params, now, outing_id, outing_id, user_id, user_id)


async def notify(
    w: Writer, user_ids: list[str], kind: str, outing_id: str | None, now: str, **params: Any
) -> None:
    """Tell each of ``user_ids`` (about ``outing_id``, those of them who may see it)."""
    encoded = msgspec.json.encode(params).decode()
    await w.executemany(
        _INSERT,
        [_row(new_id(), user_id, kind, outing_id, encoded, now) for user_id in user_ids],
    )


def once_id(key: str) -> str:
    """The id of the notification :func:`notify_once` makes for ``key``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


async def already_made(conn: Conn, keys: list[str]) -> set[str]:
    """Which of ``keys`` :func:`notify_once` was called for already: a read,
    so a pass that finds nothing new writes nothing."""
    ids = {once_id(key): key for key in keys}
    found: set[str] = set()
    listed = list(ids)
    for at in range(0, len(listed), 500):
        chunk = listed[at : at + 500]
        rows = await conn.fetchall(
            f"select id from notifications where id in ({placeholders(chunk)})", chunk
        )
        found.update(ids[row["id"]] for row in rows)
    return found


async def notify_once(
    w: Writer, key: str, user_id: str, kind: str, outing_id: str | None, now: str, **params: Any
) -> bool:
    """Like :func:`notify` for one parent, at most once per ``key`` (a reminder
    asked for again by another process, or a minute later, adds nothing)."""
    note_id = once_id(key)
    encoded = msgspec.json.encode(params).decode()
    changed = await w.execute(
        _INSERT + " on conflict (id) do nothing",
        _row(note_id, user_id, kind, outing_id, encoded, now),
    )
    return changed > 0


def from_row(row: Any) -> Notification:
    """A notification as its table row holds it (for the in-app list and pushes alike)."""
    return Notification(
        id=row["id"],
        kind=row["kind"],
        outing_id=row["outing_id"],
        params=msgspec.json.decode(row["params"]),
        created_at=row["created_at"],
        read_at=row["read_at"],
    )


async def unread(conn: Conn, user_id: str) -> list[Notification]:
    rows = await conn.fetchall(
        "select * from notifications where user_id = ? and read_at is null order by created_at",
        (user_id,),
    )
    return [from_row(r) for r in rows]


async def recent(conn: Conn, user_id: str, limit: int = 20) -> list[Notification]:
    rows = await conn.fetchall(
        "select * from notifications where user_id = ? order by created_at desc limit ?",
        (user_id, limit),
    )
    return [from_row(r) for r in rows]


async def mark_read(w: Writer, user_id: str, ids: list[str], now: str) -> None:
    await w.executemany(
        "update notifications set read_at = ? where id = ? and user_id = ?",
        [(now, i, user_id) for i in ids],
    )
