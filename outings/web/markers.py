"""The markers a page shared by many visitors holds where each request puts its own part.

They carry a random nonce made when the process starts, and a copy is cut at
its markers once, when it is rendered (:mod:`outings.web.shared_pages`): text
a visitor sends can neither name a marker nor be spliced into one.
"""

from __future__ import annotations

import re
import secrets

from markupsafe import Markup

_NONCE = secrets.token_hex(16)
#: a marker: its name, and what stands there unless the request says otherwise
MARK = re.compile(rb"\x00" + _NONCE.encode() + rb":([a-z0-9-]+)(?:\x01([^\x00]*))?\x00")


def marker(name: str) -> Markup:
    """A marker with nothing in it by default: every request must fill it."""
    return Markup("\x00{}:{}\x00").format(_NONCE, name)


def card_hole(outing_id: str, default: str) -> Markup:
    """Where a card of the list says how full the outing is: the copy keeps
    ``default`` (the same for everyone) and a member's own reply or outing
    is put in its place per request (:mod:`outings.outing.mine`)."""
    return Markup("\x00{}:card-{}\x01{}\x00").format(_NONCE, outing_id, default)
