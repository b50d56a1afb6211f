"""The manifest and the service worker as the server hands them out."""

from __future__ import annotations

import json
import re

from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import html

Client = TestClient[Litestar]


def test_manifest_makes_an_installable_app(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Outings"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert html(client.get("/")).select_one("link[rel=manifest][href='/manifest.webmanifest']")


def test_service_worker_is_served_at_the_root_with_its_precache(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    source = response.text
    assert "__VERSION__" not in source
    assert "__PRECACHE__" not in source
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", source)[1])  # type: ignore[index]
    assert "/offline" in precache
    for url in precache:
        assert client.get(url).status_code == 200, url
    # the page's own CSS is in the precache under the same hashed URL
    css = html(client.get("/")).select_one("link[rel=stylesheet]")["href"]  # type: ignore[index]
    assert css in precache


def test_module_imports_resolve_to_precached_files(client: Client) -> None:
    doc = html(client.get("/"))
    imports = json.loads(doc.select_one("script[type=importmap]").get_text())["imports"]  # type: ignore[union-attr]
    precache = client.get("/sw.js").text
    for target in imports.values():
        assert target in precache
