"""The benchmark's parts keep working (no timing is asserted anywhere)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.dataset import build
from tests.conftest import in_thread


def test_the_bench_dataset_is_realistic_and_servable(tmp_path: Path) -> None:
    data = in_thread(build, tmp_path / "bench.db", 0.01)
    assert data.counts["outings"] >= 10
    with sqlite3.connect(data.db) as conn:
        states = dict(conn.execute("select state, count(*) from rsvps group by state"))
        assert states.get("confirmed", 0) > 0
        cursor, changes = conn.execute(
            "select (select cursor from sync_state), count(*) from sync_changes"
        ).fetchone()
    assert changes > data.counts["outings"]
    assert data.recent_cursor < cursor
    assert len(data.tokens) == 64
