"""Security headers on every answer, and a policy the pages keep (issue 11).

The browser test (tests/browser/test_csp_browser.py) shows no page breaks
the policy in Chromium; these show every kind of answer carries it, and
that the templates hold nothing inline it would have to allow.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from httpx import Response
from litestar import Litestar
from litestar.testing import TestClient

from outings.app import create_app
from outings.settings import Settings
from tests.conftest import csrf_token, html, sign_up
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
ROOT = Path(__file__).resolve().parents[1]
FIXED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
NEEDED = (
    "default-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def assert_protected(response: Response) -> None:
    headers = response.headers
    for name, value in FIXED.items():
        assert headers.get_list(name) == [value], name
    assert len(headers.get_list("content-security-policy")) == 1
    policy = headers["content-security-policy"]
    for directive in NEEDED:
        assert directive in policy.split("; "), directive
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
    for source in script_src.split()[1:]:
        assert source == "'self'" or source.startswith("'sha256-"), source
    features = headers["permissions-policy"]
    for feature in ("camera", "microphone", "payment"):
        assert f"{feature}=()" in features
    assert "geolocation=(self)" in features  # asked for on a tap, by our own pages only
    assert "strict-transport-security" not in headers  # http://: no HSTS


def static_url(client: Client) -> str:
    return str(html(client.get("/")).select_one("link[rel=stylesheet]")["href"])  # type: ignore[index]


Request = Callable[[Client], Response]
ANSWERS: dict[str, tuple[Request, int]] = {
    "page": (lambda c: c.get("/"), 200),
    "offline page": (lambda c: c.get("/offline"), 200),
    "json": (lambda c: c.get("/healthz"), 200),
    "json api": (lambda c: c.post("/api/auth/login/options", json={}), 200),
    "api schema": (lambda c: c.get("/api/schema/openapi.json"), 200),
    "static file": (lambda c: c.get(static_url(c)), 200),
    "static file, not modified": (
        lambda c: c.get(
            static_url(c), headers={"if-none-match": c.get(static_url(c)).headers["etag"]}
        ),
        304,
    ),
    "service worker": (lambda c: c.get("/sw.js"), 200),
    "manifest": (lambda c: c.get("/manifest.webmanifest"), 200),
    "favicon": (lambda c: c.get("/favicon.ico"), 200),
    "redirect": (lambda c: c.get("/language?lang=fr", follow_redirects=False), 302),
    "sign in first": (lambda c: c.get("/me", follow_redirects=False), 302),
    "404 with no route": (lambda c: c.get("/no-such-page"), 404),
    "404 of a route": (lambda c: c.get("/outings/00000000-0000-4000-8000-000000000000"), 404),
    "404 static": (lambda c: c.get("/static/nothing.css"), 404),
    "405": (lambda c: c.delete("/healthz"), 405),
    "403 csrf": (lambda c: c.post("/logout", data={}), 403),
    "415 json api": (lambda c: c.post("/api/auth/login/options", content=b"x"), 415),
    "400 json api": (lambda c: c.post("/api/auth/login/verify", json={"id": 1}), 400),
}


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_every_answer_carries_the_security_headers(client: Client, answer: str) -> None:
    request, status = ANSWERS[answer]
    response = request(client)
    assert response.status_code == status
    assert_protected(response)


def test_the_kept_copy_of_a_shared_page_carries_them(client: Client) -> None:
    """A visitor's second look is the copy kept since the first (with its gzip)."""
    assert_protected(client.get("/"))
    kept = client.get("/", headers={"accept-encoding": "gzip"})
    assert kept.headers["content-encoding"] == "gzip"
    assert_protected(kept)
    plain = client.get("/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert_protected(plain)


def test_a_members_page_carries_them_too(client: Client, authenticator: SoftAuthenticator) -> None:
    sign_up(client, authenticator)
    for _ in range(2):  # rendered, then from the copy members share
        assert_protected(client.get("/"))
    assert_protected(client.get("/me"))
    assert_protected(client.post("/logout", data={"_csrf_token": csrf_token(client)}))


def test_an_unexpected_error_carries_them(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from outings.accounts import service

    async def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(service, "begin_login", broken)
    response = client.post("/api/auth/login/options", json={})
    assert response.status_code == 500
    assert_protected(response)


def test_hsts_only_under_an_https_origin(settings: Settings) -> None:
    origin = "https://outings.example.org"
    secure = Settings(db=settings.db, origin=origin, secret="x")
    with TestClient(create_app(secure), base_url=origin) as client:
        for path in ("/", "/healthz", "/no-such-page", "/sw.js"):
            hsts = client.get(path).headers.get_list("strict-transport-security")
            assert len(hsts) == 1
            assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts[0])
            assert int(hsts[0].split("=")[1].split(";")[0]) >= 180 * 24 * 3600


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/offline", "/venues", "/nowhere"])
def test_every_inline_script_is_data_or_allowed_by_its_hash(client: Client, path: str) -> None:
    response = client.get(path)
    policy = response.headers["content-security-policy"]
    inline = [s for s in html(response).select("script") if not s.get("src")]
    assert inline
    for script in inline:
        if script.get("type") in ("application/json", "application/ld+json"):
            continue  # data, never run
        assert script.get("type") == "importmap"
        assert _sha256(script.string or "") in policy


def test_templates_hold_no_inline_style_or_event_handler() -> None:
    for template in ROOT.joinpath("templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\sstyle\s*=", text), template
        assert not re.search(r"<style", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "javascript:" not in text, template
    for script in ROOT.joinpath("outings/static").rglob("*.js"):
        text = script.read_text()
        for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "new Function"):
            assert risky not in text, (script, risky)
        assert not re.search(r"setAttribute\(\s*[\"'](style|on)", text), script


def test_the_api_schema_is_json_only(client: Client) -> None:
    schema = client.get("/api/schema/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Outings"
    for ui in ("redoc", "swagger", "elements", "rapidoc", "stoplight"):
        assert client.get(f"/api/schema/{ui}").status_code == 404, ui
    root = client.get("/api/schema")
    assert "<script" not in root.text
    assert "cdn." not in root.text
