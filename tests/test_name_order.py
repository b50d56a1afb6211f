"""Names sort as parents read them, the same on either engine (issue 15).

Case and accents aside ("Émilie" beside "Emma", "Łąka" beside "Lody"), not
by bytes (where every accented letter comes after "z") nor by whatever
collation a PostgreSQL server was set up with. Through the real app; `make
test-pg` runs the same tests on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from litestar import Litestar
from litestar.testing import TestClient

from outings import folded
from outings.db.database import database_at
from outings.i18n import sort_key
from outings.outing import store as outing_store
from outings.settings import Settings
from tests import data
from tests.circle_helpers import start_circle
from tests.conftest import ORIGIN, html, sign_up
from tests.outing_helpers import propose
from tests.softauthn import SoftAuthenticator
from tests.test_circle_book import add_entry
from tests.test_venues import list_venue

Client = TestClient[Litestar]


def titles_on(page: BeautifulSoup) -> list[str]:
    """The outings a list shows, by title."""
    return [a.text.strip() for a in page.select(".outing-card h2 a, .outing-card h3 a")]


#: In the order a parent expects, whatever order they were written in.
NAMES = ["apple tree", "Émilie's Café", "Emma's Garden", "Łąka Play", "Lody Bar", "Zoo Park"]
AREAS = ["Bemowo", "centrum", "Śródmieście", "Ursus", "Wola", "Żoliborz"]
WRITTEN = [5, 3, 0, 4, 1, 2]  # a shuffle


def test_the_key_sets_case_and_accents_aside() -> None:
    assert sorted([NAMES[i] for i in WRITTEN], key=sort_key) == NAMES
    assert sort_key("  Żółć  Łódź ") == "zolc lodz"
    assert sort_key("Straße") == sort_key("STRASSE")
    assert sort_key("𝐁𝐚𝐛𝐲 𝐒𝐰𝐢𝐦") == "baby swim"  # bold letters pasted from elsewhere


def test_places_are_listed_by_name_as_parents_read_them(
    family: Callable[[str], Client],
) -> None:
    manon = family("Manon")
    for i in WRITTEN:
        list_venue(manon, id=str(uuid.uuid4()), name=NAMES[i], area=AREAS[i])

    page = html(manon.get("/venues"))
    assert [a.text for a in page.select("h2.outing-title a")] == NAMES
    areas = [o.text for o in page.select("select[name=area] option") if o.get("value")]
    assert areas == AREAS
    form = html(manon.get("/outings/new"))
    choices = [o.text for o in form.select("select[name=venue_id] option") if o.get("value")]
    assert [c.split(" (")[0].split(" · ")[0] for c in choices] == NAMES


def test_names_written_before_or_by_hand_get_their_key_at_start(
    app: Litestar, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Venues from before sort keys (or put in by hand, as the bench's are),
    circles renamed and an outing changed by hand sort, match their area and
    are found once the app starts again."""
    monkeypatch.setattr(folded, "PAGE", 4)  # read and written a few at a time
    with TestClient(app, base_url=ORIGIN) as client:  # the database as it is made
        sign_up(client, SoftAuthenticator(origin=ORIGIN), "Fatou")
        for i in WRITTEN:
            start_circle(client, name=f"Circle {5 - i}")
        outing = propose(client, title="Picnic", area="Wola")
    data.rows(  # an outing changed by hand: its area and search keys are stale
        settings.db,
        "update outings set title = 'Łąka Picnic', area = 'Żoliborz' where id = ?",
        outing,
    )
    now = "2026-11-30T10:00:00.000000Z"
    for i in WRITTEN:
        data.rows(
            settings.db,
            "insert into venues (id, name, kind, area, address, created_at, updated_at)"
            " values (?, ?, 'cafe', ?, '1 Main Street', ?, ?)",
            str(uuid.uuid4()),
            NAMES[i],
            AREAS[i],
            now,
            now,
        )
        data.rows(
            settings.db, "update circles set name = ? where name = ?", NAMES[i], f"Circle {5 - i}"
        )
    with TestClient(app, base_url=ORIGIN) as client:  # the app starts again
        places = html(client.get("/venues"))
        circles = html(client.get("/circles"))
        searched = html(client.get("/venues", params={"q": "LAKA", "area": "ursus"}))
        found = html(client.get("/", params={"q": "laka picnic", "area": "ZOLIBORZ"}))
    assert [a.text for a in places.select("h2.outing-title a")] == NAMES
    assert [a.text for a in searched.select("h2.outing-title a")] == ["Łąka Play"]
    assert titles_on(found) == ["Łąka Picnic"]
    assert [a.text for a in circles.select("h2.outing-title a")] == NAMES


