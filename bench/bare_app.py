"""The framework's ceiling: a bare Litestar app with one route and a small fixed page."""

from __future__ import annotations

from litestar import Litestar, MediaType, get

PAGE = "<!doctype html><html lang=en><title>Outings</title><h1>Hello, parents</h1></html>"


@get("/", media_type=MediaType.HTML, sync_to_thread=False)
def index() -> str:
    return PAGE


app = Litestar(route_handlers=[index], logging_config=None)
