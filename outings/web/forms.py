"""Small helpers every HTML form handler uses."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

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
