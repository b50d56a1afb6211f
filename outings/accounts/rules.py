"""Account rules with no web or SQL in them."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from outings.i18n import gettext as _
from outings.i18n import ngettext

DISPLAY_NAME_MAX = 50
PASSKEY_NAME_MAX = 60
_UA_PLATFORMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "Mac"),
    ("Windows", "Windows"),
    ("Linux", "Linux"),
)
_UA_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)


def clean_text(value: str) -> str:
    """Text as typed, less control characters and surrounding or repeated spaces."""
    value = "".join(ch for ch in value if unicodedata.category(ch) != "Cc" or ch in "\n\t")
    return re.sub(r"[ \t]+", " ", unicodedata.normalize("NFC", value)).strip()


def check_display_name(raw: str) -> tuple[str, str | None]:
    """The cleaned name, and an error message for the field if it cannot be used."""
    name = clean_text(raw).replace("\n", " ")
    if not name:
        return name, _("Please tell us what to call you.")
    if len(name) > DISPLAY_NAME_MAX:
        return name, _too_long(DISPLAY_NAME_MAX + 1)
    return name, None


def _too_long(limit: int) -> str:
    return ngettext(
        "Please keep it under %(num)d character.", "Please keep it under %(num)d characters.", limit
    )


def check_passkey_name(raw: str) -> tuple[str, str | None]:
    name = clean_text(raw).replace("\n", " ")
    if not name:
        return name, _("Please give this passkey a name.")
    if len(name) > PASSKEY_NAME_MAX:
        return name, _too_long(PASSKEY_NAME_MAX + 1)
    return name, None


def device_name(user_agent: str) -> str:
    """A name a person recognises for the device a passkey or a sign-in came from."""
    platform = next((name for key, name in _UA_PLATFORMS if key in user_agent), "")
    browser = next((name for key, name in _UA_BROWSERS if key in user_agent), "")
    if platform and browser:
        return _("%(browser)s on %(platform)s", browser=browser, platform=platform)
    return platform or browser or _("Passkey")


def may_remove_passkey(passkey_count: int) -> bool:
    """The last passkey stays: without it nobody could ever sign in to the account."""
    return passkey_count > 1


def calendar_key(secret: str) -> str:
    """What is kept of a calendar feed's secret: its SHA-256, never the secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
