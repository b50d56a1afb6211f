"""Small helpers every HTML form handler uses, and what every text input is cleaned of."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from litestar.params import URLEncodedBody

#: A URL-encoded form body as a plain mapping of field name to value.
FormData = URLEncodedBody[dict[str, Any]]


def safe_next(value: str | None, default: str = "/") -> str:
    r"""A redirect target that stays on this site: a plain path, else ``default``.

    Only printable ASCII after a single leading ``/``. Browsers drop tabs and
    newlines from a URL and read ``\`` as ``/``, so ``/\t/evil.example`` or
    ``/\evil.example`` would land on ``//evil.example``, another site
    (issue 11). Our own paths are ASCII: their queries stay percent-encoded.
    """
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    if not all("!" <= ch <= "~" and ch != "\\" for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def field(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


#: Form fields typed in a <textarea>: they keep their line breaks and tabs.
#: Every other text input is one line (tests/test_clean_input.py checks the
#: templates' textareas are all named here).
MULTILINE = frozenset(
    {"answer", "body", "description", "message", "note", "opening_hours", "reason"}
)

# A control character, raw or percent-encoded: C0, DEL, and C1 (U+0080 to
# U+009F, "%C2%80" to "%C2%9F" in UTF-8).
_CONTROL = re.compile(rb"[\x00-\x1f\x7f]|%[01][0-9a-fA-F]|%7[fF]|%[cC]2%[89][0-9a-fA-F]")


def clean_value(value: str, *, multiline: bool = False) -> str:
    """``value`` less control characters; a multi-line one keeps its line breaks and tabs."""
    if multiline:
        value = value.replace("\r\n", "\n")
        return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cc")


def needs_cleaning(encoded: bytes) -> bool:
    """Whether a query string or URL-encoded form holds a control character."""
    return _CONTROL.search(encoded) is not None


def clean_encoded(encoded: bytes, *, form: bool) -> bytes:
    """A query string (``form=False``) or a URL-encoded form body, cleaned.

    Every text a person sends passes here first (``web.middleware.clean_input``),
    so no handler sees a control character: they are invisible on the page,
    can break the markers of pages shared between readers, and are no part
    of anything a parent means to type (issue 11).
    """
    pairs = parse_qsl(encoded.decode("latin-1"), keep_blank_values=True)
    return urlencode(
        [
            (clean_value(key), clean_value(value, multiline=form and key in MULTILINE))
            for key, value in pairs
        ]
    ).encode()
