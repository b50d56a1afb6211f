"""The headers every answer carries: what a browser may load, frame, send and use.

They are added in one hook on the app's ``send`` (Litestar's ``before_send``)
rather than a route middleware, so that every response gets them: pages,
JSON, static files, the worker, kept copies of shared pages, and the 404s
and 405s answered before any route is found, which route middleware never
sees (issue 11).

The Content-Security-Policy allows nothing inline: scripts and styles come
from our own files. The one inline script that must stay, the import map
(browsers take no external import maps), is allowed by its hash, computed
here from the same text the layout writes out.
"""

from __future__ import annotations

import base64
import hashlib

import msgspec
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from outings.settings import Settings
from outings.web.static import StaticAssets

#: The modules the import map sends to their hashed, precached files.
_MODULES = ("js/offline.js", "js/passkeys.js", "js/near.js", "js/push.js")

# Features the app never uses: nobody, not even our own pages, may ask for them.
# (Passkeys are "publickey-credentials-*", left at their default: this site.)
_DENIED = (
    "accelerometer",
    "camera",
    "display-capture",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
)
#: Features our own pages ask for, only when a parent taps for them ("Nearest
#: first", a venue's "I'm here now"): no frame of another site may.
_OWN = ("geolocation",)
_YEAR = 365 * 24 * 3600


def importmap(assets: StaticAssets) -> str:
    """The import map's JSON, exactly as the layout writes it (its hash is in the CSP)."""
    imports = {f"/static/{path}": assets.url(path) for path in _MODULES}
    # "<" escaped so the text can never close its <script> element
    return msgspec.json.encode({"imports": imports}).decode().replace("<", "\\u003c")


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def content_security_policy(inline_scripts: list[str]) -> str:
    """A strict policy: our own files only, ``inline_scripts`` allowed by their hashes."""
    hashes = " ".join(_hash(script) for script in inline_scripts)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' {hashes}".strip(),
        "style-src": "'self'",
        "img-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def headers(settings: Settings, assets: StaticAssets) -> list[tuple[bytes, bytes]]:
    """The security headers for every response of this app."""
    pairs = {
        "content-security-policy": content_security_policy([importmap(assets)]),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "permissions-policy": ", ".join(
            [f"{feature}=()" for feature in _DENIED] + [f"{feature}=(self)" for feature in _OWN]
        ),
    }
    if settings.secure_cookies:  # served over https: browsers must never try http
        pairs["strict-transport-security"] = f"max-age={_YEAR}; includeSubDomains"
    return [(name.encode(), value.encode()) for name, value in pairs.items()]


def security_headers(settings: Settings, assets: StaticAssets) -> BeforeMessageSendHookHandler:
    """A ``before_send`` hook adding :func:`headers` to the start of every response."""
    extra = headers(settings, assets)

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), *extra]

    return hook
