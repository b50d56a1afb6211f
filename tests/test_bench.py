"""The benchmark's parts keep working (no timing is asserted anywhere)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bench import pull_scaling
from bench.dataset import build
from outings import changelog
from outings.db.connection import SQLiteReader
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


def test_a_pull_reads_its_page_not_the_whole_change_log(tmp_path: Path) -> None:
    """SQLite's own step count (not a time): a page costs the same in a log ten times longer."""
    steps = {}
    for scale in (0.01, 0.1):
        data = in_thread(build, tmp_path / f"bench-{scale}.db", scale)
        conn = sqlite3.connect(data.db, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        user_id = conn.execute("select user_id from sessions limit 1").fetchone()[0]
        count = [0]

        def step(count: list[int] = count) -> int:
            count[0] += 1
            return 0

        conn.set_progress_handler(step, 10)
        rows = in_thread(asyncio.run, changelog.changes_after(SQLiteReader(conn), 0, user_id, 20))
        conn.close()
        assert len(rows) == 20
        steps[scale] = count[0]
    assert steps[0.1] <= steps[0.01] * 1.5, steps


def test_pull_scaling_bench_runs_at_a_tiny_size() -> None:
    report = in_thread(pull_scaling.run, [0.01], [5, 10])
    rows = report["0.01"]["rows"]
    assert [r["page"] for r in rows] == [5, 10, 5, 10]
    assert rows[1]["changes"] == 10
    assert all(r["peak_kb"] > 0 for r in rows)
