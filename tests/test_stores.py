"""Each store reads, by name, every column its model is made of.

Lists and pages read named columns (not ``o.*``: a table also holds keys
never shown, a second copy of its text): a field added to a model and
forgotten in its store's columns fails here, not on a parent's page.
"""

from __future__ import annotations

import msgspec

from outings.outing import store as outing_store
from outings.outing.models import Outing
from outings.venue import store as venue_store
from outings.venue.models import Venue

#: Fields made from other tables (joins, counts), not from the model's own row.
OUTING_JOINED = {
    "host_name",
    "venue_name",
    "venue_latitude",
    "venue_longitude",
    "circle_name",
    "confirmed_count",
    "waitlist_count",
}
VENUE_JOINED = {"manager_name", "amenities"}


def test_an_outing_s_columns_are_its_own_fields() -> None:
    own = {f.name for f in msgspec.structs.fields(Outing)} - OUTING_JOINED
    assert set(outing_store._COLUMNS) == own


def test_a_venue_s_columns_are_its_own_fields() -> None:
    own = {f.name for f in msgspec.structs.fields(Venue)} - VENUE_JOINED
    assert set(venue_store._COLUMNS) == own
