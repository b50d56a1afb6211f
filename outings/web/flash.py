"""One-shot messages shown on the next page ("You are signed out").

The cookie carries only a code from :data:`MESSAGES`, never text, so nobody
can make the app say words of their own, and the words come in the reader's
language when shown.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import Cookie

from outings.i18n import lazy_gettext
from outings.web import cookies


class Flash(msgspec.Struct, frozen=True):
    code: str
    message: str
    kind: str  # "success" | "info" | "error"


MESSAGES: dict[str, tuple[Any, str]] = {
    "signed_out": (lazy_gettext("You are signed out. See you soon!"), "info"),
    "passkey_removed": (lazy_gettext("That passkey was removed."), "success"),
    "passkey_renamed": (lazy_gettext("Passkey renamed."), "success"),
    "last_passkey": (
        lazy_gettext("That is your only passkey: add another one before removing it."),
        "error",
    ),
    "session_revoked": (lazy_gettext("That device is signed out."), "success"),
    "push_off": (lazy_gettext("Notifications are off for that device."), "success"),
    "push_saved": (lazy_gettext("Your notification choices are saved."), "success"),
    "push_hours_invalid": (
        lazy_gettext("Please choose quiet hours from the lists."),
        "error",
    ),
    "sign_in_needed": (lazy_gettext("Please sign in first."), "info"),
    "language_changed": (lazy_gettext("Language changed."), "success"),
    "outing_proposed": (
        lazy_gettext("Your outing is up! Share the link with other parents."),
        "success",
    ),
    "outing_saved": (lazy_gettext("Changes saved. Families who replied were told."), "success"),
    "outing_over_capacity": (
        lazy_gettext(
            "Changes saved. More families are confirmed than the new capacity: they keep "
            "their places, and nobody new comes in until places free up."
        ),
        "info",
    ),
    "outing_cancelled": (
        lazy_gettext("The outing is cancelled. Families who replied were told."),
        "info",
    ),
    "rsvp_saved": (lazy_gettext("Your reply is saved."), "success"),
    "comment_deleted": (lazy_gettext("Your comment was deleted."), "success"),
    "post_added": (lazy_gettext("Your post is on the board."), "success"),
    "reply_added": (lazy_gettext("Your reply is posted."), "success"),
    "post_sorted": (lazy_gettext("Marked as sorted. Glad it worked out!"), "success"),
    "post_reopened": (lazy_gettext("Your post is open again."), "success"),
    "post_pinned": (lazy_gettext("Pinned: it stays on the board until you unpin it."), "success"),
    "post_unpinned": (
        lazy_gettext("Unpinned: it leaves the board 30 days after it was posted."),
        "success",
    ),
    "venue_listed": (
        lazy_gettext("Thank you! The place is listed; a moderator will verify it soon."),
        "success",
    ),
    "venue_saved": (lazy_gettext("The listing is up to date."), "success"),
    "venue_confirmed": (lazy_gettext("Thanks for checking! Other parents will see it."), "success"),
    "claim_sent": (
        lazy_gettext("Request sent. A moderator will check it and let you know."),
        "success",
    ),
    "report_sent": (lazy_gettext("Thank you. The moderators will look at it."), "success"),
    "report_again": (
        lazy_gettext("You reported this already. The moderators will look at it."),
        "info",
    ),
    "report_empty": (lazy_gettext("Please say in a few words what is wrong."), "error"),
    "moderation_done": (lazy_gettext("Done. It is in the moderation log."), "success"),
    "calendar_stopped": (
        lazy_gettext("Your calendar link is off. Calendars subscribed to it get nothing more."),
        "success",
    ),
    "calendar_ready": (
        lazy_gettext("Your calendar link is ready. Add it to your phone's calendar."),
        "success",
    ),
    "circle_started": (
        lazy_gettext("Your circle is started! Invite parents from your neighbourhood."),
        "success",
    ),
    "circle_saved": (lazy_gettext("The circle is up to date."), "success"),
    "circle_joined": (lazy_gettext("Welcome! You are a member of the circle."), "success"),
    "circle_asked": (
        lazy_gettext("Your request is sent. A moderator will let you know."),
        "success",
    ),
    "circle_left": (lazy_gettext("You are no longer in this circle."), "info"),
    "member_accepted": (lazy_gettext("Accepted: they are a member now."), "success"),
    "member_declined": (lazy_gettext("Request declined."), "info"),
    "member_role": (lazy_gettext("Role changed."), "success"),
    "member_removed": (lazy_gettext("Removed. It is in the moderation log."), "success"),
    "entry_sent": (
        lazy_gettext("Thank you! A moderator will check it before the members see it."),
        "success",
    ),
    "entry_added": (lazy_gettext("Added to the address book."), "success"),
    "entry_recommended": (lazy_gettext("Thank you: your recommendation counts."), "success"),
    "entry_approved": (lazy_gettext("Approved: the members see it now."), "success"),
    "entry_declined": (lazy_gettext("Declined: it stays out of the book."), "info"),
    "suggestion_sent": (
        lazy_gettext("Sent. The moderators will read it and answer you here."),
        "success",
    ),
    "suggestion_answered": (lazy_gettext("Your answer is sent."), "success"),
    "suggestion_closed": (lazy_gettext("Suggestion closed."), "info"),
    "news_sent": (lazy_gettext("The news is sent to every member."), "success"),
}


def cookie(code: str) -> Cookie:
    if code not in MESSAGES:
        raise KeyError(f"unknown flash message {code!r}; add it to MESSAGES")
    return cookies.make(cookies.FLASH, code, max_age=60)


def take(request: Request[Any, Any, Any]) -> tuple[Flash | None, list[Cookie]]:
    """The message waiting for this request, and the cookie that clears it."""
    code = cookies.read(request.scope, cookies.FLASH)
    # The service worker fetching pages ahead must not eat a message meant
    # for the page the parent is about to see.
    if not code or request.headers.get("x-outings-prefetch"):
        return None, []
    clear = [cookies.make(cookies.FLASH, "", max_age=0)]
    entry = MESSAGES.get(code)
    if entry is None:
        return None, clear
    message, kind = entry
    return Flash(code, str(message), kind), clear
