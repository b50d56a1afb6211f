"""The app served for real: ``outings serve`` in its own process on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup

from tests.softauthn import SoftAuthenticator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class LiveServer:
    url: str
    db: Path
    process: subprocess.Popen[bytes]
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
) -> LiveServer:
    """``outings serve`` on loopback; ``code``: a directory holding a copy of the
    package and templates to run instead of the checkout (a "new release");
    ``env``: more settings (``OUTINGS_…``) for it."""
    port = port or _free_port()
    # localhost, not 127.0.0.1: Chromium refuses an IP address as a passkey RP id.
    url = f"http://localhost:{port}"
    db = tmp_path / "live.db"
    log = tmp_path / f"server-{port}.log"
    settings = {"OUTINGS_DB": str(db), "OUTINGS_ORIGIN": url, "OUTINGS_SECRET": "browser"}
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "outings", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, **settings, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=code,  # python -m puts the working directory first on sys.path
        )
    server = LiveServer(url, db, process, log)
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


def signed_up(server: LiveServer, name: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    authenticator = SoftAuthenticator(origin=server.url)
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


def rows(server: LiveServer, sql: str, *params: object) -> list[tuple[object, ...]]:
    import sqlite3

    with sqlite3.connect(server.db) as conn:
        return list(conn.execute(sql, params))
