"""The outing page members share: one copy per place a member stands in, never another's.

Whoever opens the page first makes the copy; each test below has the
privileged parent open it first and checks the next one sees only her own.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import csrf_token, html, sign_up
from tests.outing_helpers import propose, reply
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
SPOT = "Behind the blue shed"


def page_text(client: Client, outing_id: str) -> str:
    return html(client.get(f"/outings/{outing_id}")).get_text(" ", strip=True)


def test_the_meeting_point_stays_with_confirmed_families(
    client: Client, family: Callable[[str], Client]
) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    outing_id = propose(client, meeting_point=SPOT, meeting_point_private="on", capacity="3")
    ana, bo, cy = family("Ana"), family("Bo"), family("Cy")
    reply(ana, outing_id, "going")
    reply(cy, outing_id, "maybe")
    assert SPOT in page_text(client, outing_id)  # the host
    assert SPOT in page_text(ana, outing_id)  # confirmed
    for other in (bo, cy):  # no reply, a maybe: after them, the same page without it
        assert SPOT not in page_text(other, outing_id)
        assert "Shared with confirmed families." in page_text(other, outing_id)


def test_host_tools_and_replies_are_each_parents_own(
    client: Client, family: Callable[[str], Client]
) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    outing_id = propose(client, capacity="2")
    ana, bo, cy = family("Ana"), family("Bo"), family("Cy")
    host_page = html(client.get(f"/outings/{outing_id}"))
    assert host_page.select_one(f"a[href='/outings/{outing_id}/edit']") is not None
    reply(ana, outing_id, "going", adults=2, children=3)
    reply(bo, outing_id, "going")  # the host and Ana fill it: Bo waits
    assert "2 adults, 3 children" in page_text(ana, outing_id)
    assert "You're number 1 on the waitlist." in page_text(bo, outing_id)
    cy_page = html(cy.get(f"/outings/{outing_id}"))
    assert cy_page.select_one(f"a[href='/outings/{outing_id}/edit']") is None
    assert cy_page.select_one(".my-reply") is None
    assert "You're number" not in cy_page.get_text()


def test_a_comment_can_be_deleted_by_its_author_only(
    client: Client, family: Callable[[str], Client]
) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    outing_id = propose(client)
    ana, bo = family("Ana"), family("Bo")
    for parent in (ana, bo):
        reply(parent, outing_id, "going")
    token = csrf_token(ana, f"/outings/{outing_id}")
    ana.post(f"/outings/{outing_id}/comments", data={"_csrf_token": token, "body": "Hi all"})
    ana_page = html(ana.get(f"/outings/{outing_id}"))
    assert len(ana_page.select("form[action^='/comments/'][action$='/delete']")) == 1
    bo_page = html(bo.get(f"/outings/{outing_id}"))
    assert "Hi all" in bo_page.get_text()
    assert bo_page.select("form[action^='/comments/'][action$='/delete']") == []


def test_each_visit_gets_its_own_new_comment_id(
    client: Client, family: Callable[[str], Client]
) -> None:
    """Two parents writing at once never post under one id (a re-sent id is no new comment)."""
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    outing_id = propose(client)
    ana, bo = family("Ana"), family("Bo")

    def new_comment_id(parent: Client) -> str:
        reply(parent, outing_id, "going")
        field = html(parent.get(f"/outings/{outing_id}")).select_one(".comment-form input[name=id]")
        assert field is not None
        return str(field["value"])

    ids = {new_comment_id(ana), new_comment_id(bo), new_comment_id(ana)}
    assert len(ids) == 3
    etags = {ana.get(f"/outings/{outing_id}").headers["etag"] for _ in range(2)}
    assert len(etags) == 1, "a new comment id is not a change to the page"
