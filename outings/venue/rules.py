"""What makes a venue listing valid, and who may do what. No web, no SQL."""

from __future__ import annotations

from urllib.parse import urlsplit

import msgspec

from outings.accounts.models import User
from outings.accounts.rules import clean_text
from outings.i18n import gettext as _
from outings.i18n import ngettext
from outings.venue.models import AMENITY_VALUES, CHANGING_LOCATIONS, KINDS, Venue, VenueInput

NAME_MAX = 100
ADDRESS_MAX = 200
AREA_MAX = 60
TEXT_MAX = 2000
SHORT_MAX = 200
REASON_MAX = 1000


def one_line(value: str) -> str:
    return clean_text(value).replace("\n", " ")


def clean(data: VenueInput) -> VenueInput:
    return msgspec.structs.replace(
        data,
        name=one_line(data.name),
        address=one_line(data.address),
        area=one_line(data.area),
        description=clean_text(data.description),
        opening_hours=clean_text(data.opening_hours),
        website=one_line(data.website),
        phone=one_line(data.phone),
        price_notes=clean_text(data.price_notes),
        amenities={k: v for k, v in data.amenities.items() if v},
    )


def _too_long(limit: int) -> str:
    return ngettext(
        "Please keep it under %(num)d character.",
        "Please keep it under %(num)d characters.",
        limit + 1,
    )


def check(data: VenueInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = _("Please give the place's name.")
    elif len(data.name) > NAME_MAX:
        errors["name"] = _too_long(NAME_MAX)
    if data.kind not in KINDS:
        errors["kind"] = _("Please choose what kind of place it is.")
    if not data.address and not data.area:
        errors["address"] = _("Please give the address or at least the area.")
    for name, value, limit in (
        ("address", data.address, ADDRESS_MAX),
        ("area", data.area, AREA_MAX),
        ("description", data.description, TEXT_MAX),
        ("opening_hours", data.opening_hours, 500),
        ("website", data.website, SHORT_MAX),
        ("phone", data.phone, 40),
        ("price_notes", data.price_notes, 500),
    ):
        if len(value) > limit:
            errors[name] = _too_long(limit)
    if data.website and "website" not in errors:
        parts = urlsplit(data.website)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors["website"] = _("Please give the full web address, e.g. https://example.org.")
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        errors["latitude"] = _("A latitude is between -90 and 90.")
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        errors["longitude"] = _("A longitude is between -180 and 180.")
    if (data.latitude is None) != (data.longitude is None):
        errors["longitude"] = _("Give both latitude and longitude, or neither.")
    for age_field, age in (
        ("age_min_months", data.age_min_months),
        ("age_max_months", data.age_max_months),
    ):
        if age is not None and not 0 <= age <= 216:
            errors[age_field] = _("Please give an age between 0 and 18 years.")
    for tag, value in data.amenities.items():
        allowed = AMENITY_VALUES.get(tag)
        if allowed is None:
            errors[tag] = _("We don't know that amenity.")
        elif value not in allowed:
            errors[tag] = _("Please choose one of the answers offered.")
    if data.changing_table_location and data.changing_table_location not in CHANGING_LOCATIONS:
        errors["changing_table_location"] = _("Please choose one of the answers offered.")
    return errors


def may_edit(user: User | None, venue: Venue) -> bool:
    """The venue's manager keeps it current; moderators can fix any listing."""
    return user is not None and (user.id == venue.manager_id or user.is_moderator)


def why_no_claim(user: User, venue: Venue, pending: bool) -> str | None:
    if venue.manager_id == user.id:
        return _("You already manage this place.")
    if pending:
        return _("You have already asked to manage this place. A moderator will reply soon.")
    if venue.manager_id is not None and venue.verified:
        return _("This place already has a verified manager. Report it if that is wrong.")
    return None


def check_reason(reason: str) -> tuple[str, str | None]:
    text = clean_text(reason)
    if not text:
        return text, _("Please say in a few words what is wrong.")
    if len(text) > REASON_MAX:
        return text, _too_long(REASON_MAX)
    return text, None
