"""The circle form: typed text in, a :class:`CircleInput` out."""

from __future__ import annotations

from typing import Any

from outings.circle.models import Circle, CircleInput
from outings.web.forms import field

FIELDS = ("id", "name", "area", "description", "language", "colour", "emoji", "joining")


def from_post(data: dict[str, Any]) -> dict[str, str]:
    return {name: field(data, name) for name in FIELDS}


def blank(circle_id: str, area: str, language: str) -> dict[str, str]:
    return {
        "id": circle_id,
        "name": "",
        "area": area,
        "description": "",
        "language": language,
        "colour": "teal",
        "emoji": "",
        "joining": "open",
    }


def from_circle(circle: Circle) -> dict[str, str]:
    return {name: str(getattr(circle, name)) for name in FIELDS}


def parsed(values: dict[str, str]) -> CircleInput:
    return CircleInput(
        name=values["name"],
        area=values["area"],
        description=values["description"],
        language=values["language"],
        colour=values["colour"] or "teal",
        emoji=values["emoji"],
        joining=values["joining"] or "open",
    )
