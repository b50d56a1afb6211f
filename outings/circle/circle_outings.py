"""A circle's outings, as its page and the circles' cards show them (issue 13).

Members-only outings reach the circle's members alone: a reader who does not
belong sees the circle's public outings only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from babel.dates import format_skeleton, format_time

from outings import i18n
from outings.accounts.models import User
from outings.circle import rules
from outings.circle.models import Circle, Member
from outings.db.database import Conn
from outings.outing import audience
from outings.outing import store as outing_store
from outings.outing.models import Outing
from outings.settings import Settings

#: Outings a circle's page lists; the list itself has them all.
SHOWN = 10


class NextOuting(msgspec.Struct, frozen=True, kw_only=True):
    """A circle's next outing, for its card on ``/circles``."""

    id: str
    title: str
    #: its day and time in words, in the reader's language and the app's zone
    when: str


async def upcoming(conn: Conn, circle: Circle, member: Member | None) -> list[Outing]:
    """The circle's outings not yet over, soonest first, as ``member`` may see them."""
    return await outing_store.upcoming(
        conn,
        now=datetime.now(UTC),
        circle_id=circle.id,
        circles=(circle.id,) if rules.belongs(member) else (),
        limit=SHOWN,
    )


def when(outing: Outing, settings: Settings) -> str:
    local = outing.starts_at.astimezone(settings.tz)
    locale = i18n.current_locale()
    day = format_skeleton("MMMEd", local, locale=locale)
    return f"{day}, {format_time(local, 'short', locale=locale)}"


async def next_outings(
    conn: Conn, settings: Settings, user: User | None, circles: list[Circle]
) -> dict[str, NextOuting]:
    """Each listed circle's next outing that ``user`` may see, by circle id."""
    found = await outing_store.next_in_circles(
        conn, [c.id for c in circles], await audience.circles_of(conn, user), datetime.now(UTC)
    )
    return {
        circle_id: NextOuting(id=o.id, title=o.title, when=when(o, settings))
        for circle_id, o in found.items()
    }
