"""Opening hours: OpenStreetMap's ``opening_hours`` text, as a week a parent reads.

A venue keeps its hours as OpenStreetMap writes them ("Mo-Fr 08:00-17:00;
Sa,Su 09:00-16:00"), so a listing can go to and from OSM. A parent sees a
short week in her language ("Mon–Fri 8:00 AM – 5:00 PM", "Sat, Sun …",
"Closed") and whether the place is open now; the venue form writes the
syntax from a per-day picker (issue 12).

The common subset is read: rules separated by ``;``, each an optional day
selector (``Mo``, ranges ``Mo-Fr``, even ``Sa-Mo``, lists ``Sa,Su``) then
time spans (``08:00-12:00,13:00-17:00``; past midnight as ``18:00-02:00``),
``off``/``closed``, or ``24/7``; a later rule replaces the days it names, and
days no rule names are closed, as in OSM. ``PH off`` (closed on public
holidays) is kept. Anything else (months, sunrise, "PH 10:00-12:00", a
comment) is not read: :func:`parse` gives None and pages show the text as
written.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import msgspec
from babel import Locale
from babel.dates import format_interval, format_time, get_day_names

from outings.i18n import gettext as _

#: OSM's day names, Monday first (Python's ``weekday()`` order).
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAY_MINUTES = 24 * 60

#: (opens, closes) in minutes from the day's midnight; closes is after opens
#: and may pass midnight (1440 is 24:00, 1500 is 01:00 the next day).
Span = tuple[int, int]
Day = tuple[Span, ...]


class Hours(msgspec.Struct, frozen=True):
    """A week of opening hours, Monday first; a day with no span is closed."""

    week: tuple[Day, ...]
    #: "PH off": closed on public holidays
    holidays_closed: bool = False


_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)"
_SELECTOR = rf"{_DAY}(?:\s*-\s*{_DAY})?(?:\s*,\s*{_DAY}(?:\s*-\s*{_DAY})?)*"
_TIME = r"\d{1,2}:\d{2}"
_SPAN = rf"{_TIME}\s*-\s*{_TIME}"
_SPANS = rf"{_SPAN}(?:\s*,\s*{_SPAN})*"
_RULE = re.compile(
    rf"(?:(?P<days>{_SELECTOR})\s*:?\s+)?(?P<what>off|closed|24/7|{_SPANS})", re.IGNORECASE
)
_ALL_DAY: Day = ((0, DAY_MINUTES),)


def _minutes(text: str, *, end: bool) -> int | None:
    hours, minutes = (int(part) for part in text.split(":"))
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        return None
    return hours * 60 + minutes


def _spans(text: str) -> Day | None:
    spans = []
    for part in text.split(","):
        first, last = (piece.strip() for piece in part.split("-"))
        opens, closes = _minutes(first, end=False), _minutes(last, end=True)
        if opens is None or closes is None:
            return None
        if closes <= opens:  # past midnight ("18:00-02:00"), or round the clock
            closes += DAY_MINUTES
        spans.append((opens, closes))
    return tuple(spans)


def _days(selector: str) -> tuple[list[int], bool] | None:
    """The weekdays a selector names, and whether it names public holidays."""
    days: list[int] = []
    holidays = False
    for item in selector.split(","):
        ends = [part.strip().title() for part in item.split("-")]
        if "Ph" in ends:
            if len(ends) > 1:
                return None
            holidays = True
            continue
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        days += [(first + n) % 7 for n in range((last - first) % 7 + 1)]
    return days, holidays


def parse(text: str) -> Hours | None:
    """The week ``text`` describes, or None when it is empty or beyond the subset read."""
    week: list[Day] = [() for _ in DAYS]
    holidays_closed = False
    rules = [rule.strip() for rule in text.split(";") if rule.strip()]
    if not rules:
        return None
    for rule in rules:
        found = _RULE.fullmatch(rule)
        if found is None:
            return None
        what = found["what"].lower()
        named = _days(found["days"]) if found["days"] else (list(range(7)), False)
        if named is None:
            return None
        days, holidays = named
        if what in ("off", "closed"):
            spans: Day | None = ()
        elif what == "24/7":
            spans = _ALL_DAY
        else:
            spans = _spans(what)
        if spans is None:
            return None
        if holidays:
            if spans:  # hours on holidays: a week cannot say them
                return None
            holidays_closed = True
        for day in days:
            week[day] = spans
    return Hours(week=tuple(week), holidays_closed=holidays_closed)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _span_text(span: Span) -> str:
    opens, closes = span
    last = "24:00" if closes == DAY_MINUTES else _clock(closes % DAY_MINUTES)
    return f"{_clock(opens)}-{last}"


def _runs(days: list[int]) -> list[list[int]]:
    """Consecutive weekdays grouped: [0, 1, 2, 5] → [[0, 1, 2], [5]]."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _selector(days: list[int]) -> str:
    parts = []
    for run in _runs(days):
        if len(run) >= 3:
            parts.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
        else:
            parts += [DAYS[day] for day in run]
    return ",".join(parts)


def to_osm(hours: Hours) -> str:
    """The OSM ``opening_hours`` text for ``hours`` (:func:`parse` reads it back)."""
    rules = []
    if all(day == _ALL_DAY for day in hours.week):
        rules.append("24/7")
    else:
        groups: dict[Day, list[int]] = {}
        for n, day in enumerate(hours.week):
            if day:
                groups.setdefault(day, []).append(n)
        for spans, days in groups.items():
            rules.append(f"{_selector(days)} {','.join(_span_text(s) for s in spans)}")
        if not rules:
            rules.append("off")
    if hours.holidays_closed:
        rules.append("PH off")
    return "; ".join(rules)


