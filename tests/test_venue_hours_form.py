"""A place's hours and location in a parent's words: a day-by-day picker, "I'm here now",
and a week shown as people read it (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest

from outings.settings import Settings
from tests.conftest import csrf_token, html, sign_up
from tests.outing_helpers import db
from tests.softauthn import SoftAuthenticator
from tests.test_venues import Client, list_venue, venue_form


@pytest.fixture
def manager(client: Client, authenticator: SoftAuthenticator) -> Client:
    sign_up(client, authenticator, "Manon")
    return client


def picked(**days: str) -> dict[str, str]:
    """The picker's fields: ``mo="08:00-17:00"``, ``every=…``, ``sa="closed"``."""
    form: dict[str, str] = {"opening_hours": ""}
    for row in ("every", "mo", "tu", "we", "th", "fr", "sa", "su"):
        form[f"hours_{row}_opens"] = form[f"hours_{row}_closes"] = ""
    for row, value in days.items():
        if value == "closed":
            form[f"hours_{row}_closed"] = "on"
        else:
            form[f"hours_{row}_opens"], form[f"hours_{row}_closes"] = value.split("-")
    return form


def stored_hours(settings: Settings) -> list[tuple[Any, ...]]:
    return db(settings, "select opening_hours from venues")


def test_the_picker_writes_openstreetmap_hours(manager: Client, settings: Settings) -> None:
    venue_id = list_venue(
        manager, **picked(every="08:00-17:00", sa="09:00-16:00", su="09:00-16:00")
    )
    assert stored_hours(settings) == [("Mo-Fr 08:00-17:00; Sa,Su 09:00-16:00",)]
    page = html(manager.get(f"/venues/{venue_id}"))
    week = [li.get_text(" ", strip=True) for li in page.select(".facts .week li")]
    assert [line.replace("\u202f", " ").replace("\u2009", " ") for line in week] == [
        "Mon–Fri 8:00 AM – 5:00 PM",
        "Sat, Sun 9:00 AM – 4:00 PM",
    ]
    assert page.select_one(".outing-header .open-now")  # open or closed now, in words
    listed = html(manager.get("/venues")).select_one(".venue-card .open-now")
    assert listed is not None
    assert listed.get_text().startswith(("Open now", "Closed now"))


def test_closed_days_midnight_and_holidays(manager: Client, settings: Settings) -> None:
    list_venue(
        manager,
        **picked(every="10:00-00:00", mo="closed"),
        hours_holidays_closed="on",
    )
    assert stored_hours(settings) == [("Tu-Su 10:00-24:00; PH off",)]


def test_no_hours_given_is_no_hours(manager: Client, settings: Settings) -> None:
    venue_id = list_venue(manager, **picked())
    assert stored_hours(settings) == [("",)]
    assert not html(manager.get(f"/venues/{venue_id}")).select(".open-now")


def test_a_bad_day_is_told_beside_it_and_everything_is_kept(
    manager: Client, settings: Settings
) -> None:
    form = venue_form(
        description="Keep me",
        address="",
        area="",
        **picked(every="08:00-17:00", mo="17:00-09:00", tu="10:00-"),
    )
    form["_csrf_token"] = csrf_token(manager, "/venues/new")
    response = manager.post("/venues", data=form)
    assert response.status_code == 400
    doc = html(response)
    assert "closes before it opens" in doc.select_one("#hours_mo_closes-error").get_text()  # type: ignore[union-attr]
    assert "closing time" in doc.select_one("#hours_tu_closes-error").get_text()  # type: ignore[union-attr]
    # the rules' errors come in the same round
    assert "address or at least the area" in doc.select_one("#address-error").get_text()  # type: ignore[union-attr]
    links = [a["href"] for a in doc.select("#form-errors a")]
    assert links == ["#f-address", "#f-hours_mo_closes", "#f-hours_tu_closes"]
    assert doc.select_one("#f-hours_mo_opens")["value"] == "17:00"  # type: ignore[index]
    assert doc.select_one("#f-hours_every_opens")["value"] == "08:00"  # type: ignore[index]
    assert doc.select_one("#f-description").get_text() == "Keep me"  # type: ignore[union-attr]
    assert db(settings, "select count(*) from venues") == [(0,)]


