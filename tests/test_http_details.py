"""Small things a client notices: HEAD, content types, a calendar's time zone (issue 11)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from litestar import Litestar
from litestar.testing import TestClient

from outings.app import create_app
from outings.settings import Settings
from tests.conftest import ORIGIN, csrf_token, html, sign_up
from tests.outing_helpers import in_days, propose
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
HostIn = Callable[[str], Client]


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("path", ["/", "/?q=zoo", "/healthz"])
def test_head_answers_like_get_without_a_body(
    client: Client, authenticator: SoftAuthenticator, path: str, signed_in: bool
) -> None:
    if signed_in:
        sign_up(client, authenticator)
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "content-encoding", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert head.headers["content-security-policy"] == got.headers["content-security-policy"]


@pytest.fixture
def host_in(settings: Settings) -> Iterator[HostIn]:
    """A host signed in on an app whose outings are in the given time zone."""
    with ExitStack() as stack:

        def make(timezone: str) -> Client:
            local = Settings(db=settings.db, origin=ORIGIN, secret="x", timezone=timezone)
            client = stack.enter_context(TestClient(create_app(local), base_url=ORIGIN))
            sign_up(client, SoftAuthenticator(origin=ORIGIN), "Hana")
            return client

        yield make


@pytest.mark.parametrize(
    ("timezone", "kinds"),
    [("Europe/Paris", {"STANDARD", "DAYLIGHT"}), ("Africa/Nairobi", {"STANDARD"})],
)
def test_an_outings_calendar_file_carries_its_time_zone(
    host_in: HostIn, timezone: str, kinds: set[str]
) -> None:
    host = host_in(timezone)
    outing_id = propose(host, date=in_days(2).isoformat(), start_time="10:00")
    response = host.get(f"/outings/{outing_id}.ics")
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    (vtimezone,) = cal.timezones
    assert str(vtimezone["TZID"]) == timezone
    assert {c.name for c in vtimezone.subcomponents} >= kinds
    (event,) = cal.walk("VEVENT")
    assert str(event["DTSTART"].params["TZID"]) == timezone
    # A calendar app knows the zone only from the VTIMEZONE: from it alone,
    # 10:00 on the outing's day is the same instant as where it was proposed.
    local = datetime.combine(in_days(2), datetime.min.time()).replace(hour=10)
    expected = local.replace(tzinfo=ZoneInfo(timezone)).utcoffset()
    assert local.replace(tzinfo=vtimezone.to_tz()).utcoffset() == expected


def test_calendar_feeds_and_the_worker_say_their_charset_once(client: Client) -> None:
    sign_up(client, SoftAuthenticator(origin=ORIGIN))
    client.post("/me/calendar", data={"_csrf_token": csrf_token(client, "/me")})
    url = str(html(client.get("/me")).select_one("#calendar-url")["value"])  # type: ignore[index]
    feed = client.get(url.removeprefix(ORIGIN))
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert client.get("/sw.js").headers["content-type"] == "text/javascript; charset=utf-8"
