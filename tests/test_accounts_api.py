"""The passkey JSON API: ceremonies that work, and every way they are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.settings import Settings
from outings.web.cookies import CHALLENGE as CHALLENGE_COOKIE
from outings.web.cookies import SESSION as COOKIE
from tests import data
from tests.conftest import ORIGIN, sign_in, sign_up
from tests.softauthn import SoftAuthenticator, b64url, b64url_decode

Client = TestClient[Litestar]


def db_rows(
    settings: Settings, sql: str, params: tuple[object, ...] = ()
) -> list[tuple[object, ...]]:
    return data.rows(settings.db, sql, *params)


def assert_error(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert "Traceback" not in response.text  # type: ignore[attr-defined]
    error: dict[str, object] = body["error"]
    return error


def test_register_makes_an_account_a_passkey_and_a_session(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    options = client.post("/api/auth/register/options", json={"display_name": "  Ana  "})
    assert options.status_code == 200
    body = options.json()
    assert body["rp"]["id"] == "outings.local"
    assert body["user"]["name"] == "Ana"
    assert body["authenticatorSelection"]["residentKey"] == "required"
    assert client.cookies.get(CHALLENGE_COOKIE)

    verified = client.post("/api/auth/register/verify", json=authenticator.create(body))
    assert verified.status_code == 201
    user = verified.json()["user"]
    assert user["display_name"] == "Ana"
    assert client.cookies.get(COOKIE)
    assert db_rows(settings, "select display_name from users") == [("Ana",)]
    assert db_rows(settings, "select user_id from passkeys") == [(user["id"],)]
    assert len(db_rows(settings, "select 1 from sessions where user_id = ?", (user["id"],))) == 1
    # the challenge was used up
    assert db_rows(settings, "select count(*) from auth_challenges") == [(0,)]
    assert "Ana" in client.get("/me").text


def test_usernameless_sign_in_after_sign_out(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    user = sign_up(client, authenticator)
    assert client.post("/api/auth/logout", json={}).status_code == 200
    assert db_rows(settings, "select count(*) from sessions") == [(0,)]
    assert client.get("/me", follow_redirects=False).status_code in (302, 303)

    options = client.post("/api/auth/login/options", json={})
    assert options.json()["allowCredentials"] == []
    assert sign_in(client, authenticator)["id"] == user["id"]
    assert client.get("/me").status_code == 200
    (count,) = db_rows(settings, "select sign_count from passkeys")[0]
    assert isinstance(count, int)
    assert count >= 1


def test_a_replayed_challenge_is_refused(client: Client, authenticator: SoftAuthenticator) -> None:
    sign_up(client, authenticator)
    options = client.post("/api/auth/login/options", json={}).json()
    answer = authenticator.get(options)
    challenge_cookie = client.cookies.get(CHALLENGE_COOKIE)
    assert client.post("/api/auth/login/verify", json=answer).status_code == 200
    # the same answer, with the same challenge cookie, a second time
    client.cookies.set(CHALLENGE_COOKIE, challenge_cookie or "", path="/api/auth")
    assert_error(client.post("/api/auth/login/verify", json=answer), 400, "challenge_expired")


def test_an_expired_challenge_is_refused(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    options = client.post("/api/auth/register/options", json={"display_name": "Ana"}).json()
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    data.rows(settings.db, "update auth_challenges set expires_at = ?", past)
    answer = authenticator.create(options)
    assert_error(client.post("/api/auth/register/verify", json=answer), 400, "challenge_expired")
    assert db_rows(settings, "select count(*) from users") == [(0,)]


def test_no_challenge_cookie_is_refused(client: Client, authenticator: SoftAuthenticator) -> None:
    options = client.post("/api/auth/register/options", json={"display_name": "Ana"}).json()
    client.cookies.clear()
    answer = authenticator.create(options)
    assert_error(client.post("/api/auth/register/verify", json=answer), 400, "challenge_expired")


def test_a_tampered_registration_is_refused(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    options = client.post("/api/auth/register/options", json={"display_name": "Ana"}).json()
    answer = authenticator.create(options, challenge=b"not the challenge we sent")
    assert_error(client.post("/api/auth/register/verify", json=answer), 400, "passkey_invalid")
    assert db_rows(settings, "select count(*) from users") == [(0,)]


def test_a_tampered_signature_is_refused(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator)
    client.post("/api/auth/logout", json={})
    options = client.post("/api/auth/login/options", json={}).json()
    answer = authenticator.get(options)
    signature = bytearray(b64url_decode(answer["response"]["signature"]))
    signature[-1] ^= 0xFF
    answer["response"]["signature"] = b64url(bytes(signature))
    assert_error(client.post("/api/auth/login/verify", json=answer), 400, "passkey_invalid")
    assert db_rows(settings, "select count(*) from sessions") == [(0,)]


def test_a_credential_made_for_another_origin_is_refused(
    client: Client, authenticator: SoftAuthenticator
) -> None:
    options = client.post("/api/auth/register/options", json={"display_name": "Ana"}).json()
    answer = authenticator.create(options, origin="https://evil.example")
    assert_error(client.post("/api/auth/register/verify", json=answer), 400, "passkey_invalid")


def test_an_assertion_naming_another_user_is_refused(
    client: Client, authenticator: SoftAuthenticator
) -> None:
    sign_up(client, authenticator)
    client.post("/api/auth/logout", json={})
    options = client.post("/api/auth/login/options", json={}).json()
    answer = authenticator.get(options)
    answer["response"]["userHandle"] = b64url(b"someone else entirely")
    assert_error(client.post("/api/auth/login/verify", json=answer), 400, "passkey_invalid")


def test_an_unknown_passkey_is_refused(client: Client, authenticator: SoftAuthenticator) -> None:
    stranger = SoftAuthenticator(origin=ORIGIN)
    stranger.create(
        {
            "rp": {"id": "outings.local", "name": "x"},
            "user": {"id": b64url(b"u"), "name": "x", "displayName": "x"},
            "challenge": b64url(b"c"),
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        }
    )
    options = client.post("/api/auth/login/options", json={}).json()
    answer = stranger.get(options)
    assert_error(client.post("/api/auth/login/verify", json=answer), 400, "passkey_unknown")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"id": "x", "rawId": "x", "type": "public-key", "response": {}},
        {"id": 3, "rawId": None, "response": "nope"},
        ["not", "an", "object"],
    ],
)
def test_garbage_credentials_are_a_clear_400(
    client: Client, body: object, authenticator: SoftAuthenticator
) -> None:
    client.post("/api/auth/login/options", json={})
    response = client.post("/api/auth/login/verify", json=body)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["code"] in ("passkey_invalid", "invalid")


def test_malformed_json_is_a_clear_400(client: Client) -> None:
    response = client.post(
        "/api/auth/register/options",
        content=b'{"display_name": ',
        headers={"content-type": "application/json"},
    )
    assert_error(response, 400, "invalid")


@pytest.mark.parametrize(("name", "field_error"), [("   ", "call you"), ("x" * 51, "under")])
def test_a_bad_display_name_says_why_beside_the_field(
    client: Client, name: str, field_error: str
) -> None:
    response = client.post("/api/auth/register/options", json={"display_name": name})
    error = assert_error(response, 400, "invalid")
    fields = error["fields"]
    assert isinstance(fields, dict)
    assert field_error in fields["display_name"]


def test_the_api_refuses_another_sites_origin(client: Client) -> None:
    response = client.post(
        "/api/auth/register/options",
        json={"display_name": "Ana"},
        headers={"origin": "https://evil.example"},
    )
    assert_error(response, 403, "bad_origin")
    ok = client.post(
        "/api/auth/register/options", json={"display_name": "Ana"}, headers={"origin": ORIGIN}
    )
    assert ok.status_code == 200


def test_the_api_takes_only_json(client: Client) -> None:
    response = client.post(
        "/api/auth/register/options",
        content=b"display_name=Ana",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 415, "json_required")


def test_a_second_passkey_joins_the_same_account(
    client: Client, other_client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    user = sign_up(client, authenticator)
    second_phone = SoftAuthenticator(origin=ORIGIN)
    options = client.post("/api/auth/register/options", json={}).json()
    # the first passkey is excluded, so one device never holds two
    assert [c["id"] for c in options["excludeCredentials"]] == [
        b64url(authenticator.credentials[0].credential_id)
    ]
    assert options["user"]["id"] == b64url(authenticator.credentials[0].user_handle)
    added = client.post("/api/auth/register/verify", json=second_phone.create(options))
    assert added.status_code == 200
    assert added.json()["user"]["id"] == user["id"]
    assert db_rows(settings, "select count(*) from passkeys where user_id = ?", (user["id"],)) == [
        (2,)
    ]
    assert db_rows(settings, "select count(*) from users") == [(1,)]

    assert sign_in(other_client, second_phone)["id"] == user["id"]


def test_adding_a_passkey_after_signing_out_is_refused(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator)
    options = client.post("/api/auth/register/options", json={}).json()
    client.post("/api/auth/logout", json={})
    answer = SoftAuthenticator(origin=ORIGIN).create(options)
    assert_error(client.post("/api/auth/register/verify", json=answer), 400, "challenge_expired")
    assert db_rows(settings, "select count(*) from passkeys") == [(1,)]
