"""Comments on an outing: written, deleted by their author, hidden by a moderator.

Each in the caller's write transaction (``*_in``) or its own, as the outing
service does (outings/outing/service.py): the form and the ``comment.add``
mutation call the same functions.
"""

from __future__ import annotations

from datetime import timedelta

from outings import changelog
from outings.accounts.models import User
from outings.db import Database, now_iso
from outings.db import stamp as stored_time
from outings.db.database import Writer
from outings.i18n import gettext as _
from outings.outing import comment_store, rsvp_store, rules
from outings.outing.models import Comment
from outings.outing.service import utcnow, visible
from outings.refusals import Invalid, Refused


async def add_comment(
    db: Database, user: User, outing_id: str, comment_id: str, body: str
) -> Comment:
    return await db.write(lambda w: add_comment_in(w, user, outing_id, comment_id, body))


async def add_comment_in(
    w: Writer, user: User, outing_id: str, comment_id: str, body: str
) -> Comment:
    text, error = rules.check_comment(body)
    if error:
        raise Invalid({"body": error})
    outing = await visible(w, user, outing_id)
    replied = await rsvp_store.seat(w, outing_id, user.id) is not None
    if not rules.may_comment(user, outing, replied):
        raise Refused(
            "forbidden", _("Reply to the outing first, then you can join the conversation.")
        )
    stamp = now_iso()
    if not await comment_store.exists(w, comment_id):  # a re-sent comment is no new one
        hour_ago = stored_time(utcnow() - timedelta(hours=1))
        refusal = rules.why_no_more_comments(
            await comment_store.written_since(w, user.id, hour_ago)
        )
        if refusal:
            raise Invalid({"body": refusal})
    if await comment_store.insert(
        w,
        comment_id=comment_id,
        outing_id=outing_id,
        author_id=user.id,
        body=text,
        now=stamp,
    ):
        await changelog.record(w, "comment", comment_id)
    return Comment(
        id=comment_id,
        outing_id=outing_id,
        author_id=user.id,
        author_name=user.display_name,
        body=text,
        created_at=stamp,
    )


async def delete_comment(db: Database, user: User, comment_id: str) -> str:
    """Delete your own comment; returns the outing it was on."""

    async def run(w: Writer) -> str:
        found = await comment_store.author_of(w, comment_id)
        if found is None:
            raise Refused("not_found", _("That comment is already gone."))
        author_id, outing_id = found
        if author_id != user.id:
            raise Refused("forbidden", _("You can only delete your own comments."))
        await comment_store.delete(w, comment_id, now_iso())
        await changelog.record(w, "comment", comment_id, op="del")
        return outing_id

    return await db.write(run)


async def hide_comment_in(w: Writer, comment_id: str, reason: str, now: str) -> None:
    await comment_store.hide(w, comment_id, reason, now)
    await changelog.record(w, "comment", comment_id, op="del")
