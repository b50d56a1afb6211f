"""What makes Outings an installable, offline-capable app: manifest and service worker.

The worker is served at ``/sw.js`` so that its scope is the whole site. Its
version and the list of files to precache are written into it here, from the
content hashes of the static files: any change to them is a new worker.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Response, Router, get

from outings import i18n
from outings.web.static import STATIC_DIR, StaticAssets

SW_SOURCE = STATIC_DIR / "sw" / "sw.js"
#: The app shell: what every page needs, fetched when the worker installs.
SHELL = (
    "css/app.css",
    "js/app.js",
    "js/passkeys.js",
    "js/outbox.js",
    "js/offline.js",
    "js/near.js",
    "js/push.js",
    "icons/icon.svg",
    "icons/icon-192.png",
)


@cache
def worker_source(assets: StaticAssets, source: Path = SW_SOURCE) -> bytes:
    text = source.read_text("utf-8")
    urls = [assets.url(path) for path in SHELL] + ["/offline"]
    version = hashlib.sha256((text + "".join(urls)).encode()).hexdigest()[:12]
    return (
        text.replace("__VERSION__", version)
        .replace('"__PRECACHE__"', msgspec.json.encode(urls).decode())
        .replace("__OUTBOX__", assets.url("js/outbox.js"))
        .encode()
    )


@get("/sw.js", include_in_schema=False)
async def service_worker(request: Request[Any, Any, Any]) -> Response[bytes]:
    return Response(
        worker_source(request.app.state.assets),
        media_type="text/javascript",  # Litestar adds "; charset=utf-8" to text/ types
        headers={"cache-control": "no-cache", "service-worker-allowed": "/"},
    )


@get("/manifest.webmanifest", include_in_schema=False)
async def manifest(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    assets: StaticAssets = request.app.state.assets
    name = request.app.state.settings.rp_name
    return Response(
        {
            "name": name,
            "short_name": name,
            "description": i18n.gettext(
                "Child-friendly outings near you, with other parents on leave."
            ),
            "lang": i18n.current_locale(),
            "start_url": "/?source=pwa",
            "scope": "/",
            "id": "/",
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#faf7f2",
            "theme_color": "#0f6e5a",
            "categories": ["lifestyle", "social"],
            "icons": [
                {
                    "src": assets.url("icons/icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                    "purpose": "any",
                },
                {
                    "src": assets.url("icons/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "any",
                },
                {
                    "src": assets.url("icons/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {
                    "src": assets.url("icons/icon.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                    "purpose": "any",
                },
            ],
        },
        media_type="application/manifest+json",
        headers={"cache-control": "public, max-age=3600"},
    )


@get("/favicon.ico", include_in_schema=False)
async def favicon(request: Request[Any, Any, Any]) -> Response[bytes]:
    assets: StaticAssets = request.app.state.assets
    return assets.response(assets.assets["icons/icon-192.png"], immutable=False, accept_encoding="")


router = Router(path="/", route_handlers=[service_worker, manifest, favicon])
