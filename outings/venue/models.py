"""Venues and their amenities, modelled on OpenStreetMap's tags so data can go both ways."""

from __future__ import annotations

import msgspec

from outings.i18n import lazy_gettext

#: Each kind of venue, its words, and its schema.org type.
KINDS: dict[str, tuple[object, str]] = {
    "zoo": (lazy_gettext("Zoo"), "Zoo"),
    "pool": (lazy_gettext("Pool"), "PublicSwimmingPool"),
    "museum": (lazy_gettext("Museum"), "Museum"),
    "cafe": (lazy_gettext("Café"), "CafeOrCoffeeShop"),
    "restaurant": (lazy_gettext("Restaurant"), "Restaurant"),
    "park": (lazy_gettext("Park"), "Park"),
    "playground": (lazy_gettext("Playground"), "Playground"),
    "library": (lazy_gettext("Library"), "Library"),
    "farm": (lazy_gettext("Farm"), "TouristAttraction"),
    "theatre": (lazy_gettext("Theatre"), "PerformingArtsTheater"),
    "indoor_play": (lazy_gettext("Indoor play"), "EntertainmentBusiness"),
    "other": (lazy_gettext("Other"), "Place"),
}

#: Amenity tag → the values it may take, in the order a form offers them.
AMENITY_VALUES: dict[str, tuple[str, ...]] = {
    "changing_table": ("yes", "limited", "no"),
    "baby_feeding": ("yes", "room", "no"),
    "stroller": ("yes", "limited", "no"),
    "wheelchair": ("yes", "limited", "no"),
    "highchair": ("yes", "no"),
    "kids_area": ("indoor", "outdoor", "both", "no"),
    "stroller_parking": ("yes", "no"),
    "kids_menu": ("yes", "no"),
    "quiet_space": ("yes", "no"),
}
#: Where the changing table is (OSM ``changing_table:location``).
CHANGING_LOCATIONS = ("accessible_toilet", "womens", "mens", "unisex", "dedicated_room")
#: The values that count as "has it" when a parent filters for an amenity.
HAS: dict[str, frozenset[str]] = {
    "changing_table": frozenset({"yes", "limited"}),
    "baby_feeding": frozenset({"yes", "room"}),
    "stroller": frozenset({"yes"}),
    "wheelchair": frozenset({"yes"}),
    "highchair": frozenset({"yes"}),
    "kids_area": frozenset({"indoor", "outdoor", "both"}),
    "stroller_parking": frozenset({"yes"}),
    "kids_menu": frozenset({"yes"}),
    "quiet_space": frozenset({"yes"}),
}

VALUE_LABELS: dict[str, object] = {
    "yes": lazy_gettext("Yes"),
    "limited": lazy_gettext("Limited"),
    "no": lazy_gettext("No"),
    "room": lazy_gettext("A feeding room"),
    "indoor": lazy_gettext("Indoors"),
    "outdoor": lazy_gettext("Outdoors"),
    "both": lazy_gettext("Indoors and outdoors"),
    "accessible_toilet": lazy_gettext("in the accessible toilet"),
    "womens": lazy_gettext("in the women's toilets"),
    "mens": lazy_gettext("in the men's toilets"),
    "unisex": lazy_gettext("in a unisex toilet"),
    "dedicated_room": lazy_gettext("in a baby-care room"),
}


class Amenity(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    value: str
    detail: str
    confirmed_at: str


class Venue(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    kind: str
    description: str
    address: str
    area: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    website: str
    phone: str
    price_notes: str
    age_min_months: int | None
    age_max_months: int | None
    created_by: str | None
    manager_id: str | None
    manager_name: str | None
    verified_at: str | None
    hidden_at: str | None
    updated_at: str
    amenities: list[Amenity] = []

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def amenity(self, name: str) -> Amenity | None:
        return next((a for a in self.amenities if a.name == name), None)


class VenueInput(msgspec.Struct, kw_only=True):
    """A venue as listed or edited, in Python types; amenities by tag."""

    name: str
    kind: str
    address: str = ""
    area: str = ""
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    opening_hours: str = ""
    website: str = ""
    phone: str = ""
    price_notes: str = ""
    age_min_months: int | None = None
    age_max_months: int | None = None
    amenities: dict[str, str] = {}
    changing_table_location: str = ""
