"""Running async code from a test, whatever holds the main thread's loop."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn`` on a thread of its own.

    Playwright's sync API keeps an event loop running on the main thread once
    a browser test has run, so code that calls ``asyncio.run`` goes elsewhere.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()
