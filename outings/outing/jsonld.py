"""schema.org Event for an outing page, so search engines and assistants read it right."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from outings.outing.models import Outing
from outings.venue.models import Venue

_FREE = {"", "free", "gratuit", "za darmo", "bure", "免费"}


def event(outing: Outing, *, origin: str, tz: ZoneInfo, venue: Venue | None) -> dict[str, Any]:
    place: dict[str, Any] = {"@type": "Place", "name": outing.where or outing.area}
    address = venue.address if venue is not None else outing.place
    if address or outing.area:
        place["address"] = {
            "@type": "PostalAddress",
            "streetAddress": address,
            "addressLocality": outing.area,
        }
    if venue is not None and venue.latitude is not None and venue.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
        }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": outing.title,
        "description": outing.description,
        "url": f"{origin}/outings/{outing.id}",
        "startDate": outing.starts_at.astimezone(tz).isoformat(),
        "endDate": outing.ends_at.astimezone(tz).isoformat(),
        "eventStatus": "https://schema.org/"
        + ("EventCancelled" if outing.cancelled else "EventScheduled"),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
        "isAccessibleForFree": outing.cost.strip().lower() in _FREE,
        "audience": {"@type": "ParentAudience"},
    }
    if outing.language:
        data["inLanguage"] = outing.language
    if outing.capacity is not None:
        data["maximumAttendeeCapacity"] = outing.capacity
        data["remainingAttendeeCapacity"] = outing.places_left
    low, high = outing.age_min_months, outing.age_max_months
    if low is not None or high is not None:
        years = [str((m or 0) // 12) for m in (low, high) if m is not None]
        data["typicalAgeRange"] = "-".join(years) if len(years) == 2 else f"{years[0]}-"
        if low is not None:
            data["audience"]["childMinAge"] = low // 12
        if high is not None:
            data["audience"]["childMaxAge"] = high // 12
    return data
