"""How outings read on a page: ages, categories, places left, in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from outings.i18n import gettext as _
from outings.i18n import lazy_gettext, ngettext
from outings.outing.models import CATEGORIES, Outing

#: Ages a parent picks from, in months: the form's and the filter's choices.
AGE_CHOICES = (0, 3, 6, 9, 12, 18, 24, 36, 48, 60, 72)
WHEN_CHOICES = ("today", "tomorrow", "weekend", "week")

AMENITY_LABELS = {
    "changing_table": ("🚼", lazy_gettext("Changing table")),
    "baby_feeding": ("🍼", lazy_gettext("Feeding room")),
    "stroller": ("👶", lazy_gettext("Step-free with a pushchair")),
    "wheelchair": ("♿", lazy_gettext("Wheelchair access")),
    "highchair": ("🪑", lazy_gettext("High chairs")),
    "kids_area": ("🧸", lazy_gettext("Play area")),
    "stroller_parking": ("🅿️", lazy_gettext("Buggy parking")),
    "kids_menu": ("🍽️", lazy_gettext("Kids' menu")),
    "quiet_space": ("🤫", lazy_gettext("Quiet space")),
}


def category_label(code: str) -> str:
    label, _icon = CATEGORIES.get(code, CATEGORIES["other"])
    return str(label)


def category_icon(code: str) -> str:
    return CATEGORIES.get(code, CATEGORIES["other"])[1]


def age(months: int) -> str:
    if months < 12 or (months < 24 and months % 12):
        return ngettext("%(num)d month", "%(num)d months", months)
    years = months // 12
    return ngettext("%(num)d year", "%(num)d years", years)


def age_range(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return _("All ages")
    if low is None or low == 0:
        return _("Up to %(age)s", age=age(high or 0))
    if high is None:
        return _("From %(age)s", age=age(low))
    return _("%(low)s to %(high)s", low=age(low), high=age(high))


def places(outing: Outing) -> tuple[str, str]:
    """What the list says about room left, and the pill's tone."""
    if outing.cancelled:
        return _("Cancelled"), "muted"
    if outing.capacity is None:
        return _("Open to all"), "ok"
    left = outing.places_left or 0
    if left == 0:
        return _("Full — join the waitlist"), "warn"
    return ngettext("%(num)d place left", "%(num)d places left", left), "ok"


def family(adults: int, children: int) -> str:
    grown = ngettext("%(num)d adult", "%(num)d adults", adults)
    kids = ngettext("%(num)d child", "%(num)d children", children)
    return _("%(adults)s, %(children)s", adults=grown, children=kids) if children else grown


def when_range(when: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The UTC window a ``when`` filter means, in the instance's time zone."""
    local = now.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)

    def day(offset: int) -> datetime:
        # add days on the calendar, then localise: DST days are 23 or 25 hours
        moment = (midnight + timedelta(days=offset)).replace(tzinfo=None)
        return moment.replace(tzinfo=tz)

    if when == "today":
        return now, day(1)
    if when == "tomorrow":
        return day(1), day(2)
    if when == "weekend":
        weekday = local.weekday()  # Monday 0 … Sunday 6
        if weekday >= 5:
            return now, day(7 - weekday)
        return day(5 - weekday), day(7 - weekday)
    if when == "week":
        return now, now + timedelta(days=7)
    return None