# In words, in the reader's language ---------------------------------------


def _skeleton(locale: str) -> str:
    """Hours and minutes as the language writes them: "8:00 AM" or "08:00"."""
    pattern = Locale.parse(locale).time_formats["short"].pattern
    return "hm" if "h" in pattern else "Hm"


def _wall(minutes: int) -> time:
    return time((minutes // 60) % 24, minutes % 60)


def _hours_text(day: Day, locale: str) -> str:
    if not day:
        return _("Closed")
    if day == _ALL_DAY:
        return _("Open 24 hours")
    skeleton = _skeleton(locale)
    return ", ".join(
        format_interval(_wall(opens), _wall(closes), skeleton, locale=locale)
        for opens, closes in day
    )


def describe(hours: Hours, locale: str) -> list[tuple[str, str]]:
    """The week as (days, hours) lines: ("Mon–Fri", "8:00 AM – 5:00 PM"),
    ("Sat, Sun", "9:00 AM – 4:00 PM"); days in a row with the same hours share a line."""
    names = get_day_names("abbreviated", locale=locale)
    if len(set(hours.week)) == 1:
        lines = [(_("Every day"), _hours_text(hours.week[0], locale))]
    else:
        lines = []
        start = 0
        for n in range(1, 8):
            if n < 7 and hours.week[n] == hours.week[start]:
                continue
            last = n - 1
            if last == start:
                days = names[start]
            elif last == start + 1:
                days = f"{names[start]}, {names[last]}"
            else:
                days = f"{names[start]}–{names[last]}"
            lines.append((days, _hours_text(hours.week[start], locale)))
            start = n
    if hours.holidays_closed:
        lines.append((_("Public holidays"), _("Closed")))
    return lines


class OpenNow(msgspec.Struct, frozen=True):
    """Whether a place is open at a moment, and when that changes, in words."""

    open: bool
    text: str


def _intervals(hours: Hours, today: date, now: datetime) -> list[tuple[datetime, datetime]]:
    """Opening times from yesterday (a night past midnight) to a week ahead,
    as wall-clock moments in ``now``'s zone, those that touch merged."""
    found: list[tuple[datetime, datetime]] = []
    for offset in range(-1, 8):
        day = today + timedelta(days=offset)
        midnight = datetime.combine(day, time(), tzinfo=now.tzinfo)
        for first, last in hours.week[day.weekday()]:
            found.append((midnight + timedelta(minutes=first), midnight + timedelta(minutes=last)))
    merged: list[tuple[datetime, datetime]] = []
    for opens, closes in sorted(found):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


def open_now(hours: Hours, now: datetime, locale: str) -> OpenNow:
    """Open or closed at ``now`` (in the instance's time zone) and until when:
    "Open now · closes at 5:00 PM", "Closed now · opens tomorrow at 9:00 AM".
    Public holidays are not known here: they are listed with the week."""
    today = now.date()
    intervals = _intervals(hours, today, now)
    for opens, closes in intervals:
        if opens <= now < closes:
            if closes - now > timedelta(days=6):
                return OpenNow(open=True, text=_("Open now"))
            return OpenNow(
                open=True,
                text=_said_when(
                    closes,
                    today,
                    locale,
                    _("Open now · closes at %(time)s"),
                    _("Open now · closes tomorrow at %(time)s"),
                    _("Open now · closes %(day)s at %(time)s"),
                ),
            )
    later = [opens for opens, _closes in intervals if opens > now]
    if not later:
        return OpenNow(open=False, text=_("Closed now"))
    return OpenNow(
        open=False,
        text=_said_when(
            later[0],
            today,
            locale,
            _("Closed now · opens at %(time)s"),
            _("Closed now · opens tomorrow at %(time)s"),
            _("Closed now · opens %(day)s at %(time)s"),
        ),
    )


def _said_when(
    moment: datetime, today: date, locale: str, same_day: str, tomorrow: str, later: str
) -> str:
    """One of three sentences, for a moment today, tomorrow or later in the week."""
    clock, days, day = _when(moment, today, locale)
    if days == 0:
        return same_day % {"time": clock}
    if days == 1:
        return tomorrow % {"time": clock}
    return later % {"day": day, "time": clock}


def _when(moment: datetime, today: date, locale: str) -> tuple[str, int, str]:
    """The time of ``moment``, in how many days it is, and that day's name."""
    clock = format_time(moment.time(), "short", locale=locale)
    day = get_day_names("wide", locale=locale)[moment.weekday()]
    return clock, (moment.date() - today).days, day


class Opening(msgspec.Struct, frozen=True):
    """What a venue's page says of its hours."""

    #: the week in words; empty when the text is beyond what is read
    lines: list[tuple[str, str]]
    #: the hours as written, shown when they cannot be read
    raw: str
    now: OpenNow | None


def opening(text: str, now: datetime, locale: str) -> Opening | None:
    """A venue's hours for its page at ``now`` (in the instance's time zone);
    None when it gives none."""
    if not text.strip():
        return None
    week = parse(text)
    if week is None:
        return Opening(lines=[], raw=text, now=None)
    return Opening(lines=describe(week, locale), raw=text, now=open_now(week, now, locale))
