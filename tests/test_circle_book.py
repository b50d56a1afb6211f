"""A circle's address book (issue 13, item 4): members recommend local services,
moderators approve them, others recommend them too; contact details reach
members only, on the page and in pulls."""

from __future__ import annotations

import uuid
from typing import Any

from outings.settings import Settings
from tests import data
from tests.circle_helpers import (
    Client,
    apply,
    join,
    post_form,
    pull_everything,
    start_circle,
    text,
)
from tests.conftest import html
from tests.outing_helpers import make_moderator

PHONE = "+33 1 23 45 67 89"


def entry_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": "paediatrician",
        "name": "Dr Awa Ndiaye",
        "phone": PHONE,
        "email": "cabinet@diallo.example",
        "address": "4 Market Square",
        "website": "www.diallo.example",
        "note": "Patient with toddlers.\nSpeaks French and Wolof.",
    }
    form.update(overrides)
    return form


def add_entry(client: Client, circle: str, **overrides: Any) -> tuple[Any, str]:
    form = entry_form(**overrides)
    return post_form(client, f"/circles/{circle}/entries", **form), form["id"]


def entry_id_of(settings: Settings, name: str) -> str:
    with data.connect(settings.db) as conn:
        found: str = conn.execute(
            "select id from circle_entries where name = ?", (name,)
        ).fetchone()[0]
    return found


