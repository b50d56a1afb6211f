"""Limits on abuse (issue 11, item 2): a 429 a parent understands, and counts that hold."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.app import create_app
from outings.db import database_at
from outings.outing.rules import COMMENTS_PER_HOUR, OUTINGS_PER_DAY
from outings.settings import Settings
from outings.web.limits import DatabaseHits, Hits, MemoryHits
from tests.conftest import ORIGIN, csrf_token, html, sign_in, sign_up
from tests.outing_helpers import db, outing_form, propose
from tests.pg import fresh_database
from tests.softauthn import SoftAuthenticator
from tests.threads import in_thread

Client = TestClient[Litestar]


@pytest.fixture
def tight(settings: Settings) -> Settings:
    return msgspec.structs.replace(
        settings, limit_sign_in=4, limit_forms=3, limit_push=2, limit_reports=2
    )


@pytest.fixture
def tight_client(tight: Settings) -> Iterator[Client]:
    with TestClient(create_app(tight), base_url=ORIGIN) as client:
        yield client


def assert_retry_after(response: Any) -> int:
    assert response.status_code == 429
    seconds = int(response.headers["retry-after"])
    assert 1 <= seconds <= 24 * 3600 + 1
    return seconds


def test_sign_up_from_one_address_is_limited_per_minute(tight_client: Client) -> None:
    sign_up(tight_client, SoftAuthenticator(origin=ORIGIN), "Ana")  # 2 requests
    tight_client.cookies.clear()
    sign_up(tight_client, SoftAuthenticator(origin=ORIGIN), "Bo")  # 4
    tight_client.cookies.clear()
    refused = tight_client.post("/api/auth/register/options", json={"display_name": "Cy"})
    assert_retry_after(refused)
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "wait 1 minute" in refused.json()["error"]["message"]
    again = tight_client.post("/api/auth/login/options", json={})
    assert again.status_code == 429  # sign-in shares the count: no fresh challenge rows
    # pages are not counted
    assert tight_client.get("/").status_code == 200


def test_forms_are_limited_per_parent_with_a_page_in_their_language(
    tight_client: Client,
) -> None:
    ana = sign_up(tight_client, SoftAuthenticator(origin=ORIGIN), "Ana")
    ana_session = dict(tight_client.cookies)
    token = csrf_token(tight_client, "/me")
    for _ in range(3):
        done = tight_client.post("/me/calendar", data={"_csrf_token": token})
        assert done.status_code == 200
    refused = tight_client.post(
        "/me/calendar", data={"_csrf_token": token}, headers={"accept-language": "fr"}
    )
    assert_retry_after(refused)
    page = html(refused)
    assert page.select_one("html")["lang"] == "fr"  # type: ignore[index]
    assert "Veuillez patienter 1 minute" in page.select_one("main").get_text()  # type: ignore[union-attr]
    # another parent on the same address is not held back by Ana
    tight_client.cookies.clear()
    sign_up(tight_client, SoftAuthenticator(origin=ORIGIN), "Bo")
    token = csrf_token(tight_client, "/me")
    assert tight_client.post("/me/calendar", data={"_csrf_token": token}).status_code == 200
    assert ana["id"]
    tight_client.cookies.clear()
    tight_client.cookies.update(ana_session)
    assert tight_client.get("/me").status_code == 200  # reading is never limited


def test_pushes_are_limited_per_parent_as_json(tight_client: Client) -> None:
    sign_up(tight_client, SoftAuthenticator(origin=ORIGIN), "Ana")
    body = {"client_id": str(uuid.uuid4()), "mutations": []}
    for _ in range(2):
        assert tight_client.post("/api/sync/push", json=body).status_code == 200
    refused = tight_client.post("/api/sync/push", json=body)
    assert_retry_after(refused)
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.headers["content-type"].startswith("application/json")


def test_a_member_proposes_at_most_so_many_outings_a_day(
    client: Client, other_client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    sign_up(client, authenticator, "Hana")
    for i in range(OUTINGS_PER_DAY - 1):
        propose(client, title=f"Outing {i}")
    # the count is in the database: another process (another app here) sees it
    sign_in(other_client, authenticator)
    propose(other_client, title="The last one today")
    form = outing_form(title="One too many")
    form["_csrf_token"] = csrf_token(other_client, "/outings/new")
    refused = other_client.post("/outings", data=form)
    seconds = assert_retry_after(refused)
    assert seconds > 23 * 3600  # the first of today's outings frees a place in a day
    page = html(refused)
    assert "most one family may in a day" in page.select_one("#form-errors").get_text()  # type: ignore[union-attr]
    assert page.select_one("#f-title")["value"] == "One too many"  # type: ignore[index]
    assert db(settings, "select count(*) from outings") == [(OUTINGS_PER_DAY,)]
    # a push is held to the same count: that one change is rejected, in words
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    args = {
        "id": str(uuid.uuid4()),
        "title": "Made offline",
        "category": "park",
        "place": "Meadow Park",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
    }
    pushed = other_client.post(
        "/api/sync/push",
        json={
            "client_id": str(uuid.uuid4()),
            "mutations": [{"id": 1, "name": "outing.create", "args": args}],
        },
    )
    assert pushed.status_code == 200
    (result,) = pushed.json()["results"]
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "too_many_outings"
    assert db(settings, "select count(*) from outings") == [(OUTINGS_PER_DAY,)]


def report(client: Client, target_id: str, reason: str) -> Any:
    return client.post(
        "/reports",
        data={
            "_csrf_token": csrf_token(client, "/me"),
            "target_type": "outing",
            "target_id": target_id,
            "reason": reason,
            "next": f"/outings/{target_id}",
        },
    )


def test_one_open_report_per_thing_per_person(
    client: Client, family: Any, settings: Settings
) -> None:
    sign_up(client, SoftAuthenticator(origin=ORIGIN), "Hana")
    outing_id = propose(client)
    pia = family("Pia")
    first = report(pia, outing_id, "Looks like spam")
    assert "The moderators will look at it" in html(first).select_one(".flash").get_text()  # type: ignore[union-attr]
    again = report(pia, outing_id, "Really spam")
    assert "You reported this already" in html(again).select_one(".flash").get_text()  # type: ignore[union-attr]
    assert db(settings, "select reason from reports") == [("Looks like spam",)]
    # once a moderator has dealt with it, a new report may come
    db(settings, "update reports set resolved_at = created_at")
    report(pia, outing_id, "Back again")
    assert db(settings, "select count(*) from reports where resolved_at is null") == [(1,)]


def test_reports_are_limited_per_hour(settings: Settings) -> None:
    with TestClient(
        create_app(msgspec.structs.replace(settings, limit_reports=2)), base_url=ORIGIN
    ) as pia:
        sign_up(pia, SoftAuthenticator(origin=ORIGIN), "Pia")
        outings = [propose(pia, title=f"Outing {i}") for i in range(3)]
        for outing_id in outings[:2]:
            assert report(pia, outing_id, "Odd").status_code == 200
        refused = report(pia, outings[2], "Odd")
        seconds = assert_retry_after(refused)
        assert seconds > 60  # an hour's window
        assert "wait" in html(refused).select_one("main").get_text()  # type: ignore[union-attr]
    assert db(settings, "select count(*) from reports") == [(2,)]


def test_a_flood_of_comments_is_held_back_and_the_text_kept(
    client: Client, authenticator: SoftAuthenticator, settings: Settings
) -> None:
    """A hundred comments in one push (seen in the attack) stop at the hourly
    count; a comment refused by form comes back with its text beside the error."""
    sign_up(client, authenticator, "Hana")
    outing_id = propose(client)
    flood = [
        {
            "id": i,
            "name": "comment.add",
            "args": {"id": str(uuid.uuid4()), "outing_id": outing_id, "body": f"Spam {i}"},
        }
        for i in range(1, COMMENTS_PER_HOUR + 11)
    ]
    pushed = client.post(
        "/api/sync/push", json={"client_id": str(uuid.uuid4()), "mutations": flood}
    )
    statuses = [r["status"] for r in pushed.json()["results"]]
    assert statuses == ["applied"] * COMMENTS_PER_HOUR + ["rejected"] * 10
    assert "in the last hour" in pushed.json()["results"][-1]["error"]["message"]
    assert db(settings, "select count(*) from comments") == [(COMMENTS_PER_HOUR,)]
    # the same comment sent again is no new one: still answered as applied
    again = client.post(
        "/api/sync/push", json={"client_id": str(uuid.uuid4()), "mutations": flood[:1]}
    )
    assert again.json()["results"][0]["status"] == "applied"

    form = {
        "_csrf_token": csrf_token(client, f"/outings/{outing_id}"),
        "body": "One more",
        "id": str(uuid.uuid4()),
    }
    refused = client.post(f"/outings/{outing_id}/comments", data=form)
    assert refused.status_code == 400
    page = html(refused)
    assert "in the last hour" in page.get_text()
    assert "One more" in page.select_one("textarea[name=body]").get_text()  # type: ignore[union-attr]
    assert db(settings, "select count(*) from comments") == [(COMMENTS_PER_HOUR,)]


async def _windows(
    hits: Hits, forgotten: Callable[[], Awaitable[None]] | None = None
) -> list[tuple[int, float]]:
    seen = [await hits.hit("push:user:ana", 1000.0 + n, 60) for n in range(3)]
    seen.append(await hits.hit("push:user:bo", 1002.0, 60))  # someone else counts alone
    seen.append(await hits.hit("push:user:ana", 1060.0, 60))  # the window is over: a new one
    seen.append(await hits.hit("push:user:ana", 1061.0, 60))
    await hits.forget(1062.5)  # Bo's window ended at 1062: forgotten; Ana's runs on
    if forgotten:
        await forgotten()
    seen.append(await hits.hit("push:user:bo", 1063.0, 60))
    seen.append(await hits.hit("push:user:ana", 1063.0, 60))
    return seen


@pytest.mark.parametrize("kept", ["in memory", "in the database"])
def test_a_window_counts_from_its_first_request_until_it_ends(kept: str, tmp_path: Path) -> None:
    async def run() -> list[tuple[int, float]]:
        if kept == "in memory":
            return await _windows(MemoryHits())
        db = database_at(fresh_database(tmp_path))
        await db.open()

        async def forgotten() -> None:
            # what is forgotten leaves the table: Bo's first window, not Ana's
            left = await db.fetchall("select key, hits from rate_hits")
            assert [tuple(r) for r in left] == [("push:user:ana", 2)]

        try:
            return await _windows(DatabaseHits(db), forgotten)
        finally:
            await db.close()

    assert in_thread(asyncio.run, run()) == [
        (1, 1060.0),
        (2, 1060.0),
        (3, 1060.0),
        (1, 1062.0),
        (1, 1120.0),
        (2, 1120.0),
        (1, 1123.0),
        (3, 1120.0),
    ]
