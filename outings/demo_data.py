"""The sample families, places, outings and comments that ``outings demo`` loads."""

from __future__ import annotations

import hashlib
from typing import NamedTuple


def stable_id(kind: str, name: str) -> str:
    """The same sample rows get the same ids every run, so `demo` stays idempotent."""
    digest = hashlib.sha256(f"outings-demo:{kind}:{name}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


# who usually comes along: adults, children
FAMILIES: dict[str, tuple[int, int]] = {
    "Amara": (1, 1),
    "Bartek": (1, 1),
    "Chloé": (2, 1),
    "Daniel": (1, 2),
    "Émilie": (1, 1),
    "Fatuma": (1, 2),
    "Grzegorz": (1, 1),
    "Hui Min": (1, 2),
    "Imani": (1, 1),
    "Jonas": (2, 1),
    "Kasia": (1, 1),
    "Li Wei": (1, 1),
    "Malik": (1, 1),
    "Nadia": (1, 2),
}


class Venue(NamedTuple):
    name: str
    kind: str
    area: str
    address: str
    at: tuple[float, float] | None
    hours: str
    tags: str  # OpenStreetMap-style amenity tags
    verified: bool
    about: str


class Plan(NamedTuple):
    key: str
    host: str
    category: str
    title: str
    day: int  # days from today
    start: str
    end: str
    about: str
    venue: str = ""
    place: str = ""
    meet: str = ""
    private: bool = False
    area: str = ""
    ages: tuple[int | None, int | None] = (None, None)
    capacity: int | None = None
    cost: str = "Free"
    language: str = "English"
    going: tuple[str, ...] = ()  # besides the host: she comes to her own outing
    maybe: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()
    cancel: str = ""
    circle: str = ""  # the key of one of CIRCLES the outing is posted to
    members_only: bool = False
    adults_only: bool = False


# Laid out by hand as tables: one field per line would triple their length.
# fmt: off
VENUES = (
    Venue("Little Acorns Café", "cafe", "Riverside", "12 Mill Lane", (52.6291, 1.2975),
          "Mo-Fr 08:00-17:00; Sa,Su 09:00-16:00",
          "changing_table=yes baby_feeding=yes stroller=yes highchair=yes kids_area=indoor",
          True, "A bright café by the river with a carpeted toy corner and sofas at the back."),
    Venue("Riverside Wildlife Park", "zoo", "Riverside", "Towpath Road", (52.6254, 1.3051),
          "Mo-Su 09:30-17:00",
          "changing_table=yes baby_feeding=room stroller=yes wheelchair=yes stroller_parking=yes"
          " kids_menu=yes", True,
          "Giraffes, otters and a petting corner, on flat paths that suit buggies."),
    Venue("City Museum of Childhood", "museum", "Old Town", "1 Castle Square", (52.6283, 1.2962),
          "Mo-Su 10:00-17:00", "changing_table=yes baby_feeding=room stroller=yes wheelchair=yes"
          " quiet_space=yes", True,
          "Old toys, a dressing-up room and a soft crawling area on the ground floor."),
    Venue("The Puppet Barge", "theatre", "Old Town", "Castle Quay, mooring 3", None,
          "Mo-Su 10:00-16:00", "changing_table=limited stroller=no stroller_parking=yes"
          " wheelchair=limited", False,
          "A little theatre on a narrow boat: short puppet shows for the very young."),
    Venue("Northgate Leisure Pool", "pool", "Northgate", "3 Baths Road", (52.6402, 1.2921),
          "Mo-Fr 07:00-21:00; Sa,Su 08:00-18:00",
          "changing_table=yes baby_feeding=room stroller_parking=yes wheelchair=yes", True,
          "A warm teaching pool with family changing rooms and parent-and-baby sessions."),
    Venue("Trattoria Nonna Rosa", "restaurant", "Northgate", "88 North Street", None,
          "Mo-Su 12:00-14:30,18:00-22:00",
          "changing_table=limited highchair=yes kids_menu=yes stroller=limited", False,
          "A family-run Italian place that never minds a little mess under the table."),
    Venue("Meadow Park Playground", "playground", "Meadowbank", "Meadow Park, east gate",
          (52.6198, 1.2803), "24/7", "stroller=yes kids_area=outdoor wheelchair=yes", True,
          "Fenced playground with a toddler sandpit, baby swings and plenty of benches."),
    Venue("Meadowbank Botanic Garden", "park", "Meadowbank", "Garden Walk", (52.6185, 1.2841),
          "Mo-Su 08:00-19:00", "changing_table=yes stroller=yes wheelchair=yes kids_area=outdoor",
          True, "Lawns, a duck pond and a glasshouse that stays warm when the wind is cold."),
    Venue("Westfield Library", "library", "Westfield", "40 High Street", (52.6302, 1.2712),
          "Mo-Fr 09:00-19:00; Sa,Su 10:00-16:00",
          "changing_table=limited stroller=yes quiet_space=yes baby_feeding=yes", True,
          "A children's corner with floor cushions and weekly rhyme times."),
    Venue("Jungle Jim's Soft Play", "indoor_play", "Westfield", "Unit 4, Westfield Retail Park",
          None, "Mo-Su 09:00-18:00", "changing_table=yes kids_area=indoor highchair=yes"
          " stroller_parking=yes kids_menu=yes", False,
          "Soft play with a separate baby zone, so crawlers are safe from the big climbers."),
    Venue("Hillside City Farm", "farm", "Hillside", "Orchard Road", (52.6121, 1.3102),
          "Mo-Su 10:00-16:00", "changing_table=yes stroller=limited kids_menu=yes"
          " baby_feeding=no", False,
          "Goats, pigs and lambs in spring; some paths are gravel, so bring a sturdy buggy."),
    Venue("Hillside Community Centre", "other", "Hillside", "2 Chapel Row", None,
          "Mo-Fr 09:00-21:00; Sa,Su 09:00-17:00",
          "changing_table=yes baby_feeding=room wheelchair=yes"
          " stroller_parking=yes quiet_space=yes", False,
          "A friendly hall used by local groups, with a kitchen and a quiet room for feeds."),
)

OUTINGS = (
    Plan("cafe", "Émilie", "cafe", "Slow coffee with the little ones", 1, "09:30", "11:00",
         "No plan, just coffee and a chat while the babies roll around the toy corner. "
         "Come for ten minutes or the whole morning.",
         venue="Little Acorns Café", ages=(0, 12), cost="Pay for your own coffee",
         language="Français / English", going=("Chloé", "Nadia", "Kasia", "Hui Min"),
         maybe=("Imani",)),
    Plan("pool", "Kasia", "pool", "Baby swim splash", 2, "10:00", "11:00",
         "A gentle splash in the warm teaching pool, then a snack in the café upstairs. "
         "First time with a baby in the water? You're very welcome.",
         venue="Northgate Leisure Pool", ages=(0, 36), capacity=8,
         cost="£4.50 per adult, babies free", language="Polski / English",
         going=("Bartek", "Grzegorz", "Li Wei", "Amara", "Malik"), maybe=("Fatuma",),
         cancel="Pool closed for maintenance — sorry! I'll propose a new date."),
    Plan("zoo", "Amara", "zoo", "Giraffes and goats at the wildlife park", 3, "10:00", "12:30",
         "We'll wander slowly from the giraffes to the petting corner and picnic on the lawn. "
         "Toddler pace, lots of stops.",
         venue="Riverside Wildlife Park", meet="By the flamingo pond, just inside the gate",
         ages=(12, 36), capacity=6, cost="£6 per adult, under-3s free",
         language="English / Kiswahili",
         going=("Fatuma", "Imani", "Daniel", "Jonas", "Bartek", "Li Wei", "Nadia"),
         declined=("Chloé",)),
    Plan("museum", "Chloé", "museum", "Toddler tour of the Museum of Childhood", 4, "10:00",
         "11:30", "Old toys to look at, new ones to play with, and a crawling area downstairs. "
         "We'll end with a drink in the museum café.",
         venue="City Museum of Childhood", ages=(12, 36), capacity=8,
         language="Français / English", going=("Émilie", "Jonas", "Hui Min", "Grzegorz"),
         maybe=("Daniel",), declined=("Kasia",)),
    Plan("walk", "Daniel", "walk", "Riverside buggy walk", 4, "14:00", "15:30",
         "An easy, flat loop along the river to the weir and back, good for nap time. "
         "Slings and buggies both welcome.",
         place="Riverside towpath, from Mill Lane bridge to the weir and back",
         meet="The blue bench by Mill Lane bridge", area="Riverside", ages=(0, 12),
         going=("Malik", "Jonas", "Amara"), maybe=("Bartek", "Li Wei")),
    Plan("playground", "Fatuma", "playground", "Sandpit morning at Meadow Park", 5, "10:00",
         "12:00", "Buckets, spades and a big flask of chai. The sandpit is fenced, so the "
         "little ones can dig while we talk.",
         venue="Meadow Park Playground", meet="The benches next to the sandpit",
         ages=(12, 36), capacity=12, language="Kiswahili / English",
         going=("Imani", "Amara", "Nadia", "Daniel", "Kasia"), maybe=("Émilie",)),
    Plan("library", "Hui Min", "library", "Rhyme time and board books", 7, "10:00", "11:00",
         "Songs, bouncing rhymes and a pile of board books on the floor cushions. "
         "We'll sing a Chinese rhyme or two as well.",
         venue="Westfield Library", ages=(6, 24), capacity=6, language="中文 / English",
         going=("Li Wei", "Kasia", "Émilie", "Bartek", "Chloé", "Grzegorz", "Fatuma"),
         maybe=("Nadia",)),
    Plan("farm", "Grzegorz", "farm", "Feeding the lambs", 8, "10:00", "12:00",
         "The farm lets children help with the lamb feed at half past ten. "
         "Wellies recommended, it gets muddy.",
         venue="Hillside City Farm", ages=(24, 60), capacity=8, cost="£3 per child",
         language="Polski / English", going=("Bartek", "Kasia", "Daniel", "Jonas"),
         declined=("Hui Min",)),
    Plan("show", "Jonas", "show", "Puppet show on the barge", 9, "14:00", "15:00",
         "A thirty-minute puppet show about a very hungry duck, just right for short attention "
         "spans. Buggies stay on the quay.",
         venue="The Puppet Barge", ages=(24, 60), capacity=10, cost="£5 per child, adults free",
         going=("Chloé", "Daniel", "Amara"), maybe=("Malik", "Fatuma")),
    Plan("park", "Imani", "park", "Picnic in the Botanic Garden", 10, "11:00", "13:00",
         "Bring a blanket and something to share; we'll find a sunny spot by the duck pond. "
         "If it rains we move into the glasshouse.",
         venue="Meadowbank Botanic Garden", meet="Look for the yellow umbrella by the pond",
         cost="Free, bring a picnic", language="Kiswahili / English",
         going=("Fatuma", "Amara", "Émilie", "Nadia", "Malik", "Hui Min"),
         declined=("Grzegorz",)),
    Plan("softplay", "Li Wei", "other", "Soft play for crawlers and climbers", 11, "09:30",
         "11:30", "The baby zone is separate from the big climbing frame, so it's calm for "
         "crawlers. Socks on for grown-ups too!",
         venue="Jungle Jim's Soft Play", ages=(6, 24), capacity=4, cost="£4 per child",
         language="中文 / English",
         going=("Hui Min", "Nadia", "Bartek", "Daniel", "Émilie"), declined=("Jonas",)),
    Plan("stroll", "Malik", "walk", "New-parent stroll and chat", 11, "14:00", "15:30",
         "A slow loop on the ridge path for anyone finding the early weeks long. "
         "Flat gravel the whole way, and tea at mine afterwards.",
         place="Hillside ridge path, the flat loop", meet="14 Quarry Close, the blue door",
         private=True, area="Hillside", ages=(0, 12), capacity=6,
         going=("Daniel", "Imani"), maybe=("Amara",)),
    Plan("lunch", "Nadia", "cafe", "Family lunch with high chairs", 13, "12:00", "13:30",
         "A long table by the window, high chairs for everyone and pasta the little ones "
         "can eat with their hands.",
         venue="Trattoria Nonna Rosa", ages=(6, 24), capacity=8, cost="Kids' pasta £4",
         language="Français / English", going=("Émilie", "Chloé", "Fatuma"), maybe=("Jonas",)),
    Plan("sensory", "Bartek", "other", "Baby sensory play", 14, "10:00", "11:00",
         "Lights, bubbles, crinkly fabrics and jelly to squish. Babies explore on mats; "
         "grown-ups get tea.",
         venue="Hillside Community Centre", ages=(0, 12), capacity=10,
         cost="£2 per family towards materials", language="Polski / English",
         going=("Kasia", "Grzegorz", "Li Wei", "Malik"), maybe=("Hui Min",)),
    # posted to a circle: some for everyone, some for its members only
    Plan("swap", "Imani", "swap_party", "Baby clothes swap party", 5, "10:00", "12:00",
         "Bring what your little one has outgrown (clean, please), take what fits. Tea, "
         "biscuits and a play mat for the babies. What nobody takes goes to the charity shop.",
         venue="Hillside Community Centre", ages=(0, 36), circle="hillside",
         members_only=True, going=("Malik", "Li Wei", "Fatuma")),
    Plan("sale", "Fatuma", "clothes_sale", "Riverside pre-loved clothes and toys sale", 8,
         "09:30", "12:30",
         "Tables of 0-4 year clothes, books and toys at pocket-money prices. Want a table? "
         "Ask on the circle's board. Buggies welcome, the hall is step-free.",
         place="St Mary's church hall, Mill Lane", area="Riverside", circle="riverside",
         cost="Free entry", going=("Amara", "Chloé", "Jonas")),
    Plan("evening", "Amara", "parents_evening", "Parents' night out: pizza and a quiz", 3,
         "19:30", "21:30",
         "A grown-ups' evening for once: pizza, a silly quiz, and nobody needing a nappy "
         "change. Partners or grandparents on baby duty; back home by ten.",
         place="The Ferryman, back room", area="Riverside", circle="riverside",
         members_only=True, adults_only=True, ages=(None, None), capacity=8,
         cost="Pay for your own", going=("Chloé", "Bartek", "Nadia")),
    Plan("basen", "Kasia", "pool", "Basen z maluchami po polsku", 6, "10:30", "11:30",
         "Pluskamy się w ciepłym basenie do nauki pływania, potem kawa w kawiarni na górze. "
         "Rozmawiamy po polsku, ale każdy jest mile widziany.",
         venue="Northgate Leisure Pool", ages=(3, 36), capacity=6, circle="northgate-pl",
         members_only=True, cost="£4.50 per adult", language="Polski",
         going=("Grzegorz", "Bartek")),
)
# fmt: on

# outing key, author, words: only the host and families who replied may comment
COMMENTS = (
    ("cafe", "Chloé", "Is it okay to breastfeed there?"),
    ("cafe", "Émilie", "Absolutely, the sofas at the back are perfect and nobody minds."),
    ("pool", "Bartek", "Do babies need swim nappies?"),
    ("pool", "Kasia", "Yes, a swim nappy is a must. Reception sells them for £1."),
    ("zoo", "Bartek", "Is there space for buggies inside?"),
    ("zoo", "Amara", "Yes, there's a buggy park by the entrance, and the paths are flat."),
    ("zoo", "Nadia", "We're on the waitlist, fingers crossed!"),
    ("museum", "Hui Min", "Is the lift big enough for a double buggy?"),
    ("museum", "Chloé", "It is, I checked last week. See you by the coat room!"),
    ("walk", "Malik", "What if it rains?"),
    ("walk", "Daniel", "Drizzle: we walk anyway. A proper storm: I'll post here by 8am."),
    ("playground", "Nadia", "We'll bring spare spades, my two always fight over one."),
    ("library", "Kasia", "Do we need to bring our own books?"),
    ("library", "Hui Min", "No need, the library has plenty. Just bring yourselves!"),
    ("farm", "Jonas", "Are the lambs still bottle-fed?"),
    ("farm", "Grzegorz", "Yes, feeding is at 10:30. Wellies recommended, it gets muddy."),
    ("park", "Émilie", "I'll bring fruit and a big blanket."),
    ("park", "Imani", "Lovely! Look for the yellow umbrella near the pond."),
    ("softplay", "Daniel", "We're on the waitlist: let us know if you can't make it."),
    ("softplay", "Li Wei", "Will do. Don't forget socks, they're required."),
    ("stroll", "Imani", "Is the path okay for a pram?"),
    ("stroll", "Malik", "Flat gravel all the way. The address shows once you're confirmed."),
    ("sensory", "Kasia", "Should we bring anything?"),
    ("sensory", "Bartek", "Just a towel: the jelly play gets messy!"),
)
