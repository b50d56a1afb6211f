"""What a phone sends and receives over the network, page and service worker alike.

Used by the mobile-data tests and by the bench (bench/run.py): every request
that reached the network, with its bytes as Chromium counts them (request
and response headers and bodies, as sent: gzipped bodies gzipped).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Request


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    status: int | None  # None: the request failed
    bytes: int
    #: asked by the service worker (storing ahead, or fetching a page for the tab)
    by_worker: bool
    #: asked by the worker to store a page ahead (X-Outings-Prefetch)
    ahead: bool
    resource_type: str

    @property
    def is_page_view(self) -> bool:
        """The page itself and its files: what the parent asked for, not background."""
        fetched_for_the_tab = (
            self.by_worker and not self.ahead and not self.path.startswith("/api/")
        )
        own_document = self.resource_type == "document" or fetched_for_the_tab
        return own_document or self.path.startswith("/static/")


class Traffic:
    """Every request of a browser context that reached the network, as it ends."""

    def __init__(self, context: BrowserContext) -> None:
        self.exchanges: list[Exchange] = []
        self.pending: dict[Request, float] = {}
        context.on("request", self._started)
        context.on("requestfinished", self._finished)
        context.on("requestfailed", self._failed)

    def _started(self, request: Request) -> None:
        self.pending[request] = time.monotonic()

    def _finished(self, request: Request) -> None:
        self.pending.pop(request, None)
        response = request.response()
        if response is not None and response.from_service_worker:
            return  # answered by the worker from what it keeps: no network
        sizes = request.sizes()
        total = sum(
            max(size, 0)  # -1: none (a body served from the browser's cache)
            for size in (
                sizes["requestHeadersSize"],
                sizes["requestBodySize"],
                sizes["responseHeadersSize"],
                sizes["responseBodySize"],
            )
        )
        self._add(request, response.status if response else None, total)

    def _failed(self, request: Request) -> None:
        self.pending.pop(request, None)
        self._add(request, None, 0)

    def _add(self, request: Request, status: int | None, total: int) -> None:
        self.exchanges.append(
            Exchange(
                method=request.method,
                path=urlsplit(request.url).path,
                status=status,
                bytes=total,
                by_worker=request.service_worker is not None,
                ahead=request.headers.get("x-outings-prefetch") == "1",
                resource_type=request.resource_type,
            )
        )

    def clear(self) -> None:
        self.exchanges.clear()

    def settle(self, page: Page, quiet_ms: int = 1500, limit_ms: int = 20_000) -> None:
        """Wait until nothing is on its way and nothing new started for ``quiet_ms``."""
        waited = 0
        seen = -1
        still = 0
        while waited < limit_ms:
            page.wait_for_timeout(250)
            waited += 250
            now = len(self.exchanges) + len(self.pending)
            still = still + 250 if (now == seen and not self.pending) else 0
            seen = now
            if still >= quiet_ms:
                return
        pending = [r.url for r in self.pending]
        raise AssertionError(f"requests still open after {limit_ms} ms: {pending}")

    def background(self) -> list[Exchange]:
        """What went over the network beside the page view itself."""
        return [e for e in self.exchanges if not e.is_page_view]

    def background_bytes(self) -> int:
        return sum(e.bytes for e in self.background())
