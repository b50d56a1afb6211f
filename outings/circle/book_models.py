"""What a circle's address book, suggestion box and news hold (issue 13, items 4-6)."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

import msgspec

from outings.i18n import lazy_gettext

EntryStatus = Literal["pending", "approved", "declined"]

#: The kinds of local service a circle recommends, in the order the book shows
#: them: a code, its words, and a pictogram always shown beside the words.
KINDS: dict[str, tuple[object, str]] = {
    "paediatrician": (lazy_gettext("Paediatrician"), "🩺"),
    "gp": (lazy_gettext("Family doctor (GP)"), "🏥"),
    "midwife": (lazy_gettext("Midwife"), "🤰"),
    "lactation": (lazy_gettext("Lactation consultant"), "🤱"),
    "nursery": (lazy_gettext("Nursery"), "🧸"),
    "childminder": (lazy_gettext("Childminder"), "🏡"),
    "babysitter": (lazy_gettext("Babysitter"), "👶"),
    "support_line": (lazy_gettext("Family support line"), "📞"),
}


def kind_label(code: str) -> str:
    words, _icon = KINDS.get(code, (code, ""))
    return str(words)


def kind_icon(code: str) -> str:
    return KINDS.get(code, ("", "📇"))[1]


class EntryInput(msgspec.Struct, frozen=True, kw_only=True):
    """A service as a member describes it (the form, or ``entry.add``)."""

    kind: str
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    website: str = ""
    note: str = ""


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """One service in a circle's address book. Its contact details and note,
    and who recommends it, are for the circle's members only."""

    id: str
    circle_id: str
    added_by: str | None
    added_by_name: str | None
    kind: str
    name: str
    phone: str
    email: str
    address: str
    website: str
    note: str
    status: EntryStatus
    decided_at: str | None
    hidden_at: str | None
    created_at: str
    updated_at: str
    recommended_count: int

    @property
    def shown(self) -> bool:
        """In the book members read: approved, and not hidden by a moderator."""
        return self.status == "approved" and self.hidden_at is None

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def kind_icon(self) -> str:
        return kind_icon(self.kind)

    @property
    def website_label(self) -> str:
        """The website as a phone shows it: its host, and its path when short."""
        parts = urlsplit(self.website)
        host = parts.netloc.removeprefix("www.")
        path = parts.path.rstrip("/")
        return host + path if len(host + path) <= 32 else host

    @property
    def tel(self) -> str:
        """The phone number as a ``tel:`` link wants it: digits and a leading +."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return ("+" if self.phone.strip().startswith("+") else "") + digits


class Suggestion(msgspec.Struct, frozen=True, kw_only=True):
    """A member's word to her circle's moderators, and their answer."""

    id: str
    circle_id: str
    author_id: str
    author_name: str
    body: str
    answer: str
    answered_by_name: str | None
    answered_at: str | None
    closed_at: str | None
    created_at: str

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class NewsIssue(msgspec.Struct, frozen=True, kw_only=True):
    """A news issue a moderator sent: her note, and the stretch it covers."""

    id: str
    circle_id: str
    note: str
    sent_by: str | None
    sent_by_name: str | None
    covers_from: str
    sent_at: str


class NewsPost(msgspec.Struct, frozen=True, kw_only=True):
    """A board post as the news lists it."""

    id: str
    kind: str
    body: str
    author_name: str
    created_at: str
