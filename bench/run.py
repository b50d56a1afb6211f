"""`make bench`: Outings beside the ceilings it cannot beat, on this machine, on loopback.

Builds a realistic database (bench/dataset.py), serves the app the way the
README does (`outings serve`, one uvicorn process) and a bare Litestar app
with the same server, drives both with wrk at a fixed number of connections,
A/B alternated over several rounds, and prints medians: requests/s, p50,
p99 and the ratio to the bare app. Also measures the single-writer SQLite
transaction rate through aiosqlite (the storage ceiling), the bytes a
phone transfers on a first and a repeat visit (Chromium), and the bytes a
signed-in parent's phone spends in the background per page view
(bench/background.py). Writes everything to bench/results/latest.json.

    .venv/bin/python -m bench.run [--scale 1.0] [--rounds 3] [--duration 5] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import background, pull_scaling
from bench.dataset import Dataset, build

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(self, args: list[str], env: dict[str, str], url: str) -> None:
        self.url = url
        self.process = subprocess.Popen(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"{args} did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_app(db: Path | str, workers: int = 1, *, durable: bool = True) -> Server:
    """``outings serve`` on ``db``; ``durable=False``: its commits not waiting for
    the disk (bench/undurable.py), only to show what durability costs."""
    port = free_port()
    url = f"http://localhost:{port}"
    env = {
        **os.environ,
        "OUTINGS_DB": str(db),
        "OUTINGS_ORIGIN": url,
        "OUTINGS_LOG_LEVEL": "WARNING",
        "OUTINGS_SECRET": "bench",
    }
    command = ["serve", "--port", str(port), "--workers", str(workers)]
    module = "outings" if durable else "bench.undurable"
    return Server([sys.executable, "-m", module, *command], env, url)


def start_bare() -> Server:
    port = free_port()
    return Server(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.bare_app:app",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
            # served as `outings serve` serves the app (outings/cli.py)
            "--loop",
            "asyncio",
            "--http",
            "httptools",
        ],
        dict(os.environ),
        f"http://127.0.0.1:{port}",
    )


PUSH_LUA = """
local ids = {%(ids)s}
local size = %(size)d
local cookies = {%(cookies)s}
local n = 0
request = function()
  n = n + 1
  -- many phones, as in life (and each within its own push limit)
  local cookie = cookies[n %% #cookies + 1]
  local client = string.format("%%08x-%%04x-4%%03x-8%%03x-%%012x", math.random(0, 0x7fffffff),
    math.random(0, 0xffff), math.random(0, 0xfff), math.random(0, 0xfff), n)
  local parts = {}
  for i = 1, size do
    parts[i] = string.format(
      '{"id":%%d,"name":"rsvp.set","args":{"outing_id":"%%s","status":"going","adults":1,"children":1}}',
      i, ids[math.random(#ids)])
  end
  local body = '{"client_id":"' .. client .. '","mutations":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/api/sync/push",
    {["Content-Type"] = "application/json", ["Cookie"] = cookie}, body)
end
"""


#: Each request a query never seen before (ignored by the page): the page is
#: drawn anew every time, as for a parent whose page changed since she last
#: asked, never answered again by the front desk (outings/web/front.py).
FRESH_LUA = """
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "%(path)s?fresh=" .. n, {["Cookie"] = "%(cookie)s"})
end
"""


def wrk(
    url: str,
    *,
    connections: int,
    duration: int,
    script: Path | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]

    def latency(label: str) -> float:
        value, unit = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": latency("50%"),
        "p99": latency("99%"),
        "errors": float(errors[1]) if errors else 0.0,
    }


async def sqlite_ceiling(db: Path, synchronous: str, seconds: float = 3.0) -> float:
    """Single-writer transactions per second through aiosqlite on the same disk,
    each commit ``synchronous = normal`` (on disk at the next checkpoint) or
    ``full`` (fsynced before it returns: what the app does)."""
    import aiosqlite

    async with aiosqlite.connect(db, isolation_level=None) as conn:
        await conn.execute("pragma journal_mode = wal")
        await conn.execute(f"pragma synchronous = {synchronous}")
        await conn.execute("create table if not exists bench_tx (k integer primary key, v text)")
        await conn.execute("create table if not exists bench_counter (n integer)")
        await conn.execute("insert into bench_counter values (0)")
        done = 0
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            await conn.execute("begin immediate")
            await conn.execute("insert into bench_tx (v) values ('x')")
            await conn.execute("update bench_counter set n = n + 1")
            await conn.execute("commit")
            done += 1
        return done / seconds


def transfer(url: str) -> dict[str, Any]:
    """Bytes of a first and a repeat visit of / in Chromium, as a phone would fetch them."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        seen: dict[str, dict[str, Any]] = {}

        def received(event: dict[str, Any]) -> None:
            response = event["response"]
            seen[event["requestId"]] = {
                "url": response["url"],
                "sw": response.get("fromServiceWorker", False),
            }

        def finished(event: dict[str, Any]) -> None:
            seen.get(event["requestId"], {})["bytes"] = event["encodedDataLength"]

        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        page.goto(url + "/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_function("!!navigator.serviceWorker.controller")
        page.wait_for_timeout(500)
        first = sum(
            r.get("bytes", 0)
            for r in seen.values()
            if r["url"].startswith(url) and not r["url"].endswith("/sw.js")
        )
        first_requests = len(seen)
        seen.clear()
        page.goto(url + "/")
        page.wait_for_timeout(300)
        shell_from_network = [
            r["url"] for r in seen.values() if "/static/" in r["url"] and not r["sw"]
        ]
        repeat = sum(r.get("bytes", 0) for r in seen.values() if not r["sw"])
        browser.close()
    precache = json.loads(
        re.search(
            r"const PRECACHE = (\[.*?\]);",  # type: ignore[index]
            httpx.get(url + "/sw.js").text,
        )[1]
    )
    precache_bytes = sum(
        len(httpx.get(url + u, headers={"accept-encoding": "gzip"}).content) for u in precache
    )
    return {
        "first_visit_bytes": first,
        "first_visit_requests": first_requests,
        "repeat_visit_bytes": repeat,
        "repeat_shell_requests": len(shell_from_network),
        "precache_bytes": precache_bytes,
    }


def head(url: str) -> int:
    """The change log's newest cursor, now (what /healthz says: either engine)."""
    version: int = httpx.get(url + "/healthz", timeout=10).json()["version"]
    return version


class Postgres:
    """A throwaway PostgreSQL cluster holding a copy of the bench's database
    (moved by ``outings export`` / ``outings import``, as a town would move)."""

    def __init__(self, exported: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="outings-bench-pg-"))
        self.dir.chmod(0o755)  # the cluster belongs to the postgres user when we are root
        script = str(ROOT.parent / "scripts" / "postgres-cluster.sh")
        self._script = script
        server = subprocess.run(
            ["sh", script, "start", str(self.dir / "cluster"), str(free_port())],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.db = server.rsplit("/", 1)[0] + "/bench"
        from outings.db.postgres import create_database

        try:
            asyncio.run(create_database(server, "bench"))
            env = {**os.environ, "OUTINGS_DB": self.db}
            for command in (["migrate"], ["import", str(exported)]):
                subprocess.run(
                    [sys.executable, "-m", "outings", *command],
                    env=env,
                    check=True,
                    capture_output=True,
                )
        except BaseException:
            self.stop()  # never a cluster left running behind a failed start
            raise

    def stop(self) -> None:
        subprocess.run(["sh", self._script, "stop", str(self.dir / "cluster")], check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


Target = dict[str, Any]


def measure(
    targets: dict[str, Target],
    runs: dict[str, list[dict[str, float]]],
    bare: Server,
    args: argparse.Namespace,
) -> None:
    """One wrk run of each target, each right after one of the bare app (A/B:
    drift hits both)."""
    for name, target in targets.items():
        if name == BARE:
            continue
        runs.setdefault(BARE, []).append(
            wrk(bare.url + "/", connections=args.connections, duration=args.duration)
        )
        url = target["url"]
        runs.setdefault(name, []).append(
            wrk(
                url() if callable(url) else url,
                connections=args.connections,
                duration=args.duration,
                script=target.get("script"),
                headers=target.get("headers"),
            )
        )


def postgres_targets(
    app: Server, processes: int, cookie: str, scripts: dict[int | str, Path]
) -> dict[str, Target]:
    """What is compared between the engines: the list, pushes of 1 and 50, a pull."""
    label = f"PostgreSQL, {processes} process{'es' if processes > 1 else ''}:"
    return {
        f"{label} GET /": {"url": app.url + "/"},
        f"{label} POST push, 1 RSVP": {"url": app.url, "script": scripts[1], "mutations": 1},
        f"{label} POST push, 50 mutations": {
            "url": app.url,
            "script": scripts[50],
            "mutations": 50,
        },
        f"{label} GET /api/sync/pull, 100 recent changes": {
            "url": lambda: f"{app.url}/api/sync/pull?cursor={head(app.url) - 100}",
            "headers": {"Cookie": cookie},
        },
    }


def on_postgres(
    exported: Path,
    cookie: str,
    scripts: dict[int | str, Path],
    runs: dict[str, list[dict[str, float]]],
    targets: dict[str, Target],
    bare: Server,
    args: argparse.Namespace,
) -> None:
    """The PostgreSQL rows: the same database moved there, served by 1 and 2 processes."""
    try:
        cluster = Postgres(exported)
    except (OSError, subprocess.CalledProcessError) as exc:
        said = getattr(exc, "stderr", None) or ""
        print(f"PostgreSQL rows left out: no cluster could start ({exc}) {said}", flush=True)
        return
    try:
        for processes in (1, 2):
            app = start_app(cluster.db, workers=processes)
            try:
                these = postgres_targets(app, processes, cookie, scripts)
                targets.update(these)
                for round_ in range(args.rounds):
                    measure(these, runs, bare, args)
                    print(
                        f"PostgreSQL, {processes}: round {round_ + 1}/{args.rounds} done",
                        flush=True,
                    )
            finally:
                app.stop()
    finally:
        cluster.stop()


def durability_cost(table: list[dict[str, Any]]) -> str:
    """What durable commits cost the pushes: durable against not, same run."""
    rows = {row["name"]: row for row in table}
    said = []
    for size in ("1 RSVP", "50 mutations"):
        durable, undurable = rows.get(f"POST push, {size}"), rows.get(UNDURABLE + size)
        if durable and undurable and undurable["rps"]:
            said.append(
                f"push of {size} {durable['rps']:.0f} req/s against {undurable['rps']:.0f}"
                f" ({durable['rps'] / undurable['rps'] - 1:+.0%})"
            )
    return "\nDurable commits (synchronous = full, group commit): " + "; ".join(said)


BARE = "bare Litestar GET /"
#: Pushes to the same data served with commits that do not wait for the disk.
UNDURABLE = "POST push, commits not durable (A/B only), "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is missing: install Debian's package 'wrk' (make bench does as root)")
    tmp = Path(tempfile.mkdtemp(prefix="outings-bench-"))
    started = time.perf_counter()
    data: Dataset = build(tmp / "bench.db", args.scale)
    print(f"dataset {data.counts} built in {time.perf_counter() - started:.1f} s", flush=True)
    exported = tmp / "bench.jsonl"  # as built: PostgreSQL starts from the same data
    subprocess.run(
        [sys.executable, "-m", "outings", "export", str(exported)],
        env={**os.environ, "OUTINGS_DB": str(data.db)},
        check=True,
        capture_output=True,
    )
    # The same data for an app whose commits do not wait for the disk: the
    # pushes below, measured on both, show what durable commits cost.
    with (
        contextlib.closing(sqlite3.connect(data.db)) as source,
        contextlib.closing(sqlite3.connect(tmp / "undurable.db")) as copy,
    ):
        source.backup(copy)
    app, bare = start_app(data.db), start_bare()
    undurable = start_app(tmp / "undurable.db", durable=False)
    cookie = f"outings_session={data.tokens[0]}"
    ids = ",".join(f'"{i}"' for i in data.outing_ids[:300])
    cookies = ",".join(f'"outings_session={t}"' for t in data.tokens)
    scripts: dict[int | str, Path] = {}
    for path in ("/", f"/outings/{data.outing_ids[0]}"):
        script = tmp / f"fresh{len(scripts)}.lua"
        script.write_text(FRESH_LUA % {"path": path, "cookie": cookie})
        scripts[path] = script
    for size in (1, 50):
        script = tmp / f"push{size}.lua"
        script.write_text(PUSH_LUA % {"ids": ids, "size": size, "cookies": cookies})
        scripts[size] = script
    targets: dict[str, dict[str, Any]] = {
        BARE: {"url": bare.url + "/"},
        "GET /": {"url": app.url + "/"},
        "GET / signed in": {"url": app.url + "/", "headers": {"Cookie": cookie}},
        "GET / signed in, drawn anew": {"url": app.url, "script": scripts["/"]},
        "GET /?when=week&age=12&category=park": {
            "url": app.url + "/?when=week&age=12&category=park"
        },
        "GET /outings/{id}": {"url": f"{app.url}/outings/{data.outing_ids[0]}"},
        "GET /outings/{id} signed in": {
            "url": f"{app.url}/outings/{data.outing_ids[0]}",
            "headers": {"Cookie": cookie},
        },
        "GET /outings/{id} signed in, drawn anew": {
            "url": app.url,
            "script": scripts[f"/outings/{data.outing_ids[0]}"],
        },
        "GET /api/sync/pull?cursor=0": {
            "url": app.url + "/api/sync/pull?cursor=0",
            "headers": {"Cookie": cookie},
        },
        # a phone checking for changes at the head of the log (the URL is made
        # right before each run: pushes in earlier rounds move the head)
        "GET /api/sync/pull, nothing new": {
            "url": lambda: f"{app.url}/api/sync/pull?cursor={head(app.url)}",
            "headers": {"Cookie": cookie},
        },
        # a phone 100 changes behind the head (made right before each run too)
        "GET /api/sync/pull, 100 recent changes": {
            "url": lambda: f"{app.url}/api/sync/pull?cursor={head(app.url) - 100}",
            "headers": {"Cookie": cookie},
        },
        "POST push, 1 RSVP": {"url": app.url, "script": scripts[1], "mutations": 1},
        "POST push, 50 mutations": {"url": app.url, "script": scripts[50], "mutations": 50},
        UNDURABLE + "1 RSVP": {"url": undurable.url, "script": scripts[1], "mutations": 1},
        UNDURABLE + "50 mutations": {
            "url": undurable.url,
            "script": scripts[50],
            "mutations": 50,
        },
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
    try:
        # Before the pushes below give her hundreds of replies: a parent as the dataset made her.
        quiet = background.measure(
            app.url,
            data.tokens[0],
            change=background.push_a_reply(app.url, data.tokens[1], data.outing_ids[-1]),
        )
        for round_ in range(args.rounds):
            measure(targets, runs, bare, args)
            print(f"round {round_ + 1}/{args.rounds} done", flush=True)
        ceiling = {
            mode: asyncio.run(sqlite_ceiling(tmp / f"ceiling-{mode}.db", mode))
            for mode in ("normal", "full")
        }
        bytes_ = transfer(app.url)
        app.stop()
        undurable.stop()
        on_postgres(exported, cookie, scripts, runs, targets, bare, args)
    finally:
        app.stop()
        undurable.stop()
        bare.stop()
    pulls = pull_scaling.run([0.25, 1.0], [50, 100, 200, 400])
    bare_rps = statistics.median(r["rps"] for r in runs[BARE])
    table = []
    for name, results in runs.items():
        rps = statistics.median(r["rps"] for r in results)
        row = {
            "name": name,
            "rps": round(rps, 1),
            "p50_ms": round(statistics.median(r["p50"] for r in results), 2),
            "p99_ms": round(statistics.median(r["p99"] for r in results), 2),
            "ratio": round(rps / bare_rps, 3),
            "errors": int(sum(r["errors"] for r in results)),
        }
        if mutations := targets[name].get("mutations"):
            row["mutations_per_s"] = round(rps * mutations)
        table.append(row)
    print(f"\n{'request':<58}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'× bare':>8}{'mut/s':>8}")
    for row in table:
        print(
            f"{row['name']:<58}{row['rps']:>9.0f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{row['ratio']:>8.2f}{row.get('mutations_per_s', ''):>8}"
        )
    print(durability_cost(table))
    print(
        "\nSQLite single-writer transactions/s (aiosqlite): "
        f"{ceiling['normal']:.0f} synchronous=normal, {ceiling['full']:.0f} synchronous=full"
    )
    for key, value in bytes_.items():
        print(f"{key}: {value}")
    print(background.describe(quiet))
    pull_scaling.print_report(pulls)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores",
        "scale": args.scale,
        "connections": args.connections,
        "rounds": args.rounds,
        "duration_s": args.duration,
        "dataset": data.counts,
        "table": table,
        "sqlite_transactions_per_s": {mode: round(v) for mode, v in ceiling.items()},
        "bytes": bytes_,
        "background_bytes_per_page_view": quiet,
        "pull_scaling": pulls,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
