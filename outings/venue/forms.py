"""The venue form: typed text in, a :class:`VenueInput` out, errors by field.

Opening hours are asked day by day (opens, closes, or closed, with a row of
usual hours for every day) and written here as OpenStreetMap's syntax
(:mod:`outings.venue.hours`); hours the picker cannot hold (lunch breaks,
text OSM tools wrote) are kept as they are unless the parent sets new ones.
Coordinates come from the phone ("I'm here now", ``js/location.js``) into
hidden fields; nobody types a latitude (issue 12).
"""

from __future__ import annotations

from datetime import time
from typing import Any

import msgspec

from outings.i18n import gettext as _
from outings.venue import hours
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
    "location_remove",
)
#: The picker's rows: the usual hours ("every"), then each day, Monday first.
HOUR_ROWS = ("every", *(day.lower() for day in hours.DAYS))
HOUR_FIELDS = (
    *(f"hours_{row}_{end}" for row in HOUR_ROWS for end in ("opens", "closes")),
    *(f"hours_{day.lower()}_closed" for day in hours.DAYS),
    "hours_holidays_closed",
    "hours_keep",
)
_TICKED = ("on", "1", "true")


class VenueForm(msgspec.Struct, kw_only=True):
    values: dict[str, str]
    amenities: dict[str, str]
    manage: bool = False
    #: posted from the hours picker (a client that posts OSM text has none)
    picker: bool = True

    @classmethod
    def from_post(cls, data: dict[str, Any]) -> VenueForm:
        return cls(
            values={name: field(data, name) for name in (*TEXT_FIELDS, *HOUR_FIELDS)},
            amenities={tag: field(data, f"amenity_{tag}") for tag in AMENITY_VALUES},
            manage=field(data, "manage") in _TICKED,
            picker=any(name.startswith("hours_") for name in data),
        )

    @classmethod
    def blank(cls, venue_id: str) -> VenueForm:
        values = dict.fromkeys((*TEXT_FIELDS, *HOUR_FIELDS), "")
        values.update(id=venue_id, kind="cafe")
        return cls(values=values, amenities=dict.fromkeys(AMENITY_VALUES, ""))

    @classmethod
    def from_venue(cls, venue: Venue) -> VenueForm:
        changing = venue.amenity("changing_table")
        values = {
            "id": venue.id,
            "name": venue.name,
            "kind": venue.kind,
            "address": venue.address,
            "area": venue.area,
            "description": venue.description,
            "opening_hours": "",
            "website": venue.website,
            "phone": venue.phone,
            "price_notes": venue.price_notes,
            "latitude": _text(venue.latitude),
            "longitude": _text(venue.longitude),
            "age_min_months": _text(venue.age_min_months),
            "age_max_months": _text(venue.age_max_months),
            "changing_table_location": changing.detail if changing else "",
            "location_remove": "",
            **dict.fromkeys(HOUR_FIELDS, ""),
        }
        held = picker_values(venue.opening_hours)
        if held is None:  # offered to keep as it is, ticked
            values.update(opening_hours=venue.opening_hours, hours_keep="on")
        else:
            values.update(held)
        return cls(
            values=values,
            amenities={
                tag: (a.value if (a := venue.amenity(tag)) else "") for tag in AMENITY_VALUES
            },
        )

    @property
    def kept_hours(self) -> str:
        """Hours the picker cannot hold, which the parent may keep as they are."""
        return self.values["opening_hours"] if self.picker else ""

    def parse(self) -> tuple[VenueInput | None, dict[str, str]]:
        """The typed values as a VenueInput and the errors found: no input when a
        number cannot be read; with the hours' errors, the rest as far as typed."""
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
        if v["location_remove"] in _TICKED:
            numbers.update(latitude=None, longitude=None)
        if errors:
            return None, errors
        if not self.picker:
            opening_hours = v["opening_hours"]
        elif self.kept_hours and v["hours_keep"] in _TICKED:
            opening_hours = self.kept_hours
        else:
            opening_hours, errors = self._hours()
        # with the hours' errors comes the rest, so the rules can be told in the same round
        return (
            VenueInput(
                name=v["name"],
                kind=v["kind"],
                address=v["address"],
                area=v["area"],
                description=v["description"],
                opening_hours=opening_hours,
                website=v["website"],
                phone=v["phone"],
                price_notes=v["price_notes"],
                amenities={k: val for k, val in self.amenities.items() if val},
                changing_table_location=v["changing_table_location"],
                **numbers,
            ),
            errors,
        )

    def _hours(self) -> tuple[str, dict[str, str]]:
        """The picker's days as OSM text ("" when nothing is given), or its errors."""
        v = self.values
        errors: dict[str, str] = {}
        usual = _span(v, "every", errors)
        week: list[hours.Day] = []
        given = usual is not None
        for day in hours.DAYS:
            row = day.lower()
            if v[f"hours_{row}_closed"] in _TICKED:
                week.append(())
                given = True
            elif v[f"hours_{row}_opens"].strip() or v[f"hours_{row}_closes"].strip():
                span = _span(v, row, errors)
                week.append((span,) if span else ())
                given = True
            else:  # the usual hours, or closed when there are none
                week.append((usual,) if usual else ())
        if errors or not given:
            return "", errors
        holidays = v["hours_holidays_closed"] in _TICKED
        return hours.to_osm(hours.Hours(week=tuple(week), holidays_closed=holidays)), {}


