"""What makes a circle valid, and who may do what in one. No web, no SQL."""

from __future__ import annotations

import unicodedata

import msgspec

from outings.accounts.models import User
from outings.accounts.rules import clean_text
from outings.circle.models import PALETTE, CircleInput, Member
from outings.i18n import LOCALES, ngettext
from outings.i18n import gettext as _

NAME_MIN = 3
NAME_MAX = 80
AREA_MAX = 60
DESCRIPTION_MAX = 2000
MESSAGE_MAX = 500
EMOJI_MAX = 16  # one emoji may be several code points (a family, a flag)


def _one_line(value: str) -> str:
    return clean_text(value).replace("\n", " ")


def clean(data: CircleInput) -> CircleInput:
    return msgspec.structs.replace(
        data,
        name=_one_line(data.name),
        area=_one_line(data.area),
        description=clean_text(data.description),
        emoji=data.emoji.strip(),
    )


def too_long(limit: int) -> str:
    return ngettext(
        "Please keep it under %(num)d character.",
        "Please keep it under %(num)d characters.",
        limit + 1,
    )


def _is_emoji(text: str) -> bool:
    """One picture, not words: no letters or digits, a handful of code points."""
    return len(text) <= EMOJI_MAX and not any(
        unicodedata.category(ch)[0] in "LN" for ch in text if ch not in "#*"
    )


def check(data: CircleInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(data.name) < NAME_MIN:
        errors["name"] = _("Please give the circle a name of at least three letters.")
    elif len(data.name) > NAME_MAX:
        errors["name"] = too_long(NAME_MAX)
    if not data.area:
        errors["area"] = _("Please say which neighbourhood or town the circle is for.")
    elif len(data.area) > AREA_MAX:
        errors["area"] = too_long(AREA_MAX)
    if len(data.description) > DESCRIPTION_MAX:
        errors["description"] = too_long(DESCRIPTION_MAX)
    if data.language and data.language not in LOCALES:
        errors["language"] = _("Please choose one of the languages offered.")
    if data.colour not in PALETTE:
        errors["colour"] = _("Please choose one of the colours offered.")
    if data.emoji and not _is_emoji(data.emoji):
        errors["emoji"] = _("Please choose one emoji, or none.")
    if data.joining not in ("open", "ask"):
        errors["joining"] = _("Please choose who may join.")
    return errors


def check_message(message: str) -> tuple[str, str | None]:
    text = clean_text(message)
    if len(text) > MESSAGE_MAX:
        return text, too_long(MESSAGE_MAX)
    return text, None


def moderates(user: User | None, member: Member | None) -> bool:
    """A circle's own moderators run it."""
    return user is not None and member is not None and member.moderates


def may_moderate_content(user: User | None, member: Member | None) -> bool:
    """Hiding things and removing people: the circle's moderators, and the
    site's (who step in when a report waits too long)."""
    return moderates(user, member) or (user is not None and user.is_moderator)


def belongs(member: Member | None) -> bool:
    return member is not None and member.belongs


def why_not_leave(member: Member | None, moderators: int) -> str | None:
    """A circle never has no moderator: the last one hands over first."""
    if member is not None and member.moderates and moderators <= 1:
        return _(
            "You are this circle's only moderator. Make another member a moderator first,"
            " so the circle is not left without one."
        )
    return None
