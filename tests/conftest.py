"""Fixtures shared by every test: a fresh database per test, the app, a client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import TestClient

from outings.app import create_app
from outings.settings import Settings
from outings.web.cookies import SESSION as SESSION_COOKIE
from outings.web.csrf import make_token
from tests import pg
from tests.live import live_server
from tests.pg import fresh_database
from tests.softauthn import SoftAuthenticator
from tests.threads import in_thread

__all__ = ["in_thread", "live_server"]

T = TypeVar("T")
ORIGIN = "http://outings.local:8000"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=fresh_database(tmp_path), origin=ORIGIN, secret="test-secret")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if pg.SERVER:
        return
    for item in items:
        if item.get_closest_marker("postgresql"):
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only: `make test-pg` runs it"))


_built: dict[Settings, Litestar] = {}


@pytest.fixture
def app(settings: Settings) -> Litestar:
    """The app on this test's own database: built once per test process for
    each set of settings (building costs ~0.2 s, most of a small test),
    started anew on each test's database (outings.app.Running)."""
    shape = msgspec.structs.replace(settings, db="")
    app = _built.get(shape)
    if app is None:
        app = _built[shape] = create_app(settings)
    app.state.settings = settings
    return app


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app, base_url=ORIGIN) as client:
        yield client


@pytest.fixture
def other_client(settings: Settings) -> Iterator[TestClient[Litestar]]:
    """A second browser on another device, served by its own app on the same database."""
    with TestClient(create_app(settings), base_url=ORIGIN) as client:
        yield client


def another_browser(client: TestClient[Litestar]) -> TestClient[Litestar]:
    """A browser of its own (its own cookies) on the app ``client`` has started:
    the same event loop, no second start-up (an app costs ~0.2 s to build)."""
    browser = TestClient(client.app, base_url=str(client.base_url))
    browser.blocking_portal = client.blocking_portal
    return browser


@pytest.fixture
def family(client: TestClient[Litestar]) -> Callable[[str], TestClient[Litestar]]:
    """Make another parent: their own browser, signed up under ``name``."""

    def make(name: str) -> TestClient[Litestar]:
        browser = another_browser(client)
        sign_up(browser, SoftAuthenticator(origin=ORIGIN), name)
        return browser

    return make


@pytest.fixture
def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator(origin=ORIGIN)


def html(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def csrf_token(client: TestClient[Litestar], path: str = "/me") -> str:
    """The CSRF token a page gives to its forms (bound to this client's session).

    Pages for visitors who are not signed in hold no form that needs one: for
    them it is a token made as any page would make it, bound to no session.
    """
    if not client.cookies.get(SESSION_COOKIE):
        return make_token(client.app.state.settings.secret, None)
    page = client.get(path)
    token = html(page).select_one("input[name=_csrf_token]")
    assert token is not None, f"no CSRF field on {path}"
    return str(token["value"])


def sign_up(
    client: TestClient[Litestar], authenticator: SoftAuthenticator, name: str = "Ana"
) -> dict[str, Any]:
    """Register a new account with a passkey; the client is then signed in."""
    options = client.post("/api/auth/register/options", json={"display_name": name})
    assert options.status_code == 200, options.text
    verified = client.post("/api/auth/register/verify", json=authenticator.create(options.json()))
    assert verified.status_code == 201, verified.text
    user: dict[str, Any] = verified.json()["user"]
    return user


def sign_in(client: TestClient[Litestar], authenticator: SoftAuthenticator) -> dict[str, Any]:
    options = client.post("/api/auth/login/options", json={})
    assert options.status_code == 200, options.text
    verified = client.post("/api/auth/login/verify", json=authenticator.get(options.json()))
    assert verified.status_code == 200, verified.text
    user: dict[str, Any] = verified.json()["user"]
    return user
