"""A real server in its own process and a real Chromium, for browser tests.

Chromium is Debian's (/usr/bin/chromium); Playwright's own browser download
does not work here. A missing browser fails these tests: it never skips them.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Page,
    ViewportSize,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from outings.web.cookies import SESSION
from tests.live import LiveServer, signed_up
from tests.softauthn import SoftAuthenticator, SoftCredential

__all__ = ["LiveServer"]

CHROMIUM = os.environ.get("OUTINGS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install Debian's 'chromium' package "
            "(`make test` does it as root)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


_OPEN: list[BrowserContext] = []


def new_phone(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        **options,
    )
    _OPEN.append(context)
    return context


@pytest.fixture(autouse=True)
def _close_phones() -> Iterator[None]:
    """Close every phone a test opened: a page left open keeps retrying its sync, and a
    later test's server may be given the same port."""
    yield
    while _OPEN:
        _OPEN.pop().close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = new_phone(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


class VirtualAuthenticator:
    """Chromium's virtual passkey authenticator (CDP WebAuthn domain) for one page."""

    def __init__(self, context: BrowserContext, page: Page) -> None:
        self.cdp: CDPSession = context.new_cdp_session(page)
        self.cdp.send("WebAuthn.enable")
        self.id = self.add()

    def add(self) -> str:
        result = self.cdp.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )
        authenticator_id: str = result["authenticatorId"]
        return authenticator_id

    def swap(self) -> None:
        """Replace the device's authenticator with a new, empty one (another phone)."""
        self.cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": self.id})
        self.id = self.add()

    def credentials(self) -> list[dict[str, Any]]:
        result = self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})
        creds: list[dict[str, Any]] = result["credentials"]
        return creds

    def hold(self, credential: SoftCredential) -> None:
        """Keep a passkey made elsewhere, as if this phone had made it."""
        key = credential.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self.cdp.send(
            "WebAuthn.addCredential",
            {
                "authenticatorId": self.id,
                "credential": {
                    "credentialId": base64.b64encode(credential.credential_id).decode(),
                    "isResidentCredential": True,
                    "rpId": credential.rp_id,
                    "privateKey": base64.b64encode(key).decode(),
                    "userHandle": base64.b64encode(credential.user_handle).decode(),
                    "signCount": credential.sign_count,
                },
            },
        )


def sign_up(page: Page, server: LiveServer, name: str) -> VirtualAuthenticator:
    """A new parent on this phone, signed up without drawing the register page:
    the same ceremony over HTTP (test_passkeys.py goes through the page), her
    passkey then kept by the phone's authenticator and her session in its
    cookies. The register page and its ceremony less for each of the suite's
    many parents."""
    authenticator = VirtualAuthenticator(page.context, page)
    soft = SoftAuthenticator(origin=server.url)
    client = signed_up(server, name, soft)
    session = client.cookies[SESSION]
    client.close()
    page.context.add_cookies(
        [
            {
                "name": SESSION,
                "value": session,
                "url": server.url,
                "httpOnly": True,  # as the server sets it (outings/web/cookies.py)
                "sameSite": "Lax",
            }
        ]
    )
    authenticator.hold(soft.credentials[0])
    return authenticator


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page (so it can answer offline).

    Polled from here: ``wait_for_function`` with an expression falls back to
    ``eval`` in the page when its first look fails, which the page's CSP refuses
    (seen under load in CI). A page that draws itself again meanwhile (back
    online, it synced) is asked again once drawn."""
    deadline = time.monotonic() + 10
    while not _asked(
        page, "navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)"
    ):
        assert time.monotonic() < deadline, "the service worker never took control"
        page.wait_for_timeout(50)


def _asked(page: Page, expression: str) -> bool:
    """``expression`` in the page; False while the page is being drawn again."""
    try:
        return bool(page.evaluate(expression))
    except PlaywrightError as exc:
        if "Execution context was destroyed" not in str(exc):
            raise
        page.wait_for_load_state("load")
        return False


def visit(page: Page, url: str) -> None:
    page.goto(url)
    controlled(page)
    # visit again now that the worker is in charge, so it keeps a copy
    page.goto(url)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page: Page) -> None:
    """axe-core finds no violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    assert not violations, results.generate_report()
