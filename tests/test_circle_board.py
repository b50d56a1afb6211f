"""The board of a circle (issue 13, items 3 and 8): asks and offers with replies,
members only, sorted by their author, gone after 30 days unless pinned, hidden
by moderators; the same through the sync mutations, applied once."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from outings.circle import board
from outings.settings import Settings
from tests import data
from tests.circle_helpers import (
    Client,
    apply,
    join,
    post_form,
    pull_everything,
    start_circle,
    text,
    user_id,
)
from tests.conftest import html
from tests.outing_helpers import make_moderator


def post(client: Client, circle: str, body: str, kind: str = "ask", **extra: str) -> Any:
    return post_form(
        client, f"/circles/{circle}/posts", id=str(uuid.uuid4()), kind=kind, body=body, **extra
    )


def posted(client: Client, circle: str, body: str, kind: str = "ask") -> str:
    """Post through the form; the new post's id."""
    post_id = str(uuid.uuid4())
    response = post_form(client, f"/circles/{circle}/posts", id=post_id, kind=kind, body=body)
    assert response.status_code in (302, 303), response.text
    return post_id


def reply(client: Client, circle: str, post_id: str, body: str) -> Any:
    return post_form(
        client, f"/circles/{circle}/posts/{post_id}/replies", id=str(uuid.uuid4()), body=body
    )


def board_texts(client: Client, circle: str) -> list[str]:
    page = html(client.get(f"/circles/{circle}"))
    return [li.get_text(" ", strip=True) for li in page.select("#board-posts .board-post")]


