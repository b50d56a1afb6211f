"""The sample neighbourhood circles ``outings demo`` loads: the circles, their
boards, address books and news (their outings are in :mod:`outings.demo_data`)."""

from __future__ import annotations

from typing import NamedTuple


class CirclePlan(NamedTuple):
    key: str
    name: str
    area: str
    language: str
    colour: str
    emoji: str
    joining: str
    about: str
    moderators: tuple[str, ...]  # the first started it
    members: tuple[str, ...]
    asked: tuple[tuple[str, str], ...] = ()  # (family, what she wrote to the moderators)


CIRCLES = (
    CirclePlan(
        "riverside", "Riverside Parents on Leave", "Riverside", "en", "teal", "🌳", "open",
        "For mums and dads on parental leave around the river. Coffee on Tuesdays at Little "
        "Acorns, walks when it's dry, swaps when the wardrobe overflows. Be kind, ask anything, "
        "and if you come along once you're one of us.",
        moderators=("Fatuma", "Amara"),
        members=("Bartek", "Chloé", "Jonas", "Nadia", "Hui Min", "Émilie"),
    ),
    CirclePlan(
        "northgate-pl", "Polscy rodzice w Northgate", "Northgate", "pl", "plum", "🧸", "ask",
        "Grupa dla polskojęzycznych rodziców na urlopie w Northgate i okolicy. Spotykamy się "
        "na basenie i w bibliotece, wymieniamy ubranka i polecamy sprawdzonych lekarzy. "
        "Napisz kilka słów o sobie, a przyjmiemy Cię do grupy.",
        moderators=("Kasia",),
        members=("Grzegorz", "Bartek"),
        asked=(("Daniel", "Jestem tatą Zosi (5 miesięcy), mieszkamy przy Northgate Road."),),
    ),
    CirclePlan(
        "hillside", "Hillside Swap & Play", "Hillside", "en", "sun", "🎈", "open",
        "Neighbours on Hillside with babies and toddlers: a swap party every month at the "
        "community centre, a board for what you need and what you can give, and the farm "
        "when the weather is kind.",
        moderators=("Imani",),
        members=("Malik", "Li Wei", "Daniel", "Fatuma"),
    ),
)  # fmt: skip


class BoardPost(NamedTuple):
    circle: str
    author: str
    kind: str  # ask | offer
    body: str
    replies: tuple[tuple[str, str], ...] = ()  # (family, words)
    sorted: bool = False
    pinned: bool = False


BOARD = (
    BoardPost(
        "riverside",
        "Nadia",
        "ask",
        "Looking for a double stroller: twins due in "
        "March! Happy to pay or swap for a single one in very good shape.",
        replies=(
            ("Jonas", "We have a Phil & Teds in the garage, yours for a cake."),
            ("Nadia", "Jonas, you're a star. Tuesday at the café?"),
        ),
        sorted=True,
    ),
    BoardPost(
        "riverside",
        "Chloé",
        "offer",
        "Giving away 6-12 month clothes, a big bag, "
        "mostly girls' but plenty of neutral things. Pick up near the bridge.",
    ),
    BoardPost(
        "riverside",
        "Bartek",
        "ask",
        "Who knows a good paediatrician near the market? Ours is retiring.",
        replies=(
            ("Fatuma", "Dr Okafor at the Market Street practice, she's in our address book."),
        ),
    ),
    BoardPost(
        "riverside",
        "Fatuma",
        "offer",
        "Tables for the clothes sale on the 8th: reply here if you want one, it's free.",
        pinned=True,
    ),
    BoardPost(
        "hillside",
        "Li Wei",
        "ask",
        "Does anyone have a baby bath to lend for two weeks? Ours cracked.",
    ),
    BoardPost(
        "hillside", "Malik", "offer", "Free: a cot bed with mattress, collect from Hillside Road."
    ),
    BoardPost(
        "northgate-pl",
        "Grzegorz",
        "ask",
        "Czy ktoś zna polskojęzyczną położną w okolicy? Pytam dla znajomej.",
        replies=(("Kasia", "Pani Ewa przyjmuje w Northgate, jest w naszej książce adresowej."),),
    ),
)


class BookEntry(NamedTuple):
    circle: str
    adder: str
    kind: str
    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    website: str = ""
    note: str = ""
    recommended_by: tuple[str, ...] = ()
    approved: bool = True


BOOK = (
    BookEntry(
        "riverside",
        "Fatuma",
        "paediatrician",
        "Dr Grace Okafor",
        phone="01632 960 214",
        address="Market Street Practice, 12 Market Street",
        note="Patient with first-time parents, and she speaks French.",
        recommended_by=("Amara", "Chloé", "Bartek"),
    ),
    BookEntry(
        "riverside",
        "Amara",
        "lactation",
        "Riverside Breastfeeding Café",
        phone="01632 960 577",
        address="Little Acorns Café, Tuesdays 10-12",
        note="Free drop-in with a lactation consultant. Just turn up.",
        recommended_by=("Nadia", "Hui Min"),
    ),
    BookEntry(
        "riverside",
        "Jonas",
        "childminder",
        "Sunflower Childminding (Maria)",
        email="maria@sunflower.example",
        note="Takes babies from 9 months, two days a week free from January.",
        approved=False,
    ),
    BookEntry(
        "hillside",
        "Imani",
        "support_line",
        "Hillside Family Support Line",
        phone="0808 157 0192",
        website="https://family-support.example/hillside",
        note="Weekdays 9-5, someone to talk to when it's all too much.",
    ),
    BookEntry(
        "northgate-pl",
        "Kasia",
        "midwife",
        "Położna Ewa Nowak",
        phone="+44 7700 900 461",
        note="Mówi po polsku, wizyty domowe w Northgate.",
        recommended_by=("Grzegorz",),
    ),
)

#: Each circle's news, sent by its first moderator: (circle, her note).
NEWS = (
    (
        "riverside",
        "Welcome to our new members! The clothes sale is next week: ask for a "
        "table on the board. Coffee as usual on Tuesday.",
    ),
)
