"""Static files under content-hashed URLs, cached for a year.

``static("css/app.css")`` in a template gives ``/static/css/app.3f2a1b9c.css``:
the hash changes with the content, so browsers may keep a file forever and a
deploy still reaches them at once. Files are small and few, so they are read
once at start, gzipped once, and served from memory.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
# Unhashed names (icons named by the manifest, say) may change on a deploy.
REVALIDATE = "public, max-age=0, must-revalidate"
_COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "application/manifest+json",
)
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<suffix>\.[A-Za-z0-9]+)$")

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


@dataclass(frozen=True)
class Asset:
    path: str
    body: bytes
    gzipped: bytes | None
    media_type: str
    digest: str

    @property
    def url(self) -> str:
        stem, dot, suffix = self.path.rpartition(".")
        return f"/static/{stem}.{self.digest}.{suffix}" if dot else f"/static/{self.path}"


class StaticAssets:
    """Every file under ``outings/static``, by its plain relative path."""

    def __init__(self, root: Path = STATIC_DIR) -> None:
        self.assets: dict[str, Asset] = {}
        for file in sorted(root.rglob("*")):
            if not file.is_file() or file.name.startswith("."):
                continue
            rel = file.relative_to(root).as_posix()
            body = file.read_bytes()
            media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            gzipped = None
            if media_type.startswith(_COMPRESSIBLE) and len(body) > 512:
                gzipped = gzip.compress(body, compresslevel=9, mtime=0)
            digest = hashlib.sha256(body).hexdigest()[:10]
            self.assets[rel] = Asset(rel, body, gzipped, media_type, digest)

    def url(self, path: str) -> str:
        """The hashed URL of ``path``; a missing file is a bug, so it raises."""
        try:
            return self.assets[path].url
        except KeyError:
            raise LookupError(f"no static file {path!r} under {STATIC_DIR}") from None

    def find(self, requested: str) -> tuple[Asset, bool] | None:
        """The asset a URL path names, and whether the URL carried its current hash."""
        match = _HASHED.match(requested)
        if match:
            asset = self.assets.get(match["stem"] + match["suffix"])
            if asset is not None and asset.digest == match["hash"]:
                return asset, True
        asset = self.assets.get(requested)
        return (asset, False) if asset is not None else None

    def response(self, asset: Asset, *, immutable: bool, accept_encoding: str) -> Response[bytes]:
        headers = {
            "cache-control": IMMUTABLE if immutable else REVALIDATE,
            "etag": f'"{asset.digest}"',
            "vary": "accept-encoding",
        }
        body = asset.body
        if asset.gzipped is not None and "gzip" in accept_encoding:
            body = asset.gzipped
            headers["content-encoding"] = "gzip"
        return Response(body, media_type=asset.media_type, headers=headers)


@get("/static/{path:path}", include_in_schema=False, sync_to_thread=False)
def serve_static(request: Request[Any, Any, Any], path: FromPath[str]) -> Response[bytes]:
    assets: StaticAssets = request.app.state.assets
    found = assets.find(path.lstrip("/"))
    if found is None:
        raise NotFoundException()
    asset, immutable = found
    if request.headers.get("if-none-match") == f'"{asset.digest}"':
        return Response(b"", status_code=304, headers={"etag": f'"{asset.digest}"'})
    return assets.response(
        asset, immutable=immutable, accept_encoding=request.headers.get("accept-encoding", "")
    )
