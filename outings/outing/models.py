"""What an outing, an RSVP and a comment are, as they cross module lines."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from outings.i18n import lazy_gettext

Category = Literal[
    "zoo",
    "pool",
    "museum",
    "cafe",
    "park",
    "playground",
    "library",
    "farm",
    "show",
    "walk",
    "swap_party",
    "clothes_sale",
    "workshop",
    "parents_evening",
    "other",
]
RsvpStatus = Literal["going", "maybe", "declined"]
RsvpState = Literal["confirmed", "waitlisted", "none"]
OutingStatus = Literal["scheduled", "cancelled"]
#: Who sees an outing: everyone, or only the members of its circle (and its host).
Visibility = Literal["public", "members"]
VISIBILITIES: tuple[Visibility, ...] = ("public", "members")

#: Each category with its words and a pictogram (always shown beside the words).
CATEGORIES: dict[str, tuple[object, str]] = {
    "zoo": (lazy_gettext("Zoo"), "🦒"),
    "pool": (lazy_gettext("Pool"), "🏊"),
    "museum": (lazy_gettext("Museum"), "🏛️"),
    "cafe": (lazy_gettext("Café"), "☕"),
    "park": (lazy_gettext("Park"), "🌳"),
    "playground": (lazy_gettext("Playground"), "🛝"),
    "library": (lazy_gettext("Library"), "📚"),
    "farm": (lazy_gettext("Farm"), "🐑"),
    "show": (lazy_gettext("Show"), "🎭"),
    "walk": (lazy_gettext("Walk"), "🚶"),
    # what a circle meets for, with or without the children (issue 13)
    "swap_party": (lazy_gettext("Swap party"), "🔄"),
    "clothes_sale": (lazy_gettext("Clothes sale"), "👕"),
    "workshop": (lazy_gettext("Workshop"), "🛠️"),
    "parents_evening": (lazy_gettext("Parents' evening"), "🥂"),
    "other": (lazy_gettext("Other"), "✨"),
}


class Outing(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    host_id: str
    host_name: str
    title: str
    category: str
    description: str
    starts_at: datetime
    ends_at: datetime
    venue_id: str | None
    venue_name: str | None
    place: str
    meeting_point: str
    meeting_point_private: bool
    area: str
    age_min_months: int | None
    age_max_months: int | None
    capacity: int | None
    cost: str
    language: str
    status: OutingStatus
    cancel_reason: str
    sequence: int
    created_at: str
    updated_at: str
    confirmed_count: int
    waitlist_count: int
    #: where the venue is, for "Nearest first" on a parent's phone
    venue_latitude: float | None = None
    venue_longitude: float | None = None
    #: the circle it was posted to (None: nobody's), and its name for the cards
    circle_id: str | None = None
    circle_name: str | None = None
    visibility: Visibility = "public"
    #: a parents' evening: the grown-ups go without the children
    adults_only: bool = False

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.confirmed_count >= self.capacity

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def members_only(self) -> bool:
        """Only its circle's members (and its host) may see it, on any channel."""
        return self.visibility == "members"

    @property
    def where(self) -> str:
        return self.venue_name or self.place


class Seat(msgspec.Struct, frozen=True, kw_only=True):
    """One family's RSVP to one outing, as the capacity rules see it."""

    user_id: str
    status: RsvpStatus
    adults: int
    children: int
    state: RsvpState
    #: server-side processing order of the "going"; first come first served
    queued_seq: int | None


class Attendee(msgspec.Struct, frozen=True, kw_only=True):
    user_id: str
    display_name: str
    status: RsvpStatus
    state: RsvpState
    adults: int
    children: int
    position: int | None
    updated_at: str


class Comment(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    outing_id: str
    author_id: str
    author_name: str
    body: str
    created_at: str
