"""A circle's news (issue 13, item 6): this week's outings and what is new, a
moderator's note on top, sent to every member's notifications once."""

from __future__ import annotations

import uuid
from typing import Any

from outings.db import now_iso
from outings.settings import Settings
from tests import data
from tests.circle_helpers import Client, join, post_form, start_circle, text
from tests.conftest import html
from tests.outing_helpers import in_days, propose

NOTE = "Welcome to our new members! Don't miss Saturday's clothes swap."


def in_circle(settings: Settings, outing: str, circle: str, visibility: str) -> None:
    with data.connect(settings.db) as conn:
        conn.execute(
            "update outings set circle_id = ?, visibility = ? where id = ?",
            (circle, visibility, outing),
        )


def board_post(settings: Settings, circle: str, author: str, body: str) -> None:
    with data.connect(settings.db) as conn:
        author_id = conn.execute(
            "select id from users where display_name = ?", (author,)
        ).fetchone()[0]
        now = now_iso()
        conn.execute(
            "insert into circle_posts (id, circle_id, author_id, kind, body, created_at,"
            " updated_at) values (?, ?, ?, 'ask', ?, ?, ?)",
            (str(uuid.uuid4()), circle, author_id, body, now, now),
        )


def main(response: Any) -> str:
    return text(response, "#main")


def busy_circle(family: Any, settings: Settings) -> tuple[str, Client, Client]:
    """A circle with a public and a members-only outing this week, one later,
    a new member, a board post and a new address."""
    founder = family("Fatou")
    circle = start_circle(founder)
    mel = family("Mel")
    join(mel, circle)
    for title, days, visibility in (
        ("Picnic in Riverside park", 2, "public"),
        ("Clothes swap at Fatou's", 3, "members"),
        ("Museum morning next month", 12, "members"),
    ):
        outing = propose(founder, title=title, date=in_days(days).isoformat())
        in_circle(settings, outing, circle, visibility)
    board_post(settings, circle, "Mel", "Looking for a double stroller")
    post_form(
        founder,
        f"/circles/{circle}/entries",
        id=str(uuid.uuid4()),
        kind="nursery",
        name="Little Acorns Nursery",
        phone="01 23 45 67 89",
    )
    return circle, founder, mel


def test_the_news_gathers_the_week_for_members(family: Any, settings: Settings) -> None:
    circle, _founder, mel = busy_circle(family, settings)
    news = mel.get(f"/circles/{circle}/news")
    assert news.status_code == 200
    week = " ".join(c.get_text(" ", strip=True) for c in html(news).select("#week-title ~ .cards"))
    assert "Picnic in Riverside park" in week
    assert "Clothes swap at Fatou's" in week
    assert "next month" not in week
    assert "Mel" in text(news, "#joined-title + p")
    assert "Looking for a double stroller" in text(news, "#posts-title + ul")
    assert "Little Acorns Nursery" in text(news, "#entries-title + ul")
    assert "Write a note and send the news" not in news.text


def test_outsiders_see_only_the_public_outings(
    family: Any, other_client: Client, settings: Settings
) -> None:
    circle, founder, _mel = busy_circle(family, settings)
    asks = start_circle(founder, name="Quiet corner", joining="ask")
    secret = propose(founder, title="Quiet coffee", date=in_days(1).isoformat())
    in_circle(settings, secret, asks, "members")
    asha = family("Asha")
    join(asha, asks, "Hello")
    outsider = family("Ola")
    for reader, where in ((outsider, circle), (other_client, circle), (asha, asks)):
        news = reader.get(f"/circles/{where}/news")
        assert news.status_code == 200
        words = main(news)
        for hidden in (
            "Clothes swap",
            "Quiet coffee",
            "Mel",
            "double stroller",
            "Little Acorns",
            "welcome!",
        ):
            assert hidden not in words, hidden
        assert "Members also read" in words
    assert "Picnic in Riverside park" in main(outsider.get(f"/circles/{circle}/news"))


def test_a_moderator_sends_the_news_once_to_each_member(family: Any, settings: Settings) -> None:
    circle, founder, mel = busy_circle(family, settings)
    olu = family("Olu")
    join(olu, circle)
    outsider = family("Ola")
    form = founder.get(f"/circles/{circle}/news")
    assert "Send to 2 members" in text(form, "#send")
    refused = post_form(mel, f"/circles/{circle}/news", id=str(uuid.uuid4()), note="Hi all")
    assert refused.status_code == 403
    issue = str(uuid.uuid4())
    for _twice in range(2):
        sent = post_form(founder, f"/circles/{circle}/news", id=issue, note=NOTE)
        assert sent.status_code in (302, 303)
    for member in (mel, olu):
        mine = text(member.get("/me"), "#notifications")
        assert mine.count("This week in Riverside parents") == 1
        news = member.get(f"/circles/{circle}/news")
        assert NOTE in text(news, "#note-title + p")
        # what the news was about is still there when she opens it
        assert "Looking for a double stroller" in text(news, "#posts-title + ul")
    link = f"/circles/{circle}/news"
    assert link in mel.get("/me").text
    assert "This week in Riverside parents" not in founder.get("/me").text
    assert NOTE not in outsider.get(f"/circles/{circle}/news").text
    after = founder.get(f"/circles/{circle}/news")
    assert "0 new members" in text(after, "#send")


def test_a_note_too_long_comes_back_as_typed(family: Any, settings: Settings) -> None:
    circle, founder, mel = busy_circle(family, settings)
    long = "So much to say. " * 80
    sent = post_form(founder, f"/circles/{circle}/news", id=str(uuid.uuid4()), note=long)
    assert sent.status_code == 400
    assert text(sent, "#note-error")
    assert text(sent, "#f-note") == long.strip()
    assert "This week in" not in text(mel.get("/me"), "#main")
