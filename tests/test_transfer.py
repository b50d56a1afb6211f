"""``outings export`` and ``outings import``: a whole instance moved between
databases (issue 15) gives the same pages and the same pulls.

From the bench's database (SQLite, at a small scale; ``OUTINGS_TRANSFER_SCALE=1``
for the bench's own size) into a fresh database: PostgreSQL when the tests
run there (``make test-pg``), else another SQLite file; and back out again,
the same file.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench import dataset
from outings.cli import main
from tests import data
from tests.live import LiveServer, start_server
from tests.pg import fresh_database
from tests.test_sync import materialize
from tests.threads import in_thread

SCALE = float(os.environ.get("OUTINGS_TRANSFER_SCALE", "0.02"))
_TOKEN = re.compile(r'name="_csrf_token" value="[^"]*"')


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory: pytest.TempPathFactory) -> dataset.Dataset:
    return dataset.build(tmp_path_factory.mktemp("bench") / "bench.db", scale=SCALE)


def _outings(monkeypatch: pytest.MonkeyPatch, database: str | Path, *argv: str) -> int:
    monkeypatch.setenv("OUTINGS_DB", str(database))
    code: int = in_thread(main, list(argv))
    return code


def _page(server: LiveServer, path: str, cookie: str) -> str:
    answer = httpx.get(server.url + path, headers={"cookie": cookie}, timeout=30)
    assert answer.status_code == 200, (path, answer.status_code)
    # each answer has a form token of its own; the origin differs by its port
    return _TOKEN.sub("", answer.text).replace(server.url, "ORIGIN")


def _pull(server: LiveServer, cookie: str) -> tuple[int, dict[tuple[str, str], Any]]:
    pages, cursor = [], 0
    with httpx.Client(base_url=server.url, headers={"cookie": cookie}, timeout=30) as client:
        while True:
            page = client.get(f"/api/sync/pull?cursor={cursor}&limit=200").json()
            pages.append(page)
            cursor = page["cursor"]
            if not page["has_more"]:
                return cursor, materialize(pages)


@pytest.fixture
def servers(
    bench_db: dataset.Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[LiveServer, LiveServer, str]]:
    (tmp_path / "there").mkdir()
    (tmp_path / "here").mkdir()
    # the instance runs (and has made its secrets and push keys) while it is exported;
    # nothing is written during the test, so both stay comparable
    with contextlib.ExitStack() as running:
        here = start_server(tmp_path / "here", env={"OUTINGS_DB": str(bench_db.db)})
        running.callback(here.stop)
        exported = tmp_path / "instance.jsonl"
        assert _outings(monkeypatch, bench_db.db, "export", str(exported)) == 0
        assert exported.stat().st_mode & 0o077 == 0  # sessions and secrets: its owner's alone
        target = fresh_database(tmp_path, "moved.db")
        assert _outings(monkeypatch, target, "migrate") == 0
        assert _outings(monkeypatch, target, "import", str(exported)) == 0
        there = start_server(tmp_path / "there", env={"OUTINGS_DB": target})
        running.callback(there.stop)
        yield here, there, target


def test_a_moved_instance_gives_the_same_pages_and_the_same_pulls(
    bench_db: dataset.Dataset,
    servers: tuple[LiveServer, LiveServer, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    here, there, target = servers
    member = f"outings_session={bench_db.tokens[0]}"  # signed in there too: sessions moved
    outing = bench_db.outing_ids[0]
    paths = ["/", "/?when=week", f"/outings/{outing}", "/venues", "/circles", "/me"]
    for cookie in ("", member):
        for path in paths if cookie else paths[:-1]:
            assert _page(here, path, cookie) == _page(there, path, cookie), (path, cookie)
        cursor, pulled = _pull(here, cookie)
        assert _pull(there, cookie) == (cursor, pulled)  # phones carry on: no reset
        assert len(pulled) > 50
    assert "Family" in _page(there, "/me", member)

    # and out again: the same instance, row for row
    back = tmp_path / "back.jsonl"
    assert _outings(monkeypatch, target, "export", str(back)) == 0
    first = tmp_path / "first.jsonl"
    assert _outings(monkeypatch, bench_db.db, "export", str(first)) == 0
    assert sorted(back.read_bytes().splitlines()) == sorted(first.read_bytes().splitlines())


def test_an_import_refuses_a_database_in_use_or_a_damaged_file_and_changes_nothing(
    bench_db: dataset.Dataset,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    exported = tmp_path / "instance.jsonl"
    exported.write_text("an older export, readable by all")
    exported.chmod(0o644)
    assert _outings(monkeypatch, bench_db.db, "export", str(exported)) == 0
    assert exported.stat().st_mode & 0o077 == 0  # replaced whole: its owner's alone now
    capsys.readouterr()
    # into the instance itself: it holds data already
    assert _outings(monkeypatch, bench_db.db, "import", str(exported)) == 1
    assert "holds an instance already" in capsys.readouterr().err

    target = fresh_database(tmp_path, "empty.db")
    assert _outings(monkeypatch, target, "migrate") == 0
    lines = exported.read_bytes().splitlines(keepends=True)
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_bytes(b"".join(lines[: len(lines) // 2]))  # cut off half-way
    assert _outings(monkeypatch, target, "import", str(damaged)) == 1
    assert "ends early or is damaged: nothing was imported" in capsys.readouterr().err
    assert data.rows(target, "select count(*) from users") == [(0,)]
    assert data.rows(target, "select count(*) from sync_state") == [(1,)]  # its own, kept

    # cut short exactly between two tables: every line whole, the closing one missing
    tables = [n for n, line in enumerate(lines) if line.startswith(b'{"table"')]
    between = tmp_path / "between.jsonl"
    between.write_bytes(b"".join(lines[: tables[len(tables) // 2]]))
    assert _outings(monkeypatch, target, "import", str(between)) == 1
    assert "ends early or is damaged: nothing was imported" in capsys.readouterr().err
    assert data.rows(target, "select count(*) from users") == [(0,)]

    newer = tmp_path / "newer.jsonl"
    newer.write_bytes(lines[0].replace(b'"version":', b'"version":1') + b"".join(lines[1:]))
    assert _outings(monkeypatch, target, "import", str(newer)) == 1
    assert "export and import with the same release" in capsys.readouterr().err

    (tmp_path / "notes.txt").write_text("shopping list\n")
    assert _outings(monkeypatch, target, "import", str(tmp_path / "notes.txt")) == 1
    assert "not a file `outings export` wrote" in capsys.readouterr().err
    assert _outings(monkeypatch, target, "import", str(tmp_path / "missing.jsonl")) == 1
    assert "No such file" in capsys.readouterr().err
