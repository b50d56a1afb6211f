"""A realistic database for benchmarks, written straight to SQLite in seconds.

At scale 1.0: 2,000 upcoming outings across 30 areas, 20,000 families,
100,000 RSVPs (full outings with waitlists), 200 venues, 6,000 comments, and
the change log a pull reads.
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from outings.outing.models import CATEGORIES as OUTING_CATEGORIES
from outings.venue.models import KINDS as VENUE_KINDS

CATEGORIES = tuple(OUTING_CATEGORIES)
KINDS = tuple(VENUE_KINDS)
AMENITIES = (
    ("changing_table", ("yes", "limited", "no")),
    ("baby_feeding", ("yes", "room", "no")),
    ("stroller", ("yes", "limited", "no")),
    ("highchair", ("yes", "no")),
)
SESSIONS = 64


@dataclass
class Dataset:
    db: Path
    tokens: list[str]
    outing_ids: list[str]
    recent_cursor: int
    counts: dict[str, int]


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def build(db: Path, scale: float = 1.0, seed: int = 7) -> Dataset:
    rng = random.Random(seed)
    env = {**os.environ, "OUTINGS_DB": str(db)}
    subprocess.run(
        [sys.executable, "-m", "outings", "migrate"], env=env, check=True, capture_output=True
    )
    n_outings = max(int(2000 * scale), 10)
    n_families = max(int(20000 * scale), 50)
    n_rsvps = max(int(100000 * scale), 100)
    n_venues = max(int(200 * scale), 5)
    n_comments = max(int(6000 * scale), 10)
    areas = [f"Area {i:02d}" for i in range(30)]
    now = datetime.now(UTC)
    stamp = iso(now)

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    conn = sqlite3.connect(db)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = off")
    users = [uid() for _ in range(n_families)]
    conn.executemany(
        "insert into users (id, display_name, user_handle, created_at, updated_at)"
        " values (?, ?, ?, ?, ?)",
        [
            (u, f"Family {i}", hashlib.sha256(u.encode()).digest(), stamp, stamp)
            for i, u in enumerate(users)
        ],
    )
    tokens = [secrets.token_urlsafe(32) for _ in range(SESSIONS)]
    conn.executemany(
        "insert into sessions (id, user_id, created_at, last_seen_at, expires_at)"
        " values (?, ?, ?, ?, ?)",
        [
            (
                hashlib.sha256(t.encode()).hexdigest(),
                users[i],
                stamp,
                stamp,
                iso(now + timedelta(days=30)),
            )
            for i, t in enumerate(tokens)
        ],
    )
    venues = [uid() for _ in range(n_venues)]
    conn.executemany(
        "insert into venues (id, name, kind, area, address, created_at, updated_at, verified_at)"
        " values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                v,
                f"Venue {i}",
                rng.choice(KINDS),
                rng.choice(areas),
                f"{i} Main Street",
                stamp,
                stamp,
                stamp if i % 3 else None,
            )
            for i, v in enumerate(venues)
        ],
    )
    conn.executemany(
        "insert into venue_amenities (venue_id, amenity, value, confirmed_at) values (?, ?, ?, ?)",
        [(v, tag, rng.choice(values), stamp) for v in venues for tag, values in AMENITIES],
    )
    outings = []
    for i in range(n_outings):
        start = (now + timedelta(hours=2 + rng.random() * 24 * 21)).replace(minute=0, second=0)
        venue = rng.choice(venues) if i % 2 else None
        outings.append(
            (
                uid(),
                rng.choice(users),
                f"Outing {i}: {rng.choice(CATEGORIES)} morning",
                rng.choice(CATEGORIES),
                "Bring snacks and a change of clothes.",
                iso(start),
                iso(start + timedelta(hours=2)),
                venue,
                "" if venue else "By the big tree",
                rng.choice(areas),
                rng.choice((0, 6, 12, None)),
                rng.choice((12, 36, 60, None)),
                rng.choice((None, 10, 20, 30, 40)),
                stamp,
                stamp,
            )
        )
    conn.executemany(
        "insert into outings (id, host_id, title, category, description, starts_at, ends_at,"
        " venue_id, place, area, age_min_months, age_max_months, capacity, created_at,"
        " updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        outings,
    )
    seq = 0
    rsvps = []
    per_outing = max(n_rsvps // n_outings, 1)
    for outing in outings:
        capacity = outing[12]
        confirmed = 0
        for user in rng.sample(users, per_outing):
            seq += 1
            status = rng.choices(("going", "maybe", "declined"), (8, 1, 1))[0]
            state = "none"
            if status == "going":
                state = "confirmed" if capacity is None or confirmed < capacity else "waitlisted"
                confirmed += state == "confirmed"
            rsvps.append(
                (
                    outing[0],
                    user,
                    status,
                    rng.randint(1, 2),
                    rng.randint(1, 3),
                    state,
                    seq if status == "going" else None,
                    stamp,
                    stamp,
                )
            )
    conn.executemany(
        "insert into rsvps (outing_id, user_id, status, adults, children, state, queued_seq,"
        " created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rsvps,
    )
    comments = [
        (uid(), rng.choice(outings)[0], rng.choice(users), "See you there!", stamp)
        for _ in range(n_comments)
    ]
    conn.executemany(
        "insert into comments (id, outing_id, author_id, body, created_at) values (?, ?, ?, ?, ?)",
        comments,
    )
    changes: list[tuple[str, str, str | None]] = [("venue", v, None) for v in venues]
    changes += [("outing", o[0], None) for o in outings]
    changes += [("comment", c[0], None) for c in comments]
    changes += [("rsvp", f"{r[0]}:{r[1]}", r[1]) for r in rsvps]
    rng.shuffle(changes)
    conn.executemany(
        "insert into sync_changes (entity_type, entity_id, cursor, op, owner_id, changed_at)"
        " values (?, ?, ?, 'put', ?, ?)",
        [(t, e, seq + i + 1, owner, stamp) for i, (t, e, owner) in enumerate(changes)],
    )
    cursor = seq + len(changes)
    conn.execute("update sync_state set cursor = ? where id = 1", (cursor,))
    conn.commit()
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    return Dataset(
        db=db,
        tokens=tokens,
        outing_ids=[o[0] for o in outings],
        recent_cursor=cursor - 100,
        counts={
            "outings": len(outings),
            "families": len(users),
            "rsvps": len(rsvps),
            "venues": len(venues),
            "comments": len(comments),
        },
    )
