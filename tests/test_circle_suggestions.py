"""A circle's suggestion box (issue 13, item 5): members write to the
moderators only; moderators read, answer and close; the author sees the answer."""

from __future__ import annotations

import uuid
from typing import Any

from outings.settings import Settings
from tests import data
from tests.circle_helpers import Client, join, post_form, start_circle, text
from tests.conftest import html

IDEA = "Could we swap outgrown toys once a month?"


def suggest(client: Client, circle: str, body: str = IDEA, **more: Any) -> tuple[Any, str]:
    suggestion = more.pop("id", str(uuid.uuid4()))
    sent = post_form(client, f"/circles/{circle}/suggestions", id=suggestion, body=body, **more)
    return sent, suggestion


def main(response: Any) -> str:
    return text(response, "#main")


def test_only_the_moderators_read_a_suggestion(
    family: Any, other_client: Client, settings: Settings
) -> None:
    founder = family("Fatou")
    circle = start_circle(founder)
    mel, olu = family("Mel"), family("Olu")
    join(mel, circle)
    join(olu, circle)
    co_moderator = family("Cleo")
    join(co_moderator, circle)
    with data.connect(settings.db) as conn:
        conn.execute(
            "update circle_members set role = 'moderator' where user_id ="
            " (select id from users where display_name = 'Cleo')"
        )
    sent, _id = suggest(mel, circle)
    assert sent.status_code in (302, 303)
    own = mel.get(f"/circles/{circle}/suggestions")
    assert "moderators will read it" in text(own, ".flash")
    assert IDEA in text(own, "#mine-title + ul")
    assert "Waiting for an answer" in text(own, "#mine-title + ul")
    for moderator in (founder, co_moderator):
        box = moderator.get(f"/circles/{circle}/suggestions")
        assert IDEA in text(box, "#open-title + p + ul")
        assert "Mel" in text(box, "#open-title + p + ul")
        assert "Mel sent a suggestion" in moderator.get("/me").text
    assert IDEA not in main(olu.get(f"/circles/{circle}/suggestions"))
    outsider = family("Ola")
    assert outsider.get(f"/circles/{circle}/suggestions").status_code == 403
    visitor = other_client.get(f"/circles/{circle}/suggestions", follow_redirects=False)
    assert visitor.status_code in (302, 303, 401)
    assert IDEA not in visitor.text
    other_founder = family("Zainab")
    start_circle(other_founder, name="Hillside families", area="Hillside")
    assert other_founder.get(f"/circles/{circle}/suggestions").status_code == 403
    # the site's moderators are not its readers either
    from tests.outing_helpers import make_moderator

    make_moderator(settings, "Ola")
    assert outsider.get(f"/circles/{circle}/suggestions").status_code == 403
    asked_circle = start_circle(founder, name="Quiet corner", joining="ask")
    asha = family("Asha")
    join(asha, asked_circle, "Hello")
    assert asha.get(f"/circles/{asked_circle}/suggestions").status_code == 403
    assert suggest(asha, asked_circle)[0].status_code == 403


def test_a_moderator_answers_and_closes_and_the_author_sees_it(family: Any) -> None:
    founder = family("Fatou")
    circle = start_circle(founder)
    mel = family("Mel")
    join(mel, circle)
    _sent, suggestion = suggest(mel, circle)
    olu = family("Olu")
    join(olu, circle)
    assert (
        post_form(
            olu, f"/circles/{circle}/suggestions/{suggestion}/answer", answer="No"
        ).status_code
        == 403
    )
    answered = post_form(
        founder,
        f"/circles/{circle}/suggestions/{suggestion}/answer",
        answer="Yes! From next month, every other Saturday.",
    )
    assert answered.status_code in (302, 303)
    mine = mel.get(f"/circles/{circle}/suggestions")
    words = text(mine, "#mine-title + ul")
    assert "every other Saturday" in words
    assert "Answer from Fatou" in words
    assert "Answered" in words
    assert "answered your suggestion" in mel.get("/me").text
    assert "every other Saturday" not in main(olu.get(f"/circles/{circle}/suggestions"))

    assert post_form(olu, f"/circles/{circle}/suggestions/{suggestion}/close").status_code == 403
    closed = post_form(founder, f"/circles/{circle}/suggestions/{suggestion}/close")
    assert closed.status_code in (302, 303)
    box = founder.get(f"/circles/{circle}/suggestions")
    assert "Nothing waits for you" in box.text
    assert IDEA in text(box, "#closed-title + ul")
    assert "Closed" in text(mel.get(f"/circles/{circle}/suggestions"), "#mine-title + ul")
    # another circle's suggestion cannot be answered from here
    other = start_circle(founder, name="Hillside families", area="Hillside")
    wrong = post_form(founder, f"/circles/{other}/suggestions/{suggestion}/close")
    assert wrong.status_code == 404


def test_bad_input_is_kept_with_the_error_beside_the_field(family: Any) -> None:
    founder = family("Fatou")
    circle = start_circle(founder)
    mel = family("Mel")
    join(mel, circle)
    empty, _id = suggest(mel, circle, body="   ")
    assert empty.status_code == 400
    assert text(empty, "#body-error")
    long = "A long wish. " * 100
    too_long, _id = suggest(mel, circle, body=long)
    assert too_long.status_code == 400
    assert text(too_long, "#body-error")
    assert text(too_long, "#f-body") == long.strip()
    _sent, suggestion = suggest(mel, circle)
    no_answer = post_form(founder, f"/circles/{circle}/suggestions/{suggestion}/answer", answer="")
    assert no_answer.status_code == 400
    assert text(no_answer, f"#answer-{suggestion}-error")
    assert html(no_answer).select_one(f"#f-answer-{suggestion}") is not None


def test_a_suggestion_sent_twice_arrives_once(family: Any) -> None:
    founder = family("Fatou")
    circle = start_circle(founder)
    mel = family("Mel")
    join(mel, circle)
    same = str(uuid.uuid4())
    suggest(mel, circle, id=same)
    suggest(mel, circle, id=same)
    phone = str(uuid.uuid4())
    args = {"id": str(uuid.uuid4()), "circle_id": circle, "body": "A picnic in June?"}
    mutations: list[dict[str, Any]] = [{"id": 1, "name": "suggestion.add", "args": args}]
    first = mel.post("/api/sync/push", json={"client_id": phone, "mutations": mutations}).json()
    assert first["results"][0] == {"id": 1, "status": "applied", "outcome": {"id": args["id"]}}
    mutations.append({"id": 2, "name": "suggestion.add", "args": args})
    again = mel.post("/api/sync/push", json={"client_id": phone, "mutations": mutations}).json()
    assert [r["status"] for r in again["results"]] == ["applied", "applied"]
    box = founder.get(f"/circles/{circle}/suggestions")
    assert len(html(box).select("#open-title + p + ul > li")) == 2
    assert text(founder.get("/me"), "#notifications").count("Mel sent a suggestion") == 2
    outsider = family("Ola")
    refused = outsider.post(
        "/api/sync/push",
        json={
            "client_id": str(uuid.uuid4()),
            "mutations": [
                {"id": 1, "name": "suggestion.add", "args": {**args, "id": str(uuid.uuid4())}}
            ],
        },
    ).json()
    assert refused["results"][0]["error"]["code"] == "forbidden"
