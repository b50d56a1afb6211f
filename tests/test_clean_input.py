"""Control characters never reach a handler, and no input can splice a shared page (issue 11)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from outings.web import shared_pages
from outings.web.forms import MULTILINE, clean_encoded, clean_value
from tests.conftest import csrf_token, html, sign_up
from tests.outing_helpers import outing_form
from tests.softauthn import SoftAuthenticator

Client = TestClient[Litestar]
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@pytest.fixture
def member(client: Client, authenticator: SoftAuthenticator) -> Client:
    sign_up(client, authenticator, "Ana")
    return client


def search_box(client: Client, query: str) -> str:
    doc = html(client.get(f"/?q={query}"))
    assert len(doc.select("a.me-link")) == (1 if "Ana" in doc.get_text() else 0)
    box = doc.select_one("input#q[name=q]")
    assert box is not None
    return str(box["value"])


def test_the_account_block_cannot_be_spliced_into_the_search_box(member: Client) -> None:
    assert search_box(member, "%00hole:me%00x") == "hole:mex"


@pytest.mark.parametrize("name", ["me", "news"])
def test_searching_for_the_markers_themselves_splices_nothing(member: Client, name: str) -> None:
    marker = str(shared_pages._HOLES[name])
    typed = search_box(member, quote(marker))
    assert typed == marker.replace("\x00", "")
    assert "<" not in typed
    assert "Ana" not in typed


def test_searching_for_the_token_marker_shows_no_token(member: Client) -> None:
    """A member's page fills in their CSRF token where its marker was rendered."""
    typed = search_box(member, quote(shared_pages._TOKEN_MARK))
    assert typed == shared_pages._TOKEN_MARK.replace("\x00", "")
    assert not re.search(r"[0-9a-f]{64}", typed)


def test_query_parameters_lose_control_characters(client: Client) -> None:
    doc = html(client.get("/?q=%07swim%C2%85ming%7F&area=River%0Aside"))
    assert doc.select_one("input#q")["value"] == "swimming"  # type: ignore[index]
    # the language menu brings the reader back to the same filters, cleaned
    back = doc.select_one(".language-form input[name=next]")
    assert back is not None
    assert back["value"] == "/?q=swimming&area=Riverside"


def test_a_form_comes_back_without_control_characters(member: Client) -> None:
    form = outing_form(
        title="Zoo\x00 morning\x1b",
        description="Bring snacks\r\n\tand water\x08",
        capacity="lots",
    )
    form["_csrf_token"] = csrf_token(member, "/outings/new")
    response = member.post("/outings", data=form)
    assert response.status_code == 400
    doc = html(response)
    assert doc.select_one("#capacity-error")
    assert doc.select_one("#f-title")["value"] == "Zoo morning"  # type: ignore[index]
    assert doc.select_one("#f-description").get_text() == "Bring snacks\n\tand water"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("typed", "one_line", "multi_line"),
    [
        ("plain words", "plain words", "plain words"),
        ("a\x00b\x1fc\x7fd", "abcd", "abcd"),
        ("C1\x85\x9bend", "C1end", "C1end"),
        ("two\r\nlines\tand a tab", "twolinesand a tab", "two\nlines\tand a tab"),
        ("café 👩\u200d👧 动物园", "café 👩\u200d👧 动物园", "café 👩\u200d👧 动物园"),
    ],
)
def test_clean_value(typed: str, one_line: str, multi_line: str) -> None:
    assert clean_value(typed) == one_line
    assert clean_value(typed, multiline=True) == multi_line


def test_clean_encoded_keeps_every_field_and_repeats() -> None:
    body = b"id=1&id=2&title=a%00b&description=x%0D%0Ay&empty="
    assert clean_encoded(body, form=True) == b"id=1&id=2&title=ab&description=x%0Ay&empty="
    assert clean_encoded(b"description=x%0Ay", form=False) == b"description=xy"


def test_every_textarea_keeps_its_line_breaks() -> None:
    named = set()
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        named |= set(re.findall(r'm\.textarea\("([a-z_]+)"', text))
        named |= set(re.findall(r'<textarea[^>]*\bname="([a-z_]+)"', text))
    assert named
    assert named <= MULTILINE
