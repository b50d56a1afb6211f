"""``/me``: a parent's own outings at a glance, coming up then past (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from litestar import Litestar
from litestar.testing import TestClient

from outings.outing.store import iso
from outings.settings import Settings
from tests.conftest import csrf_token, html, sign_up
from tests.outing_helpers import db, in_days, propose, reply
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
Family = Callable[[str], Client]


def _move_to_past(settings: Settings, outing_id: str, days_ago: int) -> None:
    """An outing that took place ``days_ago`` days ago (proposing one in the past is refused)."""
    starts = datetime.now(UTC) - timedelta(days=days_ago)
    db(
        settings,
        "update outings set starts_at = ?, ends_at = ? where id = ?",
        iso(starts),
        iso(starts + timedelta(hours=2)),
        outing_id,
    )


def _listed(page: Client, section: str) -> list[tuple[str, str]]:
    """(title, badges) of each outing in a section of /me, in the order shown."""
    items = html(page.get("/me")).select(f"#my-outings ul[aria-labelledby={section}] > li")
    return [
        (
            item.select_one(".list-title").get_text(strip=True),  # type: ignore[union-attr]
            " + ".join(p.get_text(strip=True) for p in item.select(".my-part .pill")),
        )
        for item in items
    ]


def test_me_lists_coming_up_by_date_then_past_most_recent_first(
    client: Client, authenticator: SoftAuthenticator, family: Family, settings: Settings
) -> None:
    sign_up(client, authenticator, "Ana")
    ana = client
    bo, cy, di = family("Bo"), family("Cy"), family("Di")

    hosted = propose(ana, title="Ana's picnic", date=in_days(2).isoformat())
    reply(ana, hosted)  # a host comes to her own outing: she is still shown as the host
    going = propose(bo, title="Baby swim", date=in_days(1).isoformat())
    reply(ana, going)
    full = propose(bo, title="Puppet show", date=in_days(3).isoformat(), capacity="2")  # Bo + 1
    reply(cy, full)  # Cy takes the place,
    reply(di, full)  # Di waits first,
    reply(ana, full)  # Ana second
    maybe = propose(bo, title="Rhyme time", date=in_days(4).isoformat())
    reply(ana, maybe, status="maybe")
    declined = propose(bo, title="Farm visit", date=in_days(5).isoformat())
    reply(ana, declined, status="declined")
    called_off = propose(cy, title="Museum tour", date=in_days(6).isoformat())
    reply(ana, called_off)
    cy.post(
        f"/outings/{called_off}/cancel",
        data={"_csrf_token": csrf_token(cy, f"/outings/{called_off}"), "reason": "Closed"},
    )
    old_hosted = propose(ana, title="Ana's first meetup", date=in_days(7).isoformat())
    old_went = propose(bo, title="Zoo morning", date=in_days(8).isoformat())
    reply(ana, old_went)
    old_maybe = propose(bo, title="Soft play", date=in_days(9).isoformat())
    reply(ana, old_maybe, status="maybe")
    _move_to_past(settings, old_hosted, days_ago=10)
    _move_to_past(settings, old_went, days_ago=3)
    _move_to_past(settings, old_maybe, days_ago=2)

    assert _listed(ana, "coming-up-title") == [
        ("Baby swim", "Going"),
        ("Ana's picnic", "Hosting"),
        ("Puppet show", "Waitlist #2"),
        ("Rhyme time", "Maybe"),
        ("Museum tour", "Going + Cancelled"),
    ]
    # a "maybe" that is over was no outing of hers; the declined one is nowhere
    assert _listed(ana, "past-title") == [
        ("Zoo morning", "Went"),
        ("Ana's first meetup", "Hosted"),
    ]
    section = html(ana.get("/me")).select_one("#my-outings")
    assert section is not None
    assert "Farm visit" not in section.get_text()


def test_me_shows_the_last_ten_past_outings(
    client: Client, authenticator: SoftAuthenticator, family: Family, settings: Settings
) -> None:
    sign_up(client, authenticator, "Ana")
    hosts = [family("Bo"), family("Cy")]
    for n in range(12):
        outing_id = propose(hosts[n % 2], title=f"Meetup {n}", date=in_days(1).isoformat())
        reply(client, outing_id)
        _move_to_past(settings, outing_id, days_ago=n + 1)

    past = _listed(client, "past-title")
    assert [title for title, _ in past] == [f"Meetup {n}" for n in range(10)]
    section = html(client.get("/me")).select_one("#my-outings")
    assert section is not None
    assert "Your 10 most recent outings." in section.get_text()


def test_a_new_parent_sees_how_to_start(client: Client, authenticator: SoftAuthenticator) -> None:
    sign_up(client, authenticator, "Ana")
    section = html(client.get("/me")).select_one("#my-outings")
    assert section is not None
    assert "Outings you host or reply to will be listed here." in section.get_text()
    assert section.select_one("a[href='/outings/new']")
    assert not section.select("#past-title")


def test_the_new_calendar_link_can_be_copied_or_subscribed_to(
    client: Client, authenticator: SoftAuthenticator
) -> None:
    sign_up(client, authenticator, "Ana")
    client.post("/me/calendar", data={"_csrf_token": csrf_token(client)})
    doc = html(client.get("/me"))
    url = str(doc.select_one("#calendar-url")["value"])  # type: ignore[index]
    assert url.startswith("http://outings.local:8000/calendar/")
    assert url.endswith(".ics")
    subscribe = doc.select_one("#calendar a[href^='webcal:']")
    assert subscribe is not None
    assert subscribe["href"] == "webcal://" + url.removeprefix("http://")
    assert subscribe.get_text(strip=True) == "Subscribe"
    copy = doc.select_one("#calendar button[data-copy=calendar-url]")
    assert copy is not None
    assert copy.has_attr("hidden")  # shown by JavaScript only, where it can copy
    assert client.get(url.removeprefix("http://outings.local:8000")).status_code == 200
