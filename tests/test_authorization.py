"""Every route × every kind of person: who may do what (issue 11).

The routes are read from the app itself: a new route without a row in
:data:`MATRIX` fails :func:`test_every_route_has_a_row`. Each person acts in
a world of their own (an outing with a private meeting point, hosted by
Hana, full with Cora confirmed, Wim on the waitlist and May saying maybe;
a café Manon manages; a comment, a report, a claim), so what one person is
allowed to change never changes what another meets.

A cell is what the person meets: ``ok`` (done, or shown), ``private`` (the
outing page with its private meeting point), ``login`` (sent to sign in, or
a 401 for the JSON API), ``denied`` (403), ``missing`` (404: not theirs to
know of), ``invalid`` (400: a ceremony with no challenge).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from outings.app import create_app
from outings.settings import Settings
from tests import data
from tests.conftest import csrf_token, html, sign_up
from tests.outing_helpers import make_moderator, outing_form, propose, reply
from tests.softauthn import SoftAuthenticator
from tests.test_venues import list_venue, venue_form

Client = TestClient[Litestar]
ACTORS = ("anonymous", "member", "host", "confirmed", "waitlisted", "maybe", "manager", "moderator")
SIGNED_IN = ACTORS[1:]
SECRET_SPOT = "Behind the blue kiosk"


@dataclass
class World:
    clients: dict[str, Client]
    outing: str
    venue: str
    park: str
    comment: str
    report: str
    claim: str
    host_passkey: str
    host_session: str
    host_push: str
    static: str


def _one(settings: Settings, sql: str) -> str:
    value: str = data.rows(settings.db, sql)[0][0]
    return value


@pytest.fixture
def world(client: Client, other_client: Client, family: Any, settings: Settings) -> World:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    manager = family("Manon")
    venue = list_venue(manager, manage="on")
    outing = propose(client, capacity="2", meeting_point=SECRET_SPOT, meeting_point_private="on")
    people = {"member": family("Mel"), "confirmed": family("Cora"), "waitlisted": family("Wim")}
    people["maybe"] = family("May")
    reply(people["confirmed"], outing)
    reply(people["waitlisted"], outing)
    reply(people["maybe"], outing, "maybe")
    people["confirmed"].post(
        f"/outings/{outing}/comments",
        data={"_csrf_token": csrf_token(people["confirmed"]), "body": "See you!"},
    )
    park = list_venue(people["member"], name="Community park", kind="park")
    people["member"].post(
        f"/venues/{park}/claim", data={"_csrf_token": csrf_token(people["member"])}
    )
    people["member"].post(
        "/reports",
        data={
            "_csrf_token": csrf_token(people["member"]),
            "target_type": "outing",
            "target_id": outing,
            "reason": "Odd",
            "next": "/",
        },
    )
    moderator = family("Mo")
    make_moderator(settings, "Mo")
    css = html(client.get("/")).select_one("link[rel=stylesheet]")
    assert css is not None
    turned_on = client.post("/api/push/subscriptions", json=push_subscription("hana"))
    assert turned_on.status_code == 201, turned_on.text
    return World(
        clients={
            "anonymous": other_client,
            "host": client,
            "manager": manager,
            "moderator": moderator,
            **people,
        },
        outing=outing,
        venue=venue,
        park=park,
        comment=_one(settings, "select id from comments"),
        report=_one(settings, "select id from reports"),
        claim=_one(settings, "select id from venue_claims"),
        host_passkey=_one(
            settings,
            "select p.id from passkeys p join users u on u.id = p.user_id"
            " where u.display_name = 'Hana'",
        ),
        host_session=_one(
            settings,
            "select s.id from sessions s join users u on u.id = s.user_id"
            " where u.display_name = 'Hana'",
        ),
        host_push=_one(settings, "select id from push_subscriptions"),
        static=str(css["href"]).removeprefix("/static/"),
    )


Act = Callable[[World, Client], Any]


def form(path: str, **data: Any) -> Act:
    """POST a form (with this person's CSRF token) to ``path`` formatted with the world."""

    def act(w: World, c: Client) -> Any:
        return c.post(
            path.format(w=w),
            data={"_csrf_token": csrf_token(c), **_format(data, w)},
            follow_redirects=False,
        )

    return act


def get(path: str, **headers: str) -> Act:
    return lambda w, c: c.get(path.format(w=w), headers=headers, follow_redirects=False)


def head(path: str) -> Act:
    return lambda w, c: c.head(path.format(w=w), follow_redirects=False)


def api(path: str, body: Any) -> Act:
    return lambda w, c: c.post(path, json=body, follow_redirects=False)


def push_subscription(name: str) -> dict[str, Any]:
    """What a browser's ``PushSubscription.toJSON()`` gives (keys of the right shape)."""
    return {
        "endpoint": f"https://push.example.test/send/{name}",
        "keys": {"p256dh": "BA" + "A" * 85, "auth": "A" * 22},
    }


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ACTORS, outcome)


