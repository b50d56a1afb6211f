"""Venues and moderation through the real app: listing, finding, checking, verifying."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.cli import main
from outings.settings import Settings
from tests.conftest import csrf_token, html, in_thread, sign_up
from tests.outing_helpers import db
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
Family = Callable[[str], Client]


def venue_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "name": "Little Acorns Café",
        "kind": "cafe",
        "address": "12 Mill Lane",
        "area": "Riverside",
        "description": "Sofas and toys.",
        "opening_hours": "Mo-Fr 08:00-17:00",
        "website": "",
        "phone": "",
        "price_notes": "",
        "latitude": "",
        "longitude": "",
        "age_min_months": "",
        "age_max_months": "",
        "amenity_changing_table": "yes",
        "changing_table_location": "unisex",
        "amenity_highchair": "yes",
        "amenity_stroller": "",
        "amenity_baby_feeding": "",
        "amenity_wheelchair": "",
        "amenity_kids_area": "",
        "amenity_stroller_parking": "",
        "amenity_kids_menu": "",
        "amenity_quiet_space": "",
    }
    form.update(overrides)
    return form


def list_venue(client: Client, **overrides: Any) -> str:
    form = venue_form(**overrides)
    form["_csrf_token"] = csrf_token(client, "/venues/new")
    response = client.post("/venues", data=form, follow_redirects=False)
    assert response.status_code in (302, 303), response.text
    venue_id: str = form["id"]
    return venue_id


def post(client: Client, path: str, **data: Any) -> Any:
    return client.post(path, data={"_csrf_token": csrf_token(client), **data})


def moderator_of(settings: Settings, name: str) -> None:
    import os

    os.environ["OUTINGS_DB"] = settings.db
    try:
        assert in_thread(main, ["grant", "moderator", name]) == 0
    finally:
        del os.environ["OUTINGS_DB"]


@pytest.fixture
def people(
    client: Client,
    authenticator: SoftAuthenticator,
    family: Family,
    other_client: Client,
    settings: Settings,
) -> dict[str, Client]:
    sign_up(client, authenticator, "Manon")  # manages the café
    moderator = family("Mo")
    moderator_of(settings, "Mo")
    return {
        "anonymous": other_client,
        "parent": family("Pia"),
        "manager": client,
        "other_manager": family("Otto"),
        "moderator": moderator,
    }


# In this order: a verified place takes no more claims, and hiding closes reports.
ACTIONS = (
    "edit",
    "claim",
    "confirm",
    "report",
    "moderation",
    "approve",
    "verify",
    "dismiss",
    "hide",
)
# who may do each action on a café managed by Manon (unverified, so claims are open)
ALLOWED = {
    "anonymous": set(),
    "parent": {"claim", "confirm", "report"},
    "manager": {"edit", "confirm", "report"},
    "other_manager": {"claim", "confirm", "report"},
    "moderator": {
        "edit",
        "verify",
        "claim",
        "confirm",
        "report",
        "moderation",
        "hide",
        "dismiss",
        "approve",
    },
}


@pytest.mark.parametrize("who", list(ALLOWED))
def test_authorization_matrix(
    people: dict[str, Client], client: Client, settings: Settings, who: str
) -> None:
    venue_id = list_venue(client, manage="on")
    list_venue(people["other_manager"], name="Otto's", manage="on")
    park = list_venue(people["parent"], name="Community park", kind="park")
    post(people["other_manager"], f"/venues/{park}/claim", message="I run the park café")
    (claim_id,) = db(settings, "select id from venue_claims")[0]
    post(client, "/reports", target_type="venue", target_id=venue_id, reason="Closed?", next="/")
    (report_id,) = db(settings, "select id from reports")[0]
    actor = people[who]
    attempts: dict[str, Callable[[], Any]] = {
        "edit": lambda: post(
            actor, f"/venues/{venue_id}", **venue_form(id=venue_id, name="Renamed")
        ),
        "verify": lambda: post(actor, f"/moderation/venues/{venue_id}/verify"),
        "claim": lambda: post(actor, f"/venues/{venue_id}/claim", message="I run it"),
        "confirm": lambda: post(actor, f"/venues/{venue_id}/confirm"),
        "report": lambda: post(
            actor,
            "/reports",
            target_type="venue",
            target_id=venue_id,
            reason="Wrong hours",
            next="/",
        ),
        "moderation": lambda: actor.get("/moderation", follow_redirects=False),
        "hide": lambda: post(
            actor, "/moderation/hide", target_type="venue", target_id=venue_id, reason="Spam"
        ),
        "approve": lambda: post(actor, f"/moderation/claims/{claim_id}/approve"),
        "dismiss": lambda: post(actor, f"/moderation/reports/{report_id}/dismiss"),
    }
    for action in ACTIONS:
        response = attempts[action]()
        # refused: a 4xx, or (signed out) sent to the sign-in page
        allowed = response.status_code == 200 and "/login" not in str(response.url)
        assert allowed == (action in ALLOWED[who]), (who, action, response.status_code)


def test_listing_a_place_as_its_manager(client: Client, settings: Settings) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Manon")
    venue_id = list_venue(client, manage="on")
    page = html(client.get(f"/venues/{venue_id}"))
    assert page.select_one("h1").get_text(strip=True) == "Little Acorns Café"  # type: ignore[union-attr]
    assert "Not yet verified" in page.select_one(".outing-header").get_text()  # type: ignore[union-attr]
    card = page.select_one(".amenity-card").get_text(" ", strip=True)  # type: ignore[union-attr]
    assert "Changing table: Yes, in a unisex toilet" in card
    assert "confirmed" in card
    assert page.select_one(f"a[href='/outings/new?venue_id={venue_id}']")
    assert page.select_one(f"a[href='/venues/{venue_id}/edit']")
    assert db(settings, "select manager_id is not null, verified_at from venues") == [(1, None)]
    data = json.loads(page.select_one("script[type='application/ld+json']").get_text())  # type: ignore[union-attr]
    assert data["@type"] == "CafeOrCoffeeShop"
    assert {
        "@type": "LocationFeatureSpecification",
        "name": "changing_table",
        "value": True,
    } in data["amenityFeature"]
    # the propose form is pre-filled with the place
    form = html(client.get(f"/outings/new?venue_id={venue_id}"))
    assert form.select_one("#f-venue_id option[selected]")["value"] == venue_id  # type: ignore[index]


def test_filters_return_exactly_the_venues_with_the_amenities(
    client: Client, family: Family
) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Ana")
    list_venue(
        client, name="A: table and step-free", amenity_changing_table="yes", amenity_stroller="yes"
    )
    list_venue(
        client,
        name="B: limited table only",
        amenity_changing_table="limited",
        amenity_highchair="",
        changing_table_location="",
    )
    list_venue(
        client,
        name="C: no table, step-free",
        amenity_changing_table="no",
        amenity_stroller="yes",
        changing_table_location="",
        kind="museum",
        area="Old Town",
    )
    list_venue(
        client,
        name="D: nothing known",
        amenity_changing_table="",
        amenity_highchair="",
        changing_table_location="",
    )

    def names(query: str) -> list[str]:
        doc = html(client.get("/venues?" + query))
        return [a.get_text(strip=True) for a in doc.select(".venue-card h2 a")]

    assert names("has=changing_table") == ["A: table and step-free", "B: limited table only"]
    assert names("has=stroller") == ["A: table and step-free", "C: no table, step-free"]
    assert names("has=changing_table&has=stroller") == ["A: table and step-free"]
    assert names("has=stroller&kind=museum") == ["C: no table, step-free"]
    assert names("area=old+town") == ["C: no table, step-free"]
    assert names("has=baby_feeding") == []
    assert names("has=rocket_launcher") == names("")  # unknown filters are ignored


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"amenity_changing_table": "maybe"}, "changing_table", "answers offered"),
        ({"changing_table_location": "roof"}, "changing_table_location", "answers offered"),
        ({"name": "x" * 101}, "name", "under 101"),
        ({"address": "y" * 201}, "address", "under 201"),
        ({"name": ""}, "name", "place's name"),
        ({"kind": "spaceport"}, "kind", "kind of place"),
        ({"address": "", "area": ""}, "address", "address or at least the area"),
        ({"website": "example.org"}, "website", "full web address"),
        # hidden fields the phone fills: the error is shown by the location's button
        ({"latitude": "north"}, "location", "a number"),
        ({"latitude": "95", "longitude": "1"}, "location", "between -90 and 90"),
    ],
)
def test_bad_venue_input_is_explained_and_nothing_is_written(
    client: Client, settings: Settings, overrides: dict[str, str], field: str, words: str
) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Ana")
    form = venue_form(description="Keep me", **overrides)
    form["_csrf_token"] = csrf_token(client, "/venues/new")
    response = client.post("/venues", data=form)
    assert response.status_code == 400
    doc = html(response)
    error = doc.select_one(f"#{field}-error")
    assert error is not None, [e.get_text() for e in doc.select(".field-error")]
    assert words in error.get_text()
    assert doc.select_one("#f-description").get_text() == "Keep me"  # type: ignore[union-attr]
    assert db(settings, "select count(*) from venues") == [(0,)]
    assert db(settings, "select count(*) from venue_amenities") == [(0,)]


def test_claims_once_and_not_on_a_verified_managed_place(
    people: dict[str, Client], client: Client, settings: Settings
) -> None:
    parent, moderator = people["parent"], people["moderator"]
    community = list_venue(parent, name="Meadow Park", kind="park")  # added by a parent
    assert post(people["other_manager"], f"/venues/{community}/claim").status_code == 200
    again = post(people["other_manager"], f"/venues/{community}/claim")
    assert again.status_code == 409
    assert "already asked" in again.text
    (claim_id,) = db(settings, "select id from venue_claims")[0]
    post(moderator, f"/moderation/claims/{claim_id}/approve")
    assert db(
        settings,
        "select u.display_name from venues v join users u on u.id = v.manager_id where v.id = ?",
        community,
    ) == [("Otto",)]
    post(moderator, f"/moderation/venues/{community}/verify")
    refused = post(parent, f"/venues/{community}/claim")
    assert refused.status_code == 409
    assert "verified manager" in refused.text
    assert db(settings, "select count(*) from venue_claims") == [(1,)]
    log = db(settings, "select action, target_type from moderation_log order by created_at")
    assert log == [("claim_approved", "venue"), ("verify", "venue")]
    assert "You now manage Meadow Park" in people["other_manager"].get("/me").text


def test_a_reported_change_reaches_the_manager_and_the_moderators(
    people: dict[str, Client], client: Client
) -> None:
    venue_id = list_venue(client, manage="on")
    parent, moderator = people["parent"], people["moderator"]
    empty = post(
        parent,
        "/reports",
        target_type="venue",
        target_id=venue_id,
        reason=" ",
        next=f"/venues/{venue_id}",
    )
    assert "what is wrong" in html(empty).select_one(".flash").get_text()  # type: ignore[union-attr]
    post(
        parent,
        "/reports",
        target_type="venue",
        target_id=venue_id,
        reason="No changing table any more",
        next=f"/venues/{venue_id}",
    )
    assert "No changing table any more" in html(client.get("/")).select_one(".notices").get_text()  # type: ignore[union-attr]
    queue = html(moderator.get("/moderation"))
    assert "No changing table any more" in queue.select_one("#reports").get_text()  # type: ignore[union-attr]
    assert "Little Acorns Café" in queue.select_one("#verify").get_text()  # type: ignore[union-attr]


def test_hiding_tells_the_author_why(
    people: dict[str, Client], client: Client, settings: Settings
) -> None:
    parent, moderator = people["parent"], people["moderator"]
    venue_id = list_venue(parent, name="Buy cheap pills", kind="other")
    no_reason = post(
        moderator, "/moderation/hide", target_type="venue", target_id=venue_id, reason=""
    )
    assert no_reason.status_code == 400
    post(
        moderator,
        "/moderation/hide",
        target_type="venue",
        target_id=venue_id,
        reason="Advertising, not a place for families",
    )
    assert client.get(f"/venues/{venue_id}").status_code == 404
    assert "Buy cheap pills" not in client.get("/venues").text
    assert "Advertising, not a place for families" in parent.get("/me").text
    assert db(settings, "select action, reason from moderation_log") == [
        ("hide", "Advertising, not a place for families")
    ]


def test_confirming_amenities_refreshes_their_date(
    client: Client, family: Family, settings: Settings
) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Manon")
    venue_id = list_venue(client, manage="on")
    db(settings, "update venue_amenities set confirmed_at = '2025-01-01T00:00:00Z'")
    pia = family("Pia")
    post(pia, f"/venues/{venue_id}/confirm")
    dates = {d for (d,) in db(settings, "select confirmed_at from venue_amenities")}
    assert len(dates) == 1
    assert not dates.pop().startswith("2025")


def test_venues_sync_like_everything_else(client: Client, settings: Settings) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Manon")
    venue_id = str(uuid.uuid4())
    device = str(uuid.uuid4())
    body = {
        "client_id": device,
        "mutations": [
            {
                "id": 1,
                "name": "venue.create",
                "args": {
                    "id": venue_id,
                    "name": "Splash Pool",
                    "kind": "pool",
                    "area": "Northgate",
                    "amenities": {"changing_table": "yes", "baby_feeding": "room"},
                    "manage": True,
                },
            },
            {"id": 2, "name": "venue.update", "args": {"id": venue_id, "phone": "0123 456"}},
            {
                "id": 3,
                "name": "venue.create",
                "args": {
                    "id": str(uuid.uuid4()),
                    "name": "Bad",
                    "kind": "pool",
                    "area": "X",
                    "amenities": {"changing_table": "sometimes"},
                },
            },
        ],
    }
    results = client.post("/api/sync/push", json=body).json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert db(settings, "select name, phone from venues") == [("Splash Pool", "0123 456")]
    pulled = client.get("/api/sync/pull?cursor=0").json()["changes"]
    venue = next(c for c in pulled if c["type"] == "venue")
    assert venue["data"]["amenities"] == {"baby_feeding": "room", "changing_table": "yes"}
    assert venue["data"]["verified"] is False
