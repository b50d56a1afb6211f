"""Applying a client's pushed mutations: each once, in order, with its result kept.

A push runs in one write transaction: the client's ``last_mutation_id``, and
each mutation in a savepoint of its own with its recorded result, so a push
whose response was lost can be sent again and nothing is applied twice. A mutation that cannot
be applied is *rejected*: it still counts as processed and the queue moves on.
"""

from __future__ import annotations

import itertools
from typing import Any, TypeVar

import msgspec

from outings.accounts.models import User
from outings.circle import board, book, suggestions
from outings.circle import service as circle_service
from outings.circle.book_models import EntryInput
from outings.db import Database, now_iso
from outings.db.database import Writer
from outings.i18n import gettext as _
from outings.ids import is_uuid
from outings.outing import comments, service
from outings.sync import store
from outings.sync.protocol import (
    ARGS,
    CircleJoinArgs,
    CircleLeaveArgs,
    CommentAddArgs,
    EntryAddArgs,
    EntryRecommendArgs,
    MutationError,
    MutationResult,
    OutingCancelArgs,
    OutingCreateArgs,
    OutingUpdateArgs,
    PostAddArgs,
    PostReplyArgs,
    PostSortArgs,
    PushRequest,
    PushResponse,
    RawMutation,
    RsvpSetArgs,
    SuggestionAddArgs,
    VenueCreateArgs,
    VenueUpdateArgs,
)
from outings.venue import service as venue_service


class PushRefused(Exception):
    """The whole push is refused (nothing applied): HTTP status, code, message."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def _rejected(
    mutation_id: int, code: str, message: str, fields: dict[str, str] | None = None
) -> MutationResult:
    return MutationResult(
        id=mutation_id,
        status="rejected",
        error=MutationError(code=code, message=message, fields=fields or {}),
    )


def _aware(args: OutingCreateArgs | OutingUpdateArgs) -> dict[str, str]:
    errors = {}
    for name in ("starts_at", "ends_at"):
        value = getattr(args, name)
        if not isinstance(value, msgspec.UnsetType) and value.tzinfo is None:
            errors[name] = _("Give the time with its UTC offset, e.g. 2026-05-01T08:00:00Z.")
    return errors


S = TypeVar("S", bound=msgspec.Struct)


def _merged(current: S, args: msgspec.Struct) -> S:
    """``current`` with the fields an update mutation carries (absent ones are UNSET)."""
    changed = {
        f: getattr(args, f)
        for f in current.__struct_fields__
        if not isinstance(getattr(args, f, msgspec.UNSET), msgspec.UnsetType)
    }
    return msgspec.structs.replace(current, **changed)


async def _apply(w: Writer, user: User, name: str, args: Any) -> dict[str, Any]:
    """Run one mutation through the same domain functions the forms use."""
    match args:
        case RsvpSetArgs():
            result = await service.set_rsvp_in(
                w, user, args.outing_id, args.status, args.adults, args.children
            )
            return {"outing_id": args.outing_id, **msgspec.structs.asdict(result)}
        case OutingCreateArgs():
            if not is_uuid(args.id):
                raise service.Invalid({"id": _("The outing needs a UUID made by the app.")})
            if errors := _aware(args):
                raise service.Invalid(errors)
            outing = await service.propose_in(
                w, user, args.id, args, adults=args.host_adults, children=args.host_children
            )
            return {"id": outing.id}
        case OutingUpdateArgs():
            if errors := _aware(args):
                raise service.Invalid(errors)
            current = await service.outing_input(w, args.id)
            edited = await service.edit_in(w, user, args.id, _merged(current, args))
            return {"id": args.id, "over_capacity": edited.over_capacity}
        case OutingCancelArgs():
            await service.cancel_in(w, user, args.id, args.reason)
            return {"id": args.id}
        case VenueCreateArgs():
            if not is_uuid(args.id):
                raise service.Invalid({"id": _("The place needs a UUID made by the app.")})
            venue = await venue_service.create_in(w, user, args.id, args, manage=args.manage)
            return {"id": venue.id}
        case VenueUpdateArgs():
            place = venue_service.as_input(await venue_service.load(w, args.id))
            await venue_service.update_in(w, user, args.id, _merged(place, args))
            return {"id": args.id}
        case CommentAddArgs():
            if not is_uuid(args.id):
                raise service.Invalid({"id": _("The comment needs a UUID made by the app.")})
            await comments.add_comment_in(w, user, args.outing_id, args.id, args.body)
            return {"id": args.id}
        case CircleJoinArgs():
            member = await circle_service.join_in(w, user, args.circle_id, args.message)
            return {"circle_id": args.circle_id, "role": member.role}
        case CircleLeaveArgs():
            await circle_service.leave_in(w, user, args.circle_id)
            return {"circle_id": args.circle_id}
        case PostAddArgs():
            if not is_uuid(args.id):
                raise service.Invalid({"id": _("The post needs a UUID made by the app.")})
            await board.add_in(w, user, args.circle_id, args.id, args.kind, args.body)
            return {"id": args.id}
        case PostReplyArgs():
            if not is_uuid(args.id):
                raise service.Invalid({"id": _("The reply needs a UUID made by the app.")})
            await board.reply_in(w, user, args.post_id, args.id, args.body)
            return {"id": args.id, "post_id": args.post_id}
        case PostSortArgs():
            post = await board.sort_in(w, user, args.post_id, args.sorted)
            return {"post_id": args.post_id, "sorted": post.is_sorted}
        case EntryAddArgs():
            if not is_uuid(args.id):
                raise service.Invalid({"id": _("The address needs a UUID made by the app.")})
            fields = msgspec.structs.asdict(args)
            del fields["id"], fields["circle_id"]
            entry = await book.add_in(w, user, args.circle_id, args.id, EntryInput(**fields))
            return {"id": entry.id, "status": entry.status}
        case EntryRecommendArgs():
            entry = await book.recommend_in(w, user, args.entry_id)
            return {"entry_id": entry.id, "recommended_count": entry.recommended_count}
        case SuggestionAddArgs():
            if not is_uuid(args.id):
                raise service.Invalid({"id": _("The suggestion needs a UUID made by the app.")})
            await suggestions.add_in(w, user, args.circle_id, args.id, args.body)
            return {"id": args.id}
    raise AssertionError(f"no handler for {name}")  # pragma: no cover - ARGS lists them all


async def _process(w: Writer, user: User, client_id: str, m: RawMutation) -> MutationResult:
    args_type = ARGS.get(m.name)
    if args_type is None:
        return _rejected(
            m.id, "unknown_mutation", _("This app version sent a change the server does not know.")
        )
    try:
        args = msgspec.json.decode(m.args, type=args_type)
    except (msgspec.DecodeError, RecursionError) as exc:
        # wrong fields, bad UTF-8, a lone surrogate, absurd nesting: this one is refused
        return _rejected(
            m.id, "invalid", _("Something in this change was not valid."), {"args": str(exc)}
        )
    # A savepoint, so a refusal half-way leaves nothing of this mutation behind
    # while its recorded result still commits.
    await w.execute("savepoint mutation")
    try:
        outcome = await _apply(w, user, m.name, args)
    except service.Refused as exc:
        refused = _rejected(m.id, exc.code, exc.message)
    except service.Invalid as exc:
        refused = _rejected(m.id, "invalid", "; ".join(exc.errors.values()), exc.errors)
    except Exception:
        # back to the savepoint first: on PostgreSQL a failed statement leaves
        # the transaction refusing everything else, and the caller would be
        # told that instead of what went wrong
        await w.execute("rollback to mutation")
        await w.execute("release mutation")
        raise
    else:
        await w.execute("release mutation")
        return MutationResult(id=m.id, status="applied", outcome=outcome)
    await w.execute("rollback to mutation")
    await w.execute("release mutation")
    return refused


async def _claim(w: Writer, client_id: str, user: User) -> int:
    """Register a new client to ``user``; the client's last mutation id."""
    await store.claim_client(w, client_id, user.id, now_iso())
    found = await store.client(w, client_id)
    assert found is not None
    owner, last = found
    if owner != user.id:
        raise PushRefused(
            403, "client_taken", _("This device's sync id belongs to another account.")
        )
    return last


