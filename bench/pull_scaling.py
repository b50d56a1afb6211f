"""Does a pull grow with its page, or with the database? Time and memory of one pull.

Builds the benchmark database at two sizes, then calls the pull a client's
GET /api/sync/pull runs (in-process: HTTP and JSON are the same at every
size) for several page sizes, from cursor 0 and from a recent cursor, as a
signed-in parent. Prints the median time and the peak memory Python
allocated (tracemalloc) per pull, and per change sent, for each size.

    .venv/bin/python -m bench.pull_scaling [--scales 0.25 1.0] [--pages 50 100 200 400]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any, NamedTuple

from bench.dataset import Dataset, build
from outings.accounts import store as account_store
from outings.accounts.models import User
from outings.accounts.service import session_id
from outings.db import now_iso
from outings.db.sqlite import SQLiteDatabase
from outings.sync.pull import pull

RUNS = 31


class Target(NamedTuple):
    db: SQLiteDatabase
    user: User
    cursors: dict[str, int]


async def _open(data: Dataset, pages: list[int]) -> Target:
    db = SQLiteDatabase(data.db)
    await db.open()
    async with db.reader() as r:
        found = await account_store.live_session_user(r, session_id(data.tokens[0]), now_iso())
    assert found is not None
    recent = max(data.recent_cursor - 2 * max(pages), 0)
    return Target(db, found[1], {"cursor 0": 0, "recent": recent})


async def _peak_kb(target: Target, cursor: int, page: int) -> float:
    tracemalloc.start()
    await pull(target.db, target.user, cursor, None, page)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


async def measure(datasets: dict[str, Dataset], pages: list[int]) -> dict[str, list[Any]]:
    """Each size timed run by run in turn (A/B), so drift of the machine hits all alike."""
    targets = {scale: await _open(data, pages) for scale, data in datasets.items()}
    rows: dict[str, list[Any]] = {scale: [] for scale in targets}
    try:
        for label in ("cursor 0", "recent"):
            for page in pages:
                times: dict[str, list[float]] = {scale: [] for scale in targets}
                sent: dict[str, int] = {}
                for _ in range(RUNS):
                    for scale, t in targets.items():
                        started = time.perf_counter()
                        result = await pull(t.db, t.user, t.cursors[label], None, page)
                        times[scale].append(time.perf_counter() - started)
                        sent[scale] = len(result.changes)
                for scale, t in targets.items():
                    ms = statistics.median(times[scale]) * 1000
                    peak = await _peak_kb(t, t.cursors[label], page)
                    n = max(sent[scale], 1)
                    rows[scale].append(
                        {
                            "from": label,
                            "page": page,
                            "changes": sent[scale],
                            "ms": round(ms, 2),
                            "us_per_change": round(ms * 1000 / n, 1),
                            "peak_kb": round(peak),
                            "kb_per_change": round(peak / n, 2),
                        }
                    )
        return rows
    finally:
        for t in targets.values():
            await t.db.close()


def run(scales: list[float], pages: list[int]) -> dict[str, Any]:
    datasets = {}
    for scale in scales:
        tmp = Path(tempfile.mkdtemp(prefix="outings-pull-"))
        datasets[str(scale)] = build(tmp / "bench.db", scale)
    rows = asyncio.run(measure(datasets, pages))
    return {
        scale: {"dataset": data.counts, "rows": rows[scale]} for scale, data in datasets.items()
    }


def print_report(report: dict[str, Any]) -> None:
    print(f"\n{'pull':<12}{'page':>6}" + "".join(f"{'scale ' + s:>32}" for s in report))
    print(f"{'':<18}" + "".join(f"{'ms':>8}{'µs/chg':>9}{'KB':>7}{'KB/chg':>8}" for _ in report))
    first = next(iter(report.values()))["rows"]
    for i, row in enumerate(first):
        line = f"{row['from']:<12}{row['page']:>6}"
        for data in report.values():
            r = data["rows"][i]
            line += f"{r['ms']:>8.2f}{r['us_per_change']:>9.1f}"
            line += f"{r['peak_kb']:>7}{r['kb_per_change']:>8.2f}"
        print(line)
    for scale, data in report.items():
        print(f"scale {scale}: {data['dataset']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.25, 1.0])
    parser.add_argument("--pages", type=int, nargs="+", default=[50, 100, 200, 400])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    report = run(args.scales, args.pages)
    print_report(report)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