def members(outcome: str, **others: str) -> dict[str, str]:
    """Visitors are sent to sign in; everyone signed in meets ``outcome`` unless named."""
    return {"anonymous": "login", **dict.fromkeys(SIGNED_IN, outcome), **others}


ONLY_MODERATORS = members("denied", moderator="ok")
ONLY_HOST = members("denied", host="ok")
HANAS = members("missing", host="ok")  # her passkey, her session: nobody else's to know of


def edited_outing(w: World, c: Client) -> Any:
    data = outing_form(id=w.outing, title="Renamed", capacity="2", meeting_point=SECRET_SPOT)
    return c.post(
        f"/outings/{w.outing}",
        data={**data, "_csrf_token": csrf_token(c)},
        follow_redirects=False,
    )


def edited_venue(w: World, c: Client) -> Any:
    data = venue_form(id=w.venue, name="Renamed café")
    return c.post(
        f"/venues/{w.venue}", data={**data, "_csrf_token": csrf_token(c)}, follow_redirects=False
    )


def new_outing(w: World, c: Client) -> Any:
    data = outing_form(id=str(uuid.uuid4()))
    return c.post("/outings", data={**data, "_csrf_token": csrf_token(c)}, follow_redirects=False)


def new_venue(w: World, c: Client) -> Any:
    data = venue_form(id=str(uuid.uuid4()), name="Another café")
    return c.post("/venues", data={**data, "_csrf_token": csrf_token(c)}, follow_redirects=False)


def commented(w: World, c: Client) -> Any:
    return c.post(
        f"/outings/{w.outing}/comments",
        data={"_csrf_token": csrf_token(c), "body": "Hello", "id": str(uuid.uuid4())},
        follow_redirects=False,
    )


