"""What a parent's own replies and outings make a card of the list say.

The list is one copy shared by every member (:mod:`outings.web.shared_pages`);
each card holds a marker where it says how full the outing is, and a parent's
own relation to the outing goes there: "Hosting", "Going", "Waitlist #2",
"Maybe". A family that declined sees what everyone sees.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec
from markupsafe import Markup

from outings.db.database import Reader
from outings.i18n import gettext as _
from outings.outing import rsvp_store, store
from outings.outing.store import iso

Kind = Literal["hosting", "going", "waitlisted", "maybe"]


class Mine(msgspec.Struct, frozen=True):
    kind: Kind
    position: int | None = None


async def relations(r: Reader, user_id: str, now: datetime) -> dict[str, Mine]:
    """The outings not yet over that this parent hosts or replied to (not declined)."""
    found: dict[str, Mine] = {}
    for outing_id, reply in (await rsvp_store.mine_upcoming(r, user_id, iso(now))).items():
        if reply["status"] == "maybe":
            found[outing_id] = Mine("maybe")
        elif reply["state"] == "confirmed":
            found[outing_id] = Mine("going")
        elif reply["state"] == "waitlisted":
            found[outing_id] = Mine("waitlisted", reply["position"])
    for outing in await store.hosted_by(r, user_id, now):
        found[outing.id] = Mine("hosting")
    return found


def pill(mine: Mine, default: Markup) -> Markup:
    """What a card says for this parent: her relation, and what everyone sees
    when it still matters to her (places left for a host, or a "maybe")."""
    if mine.kind == "hosting":
        return _pill("mine", _("Hosting")) + default
    if mine.kind == "going":
        return _pill("mine", _("Going"))
    if mine.kind == "waitlisted":
        return _pill("mine-wait", _("Waitlist #%(position)d", position=mine.position or 0))
    return _pill("mine-maybe", _("Maybe")) + default


def _pill(tone: str, label: str) -> Markup:
    return Markup('<span class="pill pill-{}">{}</span>').format(tone, label)
