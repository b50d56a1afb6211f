"""The words the offline scripts show, translated on the server: the scripts hold no text.

A text with a number ("2 changes…") depends on the number's plural category,
and languages have different ones: English and Swahili two, Polish three for
whole numbers (1 zmiana, 2 zmiany, 5 zmian), Chinese one. The script picks
the category with the browser's ``Intl.PluralRules`` (CLDR's rules, as Babel
has them here), so each counted text is sent as one form per category of the
page's language, each the catalogue's own ngettext form for a number of that
category.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from babel import Locale
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from outings import i18n
from outings.i18n import gettext as _

#: Numbers that together fall in every plural category of every language.
_SAMPLES = (*range(200), 1000, 1_000_000)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The catalogue's form for ``n`` in this language; its "{count}" is left for the script."""
    return i18n.current_translations().ngettext(singular, plural, n)


def plural_forms(lang: str, text: Callable[[int], str]) -> dict[str, str]:
    """``{category: text(n)}`` for each CLDR plural category of ``lang`` (and "other")."""
    rule = Locale.parse(lang).plural_form
    forms: dict[str, str] = {}
    for n in _SAMPLES:
        forms.setdefault(rule(n), text(n))
    # Whole numbers never fall in some languages' "other" (Polish keeps it for
    # fractions): a browser whose rules differ a little still finds a text.
    forms.setdefault("other", text(5))
    return forms


@cache
def sync_messages(lang: str) -> Markup:
    """The JSON every page embeds for offline.js, once per language."""
    with i18n.use_locale(lang):
        words = {
            "online": _("Online"),
            "offline": _("Offline — your changes are kept"),
            # "{count}" is put in by the script, in the form its number needs
            "waiting": plural_forms(
                lang, lambda n: ngettext("Waiting to sync: {count}", "Waiting to sync: {count}", n)
            ),
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
            # forms marked data-outbox (issue 13): what waits, and the verdict once sent
            "outbox_default": _("Waiting for signal — it will be sent when you're back online."),
            "outbox": {
                "post.add": _(
                    "Waiting for signal — your post goes on the board when you're back online."
                ),
                "post.reply": _(
                    "Waiting for signal — your reply will be posted when you're back online."
                ),
                "post.sort": _("Waiting for signal — it will be marked when you're back online."),
                "circle.join": _(
                    "Waiting for signal — you will join the circle when you're back online."
                ),
                "circle.leave": _(
                    "Waiting for signal — you will leave the circle when you're back online."
                ),
                "entry.add": _(
                    "Waiting for signal — your recommendation goes to the moderators"
                    " when you're back online."
                ),
                "entry.recommend": _(
                    "Waiting for signal — your recommendation will be added"
                    " when you're back online."
                ),
                "suggestion.add": _(
                    "Waiting for signal — your suggestion goes to the moderators"
                    " when you're back online."
                ),
            },
            "outbox_done": {
                "post.add": _("Your post is on the board."),
                "post.reply": _("Your reply is posted."),
                "post.sort": _("Marked as sorted. Glad it worked out!"),
                "post.sort.open": _("Your post is open again."),
                "circle.join": _("You are a member of the circle now."),
                "circle.join.asked": _(
                    "Your request to join is sent. A moderator will let you know."
                ),
                "circle.leave": _("You have left the circle."),
                "entry.add": _(
                    "Thank you! The moderators will look at your recommendation before it shows."
                ),
                "entry.recommend": _("Thank you: your recommendation is added."),
                "suggestion.add": _("Your suggestion reached the circle's moderators."),
            },
            "signout_waiting": plural_forms(
                lang,
                lambda n: ngettext(
                    "{count} change has not reached Outings yet. Sign out and lose it?",
                    "{count} changes have not reached Outings yet. Sign out and lose them?",
                    n,
                ),
            ),
        }
        return htmlsafe_json_dumps(words)
