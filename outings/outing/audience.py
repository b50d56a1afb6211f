"""Who sees an outing posted to a circle for its members only (issue 13).

A members-only outing reaches its circle's members and its host, on every
channel: its page, the list, a place's page, ``/me``, calendars, JSON-LD and
pulls. Pages ask here; pulls have the change log's audience
(``outings/changelog``); the lists ask the store with the reader's circles.
"""

from __future__ import annotations

from outings.accounts.models import User
from outings.circle import store as circle_store
from outings.db.database import Conn
from outings.outing import rules
from outings.outing.models import Outing


async def circles_of(conn: Conn, user: User | None) -> tuple[str, ...]:
    """The circles whose members-only outings ``user`` sees, in a stable order
    (a shared copy of the list is known by them)."""
    if user is None:
        return ()
    return tuple(sorted(await circle_store.belongs_to(conn, user.id)))


async def may_see(conn: Conn, user: User | None, outing: Outing) -> bool:
    if not outing.members_only:
        return True
    return rules.may_see(user.id if user else None, outing, await circles_of(conn, user))
