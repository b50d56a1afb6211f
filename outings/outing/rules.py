"""What makes an outing valid, and who may do what with it. No web, no SQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

import msgspec

from outings.accounts.models import User
from outings.accounts.rules import clean_text
from outings.i18n import gettext as _
from outings.i18n import ngettext
from outings.outing.models import CATEGORIES, VISIBILITIES, Outing

TITLE_MAX = 100
PLACE_MAX = 200
AREA_MAX = 60
COST_MAX = 60
LANGUAGE_MAX = 40
DESCRIPTION_MAX = 4000
COMMENT_MAX = 2000
REASON_MAX = 500
CAPACITY_MAX = 500
AGE_MAX_MONTHS = 216  # 18 years
ADULTS_MAX = 6
CHILDREN_MAX = 8
#: The family a host brings unless she says otherwise (issue 12: a new outing
#: said "Nobody yet" although the host was coming): one adult, one child.
HOST_ADULTS = 1
HOST_CHILDREN = 1
LONGEST = timedelta(hours=12)
#: Outings one member may propose in 24 hours (issue 11: one made 30 in half a second).
OUTINGS_PER_DAY = 10
#: Comments one family may write in an hour, by form and by sync alike: a
#: lively conversation stays far below it, a flood (a hundred in one push) not.
COMMENTS_PER_HOUR = 30
#: How far ahead an outing may be planned: further is a typo, or an attack on
#: the pages that show dates (year 9999 plus a time zone is beyond Python's).
FURTHEST = timedelta(days=2 * 365)
#: Stands for a time Python cannot hold in UTC: far enough to be refused.
_BEYOND = datetime.max.replace(tzinfo=UTC)


class OutingInput(msgspec.Struct, kw_only=True):
    """An outing as proposed or edited, already in Python types."""

    title: str
    category: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    venue_id: str | None = None
    place: str = ""
    meeting_point: str = ""
    meeting_point_private: bool = False
    area: str = ""
    age_min_months: int | None = None
    age_max_months: int | None = None
    capacity: int | None = None
    cost: str = ""
    language: str = ""
    #: the circle it is posted to (one the host belongs to), or None
    circle_id: str | None = None
    visibility: str = "public"
    adults_only: bool = False


Errors = dict[str, str]


def _too_long(limit: int) -> str:
    return ngettext(
        "Please keep it under %(num)d character.",
        "Please keep it under %(num)d characters.",
        limit + 1,
    )


def utc(moment: datetime) -> datetime | None:
    """``moment`` in UTC and to the second, as times are stored and compared
    (checked as they will be kept: an end half a second after the start is
    no end after it); None when it has no UTC equivalent Python can hold
    (year 1 in Paris, 9999 at -14:00)."""
    try:
        return moment.astimezone(UTC).replace(microsecond=0)
    except (OverflowError, ValueError):
        return None


def clean(data: OutingInput) -> OutingInput:
    """The input with text trimmed, emptiness made consistent and times in UTC."""
    return msgspec.structs.replace(
        data,
        starts_at=utc(data.starts_at) or _BEYOND,
        ends_at=utc(data.ends_at) or _BEYOND,
        title=clean_text(data.title).replace("\n", " "),
        description=clean_text(data.description),
        place=clean_text(data.place),
        meeting_point=clean_text(data.meeting_point),
        area=clean_text(data.area).replace("\n", " "),
        cost=clean_text(data.cost).replace("\n", " "),
        language=clean_text(data.language).replace("\n", " "),
        venue_id=data.venue_id or None,
        circle_id=data.circle_id or None,
    )


def check(data: OutingInput, *, now: datetime, previous: Outing | None = None) -> Errors:
    """Field errors for a proposed or edited outing, in words a parent understands."""
    errors: Errors = {}
    if not data.title:
        errors["title"] = _("Please give the outing a title.")
    elif len(data.title) > TITLE_MAX:
        errors["title"] = _too_long(TITLE_MAX)
    if data.category not in CATEGORIES:
        errors["category"] = _("Please choose a kind of outing.")
    start_changed = previous is None or previous.starts_at != data.starts_at
    if start_changed and data.starts_at <= now:
        errors["starts_at"] = _("The start is in the past. Please choose a later time.")
    elif start_changed and data.starts_at > now + FURTHEST:
        errors["starts_at"] = _("Outings can be planned up to two years ahead.")
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    elif data.ends_at - data.starts_at > LONGEST:
        errors["ends_at"] = _("An outing lasts at most 12 hours.")
    if not data.venue_id and not data.place:
        errors["place"] = _("Please say where: choose a venue or describe the place.")
    for name, value, limit in (
        ("place", data.place, PLACE_MAX),
        ("meeting_point", data.meeting_point, PLACE_MAX),
        ("area", data.area, AREA_MAX),
        ("cost", data.cost, COST_MAX),
        ("language", data.language, LANGUAGE_MAX),
        ("description", data.description, DESCRIPTION_MAX),
    ):
        if len(value) > limit:
            errors[name] = _too_long(limit)
    for name, age in (
        ("age_min_months", data.age_min_months),
        ("age_max_months", data.age_max_months),
    ):
        if age is not None and not 0 <= age <= AGE_MAX_MONTHS:
            errors[name] = _("Please give an age between 0 and 18 years.")
    if (
        data.age_min_months is not None
        and data.age_max_months is not None
        and data.age_min_months > data.age_max_months
        and "age_max_months" not in errors
    ):
        errors["age_max_months"] = _("The oldest age must not be below the youngest.")
    if data.visibility not in VISIBILITIES:
        errors["visibility"] = _("Please choose who can see the outing.")
    elif data.visibility == "members" and not data.circle_id:
        errors["visibility"] = _(
            "Only a circle has members: choose one of your circles, or show it to everyone."
        )
    if data.capacity is not None and not 1 <= data.capacity <= CAPACITY_MAX:
        errors["capacity"] = ngettext(
            "Please give a number of families from 1 to %(num)d, or leave it empty for no limit.",
            "Please give a number of families from 1 to %(num)d, or leave it empty for no limit.",
            CAPACITY_MAX,
        )
    return errors


def check_rsvp_counts(adults: int, children: int) -> Errors:
    errors: Errors = {}
    if not 1 <= adults <= ADULTS_MAX:
        errors["adults"] = ngettext(
            "Please count from 1 to %(num)d adult.",
            "Please count from 1 to %(num)d adults.",
            ADULTS_MAX,
        )
    if not 0 <= children <= CHILDREN_MAX:
        errors["children"] = ngettext(
            "Please count from 0 to %(num)d child.",
            "Please count from 0 to %(num)d children.",
            CHILDREN_MAX,
        )
    return errors


def check_host_family(capacity: int | None, adults: int, children: int) -> Errors:
    """Field errors for the family a host brings to the outing she proposes.

    Her family holds one of the places like any other, so a capacity must
    leave room for at least one more family: an outing for one family is the
    host alone.
    """
    errors = {
        f"host_{name}": message for name, message in check_rsvp_counts(adults, children).items()
    }
    if capacity == 1:
        errors["capacity"] = _(
            "Your family takes one of the places: please allow at least 2 families,"
            " or leave it empty for no limit."
        )
    return errors


def check_comment(body: str) -> tuple[str, str | None]:
    text = clean_text(body)
    if not text:
        return text, _("Please write something first.")
    if len(text) > COMMENT_MAX:
        return text, _too_long(COMMENT_MAX)
    return text, None


def check_reason(reason: str) -> tuple[str, str | None]:
    text = clean_text(reason)
    if not text:
        return text, _("Please tell the families why, in a few words.")
    if len(text) > REASON_MAX:
        return text, _too_long(REASON_MAX)
    return text, None


# Who may do what -----------------------------------------------------------


def is_host(user: User | None, outing: Outing) -> bool:
    return user is not None and user.id == outing.host_id


def has_ended(outing: Outing, now: datetime) -> bool:
    return outing.ends_at <= now


def why_no_rsvp(outing: Outing, now: datetime) -> str | None:
    """Why replying to this outing is refused, or None when it is open."""
    if outing.cancelled:
        return _("This outing was cancelled by the host.")
    if has_ended(outing, now):
        return _("This outing is over.")
    return None


def why_no_edit(user: User | None, outing: Outing, now: datetime) -> str | None:
    if not is_host(user, outing):
        return _("Only the host can change this outing.")
    if outing.cancelled:
        return _("This outing was cancelled and can no longer be changed.")
    if has_ended(outing, now):
        return _("This outing is over and can no longer be changed.")
    return None


def may_comment(user: User | None, outing: Outing, replied: bool) -> bool:
    """The host and the families who replied talk in the comments."""
    return user is not None and (is_host(user, outing) or replied)


def may_see(user_id: str | None, outing: Outing, circles: Collection[str]) -> bool:
    """Whether someone sees an outing at all: a public one, everyone; a
    members-only one, its circle's members (``circles``: those she belongs
    to) and its host, who keeps it even after leaving the circle."""
    if not outing.members_only:
        return True
    return user_id is not None and (user_id == outing.host_id or outing.circle_id in circles)


def why_not_this_circle(belongs: bool, *, unchanged: bool) -> str | None:
    """Why an outing may not be posted to a circle: only to one the host
    belongs to; one already there stays when she leaves it (she keeps her outing)."""
    if belongs or unchanged:
        return None
    return _("You can post only to a circle you belong to.")


def may_see_meeting_point(user: User | None, outing: Outing, confirmed: bool) -> bool:
    if not outing.meeting_point_private:
        return True
    return is_host(user, outing) or confirmed


def needs_new_sequence(before: Outing, after: OutingInput) -> bool:
    """Calendar apps only take an update whose SEQUENCE rose: time or place changed."""
    return (
        before.starts_at != after.starts_at
        or before.ends_at != after.ends_at
        or before.place != after.place
        or before.venue_id != after.venue_id
    )


def why_no_more_outings(proposed_in_a_day: int) -> str | None:
    """Why a member may not propose another outing now, or None when they may."""
    if proposed_in_a_day < OUTINGS_PER_DAY:
        return None
    return _(
        "You have proposed %(num)d outings today, the most one family may in a day."
        " Please propose this one tomorrow.",
        num=OUTINGS_PER_DAY,
    )


def why_no_more_comments(written_in_an_hour: int) -> str | None:
    """Why a member may not comment again now, or None when they may."""
    if written_in_an_hour < COMMENTS_PER_HOUR:
        return None
    return _(
        "You have written %(num)d comments in the last hour, the most one family may."
        " Please keep this one and send it a little later.",
        num=COMMENTS_PER_HOUR,
    )
