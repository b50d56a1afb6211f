"""Opening hours: OpenStreetMap's text read into a week, written back, and said in words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outings.i18n import use_locale
from outings.venue import hours
from outings.venue.hours import DAY_MINUTES, Hours

PARIS = ZoneInfo("Europe/Paris")
WORKDAYS = ((8 * 60, 17 * 60),)
WEEKEND = ((9 * 60, 16 * 60),)


@st.composite
def spans(draw: st.DrawFn) -> hours.Span:
    opens = draw(st.integers(0, DAY_MINUTES - 1))
    return opens, draw(st.integers(opens + 1, opens + DAY_MINUTES))


weeks = st.builds(
    Hours,
    week=st.tuples(*[st.lists(spans(), max_size=3).map(tuple) for _ in hours.DAYS]),
    holidays_closed=st.booleans(),
)


@given(weeks)
def test_a_week_written_as_osm_reads_back_the_same(week: Hours) -> None:
    assert hours.parse(hours.to_osm(week)) == week


@given(st.text(max_size=80))
def test_any_text_is_read_or_refused_never_an_error(text: str) -> None:
    week = hours.parse(text)
    if week is not None:
        assert hours.parse(hours.to_osm(week)) == week
        hours.describe(week, "pl")
        hours.open_now(week, datetime(2026, 6, 1, 12, tzinfo=PARIS), "en")


@pytest.mark.parametrize(
    ("text", "week", "holidays"),
    [
        ("Mo-Fr 08:00-17:00; Sa,Su 09:00-16:00", [WORKDAYS] * 5 + [WEEKEND] * 2, False),
        ("24/7", [((0, DAY_MINUTES),)] * 7, False),
        ("mo-fr 8:00-17:00", [WORKDAYS] * 5 + [()] * 2, False),  # as people type it
        ("Mo-Fr 08:00-17:00; We off", [WORKDAYS] * 2 + [()] + [WORKDAYS] * 2 + [()] * 2, False),
        ("Sa-Mo 10:00-12:00", [((600, 720),)] + [()] * 4 + [((600, 720),)] * 2, False),
        (
            "Mo-Su 12:00-14:30,18:00-22:00; PH off",
            [((720, 870), (1080, 1320))] * 7,
            True,
        ),
        ("Fr 18:00-02:00", [()] * 4 + [((1080, 1560),)] + [()] * 2, False),
        ("Su,PH off; Mo-Sa 10:00-18:00", [((600, 1080),)] * 6 + [()], True),
    ],
)
def test_common_hours_are_read(text: str, week: list[hours.Day], holidays: bool) -> None:
    assert hours.parse(text) == Hours(week=tuple(week), holidays_closed=holidays)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "sunrise-sunset",
        "Jan-Mar Mo-Fr 09:00-17:00",
        "Mo-Fr 09:00-17:00, Sa 10:00-12:00",
        "PH 10:00-12:00",
        "Mo-Fr 25:00-26:00",
        'Mo-Fr 09:00-17:00 "by appointment"',
        "by appointment",
    ],
)
def test_what_is_not_read_is_none(text: str) -> None:
    assert hours.parse(text) is None


def test_a_week_in_words_groups_days_with_the_same_hours() -> None:
    week = hours.parse("Mo-Fr 08:00-17:00; Sa,Su 09:00-16:00; PH off")
    assert week is not None
    with use_locale("pl"):
        assert hours.describe(week, "pl") == [
            ("pon.–pt.", "08:00–17:00"),
            ("sob., niedz.", "09:00–16:00"),
            ("Święta", "Nieczynne"),
        ]
    with use_locale("en"):
        lines = hours.describe(week, "en")
    assert [days for days, _ in lines] == ["Mon–Fri", "Sat, Sun", "Public holidays"]
    assert _plain(lines[0][1]) == "8:00 AM – 5:00 PM"
    closed_monday = hours.parse("Tu-Su 10:00-17:00")
    assert closed_monday is not None
    with use_locale("en"):
        assert hours.describe(closed_monday, "en")[0] == ("Mon", "Closed")
        assert hours.describe(hours.parse("24/7"), "en") == [("Every day", "Open 24 hours")]  # type: ignore[arg-type]


def _plain(text: str) -> str:
    """Babel's narrow and thin spaces as plain ones."""
    return text.replace("\u202f", " ").replace("\u2009", " ")


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 12, 1, 7, 30, tzinfo=PARIS), "Closed now · opens at 8:00 AM"),  # Tuesday
        (datetime(2026, 12, 1, 12, 0, tzinfo=PARIS), "Open now · closes at 5:00 PM"),
        (datetime(2026, 12, 4, 18, 0, tzinfo=PARIS), "Closed now · opens tomorrow at 9:00 AM"),
        (datetime(2026, 12, 6, 16, 30, tzinfo=PARIS), "Closed now · opens tomorrow at 8:00 AM"),
        (datetime(2026, 12, 5, 16, 0, tzinfo=PARIS), "Closed now · opens tomorrow at 9:00 AM"),
    ],
)
def test_open_now_in_the_instance_time_zone(moment: datetime, words: str) -> None:
    week = hours.parse("Mo-Fr 08:00-17:00; Sa,Su 09:00-16:00")
    assert week is not None
    with use_locale("en"):
        said = hours.open_now(week, moment, "en")
    assert said.open == words.startswith("Open")
    assert _plain(said.text) == words


def test_a_place_open_past_midnight_is_open_after_midnight() -> None:
    week = hours.parse("Fr,Sa 18:00-02:00")
    assert week is not None
    with use_locale("en"):
        sunday_one_am = hours.open_now(week, datetime(2026, 12, 6, 1, 0, tzinfo=PARIS), "en")
        monday = hours.open_now(week, datetime(2026, 12, 7, 12, tzinfo=PARIS), "en")
        always = hours.open_now(hours.Hours(week=(((0, DAY_MINUTES),),) * 7), monday_noon(), "en")
    assert _plain(sunday_one_am.text) == "Open now · closes at 2:00 AM"
    assert _plain(monday.text) == "Closed now · opens Friday at 6:00 PM"
    assert always == hours.OpenNow(open=True, text="Open now")


def monday_noon() -> datetime:
    return datetime(2026, 12, 7, 12, tzinfo=PARIS)