# "METHOD path" as the app routes it -> (what the person does, what each meets).
# In the order they are tried: what ends a world (cancelling, signing out) last.
MATRIX: dict[str, tuple[Act, dict[str, str]]] = {
    "GET /": (get("/"), everyone("ok")),
    "HEAD /": (head("/"), everyone("ok")),
    "GET /offline": (get("/offline"), everyone("ok")),
    "GET /healthz": (get("/healthz"), everyone("ok")),
    "HEAD /healthz": (head("/healthz"), everyone("ok")),
    "GET /language": (get("/language?lang=fr&next=/"), everyone("ok")),
    "GET /area": (get("/area?area=Riverside&next=/"), everyone("ok")),
    "GET /sw.js": (get("/sw.js"), everyone("ok")),
    "GET /manifest.webmanifest": (get("/manifest.webmanifest"), everyone("ok")),
    "GET /favicon.ico": (get("/favicon.ico"), everyone("ok")),
    "GET /static/{path:path}": (get("/static/{w.static}"), everyone("ok")),
    "GET /api/schema/openapi.json": (get("/api/schema/openapi.json"), everyone("ok")),
    "GET /api/schema": (get("/api/schema"), everyone("ok")),
    "GET /api/schema/{path:str}": (get("/api/schema/redoc"), everyone("missing")),
    # a feed is reached by its secret alone: a wrong one is no one's
    "GET /calendar/{token:str}": (get("/calendar/not-a-secret.ics"), everyone("missing")),
    "GET /register": (get("/register"), everyone("ok")),
    "GET /login": (get("/login"), everyone("ok")),
    "GET /me": (get("/me"), members("ok")),
    "GET /outings/{ref:str}": (
        get("/outings/{w.outing}"),
        {**everyone("ok"), "host": "private", "confirmed": "private"},
    ),
    "GET /outings/new": (get("/outings/new"), members("ok")),
    "GET /outings/{outing_id:str}/edit": (
        get("/outings/{w.outing}/edit"),
        {**ONLY_HOST, "host": "private"},
    ),
    "GET /venues": (get("/venues"), everyone("ok")),
    "GET /venues/new": (get("/venues/new"), members("ok")),
    "GET /venues/{venue_id:str}": (get("/venues/{w.venue}"), everyone("ok")),
    "GET /venues/{venue_id:str}/edit": (
        get("/venues/{w.venue}/edit"),
        members("denied", manager="ok", moderator="ok"),
    ),
    "GET /moderation": (get("/moderation"), ONLY_MODERATORS),
    "GET /api/sync/pull": (get("/api/sync/pull?cursor=0"), everyone("ok")),
    "POST /api/sync/push": (
        api("/api/sync/push", {"client_id": str(uuid.uuid4()), "mutations": []}),
        members("ok"),
    ),
    "POST /api/auth/register/options": (
        api("/api/auth/register/options", {"display_name": "Someone"}),
        everyone("ok"),
    ),
    "POST /api/auth/register/verify": (
        api("/api/auth/register/verify", {"id": "x"}),
        everyone("invalid"),
    ),
    "POST /api/auth/login/options": (api("/api/auth/login/options", {}), everyone("ok")),
    "POST /api/auth/login/verify": (
        api("/api/auth/login/verify", {"id": "x"}),
        everyone("invalid"),
    ),
    "POST /outings": (new_outing, members("ok")),
    "POST /outings/{outing_id:str}": (edited_outing, ONLY_HOST),
    # the host and the families who replied talk in the comments
    "POST /outings/{outing_id:str}/comments": (
        commented,
        members("denied", host="ok", confirmed="ok", waitlisted="ok", maybe="ok"),
    ),
    "POST /outings/{outing_id:str}/rsvp": (
        form("/outings/{w.outing}/rsvp", status="maybe", adults="1", children="0"),
        members("ok"),
    ),
    "POST /comments/{comment_id:str}/delete": (
        form("/comments/{w.comment}/delete"),
        members("denied", confirmed="ok"),
    ),
    "POST /venues": (new_venue, members("ok")),
    "POST /venues/{venue_id:str}": (
        edited_venue,
        members("denied", manager="ok", moderator="ok"),
    ),
    "POST /venues/{venue_id:str}/confirm": (form("/venues/{w.venue}/confirm"), members("ok")),
    # a place with a manager takes claims from others (a moderator decides)
    "POST /venues/{venue_id:str}/claim": (
        form("/venues/{w.venue}/claim", message="I run it"),
        members("ok", manager="conflict"),
    ),
    "POST /reports": (
        form("/reports", target_type="venue", target_id="{w.venue}", reason="Closed", next="/"),
        members("ok"),
    ),
    "POST /moderation/venues/{venue_id:str}/verify": (
        form("/moderation/venues/{w.venue}/verify"),
        ONLY_MODERATORS,
    ),
    "POST /moderation/claims/{claim_id:str}/{decision:str}": (
        form("/moderation/claims/{w.claim}/approve"),
        ONLY_MODERATORS,
    ),
    "POST /moderation/reports/{report_id:str}/dismiss": (
        form("/moderation/reports/{w.report}/dismiss"),
        ONLY_MODERATORS,
    ),
    "POST /api/push/subscriptions": (
        api("/api/push/subscriptions", push_subscription("someone")),
        members("ok"),
    ),
    "POST /me/push/{subscription_id:str}/off": (form("/me/push/{w.host_push}/off"), HANAS),
    "POST /me/push/preferences": (
        form("/me/push/preferences", kind="promoted", quiet_from="22:00", quiet_until="07:00"),
        members("ok"),
    ),
    "POST /me/notifications/read": (form("/me/notifications/read", next="/"), members("ok")),
    "POST /me/calendar": (form("/me/calendar"), members("ok")),
    "POST /me/calendar/stop": (form("/me/calendar/stop"), members("ok")),
    "POST /me/passkeys/{passkey_id:str}/rename": (
        form("/me/passkeys/{w.host_passkey}/rename", name="Phone"),
        HANAS,
    ),
    "POST /me/passkeys/{passkey_id:str}/delete": (
        form("/me/passkeys/{w.host_passkey}/delete"),
        HANAS,
    ),
    "POST /moderation/hide": (
        form("/moderation/hide", target_type="comment", target_id="{w.comment}", reason="Rude"),
        ONLY_MODERATORS,
    ),
    "POST /outings/{outing_id:str}/cancel": (
        form("/outings/{w.outing}/cancel", reason="Rain"),
        ONLY_HOST,
    ),
    "POST /me/sessions/{session_id:str}/revoke": (
        form("/me/sessions/{w.host_session}/revoke"),
        HANAS,
    ),
    "POST /logout": (form("/logout"), everyone("ok")),
    "POST /api/auth/logout": (api("/api/auth/logout", {}), everyone("ok")),
}


