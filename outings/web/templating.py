"""Jinja2 set up once: i18n, hashed static URLs, dates in the reader's language.

Handlers answer with :func:`page`, which adds what every page shows (the
signed-in user, a flash message, the language) to the template's context.
"""

from __future__ import annotations

import gzip
from collections.abc import Hashable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec
from babel.dates import format_date, format_datetime, format_time
from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket
from litestar import MediaType, Request, Response
from litestar.datastructures import Cookie
from litestar.response import Template
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from outings import i18n
from outings.outing import display
from outings.outing.models import CATEGORIES
from outings.settings import Settings
from outings.venue.models import HAS, KINDS, VALUE_LABELS
from outings.web import flash
from outings.web.cache import LRU
from outings.web.static import StaticAssets
from outings.web.sync_words import sync_messages

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """``templates/`` beside the package in a checkout, inside it in a wheel."""
    for candidate in (PACKAGE_DIR / "templates", PACKAGE_DIR.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"no templates/ next to {PACKAGE_DIR}")


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept for every environment the process makes.

    Each app compiles all templates at start-up (see warmup); the tests make
    hundreds of apps. The key holds a checksum of the source, so an edited
    template compiles again.
    """

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecode()


def make_environment(settings: Settings, assets: StaticAssets) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        # Templates ship with the code: no stat() of every file on every render.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_BYTECODE,
    )
    # The callables read the request's language from a context variable, so
    # one environment serves every language at once.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.current_translations().gettext(message),
        ngettext=lambda s, p, n: i18n.current_translations().ngettext(s, p, n),
        newstyle=True,
    )
    tz = settings.tz

    def local(value: date | datetime | str) -> datetime:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day, tzinfo=tz)
        return value.astimezone(tz)

    # Babel's formatting is the costliest part of a list page, and outings
    # share their days and times: remember each formatted value.
    @lru_cache(maxsize=4096)
    def formatted(kind: str, value: date | datetime | str, fmt: str, locale: str) -> str:
        if kind == "date":
            if isinstance(value, date) and not isinstance(value, datetime):
                return format_date(value, fmt, locale=locale)
            return format_date(local(value), fmt, locale=locale)
        if kind == "time":
            return format_time(local(value), fmt, locale=locale)
        return format_datetime(local(value), fmt, tzinfo=tz, locale=locale)

    env.filters.update(
        date=lambda v, fmt="medium": formatted("date", v, fmt, i18n.current_locale()),
        time=lambda v, fmt="short": formatted("time", v, fmt, i18n.current_locale()),
        datetime=lambda v, fmt="medium": formatted("datetime", v, fmt, i18n.current_locale()),
    )
    env.globals.update(
        category_label=display.category_label,
        category_icon=display.category_icon,
        categories=list(CATEGORIES),
        age_range=display.age_range,
        age=display.age,
        age_choices=display.AGE_CHOICES,
        places=display.places,
        family=display.family,
        amenity_labels=display.AMENITY_LABELS,
        venue_kinds=lambda: [(code, str(label)) for code, (label, _type) in KINDS.items()],
        venue_kind_label=lambda code: str(KINDS.get(code, KINDS["other"])[0]),
        has_values=HAS,
        value_label=lambda value: str(VALUE_LABELS.get(value, value)),
        static=assets.url,
        sync_messages=sync_messages,
        app_name=settings.rp_name,
        locales=[(code, i18n.language_name(code)) for code in i18n.LOCALES],
    )
    return env


def layout_context(request: Request[Any, Any, Any], shown: flash.Flash | None) -> dict[str, Any]:
    """What the layout shows about this request, for pages and error pages alike."""
    query = request.scope.get("query_string", b"")
    path = request.url.path
    return {
        "user": request.state.get("user"),
        "flash": shown,
        "lang": i18n.current_locale(),
        "path": path,
        # where the language menu brings the reader back to, filters included
        "full_path": f"{path}?{query.decode('latin-1')}" if query else path,
        "notices": request.state.get("notices") or [],
        "title": None,
        "holes": None,
    }


_HEADERS = {"cache-control": "private, no-cache", "vary": "cookie, accept-language"}


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    cookies: list[Cookie] | None = None,
    **context: Any,
) -> Template:
    """Render ``template`` with what the layout needs about this request."""
    shown, clear = flash.take(request)
    return Template(
        template_name=template,
        context={**layout_context(request, shown), **context},
        status_code=status_code,
        cookies=[*(cookies or []), *clear],
        headers=_HEADERS,
    )


# Shared pages ---------------------------------------------------------------
#
# Most visits of the list come from people who are not signed in (or not
# yet): they all see the same page for the same address, language and data.
# It is rendered once and kept with its gzip, until the data changes (the
# caller's key says when). A form on such a page that needs a CSRF token gets
# it put in per request: the kept copy holds a marker in its place.

_TOKEN_MARK = "\x00csrf-token\x00"  # noqa: S105 - a marker, not a secret


def csrf_input(token: str | None) -> Markup:
    """The hidden field a form posts its CSRF token in (none without a token)."""
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="_csrf_token" value="{}">').format(token)


class _Shared(msgspec.Struct, frozen=True):
    body: bytes
    gzipped: bytes | None  # None when the page holds a token, which differs per visitor


def is_shared(request: Request[Any, Any, Any]) -> bool:
    """Whether this visitor sees what everyone not signed in sees (no message waiting)."""
    return request.state.get("user") is None and flash.COOKIE not in request.cookies


def _shared_key(address: str, key: Hashable, template: str) -> Hashable:
    return (template, address, i18n.current_locale(), key)


def kept_page(
    request: Request[Any, Any, Any], address: str, key: Hashable, template: str
) -> Response[bytes] | None:
    """The kept copy of a shared page, if ``key`` (the data it shows) is still current."""
    cache: LRU[_Shared] = request.app.state.page_cache
    shared = cache.get(_shared_key(address, key, template))
    return None if shared is None else _respond(request, shared)


def shared_page(
    request: Request[Any, Any, Any], address: str, key: Hashable, template: str, **context: Any
) -> Response[bytes]:
    """``template`` as everyone not signed in sees it, rendered once per ``key``.

    ``address`` is the page's canonical path and query (a query string with
    extra junk shares its copy); ``key`` must change whenever what the page
    shows may have changed. The language is added to the key here.
    """
    cache: LRU[_Shared] = request.app.state.page_cache
    full_key = _shared_key(address, key, template)
    shared = cache.get(full_key)
    if shared is None:
        env = request.app.template_engine.engine  # type: ignore[union-attr]
        layout = {**layout_context(request, None), "full_path": address}
        html = env.get_template(template).render(
            {**layout, **context, "csrf_input": csrf_input(_TOKEN_MARK)}
        )
        body = html.encode()
        holds_token = _TOKEN_MARK.encode() in body
        gzipped = None if holds_token else gzip.compress(body, compresslevel=6, mtime=0)
        shared = _Shared(body=body, gzipped=gzipped)
        cache.put(full_key, shared)
    return _respond(request, shared)


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip ("gzip;q=0" refuses it)."""
    for part in header.split(","):
        coding, _sep, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip", "*"):
            quality = params.strip().removeprefix("q=").strip()
            return not (params.strip().startswith("q=") and _is_zero(quality))
    return False


