"""The venue form: typed text in, a :class:`VenueInput` out, errors by field."""

from __future__ import annotations

from typing import Any

import msgspec

from outings.i18n import gettext as _
from outings.venue.models import AMENITY_VALUES, Venue, VenueInput
from outings.web.forms import field

TEXT_FIELDS = (
    "id",
    "name",
    "kind",
    "address",
    "area",
    "description",
    "opening_hours",
    "website",
    "phone",
    "price_notes",
    "latitude",
    "longitude",
    "age_min_months",
    "age_max_months",
    "changing_table_location",
)


class VenueForm(msgspec.Struct, kw_only=True):
    values: dict[str, str]
    amenities: dict[str, str]
    manage: bool = False

    @classmethod
    def from_post(cls, data: dict[str, Any]) -> VenueForm:
        return cls(
            values={name: field(data, name) for name in TEXT_FIELDS},
            amenities={tag: field(data, f"amenity_{tag}") for tag in AMENITY_VALUES},
            manage=field(data, "manage") in ("on", "1", "true"),
        )

    @classmethod
    def blank(cls, venue_id: str) -> VenueForm:
        values = dict.fromkeys(TEXT_FIELDS, "")
        values.update(id=venue_id, kind="cafe")
        return cls(values=values, amenities=dict.fromkeys(AMENITY_VALUES, ""))

    @classmethod
    def from_venue(cls, venue: Venue) -> VenueForm:
        changing = venue.amenity("changing_table")
        return cls(
            values={
                "id": venue.id,
                "name": venue.name,
                "kind": venue.kind,
                "address": venue.address,
                "area": venue.area,
                "description": venue.description,
                "opening_hours": venue.opening_hours,
                "website": venue.website,
                "phone": venue.phone,
                "price_notes": venue.price_notes,
                "latitude": _text(venue.latitude),
                "longitude": _text(venue.longitude),
                "age_min_months": _text(venue.age_min_months),
                "age_max_months": _text(venue.age_max_months),
                "changing_table_location": changing.detail if changing else "",
            },
            amenities={
                tag: (a.value if (a := venue.amenity(tag)) else "") for tag in AMENITY_VALUES
            },
        )

    def parse(self) -> tuple[VenueInput | None, dict[str, str]]:
        v = self.values
        errors: dict[str, str] = {}
        numbers: dict[str, Any] = {}
        for name, kind in (
            ("latitude", float),
            ("longitude", float),
            ("age_min_months", int),
            ("age_max_months", int),
        ):
            raw = v[name].strip().replace(",", ".") if kind is float else v[name].strip()
            if not raw:
                numbers[name] = None
                continue
            try:
                numbers[name] = kind(raw)
            except ValueError:
                errors[name] = _("Please give a number.")
        if errors:
            return None, errors
        return (
            VenueInput(
                name=v["name"],
                kind=v["kind"],
                address=v["address"],
                area=v["area"],
                description=v["description"],
                opening_hours=v["opening_hours"],
                website=v["website"],
                phone=v["phone"],
                price_notes=v["price_notes"],
                amenities={k: val for k, val in self.amenities.items() if val},
                changing_table_location=v["changing_table_location"],
                **numbers,
            ),
            {},
        )


def _text(value: float | int | None) -> str:
    return "" if value is None else str(value)
