"""The words the offline scripts show, translated on the server: the scripts hold no text."""

from __future__ import annotations

from functools import cache

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from outings import i18n
from outings.i18n import gettext as _


@cache
def sync_messages(lang: str) -> Markup:
    """The JSON every page embeds for offline.js, once per language."""
    with i18n.use_locale(lang):
        words = {
            "online": _("Online"),
            "offline": _("Offline — your changes are kept"),
            "waiting": _("Waiting to sync: {count}"),
            "pending_going": _("Going — waiting for signal"),
            "pending_maybe": _("Maybe — waiting for signal"),
            "pending_declined": _("Can't go — waiting for signal"),
            "confirmed": _("You're in! Your reply reached the host."),
            "waitlisted": _(
                "It filled up while you were offline: you're number {position} on the waitlist."
            ),
            "cancelled": _("This outing was cancelled by the host — your reply was not needed."),
            "rejected": _("Not saved: {message}"),
            "saved": _("Your reply is saved."),
            "sent": _("Sent."),
            "comment_waiting": _("Waiting for signal — it will be posted when you're back online."),
            "outing_waiting": _(
                "Saved on your phone. Your outing will be posted when you're back online."
            ),
            "signout_waiting": _(
                "{count} changes have not reached Outings yet. Sign out and lose them?"
            ),
        }
        return htmlsafe_json_dumps(words)