def _is_zero(quality: str) -> bool:
    try:
        return float(quality) == 0
    except ValueError:
        return False


def _respond(request: Request[Any, Any, Any], shared: _Shared) -> Response[bytes]:
    headers = dict(_HEADERS)
    if shared.gzipped is None:
        token = ScopeState.from_scope(request.scope).csrf_token
        body = shared.body.replace(_TOKEN_MARK.encode(), str(token or "").encode())
    elif accepts_gzip(request.headers.get("accept-encoding", "")):
        body = shared.gzipped
        headers["content-encoding"] = "gzip"
        headers["vary"] += ", accept-encoding"
        # Already compressed: Litestar's compression passes on what a cache gave.
        ScopeState.from_scope(request.scope).is_cached = True
    else:
        body = shared.body
    return Response(body, media_type=MediaType.HTML, headers=headers)


# Pages members share ------------------------------------------------------
#
# A signed-in parent's list differs from another's only in the header's
# account link and the messages for them (the "me" and "news" blocks of
# base.html). One copy is kept for every member, with markers there; each
# request renders just those two blocks and puts them in.

_HOLES = {name: Markup("\x00hole:{}\x00").format(name) for name in ("me", "news")}


class _Member:
    """Stands for "a signed-in parent" in a copy shared by members: using any
    of their details outside the me/news blocks fails loudly, never leaks."""

    def __bool__(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"a page shared by members used user.{name} outside its blocks")


def member_page(
    request: Request[Any, Any, Any], address: str, key: Hashable, template: str, **context: Any
) -> Response[bytes]:
    """``template`` for a signed-in parent, from the copy every member shares."""
    shown, clear = flash.take(request)
    layout = {**layout_context(request, shown), "full_path": address}
    env = request.app.template_engine.engine  # type: ignore[union-attr]
    cache: LRU[bytes] = request.app.state.page_cache
    full_key = (template, address, layout["lang"], key, "member")
    body = cache.get(full_key)
    if body is None:
        html = env.get_template(template).render(
            {
                **layout,
                **context,
                "user": _Member(),
                "holes": _HOLES,
                "csrf_input": csrf_input(_TOKEN_MARK),
            }
        )
        body = html.encode()
        cache.put(full_key, body)
    token = ScopeState.from_scope(request.scope).csrf_token
    base = env.get_template("base.html")
    own = base.new_context({**layout, "csrf_input": csrf_input(str(token or ""))})
    for name, marker in _HOLES.items():
        filled = "".join(base.blocks[name](own))
        body = body.replace(marker.encode(), filled.encode())
    body = body.replace(_TOKEN_MARK.encode(), str(token or "").encode())
    return Response(body, media_type=MediaType.HTML, headers=dict(_HEADERS), cookies=clear)
