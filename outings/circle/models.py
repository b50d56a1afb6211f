"""A circle, its members and what a form says about it."""

from __future__ import annotations

from typing import Literal

import msgspec

from outings.i18n import lazy_gettext

Role = Literal["asked", "member", "moderator"]
Joining = Literal["open", "ask"]

#: A circle's cover colour: its name, its words, and a background and text
#: colour pair with a contrast of at least 4.5:1 (checked by axe in the tests).
PALETTE: dict[str, tuple[object, str, str]] = {
    "teal": (lazy_gettext("Teal"), "#0f6e6e", "#ffffff"),
    "plum": (lazy_gettext("Plum"), "#6b2f6b", "#ffffff"),
    "coral": (lazy_gettext("Coral"), "#a3412a", "#ffffff"),
    "forest": (lazy_gettext("Forest"), "#2f5d34", "#ffffff"),
    "ocean": (lazy_gettext("Ocean"), "#1f4e8c", "#ffffff"),
    "sun": (lazy_gettext("Sunshine"), "#f6d55c", "#3a2f00"),
    "blush": (lazy_gettext("Blush"), "#f7c6cf", "#4a1420"),
    "sky": (lazy_gettext("Sky"), "#bfe0f5", "#0b3350"),
}

#: Emojis offered on the form (any one emoji may be typed instead).
EMOJIS = ("🌳", "🧸", "🍼", "🎈", "🌻", "🦆", "🚲", "📚", "🏡", "🌈")


class Circle(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    area: str
    description: str
    language: str
    colour: str
    emoji: str
    joining: Joining
    created_by: str | None
    member_count: int
    hidden_at: str | None
    created_at: str
    updated_at: str

    @property
    def asks(self) -> bool:
        """Whether a moderator accepts each new member."""
        return self.joining == "ask"

    @property
    def colours(self) -> tuple[str, str]:
        """(background, text) of the cover."""
        _words, background, text = PALETTE.get(self.colour, PALETTE["teal"])
        return background, text


class Member(msgspec.Struct, frozen=True, kw_only=True):
    """Someone's place in a circle: asked to join, a member, or a moderator."""

    circle_id: str
    user_id: str
    display_name: str
    role: Role
    message: str
    joined_at: str | None
    created_at: str

    @property
    def belongs(self) -> bool:
        """A member or a moderator (one who only asked does not, yet)."""
        return self.role != "asked"

    @property
    def moderates(self) -> bool:
        return self.role == "moderator"


class CircleInput(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    area: str = ""
    description: str = ""
    language: str = ""
    colour: str = "teal"
    emoji: str = ""
    joining: str = "open"
