"""Small helpers every HTML form handler uses."""

from __future__ import annotations

from typing import Any

from litestar.params import URLEncodedBody

#: A URL-encoded form body as a plain mapping of field name to value.
FormData = URLEncodedBody[dict[str, Any]]


def safe_next(value: str | None, default: str = "/") -> str:
    """A redirect target that stays on this site: a path, never ``//host`` or a URL."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def field(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)
