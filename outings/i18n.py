"""Translations: one Babel catalogue for templates and Python, chosen per request.

Every user-facing string is marked (``_()`` / ``{% trans %}`` in templates,
:func:`gettext` in Python). The catalogue lives in ``outings/locale``; ``.po``
files are compiled in memory at start, so no binary ``.mo`` is committed.
"""

from __future__ import annotations

import gettext as _gettext
import io
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT_LOCALE = "en"
#: The languages parents here speak, in the order the language menu lists them.
LOCALES: tuple[str, ...] = ("en", "fr", "pl", "zh", "sw")

_translations: ContextVar[_gettext.NullTranslations] = ContextVar("translations")
_locale: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


@cache
def translations_for(code: str) -> _gettext.NullTranslations:
    po_file = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    if code == DEFAULT_LOCALE or not po_file.exists():
        return _gettext.NullTranslations()
    with po_file.open("rb") as f:
        catalog = read_po(f, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def current_translations() -> _gettext.NullTranslations:
    return _translations.get(None) or translations_for(_locale.get())


def current_locale() -> str:
    return _locale.get()


def set_locale(code: str, translations: _gettext.NullTranslations | None = None) -> None:
    """Use ``code`` for the rest of this request (the context it runs in)."""
    _locale.set(code)
    _translations.set(translations or translations_for(code))


@contextmanager
def use_locale(code: str, translations: _gettext.NullTranslations | None = None) -> Iterator[None]:
    locale_token = _locale.set(code)
    translations_token = _translations.set(translations or translations_for(code))
    try:
        yield
    finally:
        _locale.reset(locale_token)
        _translations.reset(translations_token)


def gettext(message: str, **variables: Any) -> str:
    """Translate ``message`` and fill in ``%(name)s`` placeholders."""
    text = current_translations().gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    variables.setdefault("num", n)
    return current_translations().ngettext(singular, plural, n) % variables


def lazy_gettext(message: str, **variables: Any) -> LazyProxy:
    """A string translated when used: for messages defined at import time."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


_ = gettext


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The parent's chosen language, else their browser's best match, else English."""
    if cookie in LOCALES:
        return cookie
    return _best_match(accept_language or "")


@lru_cache(maxsize=256)
def _best_match(accept_language: str) -> str:
    # Browsers send the same few headers again and again: parsed once each.
    for tag in _parse_accept_language(accept_language):
        try:
            language = Locale.parse(tag, sep="-").language
        except (ValueError, UnknownLocaleError):
            continue
        if language in LOCALES:
            return language
    return DEFAULT_LOCALE


def _parse_accept_language(header: str) -> list[str]:
    weighted = []
    for position, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _q, _p, tag in sorted(weighted)]


def language_name(code: str) -> str:
    """A language's name in that language, for the language menu."""
    return Locale.parse(code).get_display_name(code) or code


#: Letters that carry no accent to strip yet read as a plain one when sorting.
_PLAIN = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe"})


def sort_key(name: str) -> str:
    """How a name sorts in lists, the same for every language and database:
    case and accents aside ("Émilie" beside "emma", "Łąka" beside "Lody",
    styled letters as plain ones), then letter by letter (code points). One
    order for all languages, not each alphabet's own (Polish puts Ł after L).
    Stored where SQL sorts, matches areas or searches (``sort_name``,
    ``area_key``, ``search_key``: :mod:`outings.folded`; raise its
    ``FOLD_VERSION`` with any change here, and they are written again at the
    next start); used as it is where Python sorts."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(plain.translate(_PLAIN).split())


def by_name(names: Iterable[str]) -> list[str]:
    """``names`` in the order of :func:`sort_key` (identical keys by the text)."""
    return sorted(names, key=lambda name: (sort_key(name), name))
