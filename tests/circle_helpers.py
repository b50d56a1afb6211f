"""Helpers for tests about circles: start one, join one, pull what a phone holds."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

from outings.ids import new_id
from outings.settings import Settings
from tests import data
from tests.conftest import csrf_token, html

Client = TestClient[Litestar]


def circle_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "id": new_id(),
        "name": "Riverside parents",
        "area": "Riverside",
        "description": "Mums and dads on leave around the river.",
        "language": "en",
        "colour": "teal",
        "emoji": "🌳",
        "joining": "open",
    }
    form.update(overrides)
    return form


def start_circle(client: Client, **overrides: Any) -> str:
    """Start a circle through the form; returns its id."""
    form = circle_form(**overrides)
    form["_csrf_token"] = csrf_token(client, "/circles/new")
    response = client.post("/circles", data=form, follow_redirects=False)
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == f"/circles/{form['id']}"
    circle_id: str = form["id"]
    return circle_id


def post_form(client: Client, path: str, **data: Any) -> Any:
    return client.post(
        path, data={"_csrf_token": csrf_token(client), **data}, follow_redirects=False
    )


def join(client: Client, circle_id: str, message: str = "") -> Any:
    return post_form(client, f"/circles/{circle_id}/join", message=message)


def user_id(settings: Settings, name: str) -> str:
    found: str = data.rows(settings.db, "select id from users where display_name = ?", name)[0][0]
    return found


def pull_everything(client: Client, cursor: int = 0) -> tuple[dict[tuple[str, str], Any], int]:
    """Apply every page of pulls from ``cursor`` as a phone would: (held entities, cursor)."""
    held: dict[tuple[str, str], Any] = {}
    while True:
        page = client.get(f"/api/sync/pull?cursor={cursor}&limit=50").json()
        if page.get("reset"):
            held = {}
        for change in page["changes"]:
            key = (change["type"], change["id"])
            if change["op"] == "put":
                held[key] = change["data"]
            else:
                held.pop(key, None)
        cursor = page["cursor"]
        if not page["has_more"]:
            return held, cursor


def apply(held: dict[tuple[str, str], Any], client: Client, cursor: int) -> int:
    """Bring ``held`` up to date from ``cursor`` (in place); the new cursor."""
    while True:
        page = client.get(f"/api/sync/pull?cursor={cursor}&limit=3").json()
        if page.get("reset"):
            held.clear()
        for change in page["changes"]:
            key = (change["type"], change["id"])
            if change["op"] == "put":
                held[key] = change["data"]
            else:
                held.pop(key, None)
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor


def sync_client() -> str:
    return str(uuid.uuid4())


def text(response: Any, selector: str) -> str:
    """The text of the one element ``selector`` finds on a page (which must be there)."""
    found = html(response).select_one(selector)
    assert found is not None, f"nothing matches {selector}"
    return found.get_text(" ", strip=True)


def section(response: Any, heading: str) -> str:
    """The text of the section a heading (by its id selector) opens."""
    found = html(response).select_one(heading)
    assert found is not None, f"no {heading}"
    parent = found.find_parent("section")
    assert parent is not None
    return parent.get_text(" ", strip=True)