def picker_values(text: str) -> dict[str, str] | None:
    """The picker's fields for stored OSM hours; None when the picker cannot
    hold them (several spans a day, past midnight, beyond what is read)."""
    values = dict.fromkeys(HOUR_FIELDS, "")
    if not text.strip():
        return values
    week = hours.parse(text)
    if week is None or any(
        len(day) > 1 or (day and day[0][1] > hours.DAY_MINUTES) for day in week.week
    ):
        return None
    # the hours most days keep go in the "every day" row; the rest differ
    open_days = [day for day in week.week if day]
    usual = max(open_days, key=open_days.count) if open_days else ()
    if usual:
        values.update(_fields("every", usual[0]))
    for n, day in enumerate(week.week):
        row = hours.DAYS[n].lower()
        if not day:
            values[f"hours_{row}_closed"] = "on"
        elif day != usual:
            values.update(_fields(row, day[0]))
    values["hours_holidays_closed"] = "on" if week.holidays_closed else ""
    return values


def _fields(row: str, span: hours.Span) -> dict[str, str]:
    opens, closes = span
    return {
        f"hours_{row}_opens": _clock(opens),
        f"hours_{row}_closes": _clock(closes % hours.DAY_MINUTES),
    }


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _span(values: dict[str, str], row: str, errors: dict[str, str]) -> hours.Span | None:
    """One row's opening span; its errors (beside the time at fault) into ``errors``."""
    opens_name, closes_name = f"hours_{row}_opens", f"hours_{row}_closes"
    opens, closes = _time(values[opens_name]), _time(values[closes_name])
    if not values[opens_name].strip() and not values[closes_name].strip():
        return None
    for name, value in ((opens_name, opens), (closes_name, closes)):
        if value is None:
            errors[name] = (
                _("Please give both the opening and the closing time.")
                if not values[name].strip()
                else _("Please give a time, e.g. 09:00.")
            )
    if opens is None or closes is None:
        return None
    start = opens.hour * 60 + opens.minute
    end = closes.hour * 60 + closes.minute or hours.DAY_MINUTES  # closing at 00:00 is midnight
    if end <= start:
        errors[closes_name] = _("It closes before it opens: please check the times.")
        return None
    return start, end


def _time(raw: str) -> time | None:
    try:
        return time.fromisoformat(raw.strip())
    except ValueError:
        return None


def _text(value: float | int | None) -> str:
    return "" if value is None else str(value)
