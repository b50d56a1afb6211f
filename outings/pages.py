"""Pages that belong to no one resource: home, offline, health, language."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, route
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from outings import changelog, i18n
from outings.web import conditional, cookies, flash
from outings.web.deps import DB
from outings.web.forms import safe_next
from outings.web.templating import page


@get("/offline")
async def offline(request: Request[Any, Any, Any]) -> Template:
    # The worker keeps one copy for good, made when it installs: always the
    # visitor's (a parent's own account link is put in by offline.js).
    return page(request, "pages/offline.html", user=None, notices=[])


class Health(msgspec.Struct, frozen=True, kw_only=True):
    """What /healthz answers; the page's script asks it after every page view."""

    ok: bool
    #: the change cursor now: the page and the worker compare it with the
    #: version they hold, and ask for nothing more when it is the same
    version: int | None = None
    #: whether the asker is signed in (only a parent's phone stores pages ahead)
    member: bool = False
    #: who is signed in: the account the phone's changes are made in the name
    #: of, whatever page (perhaps one kept from an earlier session) shows
    account: str | None = None
    #: the phone asked to save data (``Save-Data: on``): store nothing ahead
    save_data: bool = False


@route("/healthz", http_method=["GET", "HEAD"], cache_control=None)
async def healthz(request: Request[Any, Any, Any], db: DB) -> Response[Health]:
    try:
        async with db.reader() as r:
            version: int | None = (await changelog.bounds(r))[0]
    except Exception:
        version = None
    user = request.state.get("user")
    health = Health(
        ok=version is not None,
        version=version,
        member=user is not None,
        account=None if user is None else user.id,
        save_data=conditional.save_data(request.headers),
    )
    return Response(
        health, status_code=200 if health.ok else 503, headers={"cache-control": "no-store"}
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
