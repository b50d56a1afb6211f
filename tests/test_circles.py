"""Circles (issue 13, item 1): start one, find it, join, ask, leave, run it."""

from __future__ import annotations

import uuid
from typing import Any

from outings.settings import Settings
from tests.circle_helpers import (
    Client,
    circle_form,
    join,
    post_form,
    pull_everything,
    section,
    start_circle,
    text,
    user_id,
)
from tests.conftest import html


def test_a_parent_starts_a_circle_and_is_its_moderator(client: Client, family: Any) -> None:
    founder = family("Fatou")
    circle = start_circle(founder, name="Riverside parents", area="Riverside")
    shown = founder.get(f"/circles/{circle}")
    assert text(shown, "h1") == "Riverside parents"
    assert "You moderate this circle" in shown.text
    assert "1 member" in shown.text
    mine = section(founder.get("/circles"), "#mine-title")
    assert "Riverside parents" in mine
    assert "You moderate" in mine


def test_the_circle_form_comes_back_with_what_was_typed_and_the_errors(family: Any) -> None:
    founder = family("Fatou")
    form = circle_form(name="ab", area="", colour="neon", description="Kept as typed")
    response = post_form(founder, "/circles", **form)
    assert response.status_code == 400
    name = html(response).select_one("#f-name")
    assert name is not None
    assert name["value"] == "ab"
    assert text(response, "#f-description") == "Kept as typed"
    assert "at least three letters" in text(response, "#name-error")
    assert text(response, "#area-error")
    assert text(response, "#colour-error")
    assert founder.get("/circles").text.count("circle-card") == 0


def test_joining_an_open_circle_shows_its_members_to_members_only(
    client: Client, other_client: Client, family: Any
) -> None:
    founder = family("Fatou")
    circle = start_circle(founder)
    mel = family("Mel")
    outsider = family("Olu")
    assert join(mel, circle).status_code in (302, 303)
    seen_by_mel = mel.get(f"/circles/{circle}").text
    assert "You are a member" in seen_by_mel
    assert "2 members" in seen_by_mel
    assert "Mel" in section(founder.get(f"/circles/{circle}"), "#people-title")
    # not a member: who runs it, never who is in it
    seen_by_olu = section(outsider.get(f"/circles/{circle}"), "#people-title")
    assert "Fatou" in seen_by_olu
    assert "Mel" not in seen_by_olu
    assert outsider.get(f"/circles/{circle}/members").status_code == 403
    # a visitor: no names at all
    visitor_page = other_client.get(f"/circles/{circle}").text
    assert "Fatou" not in visitor_page
    assert "Mel" not in visitor_page


def test_asking_to_join_waits_for_a_moderator(family: Any, settings: Settings) -> None:
    founder = family("Fatou")
    circle = start_circle(founder, joining="ask")
    ana = family("Ana")
    assert join(ana, circle, "I live on Mill Street, baby of 4 months").status_code in (302, 303)
    assert "Request sent" in ana.get(f"/circles/{circle}").text
    assert ana.get(f"/circles/{circle}/members").status_code == 403
    assert "Mill Street" in section(founder.get(f"/circles/{circle}/members"), "#asked-title")
    assert "asked to join" in founder.get("/me").text
    ana_id = user_id(settings, "Ana")
    accepted = post_form(founder, f"/circles/{circle}/members/{ana_id}/accept")
    assert accepted.status_code in (302, 303)
    assert "You are a member" in ana.get(f"/circles/{circle}").text
    assert "Welcome to Riverside parents" in ana.get("/me").text


def test_a_declined_parent_can_ask_again_but_a_banned_one_cannot(
    family: Any, settings: Settings
) -> None:
    founder = family("Fatou")
    circle = start_circle(founder, joining="ask")
    ana = family("Ana")
    join(ana, circle)
    ana_id = user_id(settings, "Ana")
    post_form(founder, f"/circles/{circle}/members/{ana_id}/decline")
    assert "Ask to join" in ana.get(f"/circles/{circle}").text
    join(ana, circle)
    post_form(founder, f"/circles/{circle}/members/{ana_id}/accept")
    removed = post_form(
        founder,
        f"/circles/{circle}/members/{ana_id}/remove",
        **{f"reason-{ana_id}": "Spam", "ban": "on"},
    )
    assert removed.status_code in (302, 303)
    again = join(ana, circle)
    assert again.status_code == 403
    assert "removed you" in text(again, "#join-error")
    log = section(founder.get(f"/circles/{circle}/moderation"), "#log-title")
    assert "Banned from the circle · Ana · Spam" in log


