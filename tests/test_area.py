"""A parent chooses her area once: the list shows the outings there until she picks another."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from tests.conftest import html, sign_up
from tests.outing_helpers import propose
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]


def titles(client: Client, path: str = "/") -> list[str]:
    return [h.get_text(strip=True) for h in html(client.get(path)).select(".outing-title")]


def chosen_area(client: Client, path: str = "/") -> str:
    page = html(client.get(path))
    option = page.select_one("#area option[selected]") or page.select_one("#area option")
    assert option is not None
    return option.get_text(strip=True)


def test_the_area_chosen_once_is_remembered(client: Client, other_client: Client) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    propose(client, title="Swim in Riverside", area="Riverside")
    propose(client, title="Zoo from Old Town", area="Old Town")
    assert sorted(titles(other_client)) == ["Swim in Riverside", "Zoo from Old Town"]
    assert chosen_area(other_client) == "Everywhere"

    answer = other_client.get(
        "/area", params={"area": "Old Town", "next": "/?when=week"}, follow_redirects=False
    )
    assert answer.status_code in (302, 303)
    assert answer.headers["location"] == "/?when=week"
    assert titles(other_client) == ["Zoo from Old Town"]  # remembered, on every visit
    assert titles(other_client, "/?when=week") == ["Zoo from Old Town"]
    assert chosen_area(other_client) == "Old Town"
    # the area is her place, not a filter: nothing to clear
    assert "Clear filters" not in other_client.get("/").text
    # one look elsewhere does not forget it
    assert sorted(titles(other_client, "/?area=")) == ["Swim in Riverside", "Zoo from Old Town"]
    assert titles(other_client) == ["Zoo from Old Town"]
    # nor does another parent's choice change hers (each browser keeps its own)
    assert sorted(titles(client)) == ["Swim in Riverside", "Zoo from Old Town"]

    other_client.get("/area", params={"area": "", "next": "/"})
    assert sorted(titles(other_client)) == ["Swim in Riverside", "Zoo from Old Town"]


def test_an_area_with_nothing_planned_says_so(client: Client) -> None:
    sign_up(client, SoftAuthenticator(origin=str(client.base_url)), "Hana")
    propose(client, title="Swim in Riverside", area="Riverside")
    client.get("/area", params={"area": "Hillside", "next": "/"})
    page = html(client.get("/"))
    assert "No outings planned in Hillside yet" in page.get_text()
    assert page.select_one("a[href='/area?area=&next=/']") is not None


def test_choosing_an_area_never_leaves_the_site(client: Client) -> None:
    answer = client.get(
        "/area", params={"area": "x", "next": "https://evil.example/"}, follow_redirects=False
    )
    assert answer.headers["location"] == "/"
