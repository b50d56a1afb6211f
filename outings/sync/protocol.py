"""The sync API's shapes (docs/sync.md), as msgspec Structs.

A push is decoded in two steps: the envelope first, then each mutation's
``args`` by its ``name``. So one malformed mutation is *rejected* with a
reason, and never blocks the mutations queued behind it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from outings.outing import rules
from outings.outing.rules import OutingInput
from outings.venue.models import VenueInput

MAX_MUTATIONS = 100
MAX_PUSH_BYTES = 256 * 1024
PULL_PAGE = 200
#: What SQLite keeps in an INTEGER: a mutation id past it cannot be stored, so
#: the envelope refuses it (a 400) rather than the database failing (a 500).
MAX_MUTATION_ID = 2**63 - 1
MutationId = Annotated[int, msgspec.Meta(ge=-MAX_MUTATION_ID - 1, le=MAX_MUTATION_ID)]


class RawMutation(msgspec.Struct, frozen=True):
    id: MutationId
    name: str
    args: msgspec.Raw = msgspec.Raw(b"{}")


class PushRequest(msgspec.Struct, frozen=True):
    client_id: str
    mutations: list[RawMutation]
    #: The account signed in on the phone's page when these changes were made
    #: (the outbox sends each account's changes apart): refused when another
    #: account is signed in now, so a change is never made in someone else's name.
    account: str | None = None


_decode_push = msgspec.json.Decoder(PushRequest).decode


def decode_push(body: bytes) -> PushRequest:
    """The envelope of a push, each mutation's ``args`` left to be judged alone.

    msgspec refuses a lone UTF-16 surrogate (``"\\ud83d"``: a phone that cut an
    emoji in half) anywhere in the body, even in ``args`` it only skips over.
    Python's json reads one, so such a push is split with it instead and the
    offending ``args`` written back with the surrogate escaped: that mutation
    alone is then rejected, never the whole queue. Raises msgspec.DecodeError
    (or RecursionError for absurd nesting) when the envelope itself is broken.
    """
    try:
        return _decode_push(body)
    except msgspec.ValidationError:
        raise
    except msgspec.DecodeError as exc:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise exc from None
        if isinstance(data, dict) and isinstance(data.get("mutations"), list):
            for m in data["mutations"]:
                if isinstance(m, dict) and "args" in m:
                    m["args"] = msgspec.Raw(json.dumps(m["args"]).encode())
        return msgspec.convert(data, PushRequest)


class MutationError(msgspec.Struct, frozen=True):
    code: str
    message: str
    fields: dict[str, str] = {}


class MutationResult(msgspec.Struct, frozen=True, omit_defaults=True):
    id: int
    status: Literal["applied", "rejected"]
    outcome: dict[str, Any] | None = None
    error: MutationError | None = None


class PushResponse(msgspec.Struct, frozen=True):
    last_mutation_id: int
    results: list[MutationResult]


# Mutation arguments: the field names of the entities a pull returns. -------


class RsvpSetArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    outing_id: str
    status: str
    adults: int = 1
    children: int = 0


class OutingCreateArgs(OutingInput, kw_only=True, forbid_unknown_fields=False):
    """An outing made on the phone: its fields, the id the phone gave it, and
    the family its host brings (an app from before issue 12 sends none: the
    form's defaults)."""

    id: str
    host_adults: int = rules.HOST_ADULTS
    host_children: int = rules.HOST_CHILDREN


class OutingUpdateArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """``id`` and only the fields that change; absent fields keep their value."""

    id: str
    title: str | msgspec.UnsetType = msgspec.UNSET
    category: str | msgspec.UnsetType = msgspec.UNSET
    starts_at: datetime | msgspec.UnsetType = msgspec.UNSET
    ends_at: datetime | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    venue_id: str | msgspec.UnsetType | None = msgspec.UNSET
    place: str | msgspec.UnsetType = msgspec.UNSET
    meeting_point: str | msgspec.UnsetType = msgspec.UNSET
    meeting_point_private: bool | msgspec.UnsetType = msgspec.UNSET
    area: str | msgspec.UnsetType = msgspec.UNSET
    age_min_months: int | msgspec.UnsetType | None = msgspec.UNSET
    age_max_months: int | msgspec.UnsetType | None = msgspec.UNSET
    capacity: int | msgspec.UnsetType | None = msgspec.UNSET
    cost: str | msgspec.UnsetType = msgspec.UNSET
    language: str | msgspec.UnsetType = msgspec.UNSET
    circle_id: str | msgspec.UnsetType | None = msgspec.UNSET
    visibility: str | msgspec.UnsetType = msgspec.UNSET
    adults_only: bool | msgspec.UnsetType = msgspec.UNSET


class OutingCancelArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    id: str
    reason: str


class CommentAddArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    id: str
    outing_id: str
    body: str


class VenueCreateArgs(VenueInput, kw_only=True, forbid_unknown_fields=False):
    """A place listed on the phone; ``manage``: the person listing it runs the place."""

    id: str
    manage: bool = False


class VenueUpdateArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """``id`` and only the fields that change; ``amenities`` replaces the whole set."""

    id: str
    name: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    address: str | msgspec.UnsetType = msgspec.UNSET
    area: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    latitude: float | msgspec.UnsetType | None = msgspec.UNSET
    longitude: float | msgspec.UnsetType | None = msgspec.UNSET
    opening_hours: str | msgspec.UnsetType = msgspec.UNSET
    website: str | msgspec.UnsetType = msgspec.UNSET
    phone: str | msgspec.UnsetType = msgspec.UNSET
    price_notes: str | msgspec.UnsetType = msgspec.UNSET
    age_min_months: int | msgspec.UnsetType | None = msgspec.UNSET
    age_max_months: int | msgspec.UnsetType | None = msgspec.UNSET
    amenities: dict[str, str] | msgspec.UnsetType = msgspec.UNSET
    changing_table_location: str | msgspec.UnsetType = msgspec.UNSET


class CircleJoinArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """Join an open circle, or ask to join one with ``message`` for its moderators."""

    circle_id: str
    message: str = ""


class CircleLeaveArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    circle_id: str


class PostAddArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """An ask or an offer on a circle's board; ``id`` made by the phone."""

    id: str
    circle_id: str
    kind: str
    body: str


class PostReplyArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    id: str
    post_id: str
    body: str


class PostSortArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """The author marks her post sorted (``sorted: false`` opens it again)."""

    post_id: str
    sorted: bool = True


class EntryAddArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """A service recommended for a circle's address book; it waits for a
    moderator unless the sender is one."""

    id: str
    circle_id: str
    kind: str
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    website: str = ""
    note: str = ""


class EntryRecommendArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    entry_id: str


class SuggestionAddArgs(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    """A word to a circle's moderators, for them alone."""

    id: str
    circle_id: str
    body: str


ARGS: dict[str, type[msgspec.Struct]] = {
    "rsvp.set": RsvpSetArgs,
    "outing.create": OutingCreateArgs,
    "outing.update": OutingUpdateArgs,
    "outing.cancel": OutingCancelArgs,
    "comment.add": CommentAddArgs,
    "venue.create": VenueCreateArgs,
    "venue.update": VenueUpdateArgs,
    "circle.join": CircleJoinArgs,
    "circle.leave": CircleLeaveArgs,
    "post.add": PostAddArgs,
    "post.reply": PostReplyArgs,
    "post.sort": PostSortArgs,
    "entry.add": EntryAddArgs,
    "entry.recommend": EntryRecommendArgs,
    "suggestion.add": SuggestionAddArgs,
}


# Pull ------------------------------------------------------------------------


class Change(msgspec.Struct, frozen=True, omit_defaults=True):
    op: Literal["put", "del"]
    type: str
    id: str
    data: dict[str, Any] | None = None


class PullResponse(msgspec.Struct, frozen=True, omit_defaults=True):
    cursor: int
    last_mutation_id: int
    has_more: bool
    changes: list[Change]
    reset: bool = False