def test_editing_fills_the_picker_from_the_stored_hours(manager: Client) -> None:
    venue_id = list_venue(manager, manage="on", opening_hours="Tu-Su 10:00-17:00; PH off")
    doc = html(manager.get(f"/venues/{venue_id}/edit"))

    def value(name: str) -> str:
        found = doc.select_one(f"#f-{name}")
        assert found is not None, name
        return "on" if found.has_attr("checked") else str(found.get("value", ""))

    assert (value("hours_every_opens"), value("hours_every_closes")) == ("10:00", "17:00")
    assert value("hours_mo_closed") == "on"
    assert value("hours_tu_opens") == ""
    assert value("hours_holidays_closed") == "on"
    assert not doc.select("#f-hours_keep")


def test_hours_the_picker_cannot_hold_are_kept_unless_changed(
    manager: Client, settings: Settings
) -> None:
    lunch = "Mo-Su 12:00-14:30,18:00-22:00"
    venue_id = list_venue(manager, manage="on", opening_hours=lunch)
    page = manager.get(f"/venues/{venue_id}/edit")
    doc = html(page)
    keep = doc.select_one("#f-hours_keep")
    assert keep is not None
    assert keep.has_attr("checked")
    # the form as the browser sends it: the hidden text, the picker left empty
    form: dict[str, str] = {
        str(field["name"]): str(field.get("value", "on" if field.get("type") == "checkbox" else ""))
        for field in doc.select("#venue-form input[name]")
        if field.get("type") != "checkbox" or field.has_attr("checked")
    }
    form.update(
        {str(s["name"]): "" for s in doc.select("#venue-form select[name]")},
        name="Nonna Rosa",
        kind="restaurant",
        address="88 North Street",
    )
    assert manager.post(f"/venues/{venue_id}", data=form).status_code == 200
    assert stored_hours(settings) == [(lunch,)]
    # unticked, the picker's hours replace them
    del form["hours_keep"]
    form.update(hours_every_opens="12:00", hours_every_closes="22:00")
    manager.post(f"/venues/{venue_id}", data=form)
    assert stored_hours(settings) == [("Mo-Su 12:00-22:00",)]


def test_hours_beyond_what_is_read_are_shown_as_written(manager: Client) -> None:
    venue_id = list_venue(manager, opening_hours="Mo-Fr 09:00-17:00; Jan off")
    page = html(manager.get(f"/venues/{venue_id}"))
    assert "Mo-Fr 09:00-17:00; Jan off" in page.select_one(".facts").get_text()  # type: ignore[union-attr]
    assert not page.select(".open-now")


def test_the_location_comes_from_the_phone_and_can_be_removed(
    manager: Client, settings: Settings
) -> None:
    venue_id = list_venue(manager, manage="on", latitude="52.62910", longitude="1.29750")
    doc = html(manager.get(f"/venues/{venue_id}/edit"))
    assert doc.select_one("#f-latitude[type=hidden]")["value"] == "52.6291"  # type: ignore[index]
    assert "Location saved" in doc.select_one("#location-state").get_text()  # type: ignore[union-attr]
    assert doc.select_one("noscript")  # without JavaScript: a box to remove it
    assert not doc.select("input[name=latitude][type=text]")  # nobody types a latitude
    form = venue_form(id=venue_id, latitude="52.6291", longitude="1.2975", location_remove="on")
    form["_csrf_token"] = csrf_token(manager, f"/venues/{venue_id}/edit")
    manager.post(f"/venues/{venue_id}", data=form)
    assert db(settings, "select latitude, longitude from venues") == [(None, None)]
