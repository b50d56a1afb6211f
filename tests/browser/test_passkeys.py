"""Passkeys end to end in Chromium with its virtual authenticator."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import (
    LiveServer,
    VirtualAuthenticator,
    assert_accessible,
    new_phone,
    screenshot,
)
from tests.browser.test_outings_browser import phone
from tests.live import rows

pytestmark = pytest.mark.browser


def register(page: Page, server: LiveServer, name: str) -> None:
    page.goto(f"{server.url}/register")
    page.get_by_label("What should other parents call you?").fill(name)
    page.get_by_role("button", name="Create my passkey").click()
    page.wait_for_url(f"{server.url}/me")


def sign_out_and_back_in(page: Page, server: LiveServer, name: str, login: str = "/login") -> None:
    """Sign out of this device, then in again (from ``login``) with the passkey it holds."""
    page.get_by_role("button", name="Sign out of this device").click()
    expect(page.locator(".flash")).to_contain_text("You are signed out")
    page.goto(f"{server.url}{login}")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(f"{server.url}/me")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_register_sign_out_sign_in_add_and_remove_passkeys(
    live_server: LiveServer, context: BrowserContext, page: Page
) -> None:
    authenticator = VirtualAuthenticator(context, page)
    page.goto(f"{live_server.url}/")
    screenshot(page, "home")
    assert_accessible(page)

    page.goto(f"{live_server.url}/register")
    screenshot(page, "register")
    assert_accessible(page)
    register(page, live_server, "Ana")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana")
    expect(page.locator("header .me-name")).to_have_text("Ana")
    assert rows(live_server, "select display_name from users") == [("Ana",)]
    assert len(authenticator.credentials()) == 1
    screenshot(page, "me")
    assert_accessible(page)

    # sign out, then back in with no username
    page.get_by_role("button", name="Sign out of this device").click()
    expect(page.locator(".flash")).to_contain_text("You are signed out")
    assert rows(live_server, "select count(*) from sessions") == [(0,)]
    page.goto(f"{live_server.url}/login")
    screenshot(page, "login")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(f"{live_server.url}/me")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana")

    # a second device: a new authenticator adds its own passkey to the account
    authenticator.swap()
    page.get_by_role("button", name="Add a passkey on this device").click()
    expect(page.locator("#passkeys li.passkey")).to_have_count(2)
    assert rows(live_server, "select count(distinct user_id), count(*) from passkeys") == [(1, 2)]

    # remove the first device's passkey; the last one cannot be removed
    page.locator("#passkeys li.passkey").first.get_by_role(
        "button", name=re.compile("Remove")
    ).click()
    expect(page.locator(".flash")).to_contain_text("That passkey was removed.")
    expect(page.locator("#passkeys li.passkey")).to_have_count(1)
    expect(
        page.locator("#passkeys").get_by_role("button", name=re.compile("Remove"))
    ).to_have_count(0)
    assert rows(live_server, "select count(*) from passkeys") == [(1,)]

    # and the remaining passkey (on this device) still signs in
    sign_out_and_back_in(page, live_server, "Ana")


def test_two_parents_get_two_accounts(live_server: LiveServer, browser: Browser) -> None:
    for name in ("Ana", "Bartek"):
        ctx = new_phone(browser)
        page = ctx.new_page()
        VirtualAuthenticator(ctx, page)
        register(page, live_server, name)
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        ctx.close()
    assert rows(live_server, "select display_name from users order by display_name") == [
        ("Ana",),
        ("Bartek",),
    ]


def test_a_name_error_shows_beside_the_field(
    live_server: LiveServer, context: BrowserContext, page: Page
) -> None:
    VirtualAuthenticator(context, page)
    page.goto(f"{live_server.url}/register")
    page.get_by_role("button", name="Create my passkey").click()
    field = page.get_by_label("What should other parents call you?")
    # an empty name is caught by the browser, before any request (issue 12)…
    expect(field).to_be_focused()
    assert field.evaluate("input => input.validity.valueMissing")
    # …a name of spaces only by the server, beside the field
    field.fill("   ")
    page.get_by_role("button", name="Create my passkey").click()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#display_name-error")).to_have_text("Please tell us what to call you.")
    screenshot(page, "register-error")
    assert_accessible(page)
    assert rows(live_server, "select count(*) from users") == [(0,)]


def test_a_cancelled_prompt_is_explained(
    live_server: LiveServer, context: BrowserContext, page: Page
) -> None:
    context.add_init_script(
        "navigator.credentials.create = () => Promise.reject("
        "new DOMException('The operation timed out or was not allowed.', 'NotAllowedError'));"
    )
    page.goto(f"{live_server.url}/register")
    page.get_by_label("What should other parents call you?").fill("Ana")
    page.get_by_role("button", name="Create my passkey").click()
    expect(page.locator("#register-form .form-error")).to_contain_text("prompt was closed")
    expect(page.get_by_role("button", name="Create my passkey")).to_be_enabled()
    assert rows(live_server, "select count(*) from users") == [(0,)]


def test_a_browser_without_passkeys_says_so(
    live_server: LiveServer, context: BrowserContext, page: Page
) -> None:
    context.add_init_script("delete window.PublicKeyCredential;")
    page.goto(f"{live_server.url}/login")
    expect(page.locator("#login-form .form-error")).to_contain_text("can't use passkeys")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_disabled()


def test_a_phone_signed_up_by_the_tests_holds_her_passkey(
    live_server: LiveServer, browser: Browser
) -> None:
    """The other browser tests sign their parents up over HTTP (conftest.sign_up):
    the phone then holds the passkey as if it had made it, and signs in with it."""
    page = phone(browser, live_server, "Ana")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana")
    sign_out_and_back_in(page, live_server, "Ana")
    page.context.close()
