"""Threads for tests: async code run from anywhere, and requests sent all at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
X = TypeVar("X")


def in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn`` on a thread of its own.

    Playwright's sync API keeps an event loop running on the main thread once
    a browser test has run, so code that calls ``asyncio.run`` goes elsewhere.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def all_at_once(fn: Callable[[X], T], items: Sequence[X], timeout: float = 60) -> list[T]:
    """``fn(item)`` for every item, each on a thread of its own, all let go at once.

    Should a thread never reach the start (it failed, or could not be
    started on a crowded machine), the others give up waiting after
    ``timeout`` seconds instead of for ever (a run once hung on it), and
    the first error that is not that waiting is raised.
    """
    start = threading.Barrier(len(items), timeout=timeout)

    def run(item: X) -> T:
        start.wait()
        return fn(item)

    with ThreadPoolExecutor(len(items)) as pool:
        futures = [pool.submit(run, item) for item in items]
    errors = [e for e in (f.exception() for f in futures) if e is not None]
    errors.sort(key=lambda e: isinstance(e, threading.BrokenBarrierError))
    if errors:
        raise errors[0]
    return [f.result() for f in futures]
