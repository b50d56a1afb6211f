"""Where ``next=`` may send a parent: our own pages only (issue 11)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.web.forms import safe_next
from tests.conftest import html, sign_up
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]

NASTY = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " /evil.example",
    "/ /evil.example",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "/\x7f/evil.example",
    "/\u00a0/evil.example",
    "/\u2028/evil.example",
    "/\u3000/evil.example",
    "/\u202e/evil.example",
    "/\u2215evil.example",
    "/\uff0fevil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http:/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "./me",
    "",
    None,
]
PLAIN = ["/", "/me", "/me#passkeys", "/?q=zoo&when=today", "/venues?area=M%C3%A8re", "/%2F%2Fx"]


@pytest.mark.parametrize("value", NASTY, ids=repr)
def test_nasty_next_goes_to_the_default(value: str | None) -> None:
    assert safe_next(value, "/me") == "/me"


@pytest.mark.parametrize("value", PLAIN)
def test_our_own_paths_are_kept(value: str) -> None:
    assert safe_next(value) == value


@pytest.mark.parametrize("value", ["/\t/evil.example", "/\\evil.example", "//evil.example"])
def test_the_language_menu_stays_here(client: Client, value: str) -> None:
    response = client.get(f"/language?lang=fr&next={quote(value, safe='')}", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/"


def test_sign_in_pages_keep_next_on_this_site(
    client: Client, authenticator: SoftAuthenticator
) -> None:
    nasty = quote("/\t/evil.example", safe="")
    for path in ("/login", "/register"):
        form = html(client.get(f"{path}?next={nasty}")).select_one("form[data-next]")
        assert form is not None
        assert form["data-next"] == "/me"
    sign_up(client, authenticator)
    response = client.get(f"/login?next={nasty}", follow_redirects=False)
    assert response.headers["location"] == "/me"
    kept = client.get("/login?next=%2Foutings%2Fnew", follow_redirects=False)
    assert kept.headers["location"] == "/outings/new"