def test_a_circle_s_book_and_her_circles_sort_by_name(
    family: Callable[[str], Client],
) -> None:
    fatou = family("Fatou")
    circles = {NAMES[i]: start_circle(fatou, name=NAMES[i], area=AREAS[i]) for i in WRITTEN}
    listed = html(fatou.get("/circles"))
    assert [o.text for o in listed.select("select[name=area] option") if o.get("value")] == AREAS
    # as many members each (one): by name, for her and for a parent looking for one
    assert [a.text for a in listed.select("h2.outing-title a")] == NAMES
    looking = html(family("Mel").get("/circles"))
    assert [a.text for a in looking.select("h2.outing-title a")] == NAMES
    circle = circles["Zoo Park"]
    for i in WRITTEN:  # the founder's own entries go straight in
        answer, _ = add_entry(fatou, circle, name=NAMES[i], phone=f"+33 1 23 45 67 8{i}")
        assert answer.status_code in (302, 303), answer.text

    book = html(fatou.get(f"/circles/{circle}/book"))
    assert [h.text.strip() for h in book.select(".entry-name")] == NAMES
    # where she may post a members-only outing: her circles, by name
    form = html(fatou.get("/outings/new"))
    options = [o.text.strip() for o in form.select("select[name=circle_id] option")]
    assert [o for o in options if o in NAMES] == NAMES


def test_the_areas_of_outings_sort_by_name(family: Callable[[str], Client]) -> None:
    hana = family("Hana")
    for i in WRITTEN:
        propose(hana, title=f"Picnic {i}", area=AREAS[i])
    listed = html(hana.get("/"))
    assert [o.text for o in listed.select("select[name=area] option") if o.get("value")] == AREAS


def test_searching_ignores_case_on_either_engine(family: Callable[[str], Client]) -> None:
    """A parent types "zoo" or "ZOO" for "City Zoo": found alike on SQLite
    (whose LIKE ignores case) and PostgreSQL (whose LIKE would not)."""
    hana = family("Hana")
    list_venue(hana, name="Little Acorns Café", area="Riverside")
    propose(hana, title="Toddler morning at the City Zoo", area="Riverside")
    for typed in ("little acorns", "LITTLE ACORNS"):
        found = html(hana.get("/venues", params={"q": typed}))
        assert [a.text for a in found.select("h2.outing-title a")] == ["Little Acorns Café"]
    for typed in ("city zoo", "CITY ZOO"):
        found = html(hana.get("/", params={"q": typed}))
        titles = titles_on(found)
        assert titles == ["Toddler morning at the City Zoo"], titles


