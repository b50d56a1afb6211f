"""Our cookies' names and flags, in one place (issue 11, item 6).

Under an ``https://`` origin every cookie is ``Secure`` and takes a prefixed
name the browser itself checks: ``__Host-`` (Secure, ``Path=/``, no
``Domain``, so a neighbouring subdomain can neither set nor overwrite it),
or ``__Secure-`` for the passkey challenge, scoped to ``/api/auth``. Plain
``http://localhost`` (development, tests) keeps plain names: browsers refuse
prefixed cookies there.

Handlers that make a cookie without the settings at hand (a flash message)
read whether this request is served over https from a context variable the
session middleware sets for each request.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal

from litestar.datastructures import Cookie, Headers
from litestar.types import Scope

SESSION = "outings_session"
CHALLENGE = "outings_challenge"
FLASH = "outings_flash"
LANGUAGE = "outings_lang"
AREA = "outings_area"  # the area a parent chose once for the list
CALENDAR = "outings_calendar"  # a new calendar link, shown on /me for a few minutes

_https: ContextVar[bool] = ContextVar("https_cookies", default=False)


def use_https(on: bool) -> None:
    """Name this request's cookies for an https origin (``on``) or not."""
    _https.set(on)


def is_https(scope: Scope) -> bool:
    """Whether the app answering ``scope`` is served under an https origin."""
    app = scope.get("litestar_app")
    return bool(app is not None and app.state.settings.secure_cookies)


def name(base: str, *, https: bool, path: str = "/") -> str:
    """The cookie's name as browsers get it."""
    if not https:
        return base
    return ("__Host-" if path == "/" else "__Secure-") + base


def make(
    base: str,
    value: str,
    *,
    max_age: int,
    https: bool | None = None,
    path: str = "/",
    samesite: Literal["lax", "strict", "none"] = "lax",
) -> Cookie:
    """An HttpOnly cookie; ``https`` None: as the current request is served."""
    secure = _https.get() if https is None else https
    return Cookie(
        key=name(base, https=secure, path=path),
        value=value,
        path=path,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite=samesite,
    )


def parse(header: str, key: str) -> str | None:
    for part in header.split(";"):
        found, _eq, value = part.strip().partition("=")
        if found == key:
            return value
    return None


def read(scope: Scope, base: str, *, path: str = "/") -> str | None:
    """The value this request carries for one of our cookies."""
    header = Headers.from_scope(scope).get("cookie", "")
    return parse(header, name(base, https=is_https(scope), path=path)) if header else None
