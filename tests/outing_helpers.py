"""Helpers for tests about outings: propose one through the form, read the database."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Litestar
from litestar.testing import TestClient

from outings.ids import new_id
from outings.settings import Settings
from tests import data
from tests.conftest import csrf_token

TZ = ZoneInfo("Europe/Paris")


def in_days(days: int) -> date:
    from datetime import datetime

    return (datetime.now(TZ) + timedelta(days=days)).date()


def outing_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "id": new_id(),
        "title": "Toddler morning at the zoo",
        "category": "zoo",
        "date": in_days(2).isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "venue_id": "",
        "place": "City Zoo, main gate",
        "meeting_point": "By the giraffes",
        "area": "Riverside",
        "age_min_months": "12",
        "age_max_months": "36",
        "capacity": "8",
        "cost": "",
        "language": "English",
        "description": "Bring snacks.",
    }
    form.update(overrides)
    return form


def propose(client: TestClient[Litestar], **overrides: Any) -> str:
    """Propose an outing through the form; returns its id."""
    form = outing_form(**overrides)
    form["_csrf_token"] = csrf_token(client, "/outings/new")
    response = client.post("/outings", data=form, follow_redirects=False)
    assert response.status_code in (302, 303), response.text
    outing_id: str = form["id"]
    assert response.headers["location"] == f"/outings/{outing_id}"
    return outing_id


def reply(
    client: TestClient[Litestar],
    outing_id: str,
    status: str = "going",
    adults: int = 1,
    children: int = 1,
) -> Any:
    return client.post(
        f"/outings/{outing_id}/rsvp",
        data={
            "_csrf_token": csrf_token(client, f"/outings/{outing_id}"),
            "status": status,
            "adults": str(adults),
            "children": str(children),
        },
    )


def db(settings: Settings, sql: str, *params: object) -> list[tuple[Any, ...]]:
    return data.rows(settings.db, sql, *params)


def make_moderator(settings: Settings, name: str) -> None:
    """Give ``name`` the moderator role, as an admin does: ``outings grant``."""
    import os

    from outings.cli import main
    from tests.conftest import in_thread

    os.environ["OUTINGS_DB"] = settings.db
    try:
        assert in_thread(main, ["grant", "moderator", name]) == 0
    finally:
        del os.environ["OUTINGS_DB"]
