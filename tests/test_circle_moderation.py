"""Moderation, local first (issue 13, item 7): reports on things in a circle go
to its moderators, and to the site's moderators when nobody acts within 48
hours; every action is in the log with who, what and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from outings.settings import Settings
from tests import data
from tests.circle_helpers import Client, join, post_form, pull_everything, section, start_circle
from tests.outing_helpers import make_moderator, propose


def _sql(settings: Settings, sql: str, *params: Any) -> list[Any]:
    with data.connect(settings.db) as conn:
        found: list[Any] = conn.execute(sql, params).fetchall()
    return found


def _in_circle(settings: Settings, outing: str, circle: str) -> None:
    # outings join circles through the propose form (tests/test_circle_outings.py);
    # here only where the report goes matters
    _sql(settings, "update outings set circle_id = ? where id = ?", circle, outing)


def _report(client: Client, target_type: str, target_id: str, reason: str) -> Any:
    return post_form(
        client, "/reports", target_type=target_type, target_id=target_id, reason=reason, next="/"
    )


@pytest.fixture
def circle_world(family: Any, settings: Settings) -> dict[str, Any]:
    founder = family("Fatou")
    circle = start_circle(founder)
    host = family("Hana")
    join(host, circle)
    outing = propose(host, title="Swap morning")
    _in_circle(settings, outing, circle)
    reporter = family("Rita")
    join(reporter, circle)
    site = family("Mo")
    make_moderator(settings, "Mo")
    return {
        "founder": founder,
        "host": host,
        "reporter": reporter,
        "site": site,
        "circle": circle,
        "outing": outing,
    }


def test_a_report_in_a_circle_goes_to_its_moderators_first(
    circle_world: dict[str, Any], settings: Settings
) -> None:
    w = circle_world
    assert _report(w["reporter"], "outing", w["outing"], "Selling things").status_code in (302, 303)
    queue = w["founder"].get(f"/circles/{w['circle']}/moderation")
    assert "Selling things" in section(queue, "#reports-title")
    assert "Moderation (1 report)" in w["founder"].get(f"/circles/{w['circle']}").text
    assert "reported" in w["founder"].get("/me").text.lower()
    # the site's moderators: not yet
    assert "Selling things" not in section(w["site"].get("/moderation"), "#reports-title")
    # 48 hours later with nobody acting, they see it too, and where it comes from
    old = (datetime.now(UTC) - timedelta(hours=49)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    _sql(settings, "update reports set created_at = ?", old)
    site_queue = section(w["site"].get("/moderation"), "#reports-title")
    assert "Selling things" in site_queue
    assert "not handled by its moderators within 48 hours" in site_queue


def test_a_circle_moderator_hides_what_is_reported_and_it_is_logged(
    circle_world: dict[str, Any], settings: Settings, other_client: Client
) -> None:
    w = circle_world
    _report(w["reporter"], "outing", w["outing"], "Selling things")
    hidden = post_form(
        w["founder"],
        f"/circles/{w['circle']}/moderation/hide",
        target_type="outing",
        target_id=w["outing"],
        reason="Not an outing: please use the board",
    )
    assert hidden.status_code in (302, 303)
    assert other_client.get(f"/outings/{w['outing']}").status_code == 404
    assert "Not an outing: please use the board" in w["host"].get("/me").text
    log = section(w["founder"].get(f"/circles/{w['circle']}/moderation"), "#log-title")
    assert "Fatou" in log
    assert "Not an outing" in log
    rows = _sql(
        settings, "select action, circle_id from moderation_log where target_id = ?", w["outing"]
    )
    assert rows == [("hide", w["circle"])]
    assert _sql(settings, "select resolution from reports") == [("hidden",)]


def test_a_missing_reason_comes_back_beside_the_field(circle_world: dict[str, Any]) -> None:
    w = circle_world
    _report(w["reporter"], "outing", w["outing"], "Selling things")
    response = post_form(
        w["founder"],
        f"/circles/{w['circle']}/moderation/hide",
        target_type="outing",
        target_id=w["outing"],
        reason="",
    )
    assert response.status_code == 400
    assert "field-error" in response.text
    assert "Selling things" in response.text


def test_other_circles_moderators_cannot_act_here(
    circle_world: dict[str, Any], family: Any, settings: Settings
) -> None:
    w = circle_world
    _report(w["reporter"], "outing", w["outing"], "Selling things")
    otto = family("Otto")
    other = start_circle(otto, name="Hillside families", area="Hillside")
    assert otto.get(f"/circles/{w['circle']}/moderation").status_code == 403
    # through his own circle's page, the outing is not his to hide
    refused = post_form(
        otto,
        f"/circles/{other}/moderation/hide",
        target_type="outing",
        target_id=w["outing"],
        reason="Mine now",
    )
    assert refused.status_code == 404
    report_id = _sql(settings, "select id from reports")[0][0]
    dismissed = post_form(otto, f"/circles/{other}/moderation/reports/{report_id}/dismiss")
    assert dismissed.status_code == 404
    assert _sql(settings, "select resolved_at from reports") == [(None,)]
    # and a member who does not moderate cannot either
    assert w["reporter"].get(f"/circles/{w['circle']}/moderation").status_code == 403


def test_dismissing_closes_the_report_for_everyone(
    circle_world: dict[str, Any], settings: Settings
) -> None:
    w = circle_world
    _report(w["reporter"], "outing", w["outing"], "Looks odd")
    report_id = _sql(settings, "select id from reports")[0][0]
    done = post_form(w["founder"], f"/circles/{w['circle']}/moderation/reports/{report_id}/dismiss")
    assert done.status_code in (302, 303)
    assert "Looks odd" not in section(
        w["founder"].get(f"/circles/{w['circle']}/moderation"), "#reports-title"
    )
    assert _sql(
        settings, "select action, circle_id from moderation_log where action = 'dismiss'"
    ) == [("dismiss", w["circle"])]


def test_a_reported_circle_goes_to_the_site_and_closing_it_empties_phones(
    circle_world: dict[str, Any], other_client: Client
) -> None:
    w = circle_world
    _report(w["reporter"], "circle", w["circle"], "A fake group")
    assert "A fake group" in section(w["site"].get("/moderation"), "#reports-title")
    assert "A fake group" not in section(
        w["founder"].get(f"/circles/{w['circle']}/moderation"), "#reports-title"
    )
    held, cursor = pull_everything(w["reporter"])
    assert ("circle", w["circle"]) in held
    assert ("membership", w["circle"]) in held
    closed = post_form(
        w["site"], "/moderation/hide", target_type="circle", target_id=w["circle"], reason="Fake"
    )
    assert closed.status_code in (302, 303)
    assert other_client.get(f"/circles/{w['circle']}").status_code == 404
    assert w["circle"] not in other_client.get("/circles").text
    page = w["reporter"].get(f"/api/sync/pull?cursor={cursor}").json()
    gone = {(c["type"], c["id"]) for c in page["changes"] if c["op"] == "del"}
    assert {("circle", w["circle"]), ("membership", w["circle"])} <= gone
    # a circle's own moderator cannot close it
    assert (
        post_form(
            w["founder"],
            f"/circles/{w['circle']}/moderation/hide",
            target_type="circle",
            target_id=w["circle"],
            reason="x",
        ).status_code
        == 404
    )
