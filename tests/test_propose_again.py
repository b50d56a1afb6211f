"""Proposing an outing "again" copies it into a new form: only its host may (issue 11).

The copy holds what the host keeps from strangers (a private meeting point,
say "Blue door, code 1234"), so everyone else gets the blank form.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.settings import Settings
from tests.conftest import html, sign_up
from tests.outing_helpers import db, make_moderator, propose, reply
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
Family = Callable[[str], Client]

SECRET = "Blue door, code 1234"
TITLE = "Weekly swim at the lido"
PLACE = "Lido on Mill Lane"
DESCRIPTION = "Bring a towel for the little ones."
ACTORS = ("anonymous", "member", "confirmed", "waitlisted", "maybe", "moderator", "host")


@pytest.fixture
def people(
    client: Client,
    authenticator: SoftAuthenticator,
    family: Family,
    other_client: Client,
    settings: Settings,
) -> tuple[str, dict[str, Client]]:
    """An outing with a private meeting point, and everyone who might look at it."""
    sign_up(client, authenticator, "Hana")
    outing_id = propose(
        client,
        title=TITLE,
        place=PLACE,
        description=DESCRIPTION,
        meeting_point=SECRET,
        meeting_point_private="on",
        capacity="2",
    )
    who = {"anonymous": other_client, "host": client}
    for name in ("member", "confirmed", "waitlisted", "maybe", "moderator"):
        who[name] = family(name.title())
    reply(who["confirmed"], outing_id)
    reply(who["waitlisted"], outing_id)
    reply(who["maybe"], outing_id, status="maybe")
    make_moderator(settings, "Moderator")
    states = db(
        settings,
        "select u.display_name, r.status, r.state from rsvps r"
        " join users u on u.id = r.user_id order by u.display_name",
    )
    assert states == [
        ("Confirmed", "going", "confirmed"),
        ("Hana", "going", "confirmed"),
        ("Maybe", "maybe", "none"),
        ("Waitlisted", "going", "waitlisted"),
    ]
    return outing_id, who


@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_host_proposes_an_outing_again(
    people: tuple[str, dict[str, Client]], actor: str
) -> None:
    outing_id, who = people
    response = who[actor].get(f"/outings/new?again={outing_id}")
    assert response.status_code == 200
    text = response.text
    if actor == "anonymous":
        assert str(response.url).endswith(f"/login?next=%2Foutings%2Fnew%3Fagain%3D{outing_id}")
        assert SECRET not in text
        return
    form = html(response).select_one("form#outing-form")
    assert form is not None
    fields = {
        name: form.select_one(f"#f-{name}")
        for name in ("title", "place", "meeting_point", "description")
    }
    if actor == "host":
        assert fields["meeting_point"]["value"] == SECRET  # type: ignore[index]
        assert fields["title"]["value"] == TITLE  # type: ignore[index]
        assert fields["place"]["value"] == PLACE  # type: ignore[index]
        assert form.select_one("#f-meeting_point_private").has_attr("checked")  # type: ignore[union-attr]
        return
    # everyone else: the blank form, as for an outing that does not exist
    for name in ("title", "place", "meeting_point"):
        assert fields[name]["value"] == "", name  # type: ignore[index]
    assert fields["description"].get_text() == ""  # type: ignore[union-attr]
    assert not form.select_one("#f-meeting_point_private").has_attr("checked")  # type: ignore[union-attr]
    for private in (SECRET, TITLE, PLACE, DESCRIPTION):
        assert private not in text


def test_propose_again_from_nonsense_gives_the_blank_form(
    client: Client, authenticator: SoftAuthenticator
) -> None:
    sign_up(client, authenticator, "Hana")
    for again in ("not-an-id", "00000000-0000-4000-8000-000000000000", "%00"):
        response = client.get(f"/outings/new?again={again}")
        assert response.status_code == 200
        title = html(response).select_one("#f-title")
        assert title is not None
        assert title["value"] == ""
