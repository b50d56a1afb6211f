"""Every form that comes back with errors opens with one summary of them, focused,
each a link to its field; the browser checks the simple rules first (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import TestClient

from outings.outing import rules
from tests.conftest import csrf_token, html, sign_up
from tests.outing_helpers import propose, reply
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
Family = Callable[[str], Client]
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@pytest.fixture
def host(client: Client, authenticator: SoftAuthenticator) -> Client:
    sign_up(client, authenticator, "Hana")
    return client


def summary(doc: BeautifulSoup, summary_id: str) -> dict[str, str]:
    """The summary's links: field id → words; it must be focusable and focused on load."""
    box = doc.select_one(f"#{summary_id}")
    assert box is not None, summary_id
    assert box["tabindex"] == "-1"
    assert box.has_attr("autofocus")
    assert doc.select(f"#{summary_id} ~ script[src*='forms']")  # where autofocus is not honoured
    return {str(a["href"]).removeprefix("#"): a.get_text() for a in box.select("a")}


def test_the_outing_page_forms_each_say_what_to_fix(host: Client, family: Family) -> None:
    outing_id = propose(host)
    ana = family("Ana")
    bad = reply(ana, outing_id, adults=9)
    assert bad.status_code == 400
    links = summary(html(bad), "rsvp-errors")
    assert "from 1 to 6 adults" in links["f-adults"]
    reply(ana, outing_id)
    token = csrf_token(ana, f"/outings/{outing_id}")
    blank = ana.post(f"/outings/{outing_id}/comments", data={"_csrf_token": token, "body": " "})
    assert "write something" in summary(html(blank), "comment-errors")["f-body"]
    token = csrf_token(host, f"/outings/{outing_id}")
    why = host.post(f"/outings/{outing_id}/cancel", data={"_csrf_token": token, "reason": " "})
    doc = html(why)
    assert "tell the families why" in summary(doc, "cancel-errors")["f-reason"]
    assert doc.select_one("details.cancel-outing[open] #cancel-errors")
    # one summary a page: only the form that was sent
    assert len(doc.select("[data-error-summary]")) == 1


def test_a_refusal_is_the_summary_heading(host: Client, family: Family) -> None:
    outing_id = propose(host)
    token = csrf_token(host, f"/outings/{outing_id}")
    host.post(f"/outings/{outing_id}/cancel", data={"_csrf_token": token, "reason": "Rain"})
    ana = family("Ana")
    refused = reply(ana, outing_id)
    assert refused.status_code == 409
    doc = html(refused)
    summary(doc, "rsvp-errors")
    assert "cancelled by the host" in doc.select_one("#rsvp-errors-title").get_text()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "template",
    [
        "outings/form.html",
        "outings/show.html",
        "venues/form.html",
        "venues/show.html",
        "accounts/register.html",
        "macros.html",
    ],
)
def test_no_form_turns_the_browser_checks_off(template: str) -> None:
    assert "novalidate" not in (TEMPLATES / template).read_text()


def test_the_browser_checks_the_limits_the_server_keeps(host: Client) -> None:
    doc = html(host.get("/outings/new"))

    def attr(field: str, name: str) -> str:
        found = doc.select_one(f"#f-{field}")
        assert found is not None, field
        return str(found.get(name))

    assert attr("title", "maxlength") == str(rules.TITLE_MAX)
    assert attr("title", "required") == ""
    assert attr("description", "maxlength") == str(rules.DESCRIPTION_MAX)
    assert attr("place", "maxlength") == str(rules.PLACE_MAX)
    assert attr("area", "maxlength") == str(rules.AREA_MAX)
    assert attr("capacity", "max") == str(rules.CAPACITY_MAX)
    assert attr("capacity", "min") == "2"  # the host's family and one more
    assert attr("date", "min") <= attr("date", "value") <= attr("date", "max")
    venue = html(host.get("/venues/new"))
    assert venue.select_one("#f-name[required][maxlength='100']")
    assert venue.select_one("#f-website[type=url]")
