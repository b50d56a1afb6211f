"""Outings as iCalendar, made with the ``icalendar`` package.

Calendar apps match updates by UID and only take one whose SEQUENCE rose, so
the UID never changes and the outing's ``sequence`` (raised on every change
of time, place or status) is sent as SEQUENCE.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from outings.i18n import gettext as _
from outings.outing.models import Outing

_YEAR = timedelta(days=366)


def _event(outing: Outing, *, origin: str, tz: ZoneInfo, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{outing.id}@{origin.split('://', 1)[1]}")
    event.add("dtstamp", stamp)
    event.add("dtstart", outing.starts_at.astimezone(tz))
    event.add("dtend", outing.ends_at.astimezone(tz))
    event.add("summary", outing.title)
    event.add("sequence", outing.sequence)
    event.add("url", f"{origin}/outings/{outing.id}")
    where = ", ".join(part for part in (outing.where, outing.area) if part)
    if where:
        event.add("location", where)
    description = outing.description
    if outing.cancelled:
        event.add("status", "CANCELLED")
        description = _("Cancelled by the host: %(reason)s", reason=outing.cancel_reason)
    else:
        event.add("status", "CONFIRMED")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("%(title)s starts in two hours", title=outing.title))
        alarm.add("trigger", timedelta(hours=-2))
        event.add_component(alarm)
    if description:
        event.add("description", description)
    return event


def calendar(outings: list[Outing], *, origin: str, tz: ZoneInfo, name: str) -> bytes:
    """One VCALENDAR holding ``outings``, with the time zone they are given in."""
    cal = Calendar()
    cal.add("prodid", "-//Outings//outings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz.key)
    stamp = datetime.now(UTC)
    for outing in outings:
        cal.add_component(_event(outing, origin=origin, tz=tz, stamp=stamp))
    if outings:
        # The zone's rules from a year before the first outing to a year after
        # the last: a window of one day held no transition, so the VTIMEZONE
        # came out empty (no STANDARD, no DAYLIGHT) and calendar apps guessed.
        first = min(o.starts_at for o in outings).astimezone(tz).date() - _YEAR
        last = max(o.ends_at for o in outings).astimezone(tz).date() + _YEAR
        cal.add_missing_timezones(first_date=first, last_date=last)
    return bytes(cal.to_ical())
