"""Bytes a signed-in parent's phone spends in the background per page view (issue 12).

After a page view the page asks whether Outings answers (and at which data
version), and the service worker stores ahead the pages a parent will want
offline. Measured in Chromium, page and worker alike, from Chromium's own
count of each request's and answer's headers and bodies (as sent, gzipped):

- the first page view the worker controls (it stores her pages ahead);
- a page view once nothing has changed (the goal: under 2 KB);
- a page view after another parent replied somewhere (her pages asked
  again with their ETags: what did not change comes back 304, no body).

    .venv/bin/python -m bench.background [--scale 0.1]
"""

from __future__ import annotations

import argparse
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, sync_playwright

from outings.web import cookies
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.traffic import Traffic

#: The goal of issue 12 for a page view once nothing has changed.
GOAL_BYTES = 2048


@contextmanager
def chromium(browser: Browser | None) -> Iterator[Browser]:
    if browser is not None:
        yield browser
        return
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def measure(
    url: str,
    session: str,
    *,
    change: Callable[[], None] | None = None,
    browser: Browser | None = None,
) -> dict[str, Any]:
    """Background bytes of a parent's page views of ``/`` (``session``: her cookie's value);
    ``change`` makes a change elsewhere before the last view."""
    with chromium(browser) as chrome:
        context = chrome.new_context(viewport=PHONE, locale="en-GB")
        try:
            context.add_cookies([{"name": cookies.SESSION, "value": session, "url": url}])
            page = context.new_page()
            traffic = Traffic(context)
            page.goto(url + "/")
            page.evaluate("navigator.serviceWorker.ready.then(() => true)")
            page.wait_for_function("!!navigator.serviceWorker.controller")

            def view() -> dict[str, Any]:
                traffic.settle(page)
                traffic.clear()
                page.goto(url + "/")
                traffic.settle(page)
                background = traffic.background()
                return {
                    "bytes": traffic.background_bytes(),
                    "requests": len(background),
                    "not_modified": sum(e.status == 304 for e in background),
                }

            report = {"first_view": view(), "unchanged": view()}
            if change is not None:
                change()
                report["after_a_change"] = view()
            return report
        finally:
            context.close()


def push_a_reply(url: str, session: str, outing_id: str) -> Callable[[], None]:
    """A change elsewhere: another parent replies to an outing (a sync push)."""

    def change() -> None:
        response = httpx.post(
            f"{url}/api/sync/push",
            json={
                "client_id": str(uuid.uuid4()),
                "mutations": [
                    {
                        "id": 1,
                        "name": "rsvp.set",
                        "args": {
                            "outing_id": outing_id,
                            "status": "going",
                            "adults": 1,
                            "children": 1,
                        },
                    }
                ],
            },
            headers={"cookie": f"{cookies.SESSION}={session}", "origin": url},
            timeout=30,
        )
        response.raise_for_status()

    return change


def describe(report: dict[str, Any]) -> str:
    lines = []
    for name, label in (
        ("first_view", "first page view under the worker (stores her pages ahead)"),
        ("unchanged", "page view once nothing has changed"),
        ("after_a_change", "page view after a reply elsewhere"),
    ):
        if row := report.get(name):
            lines.append(
                f"background bytes per {label}: {row['bytes']:,} in {row['requests']} requests"
                f" ({row['not_modified']} answered 304)"
            )
    verdict = "met" if report["unchanged"]["bytes"] < GOAL_BYTES else "NOT met"
    lines.append(f"goal once nothing has changed: < {GOAL_BYTES:,} bytes: {verdict}")
    return "\n".join(lines)


def main() -> None:
    from bench.dataset import build
    from bench.run import start_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    data = build(Path(tempfile.mkdtemp(prefix="outings-bench-")) / "bench.db", args.scale)
    app = start_app(data.db)
    try:
        change = push_a_reply(app.url, data.tokens[1], data.outing_ids[-1])
        print(describe(measure(app.url, data.tokens[0], change=change)))
    finally:
        app.stop()


if __name__ == "__main__":
    main()
