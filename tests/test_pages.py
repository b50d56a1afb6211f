"""Server-rendered pages: what a visitor sees, forms, CSRF, errors, caching."""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.settings import Settings
from tests import data
from tests.conftest import ORIGIN, csrf_token, html, sign_in, sign_up
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]


def count(settings: Settings, sql: str, *params: object) -> int:
    with data.connect(settings.db) as conn:
        value: int = conn.execute(sql, params).fetchone()[0]
        return value


@pytest.mark.parametrize("path", ["/", "/login", "/register", "/offline"])
def test_public_pages_render_with_layout(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    doc = html(response)
    assert doc.select_one("html")["lang"] == "en"  # type: ignore[index]
    assert doc.select_one("header .brand")
    assert doc.select_one("main#main h1")
    assert doc.select_one("a.skip-link[href='#main']")
    assert doc.select_one("header a[href='/login']")


def test_home_invites_visitors_to_join(client: Client, authenticator: SoftAuthenticator) -> None:
    assert html(client.get("/")).select_one(".hero a[href='/register']")
    sign_up(client, authenticator)
    assert html(client.get("/")).select_one(".hero") is None


def test_me_asks_to_sign_in_first(client: Client) -> None:
    response = client.get("/me", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login?next=%2Fme"
    followed = client.get(response.headers["location"])
    assert "Please sign in first." in html(followed).select_one(".flash").get_text()  # type: ignore[union-attr]


def test_me_shows_name_passkeys_and_devices(
    client: Client, authenticator: SoftAuthenticator
) -> None:
    sign_up(client, authenticator, "Ana (Leo's mum)")
    doc = html(
        client.get("/me", headers={"user-agent": "Mozilla/5.0 (Linux; Android 14) Chrome/130"})
    )
    assert doc.select_one("h1").get_text(strip=True) == "Ana (Leo's mum)"  # type: ignore[union-attr]
    assert doc.select_one("header .me-name").get_text(strip=True) == "Ana (Leo's mum)"  # type: ignore[union-attr]
    assert len(doc.select("#passkeys li.passkey")) == 1
    # the only passkey cannot be removed
    assert not doc.select("#passkeys form[action$='/delete']")
    assert doc.select_one("#add-passkey")
    assert doc.select_one("#devices .badge")


def test_removing_a_passkey_keeps_the_last_one(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator)
    second = SoftAuthenticator(origin=ORIGIN)
    options = client.post("/api/auth/register/options", json={}).json()
    client.post("/api/auth/register/verify", json=second.create(options))
    doc = html(client.get("/me"))
    forms = doc.select("#passkeys form[action$='/delete']")
    assert len(forms) == 2
    token = csrf_token(client, "/me")

    first = client.post(str(forms[0]["action"]), data={"_csrf_token": token})
    assert first.status_code == 200
    assert "That passkey was removed." in first.text
    assert count(settings, "select count(*) from passkeys") == 1

    # posting for the remaining one anyway (an old tab) is refused with words
    last = client.post(str(forms[1]["action"]), data={"_csrf_token": token})
    assert "only passkey" in html(last).select_one(".flash").get_text()  # type: ignore[union-attr]
    assert count(settings, "select count(*) from passkeys") == 1


def test_someone_elses_passkey_cannot_be_removed(
    client: Client, other_client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator, "Ana")
    options = client.post("/api/auth/register/options", json={}).json()
    client.post("/api/auth/register/verify", json=SoftAuthenticator(origin=ORIGIN).create(options))
    ana_key = html(client.get("/me")).select("#passkeys form[action$='/delete']")[0]["action"]
    bob = other_client
    sign_up(bob, SoftAuthenticator(origin=ORIGIN), "Bob")
    response = bob.post(str(ana_key), data={"_csrf_token": csrf_token(bob, "/me")})
    assert response.status_code == 404
    assert count(settings, "select count(*) from passkeys") == 3


def test_renaming_a_passkey_and_its_error(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator)
    form = html(client.get("/me")).select_one("#passkeys form[action$='/rename']")
    assert form is not None
    token = csrf_token(client, "/me")
    bad = client.post(str(form["action"]), data={"_csrf_token": token, "name": "   "})
    assert bad.status_code == 400
    doc = html(bad)
    field = doc.select_one("#passkeys input[name=name][aria-invalid=true]")
    assert field is not None
    assert doc.select_one("#passkeys .field-error")
    good = client.post(str(form["action"]), data={"_csrf_token": token, "name": "Grandma's iPad"})
    assert "Passkey renamed." in good.text
    with data.connect(settings.db) as conn:
        assert conn.execute("select name from passkeys").fetchone() == ("Grandma's iPad",)


def test_forms_without_a_csrf_token_are_refused_politely(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator)
    response = client.post("/logout", data={})
    assert response.status_code == 403
    assert "form has expired" in html(response).select_one("main").get_text()  # type: ignore[union-attr]
    assert "Traceback" not in response.text
    assert count(settings, "select count(*) from sessions") == 1
    forged = client.post("/logout", data={"_csrf_token": "0" * 100})
    assert forged.status_code == 403


def test_sign_out_form_ends_the_session_on_the_server(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator)
    response = client.post("/logout", data={"_csrf_token": csrf_token(client, "/me")})
    assert response.status_code == 200
    assert "You are signed out" in response.text
    assert count(settings, "select count(*) from sessions") == 0


def test_another_device_can_be_signed_out_from_me(
    client: Client, other_client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator)
    laptop = other_client
    sign_in(laptop, authenticator)
    assert count(settings, "select count(*) from sessions") == 2
    forms = html(client.get("/me")).select("#devices form[action$='/revoke']")
    assert len(forms) == 1  # only the other device: this one signs out with its own button
    client.post(str(forms[0]["action"]), data={"_csrf_token": csrf_token(client, "/me")})
    assert laptop.get("/me", follow_redirects=False).status_code in (302, 303)
    assert client.get("/me").status_code == 200


def test_not_found_is_a_friendly_page(client: Client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    doc = html(response)
    assert doc.select_one("h1").get_text(strip=True) == "Page not found"  # type: ignore[union-attr]
    assert doc.select_one("a[href='/']")


def test_healthz(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "version": 0,
        "member": False,
        "save_data": False,
        "account": None,
    }


def test_static_files_have_hashed_urls_and_long_caching(client: Client) -> None:
    doc = html(client.get("/"))
    css = doc.select_one("link[rel=stylesheet]")["href"]  # type: ignore[index]
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{10}\.css", str(css))
    response = client.get(str(css), headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-type"].startswith("text/css")
    # an old hash is not served as immutable
    stale = client.get("/static/css/app.0000000000.css")
    assert stale.status_code == 404
    plain = client.get("/static/css/app.css")
    assert plain.headers["cache-control"].startswith("public, max-age=0")


def test_language_follows_the_browser_and_the_menu(client: Client) -> None:
    assert html(client.get("/", headers={"accept-language": "pl-PL,pl;q=0.9"})).html["lang"] == "pl"  # type: ignore[index]
    # the menu is a GET form (no token to carry) that brings the reader back,
    # filters included
    menu = html(client.get("/?category=zoo")).select_one("form.language-form")
    assert menu is not None
    assert menu["method"] == "get"
    assert menu.select_one("input[name=next]")["value"] == "/?category=zoo"  # type: ignore[index]
    response = client.get("/language", params={"lang": "sw", "next": "/login"})
    assert response.url.path == "/login"
    assert html(response).html["lang"] == "sw"  # type: ignore[index]
    assert "Lugha imebadilishwa." in html(response).select_one(".flash").get_text()  # type: ignore[union-attr]
    # an unknown language or an off-site target changes nothing
    back = client.get("/language", params={"lang": "xx", "next": "//evil.example/"})
    assert back.url.path == "/"
    assert back.url.host == "outings.local"
    assert html(back).html["lang"] == "sw"  # type: ignore[index]


def test_register_page_is_usable_without_script_explaining_why(client: Client) -> None:
    doc = html(client.get("/register"))
    label = doc.select_one("label[for=display_name]")
    assert label is not None
    assert label.get_text(strip=True)
    assert doc.select_one("noscript")
    messages = doc.select_one("script#passkey-messages")
    assert messages is not None
    assert "cancelled" in messages.get_text()


def test_session_cookie_is_httponly_lax_and_secure_on_https(
    tmp_path: object, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    from outings.app import create_app

    for origin, secure in (("http://outings.local:8000", False), ("https://outings.local", True)):
        local = Settings(db=settings.db, origin=origin, secret="x")
        with TestClient(create_app(local), base_url=origin) as c:
            options = c.post("/api/auth/register/options", json={"display_name": "Ana"}).json()
            response = c.post(
                "/api/auth/register/verify",
                json=SoftAuthenticator(origin=origin).create(options),
            )
            header = next(
                h
                for h in response.headers.get_list("set-cookie")
                if h.startswith(("__Host-" if secure else "") + "outings_session=")
            )
            assert "HttpOnly" in header
            assert "SameSite=lax" in header or "SameSite=Lax" in header
            assert ("Secure" in header) is secure


def test_each_request_is_logged_as_one_structured_line(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="outings.request"):
        client.get("/healthz")
    lines = [r.getMessage() for r in caplog.records if r.name == "outings.request"]
    assert any(
        '"method":"GET"' in line and '"path":"/healthz"' in line and '"status":200' in line
        for line in lines
    ), lines


def test_an_unexpected_error_is_a_friendly_500_without_a_trace(
    client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from outings.accounts import service

    async def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(service, "begin_login", broken)
    with caplog.at_level("ERROR", logger="outings.errors"):
        api = client.post("/api/auth/login/options", json={})
    assert api.status_code == 500
    assert api.json()["error"]["code"] == "server_error"
    assert "ZeroDivisionError" not in api.text
    assert any("ZeroDivisionError" in (r.exc_text or "") for r in caplog.records)


def test_a_busy_database_is_a_503_to_retry(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from outings.accounts import service
    from outings.db import TransientDatabaseError

    async def busy(*args: object, **kwargs: object) -> None:
        raise TransientDatabaseError("database is locked")

    monkeypatch.setattr(service, "begin_login", busy)
    response = client.post("/api/auth/login/options", json={})
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert response.json()["error"]["code"] == "busy"


def test_a_prefetch_by_the_worker_leaves_the_flash_for_the_page(client: Client) -> None:
    client.get("/language", params={"lang": "en", "next": "/offline"}, follow_redirects=False)
    prefetched = client.get("/", headers={"x-outings-prefetch": "1"})
    assert html(prefetched).select_one(".flash") is None
    assert "Language changed." in html(client.get("/offline")).select_one(".flash").get_text()  # type: ignore[union-attr]


def test_pages_are_gzipped_and_static_files_gzipped_once(client: Client) -> None:
    import gzip

    page = client.get("/", headers={"accept-encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert "<html" in page.text
    css = html(page).select_one("link[rel=stylesheet]")["href"]  # type: ignore[index]
    response = client.get(str(css), headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    # httpx undid one layer of gzip: what is left must be CSS, not gzip again
    assert not response.content.startswith(b"\x1f\x8b")
    assert b"--brand" in response.content
    assert gzip.decompress(gzip.compress(response.content)) == response.content


def test_a_prefetch_of_a_private_page_leaves_no_sign_in_message(client: Client) -> None:
    response = client.get("/me", headers={"x-outings-prefetch": "1"}, follow_redirects=False)
    assert response.status_code == 401
    assert "outings_flash" not in response.headers.get("set-cookie", "")
    assert html(client.get("/")).select_one(".flash") is None


def test_static_files_set_no_cookies(client: Client, authenticator: SoftAuthenticator) -> None:
    sign_up(client, authenticator)
    css = html(client.get("/")).select_one("link[rel=stylesheet]")["href"]  # type: ignore[index]
    response = client.get(str(css))
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("header", "gzip"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header: str, gzip: bool) -> None:
    from outings.web.conditional import accepts_gzip

    assert accepts_gzip(header) is gzip
