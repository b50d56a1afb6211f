"""What a visitor who is not signed in sees of people: nothing (issue 11, item 7).

Parents meet strangers through Outings, and a shared link reaches anyone.
So a visitor sees no one's name — not a host's, a comment's author's, a
family's nor a place's manager's — on any channel: pages say "a parent"
instead, pulls send ``null`` in the name fields, and the JSON-LD and
calendar files name no one to anybody. Signed-in members see the names
parents chose to show each other.
"""

from __future__ import annotations

from typing import Any

from outings.accounts.models import User

#: The fields of pulled data that name a person, by entity type.
NAMES: dict[str, tuple[str, ...]] = {
    "outing": ("host_name",),
    "comment": ("author_name",),
    "venue": ("manager_name",),
    "post": ("author_name",),
    "entry": ("added_by_name",),
}

#: Lists inside pulled data whose items name a person: (entity type, list) -> fields.
#: (A post reaches members only, never a visitor: this holds should that ever change.)
NESTED: dict[tuple[str, str], tuple[str, ...]] = {("post", "replies"): ("author_name",)}


def for_reader(
    found: dict[tuple[str, str], Any], reader: User | None
) -> dict[tuple[str, str], Any]:
    """Pulled data as ``reader`` may see it: for a visitor, every name is ``None``
    (in copies: the data given may be shared with other pulls)."""
    if reader is not None:
        return found
    return {(kind, id_): _nameless(kind, data) for (kind, id_), data in found.items()}


def _nameless(kind: str, data: Any) -> Any:
    data = dict(data)
    for name in NAMES.get(kind, ()):
        if name in data:
            data[name] = None
    for (nested_kind, items), names in NESTED.items():
        if nested_kind == kind and data.get(items):
            data[items] = [{**item, **dict.fromkeys(names)} for item in data[items]]
    return data
