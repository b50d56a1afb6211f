"""Every circle route × every kind of person in and around a circle (issue 13).

The people: a ``visitor`` (not signed in), a ``member``, a ``non_member``
(signed in, not in the circle), ``asked`` (asked to join, not accepted yet),
the circle's ``moderator`` (its founder), ``other_moderator`` (runs another
circle) and ``site_moderator`` (a moderator of the whole site, not in the
circle). Each acts in a world of their own: an "ask to join" circle founded
by Fatou, with Melisande a member and Ana asking to join.

Cells are what :func:`tests.test_authorization.met` says, plus ``names``:
the page named a member (names are for members only). Routes under
``/circles`` have their row here; ``tests/test_authorization.py`` checks
that every route of the app has a row in one of the two matrices.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.ids import new_id
from outings.settings import Settings
from tests import data
from tests.circle_helpers import circle_form, join, post_form, start_circle, user_id
from tests.conftest import csrf_token, html
from tests.outing_helpers import make_moderator, propose
from tests.test_authorization import met as met_elsewhere

Client = TestClient[Litestar]
ACTORS = (
    "visitor",
    "member",
    "non_member",
    "asked",
    "moderator",
    "other_moderator",
    "site_moderator",
)
MEMBER_NAME = "Melisande"
ENTRY = {"kind": "midwife", "name": "Sage-femme Durand", "phone": "01 02 03 04 05"}


@dataclass
class CircleWorld:
    clients: dict[str, Client]
    circle: str
    member: str
    asked: str
    outing: str
    report: str
    entry: str
    pending: str
    pending_too: str
    suggestion: str
    post: str = ""
    reply: str = ""


@pytest.fixture
def world(other_client: Client, family: Any, settings: Settings) -> CircleWorld:
    founder = family("Fatou")
    circle = start_circle(founder, joining="ask")
    member = family(MEMBER_NAME)
    join(member, circle)
    asked = family("Ana")
    join(asked, circle, "Mill Street")
    post_form(founder, f"/circles/{circle}/members/{user_id(settings, MEMBER_NAME)}/accept")
    other_moderator = family("Otto")
    start_circle(other_moderator, name="Hillside families", area="Hillside")
    site_moderator = family("Mo")
    make_moderator(settings, "Mo")
    # an outing in the circle, reported: its moderators act on it first
    outing = propose(member, title="Swap morning")
    with data.connect(settings.db) as conn:
        conn.execute("update outings set circle_id = ? where id = ?", (circle, outing))
    post_form(asked, "/reports", target_type="outing", target_id=outing, reason="Odd", next="/")
    with data.connect(settings.db) as conn:
        report = conn.execute("select id from reports").fetchone()[0]
    # the board: an ask by the member, with a reply of hers
    board_post, board_reply = str(uuid.uuid4()), str(uuid.uuid4())
    post_form(member, f"/circles/{circle}/posts", id=board_post, kind="ask", body="Pram wanted")
    post_form(member, f"/circles/{circle}/posts/{board_post}/replies", id=board_reply, body="Hi")
    # the address book: one entry in it, two waiting; and a suggestion, all Melisande's
    entry, pending, pending_too, suggestion = (new_id() for _ in range(4))
    for entry_id in (entry, pending, pending_too):
        post_form(member, f"/circles/{circle}/entries", id=entry_id, **ENTRY)
    post_form(founder, f"/circles/{circle}/entries/{entry}/approve")
    post_form(member, f"/circles/{circle}/suggestions", id=suggestion, body="Saturdays too?")
    return CircleWorld(
        clients={
            "visitor": other_client,
            "member": member,
            "non_member": family("Nia"),
            "asked": asked,
            "moderator": founder,
            "other_moderator": other_moderator,
            "site_moderator": site_moderator,
        },
        circle=circle,
        member=user_id(settings, MEMBER_NAME),
        asked=user_id(settings, "Ana"),
        outing=outing,
        report=report,
        post=board_post,
        reply=board_reply,
        entry=entry,
        pending=pending,
        pending_too=pending_too,
        suggestion=suggestion,
    )


Act = Callable[[CircleWorld, Client], Any]


def get(path: str) -> Act:
    return lambda w, c: c.get(path.format(w=w), follow_redirects=False)


def form(path: str, **data: str) -> Act:
    """POST a form with this person's CSRF token; ``{w.…}`` in keys and values is the world's."""

    def act(w: CircleWorld, c: Client) -> Any:
        fields = {k.format(w=w): v.format(w=w) for k, v in data.items()}
        return c.post(
            path.format(w=w),
            data={"_csrf_token": csrf_token(c), **fields},
            follow_redirects=False,
        )

    return act


def cells(default: str, **others: str) -> dict[str, str]:
    """Visitors are sent to sign in; everyone signed in meets ``default`` unless named."""
    return {"visitor": "login", **dict.fromkeys(ACTORS[1:], default), **others}


def everyone(outcome: str, **others: str) -> dict[str, str]:
    return {**dict.fromkeys(ACTORS, outcome), **others}


ONLY_MODERATOR = cells("denied", moderator="ok")
# reports and removals: the circle's moderators, and the site's who step in
CIRCLE_MODERATORS = cells("denied", moderator="ok", site_moderator="ok")

# "METHOD path" as the app routes it -> (what the person does, what each meets),
# in the order they are tried: what changes the circle last.
CIRCLE_MATRIX: dict[str, tuple[Act, dict[str, str]]] = {
    "GET /circles": (get("/circles"), everyone("ok")),
    "GET /circles/new": (get("/circles/new"), cells("ok")),
    # names to members only (and to the site's moderators, who may act on it)
    "GET /circles/{circle_id:str}": (
        get("/circles/{w.circle}"),
        everyone("ok", member="names", moderator="names"),
    ),
    "GET /circles/{circle_id:str}/members": (
        get("/circles/{w.circle}/members"),
        cells("denied", member="names", moderator="names", site_moderator="names"),
    ),
    "GET /circles/{circle_id:str}/edit": (get("/circles/{w.circle}/edit"), ONLY_MODERATOR),
    "GET /circles/{circle_id:str}/moderation": (
        get("/circles/{w.circle}/moderation"),
        CIRCLE_MODERATORS,
    ),
    "POST /circles/{circle_id:str}/moderation/reports/{report_id:str}/dismiss": (
        form("/circles/{w.circle}/moderation/reports/{w.report}/dismiss"),
        CIRCLE_MODERATORS,
    ),
    "POST /circles/{circle_id:str}/moderation/hide": (
        form(
            "/circles/{w.circle}/moderation/hide",
            target_type="outing",
            target_id="{w.outing}",
            reason="Not for here",
        ),
        CIRCLE_MODERATORS,
    ),
    # the board: members read and write; its moderators pin; they and the site's hide
    "GET /circles/{circle_id:str}/posts/{post_id:str}": (
        get("/circles/{w.circle}/posts/{w.post}"),
        cells("denied", member="names", moderator="names", site_moderator="names"),
    ),
    "POST /circles/{circle_id:str}/posts": (
        form("/circles/{w.circle}/posts", id=str(uuid.uuid4()), kind="offer", body="A cot"),
        cells("denied", member="ok", moderator="ok"),
    ),
    "POST /circles/{circle_id:str}/posts/{post_id:str}/replies": (
        form("/circles/{w.circle}/posts/{w.post}/replies", id=str(uuid.uuid4()), body="Me!"),
        cells("denied", member="ok", moderator="ok"),
    ),
    "POST /circles/{circle_id:str}/posts/{post_id:str}/sort": (
        form("/circles/{w.circle}/posts/{w.post}/sort", sorted="true"),
        cells("denied", member="ok"),
    ),
    "POST /circles/{circle_id:str}/posts/{post_id:str}/pin": (
        form("/circles/{w.circle}/posts/{w.post}/pin", pinned="true"),
        ONLY_MODERATOR,
    ),
    "POST /circles/{circle_id:str}/posts/{post_id:str}/replies/{reply_id:str}/hide": (
        form(
            "/circles/{w.circle}/posts/{w.post}/replies/{w.reply}/hide",
            **{"reason-{w.reply}": "Spam"},
        ),
        CIRCLE_MODERATORS,
    ),
    "POST /circles/{circle_id:str}/posts/{post_id:str}/hide": (
        form("/circles/{w.circle}/posts/{w.post}/hide", reason="Spam"),
        CIRCLE_MODERATORS,
    ),
    # the address book: its contents (and who recommends) for members; run by moderators
    "GET /circles/{circle_id:str}/book": (
        get("/circles/{w.circle}/book"),
        everyone("ok", member="names", moderator="names"),
    ),
    "POST /circles/{circle_id:str}/entries": (
        form("/circles/{w.circle}/entries", id=new_id(), **ENTRY),
        cells("denied", member="ok", moderator="ok"),
    ),
    "POST /circles/{circle_id:str}/entries/{entry_id:str}/recommend": (
        form("/circles/{w.circle}/entries/{w.entry}/recommend"),
        cells("denied", member="ok", moderator="ok"),
    ),
    "POST /circles/{circle_id:str}/entries/{entry_id:str}/approve": (
        form("/circles/{w.circle}/entries/{w.pending}/approve"),
        ONLY_MODERATOR,
    ),
    "POST /circles/{circle_id:str}/entries/{entry_id:str}/decline": (
        form("/circles/{w.circle}/entries/{w.pending_too}/decline"),
        ONLY_MODERATOR,
    ),
    "POST /circles/{circle_id:str}/entries/{entry_id:str}/hide": (
        form("/circles/{w.circle}/entries/{w.entry}/hide", reason="Closed for good"),
        CIRCLE_MODERATORS,
    ),
    # the suggestion box: a member's own; every one, with its author, to the moderators
    "GET /circles/{circle_id:str}/suggestions": (
        get("/circles/{w.circle}/suggestions"),
        cells("denied", member="ok", moderator="names"),
    ),
    "POST /circles/{circle_id:str}/suggestions": (
        form("/circles/{w.circle}/suggestions", id=new_id(), body="A picnic?"),
        cells("denied", member="ok", moderator="ok"),
    ),
    "POST /circles/{circle_id:str}/suggestions/{suggestion_id:str}/answer": (
        form("/circles/{w.circle}/suggestions/{w.suggestion}/answer", answer="Yes!"),
        ONLY_MODERATOR,
    ),
    "POST /circles/{circle_id:str}/suggestions/{suggestion_id:str}/close": (
        form("/circles/{w.circle}/suggestions/{w.suggestion}/close"),
        ONLY_MODERATOR,
    ),
    # the news: public outings for anyone, who joined (names) for members
    "GET /circles/{circle_id:str}/news": (
        get("/circles/{w.circle}/news"),
        everyone("ok", member="names", moderator="names"),
    ),
    "POST /circles/{circle_id:str}/news": (
        form("/circles/{w.circle}/news", id=new_id(), note="Welcome!"),
        ONLY_MODERATOR,
    ),
    "POST /circles": (form("/circles", **circle_form()), cells("ok")),
    "POST /circles/{circle_id:str}": (
        form("/circles/{w.circle}", **circle_form(name="Renamed circle", joining="ask")),
        ONLY_MODERATOR,
    ),
    "POST /circles/{circle_id:str}/members/{user_id:str}/role": (
        form("/circles/{w.circle}/members/{w.member}/role", role="moderator"),
        ONLY_MODERATOR,
    ),
    "POST /circles/{circle_id:str}/members/{user_id:str}/accept": (
        form("/circles/{w.circle}/members/{w.asked}/accept"),
        ONLY_MODERATOR,
    ),
    "POST /circles/{circle_id:str}/members/{user_id:str}/decline": (
        form("/circles/{w.circle}/members/{w.asked}/decline"),
        ONLY_MODERATOR,
    ),
    "POST /circles/{circle_id:str}/members/{user_id:str}/remove": (
        form("/circles/{w.circle}/members/{w.member}/remove", **{"reason-{w.member}": "Spam"}),
        CIRCLE_MODERATORS,
    ),
    "POST /circles/{circle_id:str}/join": (form("/circles/{w.circle}/join"), cells("ok")),
    # the founder is the only moderator left: she hands over first
    "POST /circles/{circle_id:str}/leave": (
        form("/circles/{w.circle}/leave"),
        cells("ok", moderator="conflict"),
    ),
}


def met(response: Any) -> str:
    outcome = met_elsewhere(response)
    main = html(response).select_one("main") if outcome == "ok" else None
    # the page's own content: the header names whoever is signed in
    if main is not None and MEMBER_NAME in main.get_text():
        return "names"
    return outcome


@pytest.mark.parametrize("who", ACTORS)
def test_circle_authorization_matrix(world: CircleWorld, who: str) -> None:
    client = world.clients[who]
    wrong = []
    for key, (act, expected) in CIRCLE_MATRIX.items():
        response = act(world, client)
        if met(response) != expected[who]:
            wrong.append(f"{key}: {met(response)} ({response.status_code}), not {expected[who]}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)
