"""How long a sync push takes through the real server: 1 mutation and 50.

Starts `outings serve` on a free loopback port with a fresh database,
prepares signed-in sessions directly in the database (no passkey ceremony in
the timing), then times pushes, each from a new client id, one at a time.
Prints median and p99 per size next to a bare GET /healthz measured in the
same run, and writes the figures as JSON under bench/results/.

    .venv/bin/python -m bench.push_latency [--rounds 40]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

RESULTS = Path(__file__).resolve().parent / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def prepare(db: Path, outings: int) -> tuple[str, list[str]]:
    """One signed-in parent (their session token) and some outings to reply to."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "insert into users (id, display_name, user_handle, created_at, updated_at)"
            " values ('bench-user', 'Bench', ?, ?, ?)",
            (os.urandom(32), iso(now), iso(now)),
        )
        conn.execute(
            "insert into sessions (id, user_id, created_at, last_seen_at, expires_at)"
            " values (?, 'bench-user', ?, ?, ?)",
            (
                hashlib.sha256(token.encode()).hexdigest(),
                iso(now),
                iso(now),
                iso(now + timedelta(days=1)),
            ),
        )
        ids = []
        for i in range(outings):
            outing_id = str(uuid.uuid4())
            start = now + timedelta(days=1 + i % 10, hours=i % 5)
            conn.execute(
                "insert into outings (id, host_id, title, category, starts_at, ends_at, place,"
                " capacity, created_at, updated_at) values (?, 'bench-user', ?, 'park', ?, ?,"
                " 'Park', 20, ?, ?)",
                (
                    outing_id,
                    f"Outing {i}",
                    iso(start),
                    iso(start + timedelta(hours=2)),
                    iso(now),
                    iso(now),
                ),
            )
            ids.append(outing_id)
    return token, ids


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="outings-bench-"))
    db = tmp / "bench.db"
    port = free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "OUTINGS_DB": str(db),
        "OUTINGS_ORIGIN": url,
        "OUTINGS_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "outings", "migrate"], env=env, check=True, capture_output=True
    )
    token, outing_ids = prepare(db, 60)
    server = subprocess.Popen(
        [sys.executable, "-m", "outings", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = httpx.Client(base_url=url, cookies={"outings_session": token}, timeout=30)
        for _ in range(100):
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        timings: dict[str, list[float]] = {
            "GET /healthz (baseline)": [],
            "push 1 mutation": [],
            "push 50 mutations": [],
        }
        for round_ in range(args.rounds + 3):  # the first rounds warm up
            started = time.perf_counter()
            client.get("/healthz")
            healthz = time.perf_counter() - started
            pushes = {}
            for size in (1, 50):
                body = {
                    "client_id": str(uuid.uuid4()),
                    "mutations": [
                        {
                            "id": i + 1,
                            "name": "rsvp.set",
                            "args": {
                                "outing_id": outing_ids[(round_ + i) % len(outing_ids)],
                                "status": "going" if (round_ + i) % 2 else "maybe",
                                "adults": 1,
                                "children": 1,
                            },
                        }
                        for i in range(size)
                    ],
                }
                started = time.perf_counter()
                response = client.post("/api/sync/push", json=body)
                pushes[size] = time.perf_counter() - started
                assert response.status_code == 200, response.text
            if round_ >= 3:
                timings["GET /healthz (baseline)"].append(healthz * 1000)
                timings["push 1 mutation"].append(pushes[1] * 1000)
                timings["push 50 mutations"].append(pushes[50] * 1000)
        client.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    rows = {}
    print(f"{'request':<26}{'median ms':>11}{'p99 ms':>9}{'mutations/s':>13}")
    for name, values in timings.items():
        median = statistics.median(values)
        p99 = percentile(values, 0.99)
        size = 50 if "50" in name else 1 if "push" in name else 0
        rate = size / (median / 1000) if size else 0
        rows[name] = {
            "median_ms": round(median, 2),
            "p99_ms": round(p99, 2),
            "mutations_per_s": round(rate),
            "rounds": len(values),
        }
        print(
            f"{name:<26}{median:>11.2f}{p99:>9.2f}{rate:>13.0f}"
            if size
            else f"{name:<26}{median:>11.2f}{p99:>9.2f}{'':>13}"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "push_latency.json"
    out.write_text(
        json.dumps(
            {"when": iso(datetime.now(UTC)), "machine": f"{os.cpu_count()} cores", "results": rows},
            indent=2,
        )
        + "\n"
    )
    print(f"written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
