"""Every user-facing string is marked for translation, and the catalogue has them all."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment, Doctype
from litestar import Litestar
from litestar.testing import TestClient

from outings import i18n
from tests.conftest import ORIGIN, csrf_token, sign_up
from tests.outing_helpers import propose, reply
from tests.softauthn import SoftAuthenticator
from tests.test_venues import list_venue

ROOT = Path(__file__).resolve().parent.parent
OPEN, CLOSE = "⟦", "⟧"
# Names, not text: the app's, each language's own, and those given to passkeys.
NOT_TRANSLATED = (
    ".brand",
    "#language-select",
    "#passkeys .list-title",
    ".passkey-name",
    "#f-venue_id",  # venue names in the propose form's list
    ".day-name",  # a day's name in the reader's language, from Babel as dates are
)
PUNCTUATION = re.compile(r"^[\s·:—–\-,.()!?%\d]*$")


class Pseudo(gettext.NullTranslations):
    """Brackets every translated string, so unmarked text stands out."""

    def gettext(self, message: str) -> str:
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"{OPEN}{msgid1 if n == 1 else msgid2}{CLOSE}"


def _unmarked(doc: BeautifulSoup) -> list[str]:
    skipped = {id(el) for sel in NOT_TRANSLATED for el in doc.select(sel)}
    found = []
    for node in doc.find_all(string=True):
        if isinstance(node, Doctype | Comment) or node.parent is None:
            continue
        if node.parent.name in ("script", "style") and node.parent.get("id") != "passkey-messages":
            continue
        if any(id(parent) in skipped for parent in node.parents):
            continue
        # dates and times come formatted for the locale by Babel; pictograms are hidden
        if any(p.name == "time" or p.get("aria-hidden") == "true" for p in node.parents):
            continue
        text = str(node).strip()
        if text and not PUNCTUATION.match(text) and OPEN not in text and "Outings" not in text:
            if node.parent.name == "script" and node.parent.get("type") == "application/ld+json":
                continue
            found.append(text)
    for element in doc.select("[aria-label], [placeholder], [title], img[alt]"):
        for attr in ("aria-label", "placeholder", "title", "alt"):
            value = element.get(attr)
            if value and OPEN not in str(value):
                found.append(f"{attr}={value}")
    return found


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        ("/", False),
        ("/", True),
        ("/login", False),
        ("/register", False),
        ("/offline", False),
        ("/me", True),
        ("/nowhere", False),
        ("/outings/new", True),
        ("OUTING", True),
        ("OUTING", False),
        ("/?q=nothing-matches", False),
        ("/venues", False),
        ("/venues/new", True),
        ("VENUE", True),
        ("/venues?has=quiet_space", False),
    ],
)
def test_every_visible_string_is_marked(
    client: TestClient[Litestar], monkeypatch: pytest.MonkeyPatch, path: str, signed_in: bool
) -> None:
    sign_up(client, SoftAuthenticator(origin=ORIGIN), f"{OPEN}Ana{CLOSE}")
    # user content is bracketed too, so only the app's own words can be unmarked
    outing_id = propose(
        client,
        title=f"{OPEN}Zoo{CLOSE}",
        place=f"{OPEN}Gate{CLOSE}",
        area=f"{OPEN}North{CLOSE}",
        meeting_point=f"{OPEN}Door{CLOSE}",
        description=f"{OPEN}Bring snacks{CLOSE}",
        language=f"{OPEN}English{CLOSE}",
        capacity="2",
    )
    reply(client, outing_id)
    token = csrf_token(client, f"/outings/{outing_id}")
    client.post(
        f"/outings/{outing_id}/comments", data={"_csrf_token": token, "body": f"{OPEN}Hi{CLOSE}"}
    )
    client.post("/me/calendar", data={"_csrf_token": token})
    if not signed_in:
        client.post("/api/auth/logout", json={})
    venue_id = list_venue(
        client,
        name=f"{OPEN}Café{CLOSE}",
        address=f"{OPEN}1 Road{CLOSE}",
        area=f"{OPEN}North{CLOSE}",
        description=f"{OPEN}Sofas{CLOSE}",
        opening_hours=f"{OPEN}Mo-Fr{CLOSE}",
        manage="on",
    )
    path = {"OUTING": f"/outings/{outing_id}", "VENUE": f"/venues/{venue_id}"}.get(path, path)
    pseudo = Pseudo()
    monkeypatch.setattr(i18n, "translations_for", lambda code: pseudo)
    # pages already rendered were rendered with the real words
    client.app.state.page_cache.clear()
    client.app.state.list_cache.clear()
    doc = BeautifulSoup(client.get(path).text, "html.parser")
    assert doc.select_one("main"), path
    assert _unmarked(doc) == []


def test_the_catalogue_holds_every_marked_string() -> None:
    method_map = [("outings/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    in_code = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        in_code.add(message if isinstance(message, str) else message[0])
    with (ROOT / "outings/locale/messages.pot").open("rb") as f:
        in_catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    missing = sorted(in_code - in_catalogue)
    assert not missing, f"run `make messages`: {missing}"


@pytest.mark.parametrize("code", [c for c in i18n.LOCALES if c != i18n.DEFAULT_LOCALE])
def test_each_language_has_a_catalogue_with_the_same_placeholders(code: str) -> None:
    po = ROOT / f"outings/locale/{code}/LC_MESSAGES/messages.po"
    with po.open("rb") as f:
        catalog = read_po(f, locale=code)
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        allowed = {p for msgid in ids for p in placeholder.findall(str(msgid))}
        for text in strings:
            # a translation may drop a placeholder (Chinese has no plural), never invent one
            assert set(placeholder.findall(str(text))) <= allowed, (code, message.id, text)


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, "fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        (None, "de-DE,de;q=0.9,pl;q=0.5", "pl"),
        (None, "zh-Hans-CN,zh;q=0.9", "zh"),
        (None, "sw-KE", "sw"),
        (None, "de, ja;q=0.5", "en"),
        (None, "en;q=0.1, fr;q=0.9", "fr"),
        (None, "garbage;;q=x,", "en"),
        ("pl", "fr", "pl"),
        ("xx", "fr", "fr"),
    ],
)
def test_language_negotiation(cookie: str | None, header: str, expected: str) -> None:
    assert i18n.negotiate(cookie, header) == expected
