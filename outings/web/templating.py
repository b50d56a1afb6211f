"""Jinja2 set up once: i18n, hashed static URLs, dates in the reader's language.

Handlers answer with :func:`page`, which adds what every page shows (the
signed-in user, a flash message, the language) to the template's context.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date, format_datetime, format_time
from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Template
from markupsafe import Markup

from outings import i18n
from outings.moderation import display as moderation_display
from outings.outing import display, mine
from outings.outing.models import CATEGORIES
from outings.settings import Settings
from outings.venue.models import HAS, KINDS, VALUE_LABELS
from outings.web import csrf, flash
from outings.web.markers import card_hole
from outings.web.security import importmap
from outings.web.static import StaticAssets
from outings.web.sync_words import sync_messages

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """``templates/`` beside the package in a checkout, inside it in a wheel."""
    for candidate in (PACKAGE_DIR / "templates", PACKAGE_DIR.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"no templates/ next to {PACKAGE_DIR}")


class _CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory for every environment the process
    makes (the tests make hundreds of apps), and on disk for the next process:
    a start-up compiles only what changed since the last one (all templates:
    0.55 s compiled, 0.03 s read back; every restart, every server a test
    starts).

    The key holds a checksum of the template's source and the file name a
    fingerprint of what else shapes the compiled code (Jinja's version and
    this module, where the environment's options are), so neither an edited
    template nor a changed option is read back stale. The disk helps and is
    never needed: where it cannot be written, templates compile as before.
    """

    def __init__(self, directory: str | None = None) -> None:
        self._memory: dict[str, bytes] = {}
        shaped_by = hashlib.sha256(jinja2.__version__.encode() + Path(__file__).read_bytes())
        try:
            self._disk: FileSystemBytecodeCache | None = FileSystemBytecodeCache(
                directory, pattern=f"outings-{shaped_by.hexdigest()[:16]}-%s.cache"
            )
        except (OSError, RuntimeError):  # no safe directory of our own to write
            self._disk = None

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._memory.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)
        elif self._disk is not None:
            try:
                self._disk.load_bytecode(bucket)
            except Exception:  # whatever a damaged file raises: compile it again
                bucket.reset()
            if bucket.code is not None:
                self._memory[bucket.key] = bucket.bytecode_to_string()

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._memory[bucket.key] = bucket.bytecode_to_string()
        if self._disk is not None:
            with contextlib.suppress(OSError):  # a full disk costs the next start time only
                self._disk.dump_bytecode(bucket)


_BYTECODE = _CompiledTemplates()


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
        # an area menu marks the one chosen as the lists match it (outings.folded)
        folded=lambda v: i18n.sort_key(str(v or "")),
    )
    env.globals.update(
        category_label=display.category_label,
        category_icon=display.category_icon,
        categories=list(CATEGORIES),
        age_range=display.age_range,
        age=display.age,
        age_choices=display.AGE_CHOICES,
        places=display.places,
        card_hole=card_hole,
        shows_places=mine.shows_places,
        family=display.family,
        amenity_labels=display.AMENITY_LABELS,
        venue_kinds=lambda: [(code, str(label)) for code, (label, _type) in KINDS.items()],
        venue_kind_label=lambda code: str(KINDS.get(code, KINDS["other"])[0]),
        has_values=HAS,
        value_label=lambda value: str(VALUE_LABELS.get(value, value)),
        static=assets.url,
        importmap=Markup(importmap(assets)),  # noqa: S704 - JSON of our own static URLs
        sync_messages=sync_messages,
        app_name=settings.rp_name,
        locales=[(code, i18n.language_name(code)) for code in i18n.LOCALES],
        language_name=i18n.language_name,
        report_kind=moderation_display.report_kind,
        action_label=moderation_display.action_label,
        report_link=moderation_display.report_link,
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


HEADERS = {"cache-control": "private, no-cache", "vary": "cookie, accept-language"}


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status_code: int = 200,
    cookies: list[Cookie] | None = None,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """Render ``template`` with what the layout needs about this request."""
    shown, clear = flash.take(request)
    csrf_token(request)  # made now: Litestar's Template reads it for ``csrf_input``
    return Template(
        template_name=template,
        context={**layout_context(request, shown), **context},
        status_code=status_code,
        cookies=[*(cookies or []), *clear],
        headers={**HEADERS, **headers} if headers else HEADERS,
    )


def csrf_input(token: str | None) -> Markup:
    """The hidden field a form posts its CSRF token in (none without a token)."""
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="_csrf_token" value="{}">').format(token)


def csrf_token(request: Request[Any, Any, Any]) -> str:
    """This request's CSRF token for its forms ("" if none), made on first use."""
    return csrf.token_for(request.scope)
