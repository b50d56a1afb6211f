"""The propose/edit form: typed text in, an :class:`OutingInput` out, errors by field.

The form keeps exactly what was typed so that a page with an error comes back
with everything as the parent left it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from outings.i18n import gettext as _
from outings.outing import rules
from outings.outing.models import Outing
from outings.outing.rules import OutingInput
from outings.web.forms import field

FIELDS = (
    "id",
    "title",
    "category",
    "date",
    "start_time",
    "end_time",
    "venue_id",
    "place",
    "meeting_point",
    "area",
    "age_min_months",
    "age_max_months",
    "capacity",
    "cost",
    "language",
    "description",
    "host_adults",
    "host_children",
    "circle_id",
    "visibility",
)
# Rule errors about instants are shown beside the inputs that make them.
_ERROR_FIELD = {"starts_at": "start_time", "ends_at": "end_time"}


_TICKED = ("on", "1", "true")


class OutingForm(msgspec.Struct, kw_only=True):
    values: dict[str, str]
    meeting_point_private: bool = False
    adults_only: bool = False

    @classmethod
    def from_post(cls, data: dict[str, Any]) -> OutingForm:
        values = {name: field(data, name) for name in FIELDS}
        # a page kept offline from before circles sends neither: nobody's, for everyone
        values["visibility"] = values["visibility"] or "public"
        return cls(
            values=values,
            meeting_point_private=field(data, "meeting_point_private") in _TICKED,
            adults_only=field(data, "adults_only") in _TICKED,
        )

    @classmethod
    def blank(cls, outing_id: str, now: datetime, tz: ZoneInfo, language: str) -> OutingForm:
        tomorrow = (now.astimezone(tz) + timedelta(days=1)).date()
        return cls(
            values={
                "id": outing_id,
                "title": "",
                "category": "park",
                "date": tomorrow.isoformat(),
                "start_time": "10:00",
                "end_time": "12:00",
                "venue_id": "",
                "place": "",
                "meeting_point": "",
                "area": "",
                "age_min_months": "0",
                "age_max_months": "36",
                "capacity": "8",
                "cost": "",
                "language": language,
                "description": "",
                "host_adults": str(rules.HOST_ADULTS),
                "host_children": str(rules.HOST_CHILDREN),
                "circle_id": "",
                "visibility": "public",
            }
        )

    @classmethod
    def from_outing(
        cls,
        outing: Outing,
        tz: ZoneInfo,
        *,
        new_id: str | None = None,
        new_date: date | None = None,
        family: tuple[int, int] | None = None,
    ) -> OutingForm:
        """The form for editing ``outing``, or with ``new_id``, for proposing it
        again; ``family``: the adults and children its host brings."""
        adults, children = family or (rules.HOST_ADULTS, rules.HOST_CHILDREN)
        start = outing.starts_at.astimezone(tz)
        end = outing.ends_at.astimezone(tz)
        return cls(
            values={
                "id": new_id or outing.id,
                "title": outing.title,
                "category": outing.category,
                "date": (new_date or start.date()).isoformat(),
                "start_time": start.strftime("%H:%M"),
                "end_time": end.strftime("%H:%M"),
                "venue_id": outing.venue_id or "",
                "place": outing.place,
                "meeting_point": outing.meeting_point,
                "area": outing.area,
                "age_min_months": _text(outing.age_min_months),
                "age_max_months": _text(outing.age_max_months),
                "capacity": _text(outing.capacity),
                "cost": outing.cost,
                "language": outing.language,
                "description": outing.description,
                "host_adults": str(adults),
                "host_children": str(children),
                "circle_id": outing.circle_id or "",
                "visibility": outing.visibility,
            },
            meeting_point_private=outing.meeting_point_private,
            adults_only=outing.adults_only,
        )

    def parse(self, tz: ZoneInfo) -> tuple[OutingInput | None, dict[str, str]]:
        """The typed values as an OutingInput, or the errors that stop it."""
        v = self.values
        errors: dict[str, str] = {}
        day = _parse(date.fromisoformat, v["date"])
        if day is None:
            errors["date"] = _("Please choose a day.")
        start = _parse(time.fromisoformat, v["start_time"])
        if start is None:
            errors["start_time"] = _("Please give a start time, e.g. 10:00.")
        end = _parse(time.fromisoformat, v["end_time"])
        if end is None:
            errors["end_time"] = _("Please give an end time, e.g. 12:00.")
        numbers: dict[str, int | None] = {}
        for name in ("age_min_months", "age_max_months", "capacity"):
            raw = v[name].strip()
            if not raw:
                numbers[name] = None
                continue
            try:
                numbers[name] = int(raw)
            except ValueError:
                errors[name] = _("Please give a whole number.")
        if errors or day is None or start is None or end is None:
            return None, errors
        starts_at = rules.utc(datetime.combine(day, start, tzinfo=tz))
        ends_at = rules.utc(datetime.combine(day, end, tzinfo=tz))
        if starts_at is None or ends_at is None:
            return None, {"date": _("Please choose a day from today to two years ahead.")}
        return (
            OutingInput(
                title=v["title"],
                category=v["category"],
                description=v["description"],
                starts_at=starts_at,
                ends_at=ends_at,
                venue_id=v["venue_id"] or None,
                place=v["place"],
                meeting_point=v["meeting_point"],
                meeting_point_private=self.meeting_point_private,
                area=v["area"],
                age_min_months=numbers["age_min_months"],
                age_max_months=numbers["age_max_months"],
                capacity=numbers["capacity"],
                cost=v["cost"],
                language=v["language"],
                circle_id=v["circle_id"] or None,
                visibility=v["visibility"],
                adults_only=self.adults_only,
            ),
            {},
        )

    def host_family(self) -> tuple[int, int]:
        """The adults and children the host brings; a number that cannot be read
        is -1, out of range, so the rule says what to give; none given, the defaults."""
        return (
            _count(self.values["host_adults"], rules.HOST_ADULTS),
            _count(self.values["host_children"], rules.HOST_CHILDREN),
        )


def form_errors(errors: dict[str, str]) -> dict[str, str]:
    """Rule errors keyed by the form field they belong beside."""
    return {_ERROR_FIELD.get(name, name): message for name, message in errors.items()}


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


def _count(raw: str, default: int) -> int:
    # A form from before the host's family was asked (a page kept offline) has none.
    if not raw.strip():
        return default
    try:
        return int(raw.strip())
    except ValueError:
        return -1


def _parse(parse: Any, raw: str) -> Any:
    try:
        return parse(raw.strip())
    except ValueError:
        return None
