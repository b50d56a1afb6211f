"""Pages that belong to no one resource: home, offline, health, language."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get, route
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from outings import i18n
from outings.web import cookies, flash
from outings.web.deps import DB
from outings.web.forms import safe_next
from outings.web.templating import page


@get("/offline")
async def offline(request: Request[Any, Any, Any]) -> Template:
    return page(request, "pages/offline.html")


@route("/healthz", http_method=["GET", "HEAD"], cache_control=None)
async def healthz(db: DB) -> Response[dict[str, bool]]:
    try:
        ok = await db.fetchval("select 1") == 1
    except Exception:
        ok = False
    return Response(
        {"ok": ok}, status_code=200 if ok else 503, headers={"cache-control": "no-store"}
    )


@get("/language", cache_control=None)
async def set_language(
    lang: FromQuery[str] = "",
    next_path: Annotated[str, QueryParameter(name="next")] = "/",
) -> Redirect:
    """Remember the chosen language. A GET form: a preference kept in this
    browser's own cookie, so the page needs no per-visitor token and stays
    the same for everyone who is not signed in (and can be cached)."""
    code = lang
    target = safe_next(next_path)
    if code not in i18n.LOCALES:
        return Redirect(target)
    chosen = [
        cookies.make(cookies.LANGUAGE, code, max_age=365 * 24 * 3600),
        flash.cookie("language_changed"),
    ]
    return Redirect(target, cookies=chosen, headers={"cache-control": "no-store"})


router = Router(path="/", route_handlers=[offline, healthz, set_language], include_in_schema=False)