def routed(app: Litestar) -> set[str]:
    """Every "METHOD path" the app answers (the automatic OPTIONS answers aside)."""
    found = set()
    for route in app.routes:
        assert isinstance(route, HTTPRoute), route
        for handler in route.route_handlers:
            for method in handler.http_methods - {"OPTIONS"}:
                found.add(f"{method} {route.path}")
    return found


def test_every_route_has_a_row(settings: Settings) -> None:
    from tests.test_circle_authorization import CIRCLE_MATRIX

    app = create_app(settings)
    assert not set(MATRIX) & set(CIRCLE_MATRIX)
    assert routed(app) == set(MATRIX) | set(CIRCLE_MATRIX)


def _format(data: dict[str, Any], w: World) -> dict[str, Any]:
    return {k: v.format(w=w) if isinstance(v, str) else v for k, v in data.items()}


def met(response: Any) -> str:
    status = response.status_code
    location = response.headers.get("location", "")
    if status == 401 or (status in (302, 303) and location.startswith("/login")):
        return "login"
    if status in (200, 201, 204, 302, 303, 304):
        return "private" if SECRET_SPOT in response.text else "ok"
    return {400: "invalid", 403: "denied", 404: "missing", 409: "conflict"}.get(status, str(status))


@pytest.mark.parametrize("who", ACTORS)
def test_authorization_matrix(world: World, who: str) -> None:
    client = world.clients[who]
    wrong = []
    for key, (act, expected) in MATRIX.items():
        response = act(world, client)
        if met(response) != expected[who]:
            wrong.append(f"{key}: {met(response)} ({response.status_code}), not {expected[who]}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


def test_a_page_without_a_token_is_refused_whoever_asks(world: World) -> None:
    for who in ACTORS:
        response = world.clients[who].post("/me/calendar", data={}, follow_redirects=False)
        assert response.status_code == 403, who
        assert re.search("form has expired", response.text), who
