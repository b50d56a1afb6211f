"""Cookies (issue 11, item 6): tokens bound to the session, prefixed names, rotation."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.app import create_app
from outings.settings import Settings
from tests.conftest import ORIGIN, csrf_token, html, sign_in, sign_up
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
HTTPS = "https://outings.example"


def calendar_link(client: Client, token: str) -> int:
    return client.post("/me/calendar", data={"_csrf_token": token}).status_code


def test_a_token_from_one_session_fails_in_another(
    client: Client, other_client: Client, authenticator: SoftAuthenticator, family: object
) -> None:
    sign_up(client, authenticator, "Ana")
    sign_in(other_client, authenticator)  # Ana's second device: a session of its own
    phone_token = csrf_token(client)
    assert calendar_link(other_client, phone_token) == 403
    assert calendar_link(client, phone_token) == 200
    # Bo's token, even with every cookie Bo's browser holds planted in Ana's
    # (a neighbouring subdomain can set cookies), does nothing for Ana
    bo = family("Bo")  # type: ignore[operator]
    bo_token = csrf_token(bo)
    for name, value in bo.cookies.items():
        if "session" not in name:
            client.cookies.set(name, value)
    assert calendar_link(client, bo_token) == 403
    # a page opened before signing in holds a token for nobody
    visitor = Client(create_app(client.app.state.settings), base_url=ORIGIN)
    with visitor:
        anonymous = csrf_token(visitor)
        sign_in(visitor, authenticator)
        assert calendar_link(visitor, anonymous) == 403


PUBLIC = ("/manifest.webmanifest", "/favicon.ico", "/sw.js", "/healthz", "/", "/offline")


def test_publicly_cacheable_answers_set_no_cookie(
    client: Client, authenticator: SoftAuthenticator
) -> None:
    css = html(client.get("/")).select_one("link[rel=stylesheet]")["href"]  # type: ignore[index]
    for path in (*PUBLIC, str(css)):
        client.cookies.clear()  # a first visit each time: nothing to set a cookie beside
        response = client.get(path)
        assert response.status_code == 200, path
        assert "set-cookie" not in response.headers, path
    sign_up(client, authenticator)
    session = client.cookies["outings_session"]
    for path in (*PUBLIC, str(css)):
        client.cookies.clear()
        client.cookies.set("outings_session", session)
        assert "set-cookie" not in client.get(path).headers, path


def test_signing_in_again_ends_the_previous_session(
    client: Client, other_client: Client, authenticator: SoftAuthenticator
) -> None:
    sign_up(client, authenticator)
    before = client.cookies["outings_session"]
    sign_in(client, authenticator)
    after = client.cookies["outings_session"]
    assert after != before
    assert client.get("/me", follow_redirects=False).status_code == 200
    other_client.cookies.set("outings_session", before)  # the old token, copied elsewhere
    assert other_client.get("/me", follow_redirects=False).status_code in (302, 303)


@pytest.fixture
def secure_client(tmp_path: Path) -> Iterator[Client]:
    settings = Settings(db=str(tmp_path / "s.db"), origin=HTTPS, secret="s")
    with TestClient(create_app(settings), base_url=HTTPS) as client:
        yield client


def cookies_set(response: object) -> dict[str, str]:
    """Each Set-Cookie of a response: name -> the whole header."""
    found = {}
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        found[next(iter(SimpleCookie(header).keys()))] = header
    return found


def test_cookies_under_https_are_secure_and_host_only(secure_client: Client) -> None:
    authenticator = SoftAuthenticator(origin=HTTPS)
    options = secure_client.post("/api/auth/register/options", json={"display_name": "Ana"})
    challenge = cookies_set(options)["__Secure-outings_challenge"]
    assert "Secure" in challenge
    assert "Path=/api/auth" in challenge
    verified = secure_client.post(
        "/api/auth/register/verify", json=authenticator.create(options.json())
    )
    assert verified.status_code == 201
    session = cookies_set(verified)["__Host-outings_session"]
    language = secure_client.get("/language?lang=fr&next=/me", follow_redirects=False)
    chosen = cookies_set(language)
    for header in (session, chosen["__Host-outings_lang"], chosen["__Host-outings_flash"]):
        assert "Secure" in header
        assert "Path=/" in header
        assert "Domain" not in header
        assert "HttpOnly" in header
    # the app reads them back under those names: signed in, in French, told so
    page = html(secure_client.get("/me"))
    assert page.select_one("html")["lang"] == "fr"  # type: ignore[index]
    assert page.select_one(".flash") is not None
    token = str(page.select_one("input[name=_csrf_token]")["value"])  # type: ignore[index]
    assert calendar_link(secure_client, token) == 200
    # and an unprefixed cookie (set over plain http by someone else) counts for nothing
    secure_client.cookies.set("outings_session", secure_client.cookies["__Host-outings_session"])
    del secure_client.cookies["__Host-outings_session"]
    assert secure_client.get("/me", follow_redirects=False).status_code in (302, 303)
