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
from typing import Any

from bench.dataset import build
from outings.accounts import store as account_store
from outings.accounts.service import session_id
from outings.db import Database, now_iso
from outings.sync.pull import pull

RUNS = 15


async def measure(
    db_path: Path, token: str, cursors: dict[str, int], pages: list[int]
) -> list[Any]:
    db = Database(db_path)
    await db.open()
    try:
        async with db.reader() as r:
            found = await account_store.live_session_user(r, session_id(token), now_iso())
        assert found is not None
        _session, user = found
        rows = []
        for label, cursor in cursors.items():
            for page in pages:
                times = []
                for _ in range(RUNS):
                    started = time.perf_counter()
                    result = await pull(db, user, cursor, None, page)
                    times.append(time.perf_counter() - started)
                tracemalloc.start()
                await pull(db, user, cursor, None, page)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                sent = max(len(result.changes), 1)
                ms = statistics.median(times) * 1000
                rows.append(
                    {
                        "from": label,
                        "page": page,
                        "changes": len(result.changes),
                        "ms": round(ms, 2),
                        "us_per_change": round(ms * 1000 / sent, 1),
                        "peak_kb": round(peak / 1024),
                        "kb_per_change": round(peak / 1024 / sent, 2),
                    }
                )
        return rows
    finally:
        await db.close()


def run(scales: list[float], pages: list[int]) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for scale in scales:
        tmp = Path(tempfile.mkdtemp(prefix="outings-pull-"))
        data = build(tmp / "bench.db", scale)
        cursors = {"cursor 0": 0, "recent": max(data.recent_cursor - 2 * max(pages), 0)}
        rows = asyncio.run(measure(data.db, data.tokens[0], cursors, pages))
        report[str(scale)] = {"dataset": data.counts, "rows": rows}
    return report


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