def _gap(expected: int) -> PushRefused:
    return PushRefused(
        409, "mutation_gap", _("Some earlier changes are missing."), expected=expected
    )


async def push(db: Database, user: User, request: PushRequest) -> PushResponse:
    if request.account is not None and request.account != user.id:
        # Made on this phone while someone else was signed in (her session
        # ended without "Sign out", then another parent signed in here).
        raise PushRefused(
            403,
            "other_account",
            _(
                "This change was made while another account was signed in on this"
                " phone, so it was not sent."
            ),
        )
    if not is_uuid(request.client_id):
        raise PushRefused(400, "bad_client_id", _("client_id must be a UUID."))
    ids = [m.id for m in request.mutations]
    if any(b != a + 1 for a, b in itertools.pairwise(ids)):
        raise PushRefused(400, "bad_order", _("Mutation ids must count up by one."))
    client_id = request.client_id

    async def run(w: Writer) -> tuple[int, list[MutationResult] | None]:
        # The claim, the check of the client's last id and every mutation share
        # one transaction (each mutation in a savepoint of its own): the same
        # push sent twice at once (a retry racing its original) still applies
        # each mutation once, and one durable commit answers the whole push.
        known = await _claim(w, client_id, user)
        if ids and ids[0] > known + 1:
            return known, None  # a gap: something before this push was lost
        results = []
        for m in request.mutations:
            if m.id <= known:
                kept = await store.recorded(w, client_id, m.id)
                results.append(kept or _rejected(m.id, "forgotten", _("Already processed.")))
                continue
            result = await _process(w, user, client_id, m)
            await store.record_result(w, client_id, m.name, result, now_iso())
            results.append(result)
            known = m.id
        return known, results

    last, results = await db.write(run)
    if results is None:
        raise _gap(last + 1)  # nothing of this push was applied
    return PushResponse(last_mutation_id=last, results=results)
