"""schema.org for a venue page: the right Place/LocalBusiness subtype and its amenities."""

from __future__ import annotations

from typing import Any

from outings.venue.models import HAS, KINDS, Venue


def place(venue: Venue, *, origin: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": KINDS.get(venue.kind, KINDS["other"])[1],
        "name": venue.name,
        "url": f"{origin}/venues/{venue.id}",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.address,
            "addressLocality": venue.area,
        },
        "amenityFeature": [
            {
                "@type": "LocationFeatureSpecification",
                "name": a.name,
                "value": a.value in HAS.get(a.name, frozenset()),
            }
            for a in venue.amenities
        ],
    }
    if venue.description:
        data["description"] = venue.description
    if venue.latitude is not None and venue.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
        }
    if venue.opening_hours:
        data["openingHours"] = venue.opening_hours
    if venue.website:
        data["sameAs"] = venue.website
    if venue.phone:
        data["telephone"] = venue.phone
    return data