def push(client: Client, client_id: str, *mutations: tuple[int, str, dict[str, Any]]) -> Any:
    body = {
        "client_id": client_id,
        "mutations": [{"id": n, "name": name, "args": args} for n, name, args in mutations],
    }
    answer = client.post("/api/sync/push", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def circle_with_members(family: Any) -> tuple[str, Client, Client, Client]:
    """A circle founded by Fatou, with Mel and Olu as members."""
    founder = family("Fatou")
    circle = start_circle(founder)
    mel, olu = family("Mel"), family("Olu")
    join(mel, circle)
    join(olu, circle)
    return circle, founder, mel, olu


def test_an_entry_waits_for_a_moderator_then_reaches_every_member(
    family: Any, settings: Settings
) -> None:
    circle, founder, mel, olu = circle_with_members(family)
    sent, entry = add_entry(mel, circle)
    assert sent.status_code in (302, 303)
    mine = mel.get(f"/circles/{circle}/book")
    assert "A moderator will check it" in text(mine, ".flash")
    assert "Dr Awa Ndiaye" in text(mine, "#pending-title + ul")
    assert "Waiting for a moderator" in mine.text
    assert "Dr Awa Ndiaye" not in olu.get(f"/circles/{circle}/book").text
    assert "Dr Awa Ndiaye" not in olu.get(f"/circles/{circle}").text
    waiting = founder.get(f"/circles/{circle}/book")
    assert "Dr Awa Ndiaye" in text(waiting, "#pending-title + ul")
    assert "waiting for approval" in founder.get(f"/circles/{circle}").text
    assert "waits for a moderator" in founder.get("/me").text

    approved = post_form(founder, f"/circles/{circle}/entries/{entry}/approve")
    assert approved.status_code in (302, 303)
    book = olu.get(f"/circles/{circle}/book")
    card = html(book).select_one(f"#entry-{entry}")
    assert card is not None
    assert "Paediatrician" in text(book, "#kind-paediatrician-title")
    assert card.select_one("a[href='tel:+33123456789']") is not None
    assert card.select_one("a[href='mailto:cabinet@diallo.example']") is not None
    assert card.select_one("a[href='https://www.diallo.example']") is not None
    assert "Speaks French and Wolof." in card.get_text()
    assert "Recommended by 1 parent: Mel" in card.get_text(" ", strip=True)
    assert "Dr Awa Ndiaye" in text(olu.get(f"/circles/{circle}"), "#book-title + ul")
    assert "is in the address book" in mel.get("/me").text
    # deciding twice (or a second moderator at once) changes nothing
    again = post_form(founder, f"/circles/{circle}/entries/{entry}/decline")
    assert again.status_code in (302, 303)
    assert html(olu.get(f"/circles/{circle}/book")).select_one(f"#entry-{entry}") is not None
    with data.connect(settings.db) as conn:
        logged = conn.execute(
            "select action, circle_id from moderation_log where target_id = ?", (entry,)
        ).fetchall()
    assert logged == [("approve_entry", circle)]


def test_a_declined_entry_never_shows(family: Any) -> None:
    circle, founder, mel, olu = circle_with_members(family)
    _sent, entry = add_entry(mel, circle, name="Cheap Sitters Ltd")
    assert post_form(founder, f"/circles/{circle}/entries/{entry}/decline").status_code in (
        302,
        303,
    )
    assert "Cheap Sitters Ltd" not in text(olu.get(f"/circles/{circle}/book"), "#main")
    assert "Cheap Sitters Ltd" not in text(mel.get(f"/circles/{circle}/book"), "#main")
    assert "did not add Cheap Sitters Ltd" in mel.get("/me").text
    held, _ = pull_everything(olu)
    assert ("entry", entry) not in held


def test_only_the_circles_moderators_approve(family: Any) -> None:
    circle, _founder, mel, olu = circle_with_members(family)
    _sent, entry = add_entry(mel, circle)
    assert post_form(olu, f"/circles/{circle}/entries/{entry}/approve").status_code == 403
    other_founder = family("Zainab")
    start_circle(other_founder, name="Hillside families", area="Hillside")
    assert post_form(other_founder, f"/circles/{circle}/entries/{entry}/approve").status_code in (
        403,
    )
    assert "Dr Awa Ndiaye" not in olu.get(f"/circles/{circle}/book").text


def test_a_moderators_own_entry_goes_straight_in(family: Any) -> None:
    circle, founder, _mel, olu = circle_with_members(family)
    sent, _entry = add_entry(founder, circle, kind="nursery", name="Little Acorns Nursery")
    assert sent.status_code in (302, 303)
    assert "Added to the address book" in text(founder.get(f"/circles/{circle}/book"), ".flash")
    book = olu.get(f"/circles/{circle}/book")
    assert "Little Acorns Nursery" in text(book, "#kind-nursery")


def test_others_recommend_it_too_once_each(family: Any) -> None:
    circle, founder, mel, olu = circle_with_members(family)
    _sent, entry = add_entry(founder, circle)
    for _twice in range(2):
        done = post_form(olu, f"/circles/{circle}/entries/{entry}/recommend", entry_id=entry)
        assert done.status_code in (302, 303)
    post_form(mel, f"/circles/{circle}/entries/{entry}/recommend", entry_id=entry)
    card = html(olu.get(f"/circles/{circle}/book")).select_one(f"#entry-{entry}")
    assert card is not None
    words = card.get_text(" ", strip=True)
    assert "Recommended by 3 parents: Fatou, Olu, Mel" in words
    assert "You recommend them" in words
    assert card.select_one("form[data-outbox='entry.recommend']") is None
    newcomer = family("Nia")
    join(newcomer, circle)
    card = html(newcomer.get(f"/circles/{circle}/book")).select_one(f"#entry-{entry}")
    assert card is not None
    assert card.select_one("form[data-outbox='entry.recommend']") is not None


def test_contact_details_stay_inside_the_circle(
    family: Any, other_client: Client, settings: Settings
) -> None:
    circle, founder, mel, _olu = circle_with_members(family)
    _sent, _entry = add_entry(founder, circle)
    asks = start_circle(founder, name="Quiet corner", area="Riverside", joining="ask")
    add_entry(founder, asks, name="Dr Secret Smith", phone="0102030405")
    outsider = family("Ola")
    asked = family("Asha")
    join(asked, asks, "Hello")

    for reader, book in (
        (outsider, circle),
        (other_client, circle),
        (asked, asks),
        (other_client, asks),
    ):
        for path in (f"/circles/{book}/book", f"/circles/{book}"):
            shown = reader.get(path)
            assert shown.status_code == 200
            for secret in ("Dr Awa Ndiaye", "Dr Secret Smith", "23 45 67", "0102030405"):
                assert secret not in shown.text, (path, secret)
            assert "for members only" in shown.text or "are for the circle" in shown.text
        held, _ = pull_everything(reader)
        assert not [key for key in held if key[0] == "entry"]
    assert "1 local service" in text(outsider.get(f"/circles/{circle}/book"), ".lead")
    # a site moderator outside the circle does not read it either
    make_moderator(settings, "Ola")
    assert "Dr Awa Ndiaye" not in outsider.get(f"/circles/{circle}/book").text
    assert "Dr Awa Ndiaye" in mel.get(f"/circles/{circle}/book").text


def test_members_pull_the_book_and_nobody_else(family: Any) -> None:
    circle, founder, mel, olu = circle_with_members(family)
    _sent, pending = add_entry(mel, circle, name="Waiting Midwife", kind="midwife")
    _sent, entry = add_entry(founder, circle)
    post_form(olu, f"/circles/{circle}/entries/{entry}/recommend", entry_id=entry)
    held, _cursor = pull_everything(olu)
    assert ("entry", pending) not in held
    assert held["entry", entry] == {
        "id": entry,
        "circle_id": circle,
        "kind": "paediatrician",
        "name": "Dr Awa Ndiaye",
        "phone": PHONE,
        "email": "cabinet@diallo.example",
        "address": "4 Market Square",
        "website": "https://www.diallo.example",
        "note": "Patient with toddlers.\nSpeaks French and Wolof.",
        "recommended_count": 2,
        "recommended_by_me": True,
        "added_by_name": "Fatou",
        "updated_at": held["entry", entry]["updated_at"],
    }
    mel_held, mel_cursor = pull_everything(mel)
    assert mel_held["entry", entry]["recommended_by_me"] is False
    # approval reaches phones that pulled before
    post_form(founder, f"/circles/{circle}/entries/{pending}/approve")
    mel_cursor = apply(mel_held, mel, mel_cursor)
    assert mel_held["entry", pending]["name"] == "Waiting Midwife"
    # a newcomer gets the whole book at once; a leaver loses it
    nia = family("Nia")
    join(nia, circle)
    nia_held, nia_cursor = pull_everything(nia)
    assert {("entry", entry), ("entry", pending)} <= set(nia_held)
    post_form(nia, f"/circles/{circle}/leave")
    nia_cursor = apply(nia_held, nia, nia_cursor)
    assert not [key for key in nia_held if key[0] == "entry"]


def test_hiding_takes_it_out_of_the_book_and_off_phones(family: Any, settings: Settings) -> None:
    circle, founder, mel, olu = circle_with_members(family)
    _sent, entry = add_entry(mel, circle)
    post_form(founder, f"/circles/{circle}/entries/{entry}/approve")
    held, cursor = pull_everything(olu)
    assert ("entry", entry) in held
    assert post_form(olu, f"/circles/{circle}/entries/{entry}/hide", reason="x").status_code == (
        403
    )
    empty = post_form(founder, f"/circles/{circle}/entries/{entry}/hide", reason="  ")
    assert empty.status_code == 400
    assert text(empty, f"#reason-{entry}-error")
    hidden = post_form(
        founder, f"/circles/{circle}/entries/{entry}/hide", reason="The practice has closed"
    )
    assert hidden.status_code in (302, 303)
    assert "Dr Awa Ndiaye" not in olu.get(f"/circles/{circle}/book").text
    apply(held, olu, cursor)
    assert ("entry", entry) not in held
    assert "The practice has closed" in mel.get("/me").text
    with data.connect(settings.db) as conn:
        logged = conn.execute(
            "select action, reason, circle_id from moderation_log where action = 'hide'"
        ).fetchall()
    assert logged == [("hide", "The practice has closed", circle)]
    again = post_form(olu, f"/circles/{circle}/entries/{entry}/recommend", entry_id=entry)
    assert again.status_code == 404


def test_bad_input_comes_back_as_typed_with_errors_beside_the_fields(family: Any) -> None:
    circle, _founder, mel, _olu = circle_with_members(family)
    sent, _entry = add_entry(
        mel,
        circle,
        kind="astrologer",
        name="",
        phone="call me maybe",
        email="not-an-email",
        website="ftp://files.example",
        note="Kept as typed",
    )
    assert sent.status_code == 400
    page = html(sent)
    for name in ("kind", "name", "phone", "email", "website"):
        assert page.select_one(f"#{name}-error") is not None, name
    phone = page.select_one("#f-phone")
    assert phone is not None
    assert phone["value"] == "call me maybe"
    assert text(sent, "#f-note") == "Kept as typed"
    assert page.select_one("#form-errors") is not None
    nothing = add_entry(mel, circle, phone="", email="", address="", website="")[0]
    assert nothing.status_code == 400
    assert "at least one way to reach them" in text(nothing, "#phone-error")


def test_outsiders_cannot_add_or_recommend(family: Any, other_client: Client) -> None:
    circle, founder, _mel, _olu = circle_with_members(family)
    _sent, entry = add_entry(founder, circle)
    outsider = family("Ola")
    assert add_entry(outsider, circle)[0].status_code == 403
    refused = post_form(outsider, f"/circles/{circle}/entries/{entry}/recommend", entry_id=entry)
    assert refused.status_code == 403
    visitor = add_entry(other_client, circle)[0]
    assert visitor.status_code in (302, 303, 401)


def test_the_mutations_apply_once_when_replayed(family: Any) -> None:
    circle, founder, mel, olu = circle_with_members(family)
    phone = str(uuid.uuid4())
    entry = str(uuid.uuid4())
    args = {
        "id": entry,
        "circle_id": circle,
        "kind": "childminder",
        "name": "Maria's little house",
        "phone": "06 11 22 33 44",
    }
    first = push(mel, phone, (1, "entry.add", args))
    assert first["results"][0]["outcome"] == {"id": entry, "status": "pending"}
    replay = push(mel, phone, (1, "entry.add", args), (2, "entry.add", args))
    assert [r["status"] for r in replay["results"]] == ["applied", "applied"]
    post_form(founder, f"/circles/{circle}/entries/{entry}/approve")
    olu_phone = str(uuid.uuid4())
    rec = (1, "entry.recommend", {"entry_id": entry})
    answer = push(olu, olu_phone, rec)
    assert answer["results"][0]["outcome"]["recommended_count"] == 2
    push(olu, olu_phone, rec, (2, "entry.recommend", {"entry_id": entry}))
    held, _ = pull_everything(olu)
    assert held["entry", entry]["recommended_count"] == 2
    assert held["entry", entry]["recommended_by_me"] is True
    assert len(html(mel.get(f"/circles/{circle}/book")).select(".entry")) == 1
    outsider = family("Ola")
    refused = push(outsider, str(uuid.uuid4()), (1, "entry.add", {**args, "id": str(uuid.uuid4())}))
    assert refused["results"][0]["error"]["code"] == "forbidden"
    bad = push(mel, phone, (3, "entry.add", {**args, "id": str(uuid.uuid4()), "email": "x"}))
    assert bad["results"][0]["error"]["fields"]["email"]
    taken = push(olu, olu_phone, (3, "entry.add", args))
    assert taken["results"][0]["error"]["code"] == "conflict"


def test_the_circle_page_says_only_how_many_to_outsiders(family: Any) -> None:
    circle, founder, _mel, olu = circle_with_members(family)
    add_entry(founder, circle)
    add_entry(founder, circle, name="Sunny Nursery", kind="nursery")
    outsider = family("Ola")
    section = text(outsider.get(f"/circles/{circle}"), ".circle-book")
    assert "2 local services" in section
    assert "Sunny Nursery" not in section
    inside = text(olu.get(f"/circles/{circle}"), ".circle-book")
    assert "Sunny Nursery" in inside
    assert "Open the address book (2)" in inside


def test_a_reported_entry_goes_to_the_circles_moderators_first(
    family: Any, settings: Settings
) -> None:
    circle, founder, mel, olu = circle_with_members(family)
    _sent, entry = add_entry(mel, circle)
    post_form(founder, f"/circles/{circle}/entries/{entry}/approve")
    held, cursor = pull_everything(olu)
    book = html(olu.get(f"/circles/{circle}/book"))
    assert book.select_one(f"#entry-{entry} form[action='/reports']") is not None
    reported = post_form(
        olu,
        "/reports",
        target_type="entry",
        target_id=entry,
        reason="This practice has moved away",
        next=f"/circles/{circle}/book",
    )
    assert reported.status_code in (302, 303)
    queue = founder.get(f"/circles/{circle}/moderation")
    assert "This practice has moved away" in text(queue, "#main")
    assert html(queue).select_one(f"a[href='/circles/{circle}/book#entry-{entry}']") is not None
    hidden = post_form(
        founder,
        f"/circles/{circle}/moderation/hide",
        target_type="entry",
        target_id=entry,
        reason="Moved away",
    )
    assert hidden.status_code in (302, 303)
    assert "Dr Awa Ndiaye" not in text(olu.get(f"/circles/{circle}/book"), "#main")
    apply(held, olu, cursor)
    assert ("entry", entry) not in held
