"""Pages answered again by the front desk (web/front.py) are what the app would
draw now, for whoever asks, with their own fresh tokens (issue 16)."""

from __future__ import annotations

import asyncio
import gzip
import re
from collections.abc import Callable
from typing import Any

from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from outings.web import conditional, csrf, gzipped
from outings.web.front import Front
from tests.conftest import html, in_thread, sign_up
from tests.outing_helpers import propose, reply
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
Family = Callable[[str], Client]
TOKEN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


def tokens(page: str) -> set[str]:
    return set(TOKEN.findall(page))


def outing_she_replied_to(client: Client, authenticator: SoftAuthenticator, family: Family) -> str:
    """The page of an outing Ana (signed in on ``client``) replied to: it has a comment form."""
    outing_id = propose(family("Hana"), title="Zoo morning")
    sign_up(client, authenticator, "Ana")
    reply(client, outing_id)
    return f"/outings/{outing_id}"


def test_each_answer_of_a_kept_page_has_its_own_token_and_each_posts(
    client: Client, authenticator: SoftAuthenticator, family: Family
) -> None:
    path = outing_she_replied_to(client, authenticator, family)
    first, second = client.get(path).text, client.get(path).text
    assert tokens(first)
    assert tokens(second)
    assert not tokens(first) & tokens(second)
    assert TOKEN.sub("", first) == TOKEN.sub("", second).replace(
        comment_id(second), comment_id(first)
    )
    for page, body in ((first, "Can't wait"), (second, "Bringing snacks")):
        posted = client.post(
            f"{path}/comments",
            data={"_csrf_token": tokens(page).pop(), "body": body, "id": comment_id(page)},
            follow_redirects=False,
        )
        assert posted.is_redirect, posted.text
    shown = client.get(path).text
    assert "Can&#39;t wait" in shown
    assert "Bringing snacks" in shown


def comment_id(page: str) -> str:
    field = html_of(page).select_one("form.comment-form input[name=id]")
    assert field is not None
    return str(field["value"])


def html_of(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def test_a_write_by_another_process_shows_on_the_next_view(
    client: Client, other_client: Client, authenticator: SoftAuthenticator
) -> None:
    assert "Puppet theatre" not in client.get("/").text
    assert "Puppet theatre" not in client.get("/").text  # now kept
    sign_up(other_client, authenticator, "Hana")  # the other app: its own writer
    propose(other_client, title="Puppet theatre")
    assert "Puppet theatre" in client.get("/").text


def test_a_signed_out_session_gets_no_page_kept_for_it(
    client: Client, authenticator: SoftAuthenticator
) -> None:
    sign_up(client, authenticator, "Ana")
    cookie = dict(client.cookies)
    assert "My account" in client.get("/").text
    assert "My account" in client.get("/").text  # now kept for her
    logout = client.post("/logout", data={"_csrf_token": tokens(client.get("/me").text).pop()})
    assert logout.status_code < 400
    client.cookies.update(cookie)  # the old cookie, sent again
    page = html(client.get("/"))
    assert "My account" not in page.text
    assert page.select_one("a[href='/login']") is not None


def test_a_message_is_shown_once_though_the_page_was_kept(
    client: Client, authenticator: SoftAuthenticator
) -> None:
    sign_up(client, authenticator, "Ana")
    client.get("/")
    client.get("/")  # kept
    client.cookies.set("outings_flash", "passkey_renamed", domain="outings.local")
    shown = client.get("/")
    assert "Passkey renamed." in shown.text
    assert "outings_flash=" in shown.headers["set-cookie"]  # cleared as it was shown
    assert "Passkey renamed." not in client.get("/").text


def test_a_kept_page_travels_gzipped_and_unpacks_to_the_page(
    client: Client, authenticator: SoftAuthenticator, family: Family
) -> None:
    path = outing_she_replied_to(client, authenticator, family)
    plain = client.get(path, headers={"accept-encoding": "identity"})
    packed = client.get(path, headers={"accept-encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert "accept-encoding" in packed.headers["vary"]
    same = TOKEN.sub("", packed.text).replace(comment_id(packed.text), "")
    assert same == TOKEN.sub("", plain.text).replace(comment_id(plain.text), "")


@given(
    st.lists(st.binary(max_size=300), min_size=1, max_size=6),
    st.lists(st.sampled_from(["tok3n", "1d-9"]), max_size=5),
)
def test_a_page_gzipped_in_parts_unpacks_to_itself(parts: list[bytes], holes: list[str]) -> None:
    body = b"".join(
        part + (holes[i].encode() if i < len(holes) else b"") for i, part in enumerate(parts)
    )
    found = dict.fromkeys(holes, conditional.CSRF)
    assert gzip.decompress(gzipped.compress(body, found)) == body


def test_a_parent_s_kept_page_is_not_given_once_her_session_needs_a_look() -> None:
    """Past her session's expiry or its hourly note, the app is asked again."""
    drawn: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        drawn.append(1)
        conditional.keep(scope)
        scope["state"].update(session_id="s1", session_until=clock[0] + 60)
        await conditional.send_answer(send, 200, [(b"content-type", b"text/html")], b"<p>hers")

    async def version() -> int:
        return 1

    clock = [1000.0]
    front = Front(version, csrf.Secret("x"), https=False, clock=lambda: clock[0])
    scope: dict[str, Any] = {"type": "http", "method": "GET", "path": "/", "query_string": b""}
    scope["headers"] = [(b"cookie", b"outings_session=abc")]

    async def receive() -> Any:
        return {"type": "http.disconnect"}

    async def view() -> None:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        await front({**scope, "state": {}}, receive, send, app)  # type: ignore[arg-type]
        assert sent[-1]["body"] == b"<p>hers"

    def viewed() -> None:
        # on a thread of its own: a browser test may hold this thread's event loop
        in_thread(asyncio.run, view())

    viewed()
    viewed()
    assert len(drawn) == 1  # the second view came from the kept page
    clock[0] += 61
    viewed()
    assert len(drawn) == 2


def test_nothing_new_at_the_head_is_kept_for_everyone_until_a_write(
    client: Client, other_client: Client, authenticator: SoftAuthenticator, family: Family
) -> None:
    propose(family("Hana"), title="Zoo morning")
    head = client.get("/api/sync/pull?cursor=0").json()["cursor"]
    nothing = {"cursor": head, "last_mutation_id": 0, "has_more": False, "changes": []}
    for _ in range(2):  # a visitor's phone, then again (kept)
        assert client.get(f"/api/sync/pull?cursor={head}").json() | nothing == nothing
    sign_up(other_client, authenticator, "Ana")
    propose(other_client, title="Puppet theatre")  # by another app: the head moved
    changes = client.get(f"/api/sync/pull?cursor={head}").json()["changes"]
    assert "Puppet theatre" in [change["data"]["title"] for change in changes]
    moved = other_client.get(f"/api/sync/pull?cursor={head}").json()["cursor"]
    assert moved > head
    # her own answer at the new head is the one everyone gets
    assert other_client.get(f"/api/sync/pull?cursor={moved}").json()["changes"] == []
    assert client.get(f"/api/sync/pull?cursor={moved}").json()["changes"] == []