def test_searching_sets_case_and_accents_aside_on_either_engine(
    family: Callable[[str], Client],
) -> None:
    """ "cafe" finds "Café", "lodz" "Łódź", "strasse" "Straße": neither
    engine's LIKE does that by itself (SQLite folds only ASCII letters)."""
    hana = family("Hana")
    venue = list_venue(hana, name="Łąka Café", area="Śródmieście", address="Długa 5, Łódź")
    propose(
        hana, title="Crêpes at Müller's", place="Hauptstraße 5", area="Śródmieście", venue_id=venue
    )
    for typed in ("laka cafe", "ŁĄKA CAFÉ", "lodz", "DLUGA"):
        found = html(hana.get("/venues", params={"q": typed}))
        assert [a.text for a in found.select("h2.outing-title a")] == ["Łąka Café"], typed
    for typed in ("crepes", "MÜLLER", "muller", "hauptstrasse", "srodmiescie", "łąka café"):
        found = html(hana.get("/", params={"q": typed}))
        titles = titles_on(found)
        assert titles == ["Crêpes at Müller's"], (typed, titles)
    for typed in ("crepes zoo", "café%", "m_ller", "\\"):  # nothing that is not there
        answer = hana.get("/", params={"q": typed})
        assert answer.status_code == 200, typed
        assert not html(answer).select(".outing-card"), typed


def test_an_area_matches_whatever_its_case_and_accents(family: Callable[[str], Client]) -> None:
    """An area typed "ŚRÓDMIEŚCIE" or "srodmiescie" is Śródmieście: on SQLite
    ``lower()`` left "Ś" as it was, on PostgreSQL accents still counted."""
    hana = family("Hana")
    for area in ("Śródmieście", "Wola"):
        list_venue(hana, name=f"Café {area}", area=area)
        start_circle(hana, name=f"Parents of {area}", area=area)
        propose(hana, title=f"Picnic in {area}", area=area)
    for typed in ("ŚRÓDMIEŚCIE", "srodmiescie", " Śródmieście"):
        listed = html(hana.get("/", params={"area": typed}))
        titles = titles_on(listed)
        assert titles == ["Picnic in Śródmieście"], (typed, titles)
        places = html(hana.get("/venues", params={"area": typed}))
        assert [a.text for a in places.select("h2.outing-title a")] == ["Café Śródmieście"]
        chosen = places.select_one("select[name=area] option[selected]")
        assert chosen is not None
        assert chosen.text == "Śródmieście"  # the menu says it too
        circles = html(hana.get("/circles", params={"area": typed}))
        names = [a.text for a in circles.select("h2.outing-title a")]
        assert names[0] == "Parents of Śródmieście", (typed, names)  # hers first


def test_a_lone_accent_typed_filters_nothing_out(family: Callable[[str], Client]) -> None:
    """Text that folds to nothing (a combining accent alone) is no search and no
    area: every outing shows, not only those without an area."""
    hana = family("Hana")
    for area in ("Wola", ""):
        propose(hana, title=f"Picnic in {area or 'the park'}", area=area)
    for params in ({"q": "\u0301"}, {"area": "\u0301"}):
        listed = html(hana.get("/", params=params))
        titles = titles_on(listed)
        assert sorted(titles) == ["Picnic in Wola", "Picnic in the park"], (params, titles)


def test_an_area_spelt_two_ways_is_offered_once(family: Callable[[str], Client]) -> None:
    """ "Zurich" and "Zürich" match the same rows: each area menu offers it
    once, as most rows spell it, and choosing it finds both."""
    hana = family("Hana")
    for i, area in enumerate(("Zürich", "Zurich", "zürich", "Zürich", "Wola")):
        list_venue(hana, name=f"Café {i}", area=area)
        start_circle(hana, name=f"Parents {i}", area=area)
        propose(hana, title=f"Picnic {i}", area=area)
    for path in ("/", "/venues", "/circles"):
        page = html(hana.get(path))
        offered = [o.text for o in page.select("select[name=area] option") if o.get("value")]
        assert offered == ["Wola", "Zürich"], (path, offered)
    listed = html(hana.get("/", params={"area": "Zürich"}))
    titles = titles_on(listed)
    assert sorted(titles) == ["Picnic 0", "Picnic 1", "Picnic 2", "Picnic 3"]


