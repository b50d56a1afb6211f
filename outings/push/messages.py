"""What a push says, and when it may be sent.

The words are written when the push is queued, in the language of the
device's subscription (a phone's lock screen has no page to translate it).
Quiet hours hold a push until the morning, except news a family needs before
an outing that starts soon.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from outings.i18n import gettext as _
from outings.i18n import use_locale
from outings.notifications import Notification
from outings.push.preference_store import DEFAULT, Preferences

#: In-app notification kinds that also go to a parent's devices. Claims and
#: moderation stay in the app: they can wait until she opens it.
PUSH_KINDS = (
    "promoted",
    "cancelled",
    "changed",
    "reminder_evening",
    "reminder_soon",
    "circle_news",
    "post_reply",
    "circle_accepted",
)
#: Sent even in quiet hours when the outing starts within URGENT_WITHIN.
URGENT_KINDS = ("cancelled", "changed")
URGENT_WITHIN = timedelta(hours=12)
#: The groups a parent can switch off on /me, and the kinds in each.
GROUPS = {
    "promoted": ("promoted",),
    "news": ("cancelled", "changed"),
    "reminders": ("reminder_evening", "reminder_soon"),
    "circles": ("circle_news", "post_reply", "circle_accepted"),
}


def group_of(kind: str) -> str:
    return next((group for group, kinds in GROUPS.items() if kind in kinds), kind)


#: The action a promotion offers on the lock screen; the worker turns it into
#: an ``rsvp.set`` declined in the outbox.
DECLINE_ACTION = "decline"


class Action(msgspec.Struct, frozen=True):
    action: str
    title: str


class Payload(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The JSON the service worker receives (outings/static/sw/sw.js reads it)."""

    title: str
    body: str
    url: str
    #: one per outing: a newer notification replaces an older on the lock screen
    tag: str
    lang: str
    kind: str
    outing_id: str | None = None
    actions: list[Action] = []
    #: whose notification it is: a reply made from it ("I can't come after
    #: all") goes in her name only, whoever is signed in on the phone by then
    account: str | None = None


def title_for(n: Notification) -> str:
    if n.kind == "promoted":
        return _("A place is yours")
    if n.kind == "cancelled":
        return _("Outing cancelled")
    if n.kind == "changed":
        return _("Outing changed")
    if n.kind == "reminder_evening":
        return _("Tomorrow")
    if n.kind == "reminder_soon":
        return _("Soon")
    if n.kind == "circle_news":
        return str(n.params.get("title", "")) or _("News from your circle")
    if n.kind == "post_reply":
        return _("A reply on the board")
    if n.kind == "circle_accepted":
        return _("Welcome to the circle")
    return "Outings"


def compose(n: Notification, locale: str, account: str | None = None) -> str:
    """The push for ``n`` in ``locale``, as JSON; ``account``: the parent it is for."""
    with use_locale(locale):
        actions = (
            [Action(DECLINE_ACTION, _("I can't come after all"))] if n.kind == "promoted" else []
        )
        payload = Payload(
            title=title_for(n),
            body=n.message,
            url=n.link or "/me",
            tag=f"outing-{n.outing_id}" if n.outing_id else f"note-{n.id}",
            lang=locale,
            kind=n.kind,
            outing_id=n.outing_id,
            actions=actions,
            account=account,
        )
    return msgspec.json.encode(payload).decode()


def in_quiet_hours(moment: datetime, tz: ZoneInfo, prefs: Preferences = DEFAULT) -> bool:
    local = moment.astimezone(tz).time()
    start, end = prefs.quiet_from, prefs.quiet_until
    if start == end:
        return False  # she has none
    if start < end:  # e.g. 13:00-15:00, the baby's nap
        return start <= local < end
    return local >= start or local < end  # across midnight


def morning_after(moment: datetime, tz: ZoneInfo, prefs: Preferences = DEFAULT) -> datetime:
    """The end of the quiet hours ``moment`` falls in (by default 08:00 local)."""
    local = moment.astimezone(tz)
    end = prefs.quiet_until
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz)


def send_after(
    kind: str,
    now: datetime,
    tz: ZoneInfo,
    starts_at: datetime | None,
    prefs: Preferences = DEFAULT,
) -> datetime:
    """When a push of ``kind`` made ``now`` may go: now, or when her quiet hours end."""
    if not in_quiet_hours(now, tz, prefs):
        return now
    if kind in URGENT_KINDS and starts_at is not None and starts_at - now <= URGENT_WITHIN:
        return now
    return morning_after(now, tz, prefs)
