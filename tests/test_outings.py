"""Outings through the real app: propose, browse, the outing page, RSVPs, host tools."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from litestar import Litestar
from litestar.testing import TestClient

from outings.settings import Settings
from tests.conftest import csrf_token, html, sign_up
from tests.outing_helpers import TZ, db, in_days, outing_form, propose, reply
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
#: Replies but the hosts' own (a host comes to her outing: issue 12).
GUESTS = " where user_id not in (select host_id from outings)"
Family = Callable[[str], Client]


@pytest.fixture
def host(client: Client, authenticator: SoftAuthenticator) -> Client:
    sign_up(client, authenticator, "Hana")
    return client


def test_proposing_needs_an_account(client: Client) -> None:
    response = client.get("/outings/new", follow_redirects=False)
    assert response.headers["location"] == "/login?next=%2Foutings%2Fnew"


def test_the_form_has_sensible_defaults(host: Client) -> None:
    doc = html(host.get("/outings/new"))
    assert doc.select_one("#f-date")["value"] == in_days(1).isoformat()  # type: ignore[index]
    assert doc.select_one("#f-start_time")["value"] == "10:00"  # type: ignore[index]
    for name in (
        "title",
        "category",
        "date",
        "start_time",
        "end_time",
        "place",
        "area",
        "capacity",
        "cost",
        "language",
        "description",
        "age_min_months",
    ):
        assert doc.select_one(f"label[for=f-{name}]"), name


def test_a_proposed_outing_is_stored_in_utc_and_shown(host: Client, settings: Settings) -> None:
    outing_id = propose(host)
    (starts_at, ends_at, capacity, host_name) = db(
        settings,
        "select starts_at, ends_at, capacity, u.display_name from outings o"
        " join users u on u.id = o.host_id where o.id = ?",
        outing_id,
    )[0]
    local_start = datetime.combine(in_days(2), datetime.min.time().replace(hour=10), TZ)
    assert datetime.fromisoformat(starts_at) == local_start
    assert starts_at.endswith("Z")
    assert datetime.fromisoformat(ends_at) - datetime.fromisoformat(starts_at) == timedelta(hours=2)
    assert (capacity, host_name) == (8, "Hana")
    doc = html(host.get(f"/outings/{outing_id}"))
    assert doc.select_one("h1").get_text(strip=True) == "Toddler morning at the zoo"  # type: ignore[union-attr]
    assert "Your outing is up!" in doc.select_one(".flash").get_text()  # type: ignore[union-attr]
    assert "7 places left" in doc.select_one(".pill").get_text()  # type: ignore[union-attr]


def test_a_resent_form_makes_one_outing(host: Client, settings: Settings) -> None:
    form = outing_form()
    form["_csrf_token"] = csrf_token(host, "/outings/new")
    host.post("/outings", data=form)
    host.post("/outings", data=form)
    assert db(settings, "select count(*) from outings") == [(1,)]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"title": "  "}, "title", "give the outing a title"),
        ({"date": in_days(-1).isoformat()}, "start_time", "in the past"),
        ({"end_time": "09:00"}, "end_time", "after the start"),
        ({"place": "", "venue_id": ""}, "place", "say where"),
        ({"capacity": "lots"}, "capacity", "whole number"),
        ({"capacity": "0"}, "capacity", "from 1 to 500"),
        ({"age_min_months": "36", "age_max_months": "12"}, "age_max_months", "not be below"),
        ({"title": "x" * 101}, "title", "under 101"),
        ({"date": "someday"}, "date", "choose a day"),
        ({"category": "rocket"}, "category", "kind of outing"),
        ({"venue_id": "6f1c1d7e-0000-4000-8000-000000000000"}, "venue_id", "no longer listed"),
    ],
)
def test_a_bad_field_comes_back_with_what_was_typed(
    host: Client, settings: Settings, overrides: dict[str, str], field: str, words: str
) -> None:
    form = outing_form(description="Keep me", **overrides)
    form["_csrf_token"] = csrf_token(host, "/outings/new")
    response = host.post("/outings", data=form)
    assert response.status_code == 400
    doc = html(response)
    error = doc.select_one(f"#{field}-error")
    assert error is not None, doc.select(".field-error")
    assert words in error.get_text()
    assert doc.select_one(f"#f-{field}")["aria-invalid"] == "true"  # type: ignore[index]
    assert doc.select_one("#f-description").get_text() == "Keep me"  # type: ignore[union-attr]
    summary = doc.select_one("#form-errors[tabindex='-1'][autofocus]")
    assert summary is not None
    assert words in summary.select_one(f"a[href='#f-{field}']").get_text()  # type: ignore[union-attr]
    assert db(settings, "select count(*) from outings") == [(0,)]


def test_browse_lists_soonest_first_grouped_by_day_with_filters(
    host: Client, client: Client
) -> None:
    propose(
        host,
        title="Pool splash",
        category="pool",
        date=in_days(3).isoformat(),
        area="Northgate",
        age_min_months="0",
        age_max_months="12",
    )
    propose(
        host,
        title="Zoo walk",
        category="zoo",
        date=in_days(1).isoformat(),
        area="Riverside",
        age_min_months="12",
        age_max_months="36",
    )
    propose(
        host,
        title="Museum of dinosaurs",
        category="museum",
        date=in_days(1).isoformat(),
        start_time="14:00",
        end_time="15:30",
        area="Old Town",
        age_min_months="",
        age_max_months="",
    )
    titles = [a.get_text(strip=True) for a in html(client.get("/")).select(".outing-title a")]
    assert titles == ["Zoo walk", "Museum of dinosaurs", "Pool splash"]
    assert len(html(client.get("/")).select("section.day")) == 2

    def shown(query: str) -> list[str]:
        doc = html(client.get("/?" + query))
        return [a.get_text(strip=True) for a in doc.select(".outing-title a")]

    assert shown("category=pool") == ["Pool splash"]
    assert shown("when=tomorrow") == ["Zoo walk", "Museum of dinosaurs"]
    assert shown("age=6") == ["Museum of dinosaurs", "Pool splash"]
    assert shown("age=24&when=tomorrow") == ["Zoo walk", "Museum of dinosaurs"]
    assert shown("area=old+town") == ["Museum of dinosaurs"]
    assert shown("q=dinosaur") == ["Museum of dinosaurs"]
    assert shown("q=100%25") == []
    # filters stay in the form, and an empty result says what to change
    doc = html(client.get("/?category=farm&area=Riverside"))
    assert doc.select_one("#category option[selected]")["value"] == "farm"  # type: ignore[index]
    assert "No outings match these filters" in doc.get_text()
    assert doc.select_one(".empty a[href='/']")
    # nonsense filters are ignored, never an error
    assert client.get("/?age=old&when=someday&category=<b>").status_code == 200


def test_outing_page_carries_schema_org_event(host: Client) -> None:
    outing_id = propose(host, cost="")
    doc = html(host.get(f"/outings/{outing_id}"))
    data = json.loads(doc.select_one("script[type='application/ld+json']").get_text())  # type: ignore[union-attr]
    assert data["@type"] == "Event"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert datetime.fromisoformat(data["startDate"]).utcoffset() is not None
    assert data["maximumAttendeeCapacity"] == 8
    assert data["remainingAttendeeCapacity"] == 7  # the host's family holds a place
    assert data["isAccessibleForFree"] is True
    assert data["typicalAgeRange"] == "1-3"
    assert data["audience"] == {"@type": "ParentAudience", "childMinAge": 1, "childMaxAge": 3}
    assert "organizer" not in data  # JSON-LD is for search engines: it names no one
    assert data["location"]["@type"] == "Place"


def test_rsvp_capacity_waitlist_and_promotion(
    host: Client, family: Family, settings: Settings
) -> None:
    outing_id = propose(host, capacity="2", title="Baby swim")  # the host's and one more
    ana, bo, cy = family("Ana"), family("Bo"), family("Cy")
    assert "You're in!" in reply(ana, outing_id, adults=2, children=1).text
    page = html(reply(bo, outing_id))
    assert "number 1 on the waitlist" in page.select_one(".my-reply").get_text()  # type: ignore[union-attr]
    assert "number 2 on the waitlist" in reply(cy, outing_id).text
    pills = [p.get_text() for p in html(host.get("/")).select(".pill")]
    assert pills == ["Hosting", "Full — join the waitlist"]
    # the host sees the waitlist in order; others see only its length
    assert [
        li.get_text(" ", strip=True).split()[0]
        for li in html(host.get(f"/outings/{outing_id}")).select("#people ol li")
    ] == ["Bo", "Cy"]
    assert "2 families are waiting" in ana.get(f"/outings/{outing_id}").text

    # Ana can't go any more: Bo is promoted and told, Cy moves up
    reply(ana, outing_id, status="declined")
    assert db(
        settings,
        "select u.display_name, r.state from rsvps r join users u on u.id = r.user_id"
        " where r.outing_id = ? order by u.display_name",
        outing_id,
    ) == [("Ana", "none"), ("Bo", "confirmed"), ("Cy", "waitlisted"), ("Hana", "confirmed")]
    notice = html(bo.get("/")).select_one(".notices")
    assert notice is not None
    assert "You're in for Baby swim!" in notice.get_text()
    assert "number 1 on the waitlist" in cy.get(f"/outings/{outing_id}").text
    # the notice stays until dismissed, and is listed on /me
    form = notice.select_one("form")
    assert form is not None
    ids = [str(i["value"]) for i in form.select("input[name=id]")]
    bo.post("/me/notifications/read", data={"_csrf_token": csrf_token(bo), "id": ids, "next": "/"})
    assert html(bo.get("/")).select_one(".notices") is None
    assert "You're in for Baby swim!" in html(bo.get("/me")).select_one("#notifications").get_text()  # type: ignore[union-attr]


def test_raising_capacity_promotes_and_lowering_keeps_people(
    host: Client, family: Family, settings: Settings
) -> None:
    outing_id = propose(host, capacity="2")  # the host's family and one more
    ana, bo = family("Ana"), family("Bo")
    reply(ana, outing_id)
    reply(bo, outing_id)
    form = outing_form(id=outing_id, capacity="3")
    form["_csrf_token"] = csrf_token(host, f"/outings/{outing_id}/edit")
    host.post(f"/outings/{outing_id}", data=form)
    assert db(settings, "select count(*) from rsvps where state = 'confirmed'") == [(3,)]
    form["capacity"] = "1"
    lowered = host.post(f"/outings/{outing_id}", data=form)
    assert "keep their places" in html(lowered).select_one(".flash").get_text()  # type: ignore[union-attr]
    assert db(settings, "select count(*) from rsvps where state = 'confirmed'") == [(3,)]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"status": "going", "adults": "0", "children": "1"}, "from 1 to 6 adults"),
        ({"status": "going", "adults": "1", "children": "99"}, "from 0 to 8 children"),
        ({"status": "perhaps", "adults": "1", "children": "0"}, "going, maybe or can't go"),
    ],
)
def test_bad_rsvp_input_is_explained(
    host: Client, family: Family, settings: Settings, data: dict[str, str], words: str
) -> None:
    outing_id = propose(host)
    ana = family("Ana")
    response = ana.post(
        f"/outings/{outing_id}/rsvp",
        data={**data, "_csrf_token": csrf_token(ana, f"/outings/{outing_id}")},
    )
    assert response.status_code == 400
    assert words in html(response).select_one("#rsvp").get_text()  # type: ignore[union-attr]
    assert db(settings, "select count(*) from rsvps" + GUESTS) == [(0,)]


def test_anonymous_visitors_browse_but_do_not_reply(host: Client, client: Client) -> None:
    outing_id = propose(host)
    host.post("/api/auth/logout", json={})
    doc = html(client.get(f"/outings/{outing_id}"))
    assert doc.select_one(f"#rsvp a[href='/login?next=/outings/{outing_id}']")
    assert not doc.select("#rsvp form")
    response = client.post(
        f"/outings/{outing_id}/rsvp",
        data={"_csrf_token": csrf_token(client), "status": "going"},
        follow_redirects=False,
    )
    assert response.headers["location"].startswith("/login?next=")


def test_only_the_host_edits_or_cancels(host: Client, family: Family, settings: Settings) -> None:
    outing_id = propose(host)
    ana = family("Ana")
    assert ana.get(f"/outings/{outing_id}/edit").status_code == 403
    form = outing_form(id=outing_id, title="Hijacked")
    form["_csrf_token"] = csrf_token(ana)
    assert ana.post(f"/outings/{outing_id}", data=form).status_code == 403
    cancel = {"_csrf_token": csrf_token(ana), "reason": "mine now"}
    assert ana.post(f"/outings/{outing_id}/cancel", data=cancel).status_code == 403
    assert db(settings, "select title, status from outings") == [
        ("Toddler morning at the zoo", "scheduled")
    ]
    assert not html(ana.get(f"/outings/{outing_id}")).select(".host-tools")


def test_cancelling_tells_families_and_closes_replies(
    host: Client, family: Family, settings: Settings
) -> None:
    outing_id = propose(host, title="Pool day")
    ana = family("Ana")
    reply(ana, outing_id)
    token = csrf_token(host, f"/outings/{outing_id}")
    empty = host.post(f"/outings/{outing_id}/cancel", data={"_csrf_token": token, "reason": " "})
    assert empty.status_code == 400
    assert "tell the families why" in html(empty).select_one("#reason-error").get_text()  # type: ignore[union-attr]
    host.post(
        f"/outings/{outing_id}/cancel",
        data={"_csrf_token": token, "reason": "Pool closed for repairs"},
    )
    page = html(ana.get(f"/outings/{outing_id}"))
    assert "Pool closed for repairs" in page.select_one(".outing-header").get_text()  # type: ignore[union-attr]
    assert "cancelled by the host" in page.select_one(".notices").get_text()  # type: ignore[union-attr]
    assert "Cancelled" in html(ana.get("/")).select_one(".pill").get_text()  # type: ignore[union-attr]
    refused = reply(ana, outing_id, status="maybe")
    assert refused.status_code == 409
    assert "cancelled by the host" in html(refused).select_one("#rsvp #rsvp-errors").get_text()  # type: ignore[union-attr]
    assert db(settings, "select status from rsvps" + GUESTS) == [("going",)]


def test_ics_parses_and_sequence_rises_on_change(host: Client) -> None:
    outing_id = propose(host)

    def event() -> object:
        response = host.get(f"/outings/{outing_id}.ics")
        assert response.headers["content-type"].startswith("text/calendar")
        cal = Calendar.from_ical(response.content)
        (found,) = list(cal.walk("VEVENT"))
        return found

    first = event()
    assert str(first["UID"]).startswith(outing_id)  # type: ignore[index]
    assert first["DTSTART"].dt.tzinfo is not None  # type: ignore[index]
    assert str(first["DTSTART"].params["TZID"]) == "Europe/Paris"  # type: ignore[index]
    assert "City Zoo" in str(first["LOCATION"])  # type: ignore[index]
    assert str(first["URL"]).endswith(f"/outings/{outing_id}")  # type: ignore[index]
    assert first["DTSTAMP"]  # type: ignore[index]
    assert [c.name for c in first.subcomponents] == ["VALARM"]  # type: ignore[attr-defined]
    before = int(first["SEQUENCE"])  # type: ignore[index]
    form = outing_form(id=outing_id, start_time="10:30")
    form["_csrf_token"] = csrf_token(host, f"/outings/{outing_id}/edit")
    host.post(f"/outings/{outing_id}", data=form)
    assert int(event()["SEQUENCE"]) > before  # type: ignore[index]
    host.post(
        f"/outings/{outing_id}/cancel", data={"_csrf_token": form["_csrf_token"], "reason": "Rain"}
    )
    cancelled = event()
    assert str(cancelled["STATUS"]) == "CANCELLED"  # type: ignore[index]
    assert int(cancelled["SEQUENCE"]) > before + 1  # type: ignore[index]


def test_personal_calendar_feed(host: Client, family: Family, client: Client) -> None:
    mine = propose(host, title="Mine")
    ana = family("Ana")
    other = propose(ana, title="Ana's picnic")
    propose(ana, title="Not for Hana")
    reply(host, other, status="maybe")
    assert client.get("/calendar/nope.ics").status_code == 404
    host.post("/me/calendar", data={"_csrf_token": csrf_token(host, "/me")})
    url = html(host.get("/me")).select_one("#calendar-url")["value"]  # type: ignore[index]
    path = str(url).split("8000", 1)[1]
    cal = Calendar.from_ical(client.get(path).content)
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert summaries == ["Ana's picnic", "Mine"]
    assert mine


def test_propose_again_copies_to_a_new_date(host: Client) -> None:
    outing_id = propose(host, title="Weekly park meetup")
    doc = html(host.get(f"/outings/new?again={outing_id}"))
    assert doc.select_one("#f-title")["value"] == "Weekly park meetup"  # type: ignore[index]
    assert doc.select_one("input[name=id]")["value"] != outing_id  # type: ignore[index]
    assert doc.select_one("#f-date")["value"] == in_days(2).isoformat()  # type: ignore[index]


def test_private_meeting_point_only_for_host_and_confirmed(host: Client, family: Family) -> None:
    outing_id = propose(
        host, meeting_point="Blue door, code 1234", meeting_point_private="on", capacity="2"
    )
    ana, bo = family("Ana"), family("Bo")
    assert "code 1234" in host.get(f"/outings/{outing_id}").text
    assert "code 1234" not in ana.get(f"/outings/{outing_id}").text
    reply(ana, outing_id)
    reply(bo, outing_id)
    assert "code 1234" in ana.get(f"/outings/{outing_id}").text
    assert "code 1234" not in bo.get(f"/outings/{outing_id}").text  # waitlisted


def test_comments_for_host_and_families_who_replied(
    host: Client, family: Family, settings: Settings
) -> None:
    outing_id = propose(host)
    ana, bo = family("Ana"), family("Bo")

    def comment(who: Client, body: str) -> object:
        token = csrf_token(who, f"/outings/{outing_id}")
        return who.post(f"/outings/{outing_id}/comments", data={"_csrf_token": token, "body": body})

    assert comment(bo, "Can I come?").status_code == 403  # type: ignore[attr-defined]
    reply(ana, outing_id)
    comment(ana, "Is there space for buggies?")
    comment(host, "Yes, by the entrance.")
    assert comment(ana, "   ").status_code == 400  # type: ignore[attr-defined]
    texts = [p.get_text() for p in html(bo.get(f"/outings/{outing_id}")).select(".comment-body")]
    assert texts == ["Is there space for buggies?", "Yes, by the entrance."]
    ana_page = html(ana.get(f"/outings/{outing_id}"))
    delete_forms = ana_page.select(".comment form[action$='/delete']")
    assert len(delete_forms) == 1  # only her own
    action = str(delete_forms[0]["action"])
    assert host.post(action, data={"_csrf_token": csrf_token(host)}).status_code == 403
    ana.post(action, data={"_csrf_token": csrf_token(ana)})
    texts = [p.get_text() for p in html(bo.get(f"/outings/{outing_id}")).select(".comment-body")]
    assert texts == ["Yes, by the entrance."]


def test_me_lists_my_outings(host: Client, family: Family) -> None:
    outing_id = propose(host, title="Hosted by me", capacity="2")
    ana, bo = family("Ana"), family("Bo")
    reply(ana, outing_id)
    reply(bo, outing_id)
    mine = html(host.get("/me")).select("#my-outings .my-part .pill")
    assert [b.get_text() for b in mine] == ["Hosting"]
    assert "Waitlist #1" in bo.get("/me").text
    assert "Going" in html(ana.get("/me")).select_one("#my-outings .my-part").get_text()  # type: ignore[union-attr]


def test_unknown_outings_are_404(client: Client) -> None:
    assert client.get("/outings/not-a-uuid").status_code == 404
    assert client.get("/outings/6f1c1d7e-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/outings/6f1c1d7e-0000-4000-8000-000000000000.ics").status_code == 404


def test_the_list_everyone_sees_is_shared_yet_follows_every_change(
    host: Client, family: Family
) -> None:
    propose(host, title="Sandpit morning")
    visitor = family("Vi")
    visitor.post("/api/auth/logout", json={})
    plain = visitor.get("/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    zipped = visitor.get("/", headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.text == plain.text
    assert "Sandpit morning" in html(plain).select_one("main").get_text()  # type: ignore[union-attr]
    # a change shows at once, not when the kept copy expires
    propose(host, title="Rainy day museum")
    assert "Rainy day museum" in html(visitor.get("/")).select_one("main").get_text()  # type: ignore[union-attr]
    # each language has its own copy; a signed-in parent gets her own page
    assert html(visitor.get("/", headers={"accept-language": "fr"})).html["lang"] == "fr"  # type: ignore[index]
    assert html(visitor.get("/")).html["lang"] == "en"  # type: ignore[index]
    assert html(host.get("/")).select_one(".me-name").get_text() == "Hana"  # type: ignore[union-attr]
    assert html(visitor.get("/")).select_one(".me-name") is None


def test_an_outing_page_shared_with_visitors_follows_every_reply(
    host: Client, family: Family
) -> None:
    outing_id = propose(
        host, capacity="3", meeting_point="Blue door by the café", meeting_point_private="on"
    )
    visitor = family("Vi")
    visitor.post("/api/auth/logout", json={})
    first = html(visitor.get(f"/outings/{outing_id}"))
    assert "2 places left" in first.get_text()  # the host's family holds one
    assert "Blue door" not in first.get_text()  # the private meeting point stays private
    assert reply(family("Ana"), outing_id).status_code in (200, 302, 303)
    again = html(visitor.get(f"/outings/{outing_id}"))
    assert "1 place left" in again.get_text()
    people = again.select_one("#people").get_text()  # type: ignore[union-attr]
    # counted, not named: families' names are for members
    assert "2 families are going." in people
    assert "Ana" not in people
    assert "Ana" in html(host.get(f"/outings/{outing_id}")).select_one("#people").get_text()  # type: ignore[union-attr]
    # the host still gets her own page, meeting point and tools included
    mine = html(host.get(f"/outings/{outing_id}"))
    assert "Blue door" in mine.get_text()
    assert mine.select_one(f"a[href='/outings/{outing_id}/edit']")
    # an unknown outing is still a 404, not a kept copy of something else
    assert visitor.get("/outings/6ddc96cc-eca6-40c7-a2d7-c6bb48c3edcf").status_code == 404


def test_visitors_get_the_kept_copy_until_something_changes(
    host: Client, family: Family, monkeypatch: pytest.MonkeyPatch
) -> None:
    outing_id = propose(host, title="Sandpit morning")
    visitor = family("Vi")
    visitor.post("/api/auth/logout", json={})
    assert visitor.get("/").status_code == 200
    assert visitor.get(f"/outings/{outing_id}").status_code == 200
    env = visitor.app.template_engine.engine

    def no_rendering(name: str) -> None:
        raise AssertionError(f"{name} rendered again")

    monkeypatch.setattr(env, "get_template", no_rendering)
    # the same pages, even with junk in the address, come from the kept copies
    assert "Sandpit morning" in visitor.get("/?utm_source=flyer").text
    assert "Sandpit morning" in visitor.get(f"/outings/{outing_id}?ref=chat").text
    monkeypatch.undo()
    # a message waiting for the visitor is shown on a page of their own, once
    visitor.get("/language", params={"lang": "fr", "next": "/"})
    assert visitor.cookies.get("outings_flash") is None
    english = visitor.get("/language", params={"lang": "en", "next": "/"}, follow_redirects=False)
    assert english.status_code in (302, 303)
    shown = html(visitor.get("/"))
    assert "Language changed." in shown.select_one(".flash").get_text()  # type: ignore[union-attr]
    assert html(visitor.get("/")).select_one(".flash") is None


def test_members_share_the_list_but_each_sees_their_own_name_and_news(
    host: Client, family: Family
) -> None:
    outing_id = propose(host, title="Baby swim", capacity="2")  # the host's family and one more
    reply(family("Bo"), outing_id)
    ana = family("Ana")
    reply(ana, outing_id)  # waitlisted: the host's family and Bo's fill it
    for_host = host.get("/")
    for_ana = ana.get("/")
    assert "\x00" not in for_host.text + for_ana.text
    assert html(for_host).select_one(".me-name").get_text() == "Hana"  # type: ignore[union-attr]
    assert html(for_ana).select_one(".me-name").get_text() == "Ana"  # type: ignore[union-attr]
    assert "Baby swim" in html(for_ana).select_one("main").get_text()  # type: ignore[union-attr]
    # the host gives up her place: Ana's news is on her list, with a working form
    reply(host, outing_id, status="declined")
    news = html(ana.get("/")).select_one(".notices")
    assert news is not None
    assert "Baby swim" in news.get_text()
    assert html(host.get("/")).select_one(".notices") is None
    form = news.select_one("form")
    assert form is not None
    data = {str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")}
    assert ana.post("/me/notifications/read", data=data).status_code == 200
    assert html(ana.get("/")).select_one(".notices") is None


def test_a_refusal_worded_inside_a_write_speaks_the_parents_language(host: Client) -> None:
    """Writes run in the commit loop's task: the words must still be the asker's."""
    host.get("/language", params={"lang": "pl"})
    form = outing_form(title="")
    form["_csrf_token"] = csrf_token(host, "/outings/new")
    page = html(host.post("/outings", data=form))
    error = page.select_one("#title-error")
    assert error is not None
    assert error.get_text(strip=True) == "Nadaj, proszę, wyjściu tytuł."