def test_a_key_is_not_written_over_a_row_changed_since_it_was_read(
    app: Litestar, settings: Settings
) -> None:
    """Keys are read, then written in a write of their own: a row changed in
    between (by a process that wrote its key with it) keeps that key, and
    one still as read gets its own."""
    with TestClient(app, base_url=ORIGIN) as client:
        sign_up(client, SoftAuthenticator(origin=ORIGIN), "Fatou")
        moved = propose(client, title="Picnic", area="Wola")
        other = propose(client, title="Swim", area="Wola")
    for outing in (moved, other):  # changed by hand: their area keys are stale
        data.rows(settings.db, "update outings set area = 'Żoliborz' where id = ?", outing)

    async def race() -> list[tuple[str, str]]:
        db = database_at(settings.db)
        await db.open()
        try:
            stale = await folded.stale_keys(db, outing_store.FOLDED)
            # meanwhile a newer process moves one outing, its key written with it
            data.rows(
                settings.db,
                "update outings set area = 'Bemowo', area_key = 'bemowo' where id = ?",
                moved,
            )
            cursor = data.rows(settings.db, "select cursor from sync_state")
            assert await folded.write_keys(db, stale) == 4  # area and search keys of two
            # lists drawn before the keys were written are drawn again
            assert data.rows(settings.db, "select cursor from sync_state") > cursor
        finally:
            await db.close()
        found = data.rows(
            settings.db, "select id, area_key from outings where id in (?, ?)", moved, other
        )
        return [(row_id, key) for row_id, key in found]

    keys = dict(asyncio.run(race()))
    assert keys == {moved: "bemowo", other: "zoliborz"}


def test_keys_are_written_again_while_the_app_runs(
    app: Litestar, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row written without its key while the app runs (by a process of an
    older version during a rolling deploy) is found by its area within the pass."""
    monkeypatch.setattr(folded, "REFOLD_EVERY_S", 0.05)
    with TestClient(app, base_url=ORIGIN) as client:
        sign_up(client, SoftAuthenticator(origin=ORIGIN), "Fatou")
        outing = propose(client, title="Picnic", area="Wola")
        data.rows(settings.db, "update outings set area = 'Żoliborz' where id = ?", outing)
        for _ in range(100):
            listed = html(client.get("/", params={"area": "zoliborz"}))
            if listed.select(".outing-card"):
                break
            time.sleep(0.05)
        titles = titles_on(listed)
    assert titles == ["Picnic"]


def test_a_menu_spells_an_area_as_its_place_does_on_a_tie() -> None:
    counted = [("Zurich", 1), ("ZÜRICH", 1), ("zürich", 1), ("Zürich", 1), ("Wola", 2)]
    assert folded.one_spelling_each(counted) == ["Wola", "Zürich"]
    assert folded.one_spelling_each([("Zurich", 3), ("Zürich", 2)]) == ["Zurich"]  # most rows


def test_keys_made_by_a_newer_version_are_left_as_they_are(
    app: Litestar, settings: Settings
) -> None:
    """During a rolling deploy that changes how keys are made, a process of the
    older version leaves the newer one's keys be (no writing them back and
    forth each hour)."""
    with TestClient(app, base_url=ORIGIN) as client:
        sign_up(client, SoftAuthenticator(origin=ORIGIN), "Fatou")
        outing = propose(client, title="Picnic", area="Wola")
    newer = str(folded.FOLD_VERSION + 1)
    data.rows(settings.db, "update meta set value = ? where key = 'fold_version'", newer)
    data.rows(settings.db, "update outings set area_key = 'wola, newer' where id = ?", outing)

    async def older_process() -> int:
        db = database_at(settings.db)
        await db.open()
        try:
            return await folded.refold(db, outing_store.FOLDED)
        finally:
            await db.close()

    assert asyncio.run(older_process()) == 0
    assert data.rows(settings.db, "select area_key from outings where id = ?", outing) == [
        ("wola, newer",)
    ]
    assert data.rows(settings.db, "select value from meta where key = 'fold_version'") == [(newer,)]
