"""The app served for real: ``outings serve`` in its own process on a free port."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from bs4 import BeautifulSoup

from tests import data
from tests.pg import database_in
from tests.softauthn import SoftAuthenticator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Process(Protocol):
    """What a test does with a server's process (a Popen, or one the zygote forked)."""

    @property
    def pid(self) -> int: ...

    def poll(self) -> int | None: ...
    def terminate(self) -> None: ...
    def kill(self) -> None: ...
    def wait(self, timeout: float | None = None) -> int: ...


class _Forked:
    """A server the zygote forked: not this process's child, so known by its pid
    alone (the kernel reaps it; once it has ended, the pid is gone)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return -1  # ended; its status went to the zygote, which ignores it
        return None

    def terminate(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"server {self.pid}", timeout or 0)
            time.sleep(0.02)
        return code


class _Zygote:
    """tests/zygote.py, started once per test process, forking servers on demand."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None

    def fork(self, argv: list[str], env: dict[str, str], log: Path) -> _Forked:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tests.zygote"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=Path(__file__).resolve().parents[1],
            )
            atexit.register(self._process.kill)
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        order = {"argv": argv, "env": env, "log": str(log)}
        self._process.stdin.write(json.dumps(order) + "\n")
        self._process.stdin.flush()
        return _Forked(int(self._process.stdout.readline()))


_ZYGOTE = _Zygote()


@dataclass
class LiveServer:
    url: str
    db: str  # a SQLite file, or a PostgreSQL URL (tests/pg.py)
    folder: Path
    process: Process
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(
    tmp_path: Path,
    port: int | None = None,
    code: Path | None = None,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> LiveServer:
    """``outings serve`` on loopback; ``code``: a directory holding a copy of the
    package and templates to run instead of the checkout (a "new release");
    ``env``: more settings (``OUTINGS_…``) for it; ``args``: more arguments."""
    port = port or _free_port()
    # localhost, not 127.0.0.1: Chromium refuses an IP address as a passkey RP id.
    url = f"http://localhost:{port}"
    db = (env or {}).get("OUTINGS_DB") or database_in(tmp_path, "live.db")
    log = tmp_path / f"server-{port}.log"
    settings = {"OUTINGS_DB": db, "OUTINGS_ORIGIN": url, "OUTINGS_SECRET": "browser"}
    argv = ["serve", "--host", "127.0.0.1", "--port", str(port), *args]
    environment = {**os.environ, **settings, **(env or {})}
    process: Process
    if code is None:  # this checkout's code: forked ready-loaded (tests/zygote.py)
        process = _ZYGOTE.fork(argv, environment, log)
    else:
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "outings", *argv],
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=code,  # python -m puts the working directory first on sys.path
            )
    server = LiveServer(url, db, tmp_path, process, log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"the server did not start in 20 s: {log.read_text()}")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(tmp_path)
    yield server
    server.stop()
    problems = [line for line in server.log.read_text().splitlines() if "Traceback" in line]
    assert not problems, f"the server logged errors:\n{server.log.read_text()}"


def signed_up(
    server: LiveServer, name: str, authenticator: SoftAuthenticator | None = None
) -> httpx.Client:
    """A new parent signed up over HTTP with a passkey (``authenticator`` holds
    it); the client carries her session."""
    client = httpx.Client(base_url=server.url, timeout=30)
    authenticator = authenticator or SoftAuthenticator(origin=server.url)
    options = client.post("/api/auth/register/options", json={"display_name": name}).json()
    answer = client.post("/api/auth/register/verify", json=authenticator.create(options))
    assert answer.status_code == 201, answer.text
    return client


def csrf(client: httpx.Client, path: str = "/me") -> str:
    """The CSRF token a page of a signed-in parent gives to its forms."""
    page = BeautifulSoup(client.get(path).text, "html.parser")
    field = page.select_one("input[name=_csrf_token]")
    assert field is not None
    return str(field["value"])


def host_outing(server: LiveServer, **overrides: str) -> str:
    """The id of an outing proposed by a new host (signed up over HTTP)."""
    from tests.outing_helpers import outing_form

    host = signed_up(server, "Hana")
    try:
        form = outing_form(**overrides)
        form["_csrf_token"] = csrf(host, "/outings/new")
        response = host.post("/outings", data=form)
        assert response.status_code in (302, 303), response.text
    finally:
        host.close()
    return str(form["id"])


def rows(server: LiveServer, sql: str, *params: object) -> list[tuple[Any, ...]]:
    return data.rows(server.db, sql, *params)