def push(client: Client, *mutations: dict[str, Any], client_id: str | None = None) -> Any:
    body = {
        "client_id": client_id or str(uuid.uuid4()),
        "mutations": [{"id": n, **m} for n, m in enumerate(mutations, start=1)],
    }
    response = client.post("/api/sync/push", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def rows(settings: Settings, sql: str, *params: object) -> list[tuple[Any, ...]]:
    return data.rows(settings.db, sql, *params)


@pytest.fixture
def circle_of(family: Any) -> Any:
    """Fatou's circle with Mel in it: (founder, mel, circle id)."""

    def make(**overrides: Any) -> tuple[Client, Client, str]:
        founder = family("Fatou")
        circle = start_circle(founder, **overrides)
        mel = family("Mel")
        assert join(mel, circle).status_code in (302, 303)
        return founder, mel, circle

    return make


def test_members_post_reply_and_mark_sorted(circle_of: Any) -> None:
    founder, mel, circle = circle_of()
    stroller = posted(mel, circle, "Looking for a double stroller near the market")
    shown = board_texts(founder, circle)
    assert len(shown) == 1
    for words in ("Ask", "Looking for a double stroller", "Mel", "just now", "0 replies"):
        assert words in shown[0]
    posted(founder, circle, "Giving away 6–12 month clothes", kind="offer")

    answered = reply(founder, circle, stroller, "My neighbour has one, I'll ask her!")
    assert answered.status_code in (302, 303)
    assert answered.headers["location"] == f"/circles/{circle}/posts/{stroller}#replies"
    thread = mel.get(f"/circles/{circle}/posts/{stroller}")
    assert text(thread, "h1") == "Looking for a double stroller near the market"
    assert "My neighbour has one" in text(thread, "#replies-list")
    assert "Fatou" in text(thread, "#replies-list")
    # newest first: Fatou's offer came after Mel's ask
    assert ["Offer" in s for s in board_texts(mel, circle)] == [True, False]
    assert "1 reply" in board_texts(mel, circle)[1]

    # only the author marks it sorted; it is then marked and listed after the open ones
    assert (
        post_form(founder, f"/circles/{circle}/posts/{stroller}/sort", sorted="true").status_code
        == 403
    )
    done = post_form(mel, f"/circles/{circle}/posts/{stroller}/sort", sorted="true")
    assert done.status_code in (302, 303)
    shown = board_texts(founder, circle)
    assert "Giving away" in shown[0]
    assert "Sorted" in shown[1]
    assert "double stroller" in shown[1]
    assert "Open it again" in mel.get(f"/circles/{circle}/posts/{stroller}").text
    assert "1 open post" not in founder.get(f"/circles/{circle}").text  # members see the posts
    post_form(mel, f"/circles/{circle}/posts/{stroller}/sort", sorted="false")
    assert "Sorted" not in " ".join(board_texts(founder, circle))


def test_outsiders_see_that_the_board_exists_never_its_posts(
    circle_of: Any, family: Any, other_client: Client, settings: Settings
) -> None:
    founder, mel, circle = circle_of()
    asked_circle = start_circle(founder, name="Hillside parents", joining="ask")
    secret = posted(mel, circle, "Who knows a good paediatrician near the market?")
    hill_post = posted(founder, asked_circle, "Hillside swap on Saturday, bring a bag")
    reply(founder, circle, secret, "Dr Okafor on Mill Street")
    olu = family("Olu")
    asking = family("Ana")
    assert join(asking, asked_circle, "Hello").status_code in (302, 303)

    for outsider, where, body in (
        (olu, circle, "near the market"),
        (other_client, circle, "near the market"),
        (asking, asked_circle, "Hillside swap"),
    ):
        page = outsider.get(f"/circles/{where}")
        assert page.status_code == 200
        assert "1 open post on the board" in text(page, "#board")
        assert body not in page.text
        assert not html(page).select("#board-posts, form[data-outbox='post.add']")
    assert olu.get(f"/circles/{circle}/posts/{secret}").status_code == 403
    assert asking.get(f"/circles/{asked_circle}/posts/{hill_post}").status_code == 403
    visitor = other_client.get(f"/circles/{circle}/posts/{secret}", follow_redirects=False)
    assert visitor.status_code in (302, 303, 401)
    assert "near the market" not in visitor.text
    # writing is for members too
    assert post(olu, circle, "Spam").status_code == 403
    assert reply(olu, circle, secret, "Spam").status_code == 403
    assert rows(settings, "select count(*) from circle_posts where body = 'Spam'") == [(0,)]

    # nor through a pull, whoever asks
    for outsider in (olu, other_client, asking):
        held, _ = pull_everything(outsider)
        assert not [k for k in held if k[0] == "post"]
    # members pull their circle's posts, with their replies and names
    held, _ = pull_everything(mel)
    data = held["post", secret]
    assert data["author_name"] == "Mel"
    assert [r["body"] for r in data["replies"]] == ["Dr Okafor on Mill Street"]
    assert data["replies"][0]["author_name"] == "Fatou"
    assert ("post", hill_post) not in held


def test_a_new_member_gets_the_board_and_a_leaver_loses_it(circle_of: Any, family: Any) -> None:
    _founder, mel, circle = circle_of()
    ask = posted(mel, circle, "Anyone for a walk on Thursday?")
    ana = family("Ana")
    held, cursor = pull_everything(ana)
    assert ("post", ask) not in held
    join(ana, circle)
    cursor = apply(held, ana, cursor)
    assert held["post", ask]["body"] == "Anyone for a walk on Thursday?"
    assert "Anyone for a walk" in " ".join(board_texts(ana, circle))
    post_form(ana, f"/circles/{circle}/leave")
    apply(held, ana, cursor)
    assert ("post", ask) not in held
    assert "Anyone for a walk" not in ana.get(f"/circles/{circle}").text


def test_posts_leave_the_board_after_30_days_unless_pinned(
    circle_of: Any, family: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    founder, mel, circle = circle_of()
    old = posted(mel, circle, "Looking for a baby carrier")
    kept = posted(mel, circle, "Swap party rules: bring what you can, take what you need")
    # only the circle's moderators pin
    assert post_form(mel, f"/circles/{circle}/posts/{kept}/pin", pinned="true").status_code == 403
    pinned = post_form(founder, f"/circles/{circle}/posts/{kept}/pin", pinned="true")
    assert pinned.status_code in (302, 303)

    later = board.utcnow() + timedelta(days=31)
    monkeypatch.setattr(board, "utcnow", lambda: later)
    shown = board_texts(mel, circle)
    assert len(shown) == 1
    for words in ("Swap party rules", "Pinned", "31 days ago"):
        assert words in shown[0]
    # its page says so, and takes no more replies
    thread = mel.get(f"/circles/{circle}/posts/{old}")
    assert "left the board" in thread.text
    assert not html(thread).select("form[data-outbox='post.reply']")
    refused = reply(founder, circle, old, "Still looking?")
    assert refused.status_code == 409
    assert "left the board" in text(refused, "#reply-errors")
    # outsiders count only what is still on the board
    assert "1 open post on the board" in text(family("Olu").get(f"/circles/{circle}"), "#board")
    # unpinned, the old one leaves as well
    post_form(founder, f"/circles/{circle}/posts/{kept}/pin", pinned="false")
    assert board_texts(mel, circle) == []
    # a phone knows when each leaves, without a change sent at that moment
    held, _ = pull_everything(mel)
    assert held["post", old]["expires_at"] is not None
    assert held["post", kept]["pinned"] is False


def test_moderators_hide_a_post_or_a_reply_with_a_reason(
    circle_of: Any, family: Any, settings: Settings
) -> None:
    founder, mel, circle = circle_of()
    other_founder = family("Oona")
    start_circle(other_founder, name="Hillside parents")
    rude = posted(mel, circle, "Selling nappies at twice the shop price")
    kind = posted(mel, circle, "Free high chair, collect from Elm Road")
    reply(mel, circle, kind, "Still there?")
    reply_id = rows(settings, "select id from circle_post_replies")[0][0]
    held, cursor = pull_everything(mel)

    # members, and another circle's moderators, may not
    for stranger in (mel, other_founder):
        response = post_form(stranger, f"/circles/{circle}/posts/{rude}/hide", reason="No")
        assert response.status_code == 403
    # a reason is needed, and the form says so beside the field
    empty = post_form(founder, f"/circles/{circle}/posts/{rude}/hide", reason=" ")
    assert empty.status_code == 400
    assert text(empty, "#reason-error")

    hidden = post_form(founder, f"/circles/{circle}/posts/{rude}/hide", reason="Not a fair offer")
    assert hidden.status_code in (302, 303)
    page = mel.get(f"/circles/{circle}")
    assert "twice the shop price" not in text(page, "#board")
    assert "Not a fair offer" in page.text  # she is told why, in her news
    assert mel.get(f"/circles/{circle}/posts/{rude}").status_code == 404
    # a site moderator hides a reply
    sam = family("Sam")
    make_moderator(settings, "Sam")
    path = f"/circles/{circle}/posts/{kind}/replies/{reply_id}/hide"
    assert post_form(sam, path, **{f"reason-{reply_id}": "Spam link"}).status_code in (302, 303)
    assert "Still there?" not in text(mel.get(f"/circles/{circle}/posts/{kind}"), "#replies")

    cursor = apply(held, mel, cursor)
    assert ("post", rude) not in held
    assert held["post", kind]["replies"] == []
    fresh, _ = pull_everything(mel)
    assert {k: v for k, v in fresh.items() if k[0] == "post"} == {
        k: v for k, v in held.items() if k[0] == "post"
    }
    assert rows(
        settings,
        "select u.display_name, l.action, l.target_type, l.target_id, l.reason, l.circle_id"
        " from moderation_log l join users u on u.id = l.moderator_id order by l.created_at",
    ) == [
        ("Fatou", "hide", "post", rude, "Not a fair offer", circle),
        ("Sam", "hide", "reply", reply_id, "Spam link", circle),
    ]


def test_a_refused_form_comes_back_with_what_was_typed(circle_of: Any) -> None:
    founder, mel, circle = circle_of()
    empty = post(mel, circle, "   ", kind="offer")
    assert empty.status_code == 400
    assert "write something" in text(empty, "#post-body-error")
    offer = html(empty).select_one("#post-kind-offer")
    assert offer is not None
    assert offer.has_attr("checked")
    long = "Giving away a cot " + "x" * 600
    too_long = post(mel, circle, long)
    assert too_long.status_code == 400
    assert text(too_long, "#post-body") == long
    assert text(too_long, "#post-body-error")
    assert text(too_long, "#post-errors")  # the summary above the form, linking to it
    assert board_texts(mel, circle) == []

    ask = posted(mel, circle, "Cot needed")
    kept = reply(founder, circle, ask, "")
    assert kept.status_code == 400
    assert text(kept, "#body-error")


def test_posting_is_limited_per_hour_like_comments(circle_of: Any) -> None:
    _founder, mel, circle = circle_of()
    for n in range(board.POSTS_PER_HOUR):
        posted(mel, circle, f"Ask number {n}")
    refused = post(mel, circle, "One more ask")
    assert refused.status_code == 400
    assert "in the last hour" in text(refused, "#post-body-error")
    assert text(refused, "#post-body") == "One more ask"


def test_board_mutations_are_applied_once_when_replayed(
    circle_of: Any, family: Any, settings: Settings
) -> None:
    founder, mel, circle = circle_of()
    post_id, reply_id = str(uuid.uuid4()), str(uuid.uuid4())
    mutations = (
        {
            "name": "post.add",
            "args": {"id": post_id, "circle_id": circle, "kind": "ask", "body": "Bottle warmer?"},
        },
        {"name": "post.reply", "args": {"id": reply_id, "post_id": post_id, "body": "I have one"}},
        {"name": "post.sort", "args": {"post_id": post_id, "sorted": True}},
    )
    phone = str(uuid.uuid4())
    first = push(mel, *mutations, client_id=phone)
    assert [r["status"] for r in first["results"]] == ["applied"] * 3
    assert first["results"][2]["outcome"] == {"post_id": post_id, "sorted": True}
    again = push(mel, *mutations, client_id=phone)  # the answer was lost: sent again
    assert again["results"] == first["results"]
    # another phone of hers re-sending the same post and reply changes nothing either
    other = push(mel, *mutations[:2])
    assert [r["status"] for r in other["results"]] == ["applied"] * 2
    assert rows(settings, "select count(*) from circle_posts") == [(1,)]
    assert rows(settings, "select count(*) from circle_post_replies") == [(1,)]
    assert "Bottle warmer?" in board_texts(founder, circle)[0]
    assert "Sorted" in board_texts(founder, circle)[0]

    # refusals are results: an outsider, a bad kind, another's post to sort, a taken id
    olu = family("Olu")
    refused = push(
        olu,
        {
            "name": "post.add",
            "args": {"id": str(uuid.uuid4()), "circle_id": circle, "kind": "ask", "body": "Hi"},
        },
    )["results"][0]
    assert refused["error"]["code"] == "forbidden"
    bad = push(
        mel,
        {
            "name": "post.add",
            "args": {"id": str(uuid.uuid4()), "circle_id": circle, "kind": "sell", "body": "Hi"},
        },
        {"name": "post.sort", "args": {"post_id": post_id}},
    )["results"]
    assert bad[0]["error"]["code"] == "invalid"
    assert "kind" in bad[0]["error"]["fields"]
    assert bad[1]["status"] == "applied"
    taken = push(founder, {"name": "post.sort", "args": {"post_id": post_id, "sorted": False}})
    assert taken["results"][0]["error"]["code"] == "forbidden"
    stolen = push(founder, mutations[0])["results"][0]
    assert stolen["error"]["code"] == "conflict"
    assert user_id(settings, "Mel") == rows(settings, "select author_id from circle_posts")[0][0]


def test_an_incremental_pull_equals_a_fresh_one_for_posts(
    circle_of: Any, family: Any, settings: Settings
) -> None:
    founder, mel, circle = circle_of()
    held, cursor = pull_everything(mel)
    first = posted(mel, circle, "Need a travel cot for the weekend")
    cursor = apply(held, mel, cursor)
    second = posted(founder, circle, "Offering a rocker", kind="offer")
    reply(mel, circle, second, "Yes please!")
    reply(founder, circle, first, "Try the Tuesday swap")
    cursor = apply(held, mel, cursor)
    post_form(mel, f"/circles/{circle}/posts/{first}/sort", sorted="true")
    post_form(founder, f"/circles/{circle}/posts/{second}/pin", pinned="true")
    reply_id = rows(settings, "select id from circle_post_replies where body = 'Yes please!'")[0][0]
    post_form(
        founder,
        f"/circles/{circle}/posts/{second}/replies/{reply_id}/hide",
        **{f"reason-{reply_id}": "Off topic"},
    )
    apply(held, mel, cursor)
    fresh, _ = pull_everything(mel)
    posts = {k: v for k, v in fresh.items() if k[0] == "post"}
    assert set(posts) == {("post", first), ("post", second)}
    assert posts == {k: v for k, v in held.items() if k[0] == "post"}
    assert posts["post", first]["sorted"] is True
    assert [r["body"] for r in posts["post", first]["replies"]] == ["Try the Tuesday swap"]
    assert posts["post", second]["pinned"] is True
    assert posts["post", second]["expires_at"] is None
    assert posts["post", second]["replies"] == []


def test_a_reported_post_reaches_the_circles_moderators_who_hide_it(
    circle_of: Any, family: Any, settings: Settings
) -> None:
    founder, mel, circle = circle_of()
    ana = family("Ana")
    join(ana, circle)
    rude = posted(ana, circle, "Buy my miracle sleep potion, 50 euros")
    page = mel.get(f"/circles/{circle}/posts/{rude}")
    assert html(page).select_one("details.report form[action='/reports']") is not None
    sent = post_form(
        mel,
        "/reports",
        target_type="post",
        target_id=rude,
        reason="Selling, not helping",
        next=f"/circles/{circle}/posts/{rude}",
    )
    assert sent.status_code in (302, 303)
    queue = founder.get(f"/circles/{circle}/moderation")
    assert "Selling, not helping" in text(queue, "#reports")
    link = html(queue).select_one("#reports a[href$='" + rude + "']")
    assert link is not None
    assert link.get_text(strip=True) == "Board post"
    hidden = post_form(
        founder,
        f"/circles/{circle}/moderation/hide",
        target_type="post",
        target_id=rude,
        reason="Selling is not for the board",
    )
    assert hidden.status_code in (302, 303)
    assert "miracle sleep potion" not in text(mel.get(f"/circles/{circle}"), "#board")
    held, _ = pull_everything(mel)
    assert ("post", rude) not in held
    assert rows(settings, "select resolution from reports") == [("hidden",)]
