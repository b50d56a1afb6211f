"""A page asked again costs a few hundred bytes when it did not change, and is
never confirmed to someone it was not made for (issue 12)."""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import csrf_token, html, sign_up
from tests.outing_helpers import propose, reply
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
Family = Callable[[str], Client]


def again(client: Client, path: str, etag: str, **headers: str) -> int:
    """The status of asking for ``path`` again with the ETag of a copy held."""
    response = client.get(path, headers={"if-none-match": etag, **headers})
    if response.status_code == 304:
        assert response.content == b""
    return response.status_code


def test_a_visitor_holding_the_list_gets_304_and_no_body(client: Client) -> None:
    first = client.get("/", headers={"accept-encoding": "gzip"})
    etag = first.headers["etag"]
    response = client.get("/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"] == "private, no-cache"
    assert "content-security-policy" in response.headers  # every answer has them
    assert again(client, "/", 'W/"something-else"') == 200


def test_a_parent_holding_her_pages_gets_304s_though_each_has_a_new_token(
    client: Client, authenticator: SoftAuthenticator, family: Family
) -> None:
    host = family("Hana")
    outing_id = propose(host, title="Zoo morning")
    sign_up(client, authenticator, "Ana")
    for path in ("/", "/me", f"/outings/{outing_id}"):
        first = client.get(path)
        assert first.headers["cache-control"] == "private, no-cache"  # her own: never shared
        assert again(client, path, first.headers["etag"]) == 304, path
    # the forms' tokens differ from page to page, the page does not
    assert csrf_token(client, "/me") != csrf_token(client, "/me")


def test_a_copy_made_for_one_parent_is_never_confirmed_to_another(
    client: Client, authenticator: SoftAuthenticator, family: Family
) -> None:
    outing_id = propose(family("Hana"), title="Zoo morning")
    sign_up(client, authenticator, "Ana")
    bo = family("Bo")
    for path in ("/", "/me", f"/outings/{outing_id}"):
        etag = client.get(path).headers["etag"]
        assert again(bo, path, etag) == 200, path
    # one browser: Ana's copy, then a visitor's question with it
    etag = client.get("/").headers["etag"]
    client.post("/logout", data={"_csrf_token": csrf_token(client)})
    assert again(client, "/", etag) == 200


def test_a_reply_elsewhere_leaves_an_unchanged_page_at_304(
    client: Client, authenticator: SoftAuthenticator, family: Family
) -> None:
    host = family("Hana")
    changed = propose(host, title="Zoo morning")
    unchanged = propose(host, title="Library rhymes")
    sign_up(client, authenticator, "Ana")
    held = {
        f"/outings/{outing_id}": client.get(f"/outings/{outing_id}").headers["etag"]
        for outing_id in (changed, unchanged)
    }
    reply(family("Bo"), changed)
    assert again(client, f"/outings/{unchanged}", held[f"/outings/{unchanged}"]) == 304
    page = client.get(f"/outings/{changed}", headers={"if-none-match": held[f"/outings/{changed}"]})
    assert page.status_code == 200
    assert "Bo" in html(page).select_one("#main").get_text()  # type: ignore[union-attr]


def test_storing_ahead_with_save_data_is_refused_at_once(client: Client) -> None:
    stored = client.get("/", headers={"x-outings-prefetch": "1", "save-data": "on"})
    assert stored.status_code == 204
    assert stored.content == b""
    # a page the parent opens herself is always sent
    assert client.get("/", headers={"save-data": "on"}).status_code == 200


def test_healthz_says_the_version_who_asks_and_save_data(
    client: Client, authenticator: SoftAuthenticator, family: Family
) -> None:
    before = client.get("/healthz").json()
    assert before["member"] is False
    propose(family("Hana"))
    after = client.get("/healthz", headers={"save-data": "on"}).json()
    assert after["version"] > before["version"]
    assert after["save_data"] is True
    sign_up(client, authenticator, "Ana")
    assert client.get("/healthz").json()["member"] is True


def test_pages_still_travel_gzipped(client: Client) -> None:
    response = client.get("/venues", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"]
    assert "etag" in response.headers
    plain = client.get("/venues", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.headers["etag"] == response.headers["etag"]


def test_her_own_outing_with_its_comment_form_is_304_too(
    client: Client, authenticator: SoftAuthenticator, family: Family
) -> None:
    outing_id = propose(family("Hana"), title="Zoo morning")
    sign_up(client, authenticator, "Ana")
    reply(client, outing_id)
    path = f"/outings/{outing_id}"
    first = client.get(path)
    ids = {html(client.get(path)).select_one("form.comment-form input[name=id]")["value"]}  # type: ignore[index]
    ids.add(html(first).select_one("form.comment-form input[name=id]")["value"])  # type: ignore[index]
    assert len(ids) == 2  # a new comment's id is made for each drawing…
    assert again(client, path, first.headers["etag"]) == 304  # …and is not what the page shows
    # once she commented, the page she holds is not confirmed any more
    client.post(
        f"{path}/comments",
        data={"_csrf_token": csrf_token(client, path), "body": "See you!", "id": ids.pop()},
    )
    assert again(client, path, first.headers["etag"]) == 200