def test_removing_without_a_reason_keeps_the_form_and_says_why(
    family: Any, settings: Settings
) -> None:
    founder = family("Fatou")
    circle = start_circle(founder)
    join(family("Ana"), circle)
    ana_id = user_id(settings, "Ana")
    response = post_form(
        founder, f"/circles/{circle}/members/{ana_id}/remove", **{f"reason-{ana_id}": ""}
    )
    assert response.status_code == 400
    assert html(response).select_one(f"#reason-{ana_id}-error") is not None
    assert "Ana" in response.text


def test_a_circle_never_has_no_moderator(family: Any, settings: Settings) -> None:
    founder = family("Fatou")
    circle = start_circle(founder)
    fatou = user_id(settings, "Fatou")
    leaving = post_form(founder, f"/circles/{circle}/leave")
    assert leaving.status_code == 409
    assert "only moderator" in text(leaving, "#leave-error")
    stepping_down = post_form(founder, f"/circles/{circle}/members/{fatou}/role", role="member")
    assert stepping_down.status_code == 409
    mel = family("Mel")
    join(mel, circle)
    mel_id = user_id(settings, "Mel")
    assert post_form(
        founder, f"/circles/{circle}/members/{mel_id}/role", role="moderator"
    ).status_code in (302, 303)
    assert post_form(founder, f"/circles/{circle}/leave").status_code in (302, 303)
    assert "You moderate this circle" in mel.get(f"/circles/{circle}").text
    assert "1 member" in mel.get(f"/circles/{circle}").text


def test_only_moderators_edit_a_circle(family: Any) -> None:
    founder = family("Fatou")
    circle = start_circle(founder)
    mel = family("Mel")
    join(mel, circle)
    assert mel.get(f"/circles/{circle}/edit").status_code == 403
    edited = post_form(mel, f"/circles/{circle}", **circle_form(id=circle, name="Taken over"))
    assert edited.status_code == 403
    done = post_form(
        founder,
        f"/circles/{circle}",
        **circle_form(id=circle, name="Riverside mums & dads", joining="ask"),
    )
    assert done.status_code in (302, 303)
    assert "Riverside mums &amp; dads" in mel.get(f"/circles/{circle}").text


def test_circles_near_my_area_come_first(family: Any) -> None:
    founder = family("Fatou")
    start_circle(founder, name="Hillside families", area="Hillside")
    start_circle(founder, name="Riverside parents", area="Riverside")
    visitor = family("Vera")
    cards = [
        a.get_text(strip=True)
        for a in html(visitor.get("/circles?area=Riverside")).select(".circle-card h2")
    ]
    assert cards[0] == "Riverside parents"
    cards = [
        a.get_text(strip=True)
        for a in html(visitor.get("/circles?area=Hillside")).select(".circle-card h2")
    ]
    assert cards[0] == "Hillside families"


def test_a_phone_pulls_circles_and_its_own_membership(family: Any) -> None:
    founder = family("Fatou")
    circle = start_circle(founder, joining="ask")
    ana = family("Ana")
    held, _cursor = pull_everything(ana)
    assert held["circle", circle]["member_count"] == 1
    assert ("membership", circle) not in held
    body = {
        "client_id": str(uuid.uuid4()),
        "mutations": [
            {"id": 1, "name": "circle.join", "args": {"circle_id": circle, "message": "Hi"}}
        ],
    }
    result = ana.post("/api/sync/push", json=body).json()
    assert result["results"][0]["outcome"]["role"] == "asked"
    held, _ = pull_everything(ana)
    assert held["membership", circle] == {"id": circle, "role": "asked"}
    founder_held, _ = pull_everything(founder)
    assert founder_held["membership", circle]["role"] == "moderator"
    assert ("membership", circle) in founder_held
    assert len([k for k in founder_held if k[0] == "membership"]) == 1
