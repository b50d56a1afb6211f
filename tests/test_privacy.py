"""What a visitor sees of people, and the calendar feed's secret (issue 11, item 7)."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.app import create_app
from outings.settings import Settings
from tests import data
from tests.conftest import ORIGIN, csrf_token, html, sign_up
from tests.outing_helpers import db, propose, reply
from tests.softauthn import SoftAuthenticator
from tests.test_venues import list_venue

Client = TestClient[Litestar]
NAMES = ("Hanaberta", "Commentia", "Managerio")


@pytest.fixture
def busy(client: Client, family: Any, settings: Settings) -> dict[str, str]:
    """An outing by Hanaberta at Managerio's café, with a comment by Commentia."""
    manager = family("Managerio")
    venue_id = list_venue(manager, manage="on")
    sign_up(client, SoftAuthenticator(origin=ORIGIN), "Hanaberta")
    outing_id = propose(client, venue_id=venue_id, place="")
    commenter = family("Commentia")
    reply(commenter, outing_id)
    commenter.post(
        f"/outings/{outing_id}/comments",
        data={
            "_csrf_token": csrf_token(commenter, f"/outings/{outing_id}"),
            "id": str(uuid.uuid4()),
            "body": "We'll bring the big buggy",
        },
    )
    return {"outing": outing_id, "venue": venue_id}


def test_a_visitor_sees_no_names_on_pages_and_a_member_does(
    busy: dict[str, str], client: Client, other_client: Client
) -> None:
    outing = other_client.get(f"/outings/{busy['outing']}")
    venue = other_client.get(f"/venues/{busy['venue']}")
    for response in (outing, venue):
        assert response.status_code == 200
        for name in NAMES:
            assert name not in response.text
    page = html(outing)
    assert "A parent" in page.select_one(".comment-meta").get_text()  # type: ignore[union-attr]
    assert "We'll bring the big buggy" in page.select_one(".comment-body").get_text()  # type: ignore[union-attr]
    # a member sees them
    member = client.get(f"/outings/{busy['outing']}").text
    assert "Hanaberta" in member
    assert "Commentia" in member
    assert "Managerio" in client.get(f"/venues/{busy['venue']}").text
    # the JSON-LD names no one, even to a member
    data = html(client.get(f"/outings/{busy['outing']}")).select_one(
        "script[type='application/ld+json']"
    )
    assert data is not None
    assert not any(name in data.get_text() for name in NAMES)
    assert json.loads(data.get_text())["@type"] == "Event"
    # nor does the outing's calendar file
    ics = other_client.get(f"/outings/{busy['outing']}.ics")
    assert ics.status_code == 200
    assert not any(name in ics.text for name in NAMES)


def pulled(client: Client) -> dict[str, dict[str, Any]]:
    body = client.get("/api/sync/pull?cursor=0").json()
    return {f"{c['type']}:{c['id']}": c["data"] for c in body["changes"] if c["op"] == "put"}


def test_an_anonymous_pull_names_no_one(
    busy: dict[str, str], client: Client, other_client: Client
) -> None:
    anonymous = pulled(other_client)
    assert anonymous[f"outing:{busy['outing']}"]["host_name"] is None
    assert anonymous[f"venue:{busy['venue']}"]["manager_name"] is None
    comments = [d for key, d in anonymous.items() if key.startswith("comment:")]
    assert [c["author_name"] for c in comments] == [None]
    assert comments[0]["body"] == "We'll bring the big buggy"
    assert not any(name in json.dumps(anonymous) for name in NAMES)
    member = pulled(client)
    assert member[f"outing:{busy['outing']}"]["host_name"] == "Hanaberta"
    assert member[f"venue:{busy['venue']}"]["manager_name"] == "Managerio"


def calendar_url(client: Client) -> str:
    client.post("/me/calendar", data={"_csrf_token": csrf_token(client, "/me")})
    field = html(client.get("/me")).select_one("#calendar-url")
    assert field is not None
    return str(field["value"]).removeprefix(ORIGIN)


def test_the_calendar_secret_is_kept_hashed_logged_never_and_can_be_turned_off(
    client: Client, authenticator: SoftAuthenticator, settings: Settings, caplog: Any
) -> None:
    sign_up(client, authenticator, "Hana")
    propose(client)
    with caplog.at_level("INFO", logger="outings.request"):
        url = calendar_url(client)
        secret = url.removeprefix("/calendar/").removesuffix(".ics")
        assert client.get(url).status_code == 200
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert '"/calendar/…"' in logged
    assert secret not in logged
    # only its hash is kept
    stored = db(settings, "select calendar_token, calendar_key from users")
    assert stored == [(None, hashlib.sha256(secret.encode()).hexdigest())]
    assert secret not in data.dump(settings.db)
    # /me says it is on, and can turn it off
    me = html(client.get("/me"))
    stop = me.select_one("form[action='/me/calendar/stop']")
    assert stop is not None
    done = client.post("/me/calendar/stop", data={"_csrf_token": csrf_token(client, "/me")})
    assert "Your calendar link is off" in html(done).select_one(".flash").get_text()  # type: ignore[union-attr]
    assert client.get(url).status_code == 404
    assert html(client.get("/me")).select_one("#calendar-url") is None
    assert html(client.get("/me")).select_one("form[action='/me/calendar/stop']") is None
    # a new link works; the one before it does not
    first = calendar_url(client)
    second = calendar_url(client)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_links_made_before_hashing_keep_working(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator, "Hana")
    propose(client)
    db(settings, "update users set calendar_token = 'old-secret-from-last-year'")
    with TestClient(create_app(settings), base_url=ORIGIN) as restarted:
        assert restarted.get("/calendar/old-secret-from-last-year.ics").status_code == 200
    assert db(settings, "select calendar_token from users") == [(None,)]
