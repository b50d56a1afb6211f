"""Pages rendered once and shared, until what they show changes.

Most visits of the list and of outing pages come from people who are not
signed in (a link a host shared): they all see the same page for the same
address, language and data. Such a page is rendered once and kept until the
data changes (the caller's key says when); it is gzipped where it is sent.

A signed-in parent's list differs from another's only in the header's
account link and the messages for them (the "me" and "news" blocks of
base.html): one copy is kept for every member, with markers there, and each
request renders just those two blocks and puts them in.

A form on a kept page that needs a CSRF token gets it per request: the copy
holds a marker in its place. So do the cards of the members' list: a marker
where each card says how full the outing is, holding what everyone sees there,
which a parent's own reply replaces ("Going", "Waitlist #2"); see
:func:`outings.web.markers.card_hole`.

Each copy carries its ETag (web/conditional.py), hashed once when it is
made: a phone that holds the page gets a 304 and no body. A member's ETag
mixes in her own blocks and her session, never the token.

The markers carry a random nonce made when the process starts, and a copy is
cut at its markers once, when it is rendered: text a visitor sends (a search
for the marker, say) can neither name a marker nor be spliced into (issue 11).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.datastructures import Cookie

from outings import i18n
from outings.web import conditional, cookies, flash, markers
from outings.web.cache import LRU
from outings.web.conditional import digest, tag, who
from outings.web.templating import HEADERS, csrf_input, csrf_token, layout_context

_MARK = markers.MARK
_TOKEN = "csrf-token"  # noqa: S105 - the name of a marker, not a secret
_TOKEN_MARK = markers.marker(_TOKEN)
_HOLES = {name: markers.marker(name) for name in ("me", "news")}

#: What a request puts in a marker: from its name and what stands there by default.
Fill = Callable[[bytes, bytes | None], bytes]


class _Shared(msgspec.Struct, frozen=True):
    #: the page cut at its markers: text, a marker's name, its default, text, … text
    parts: tuple[bytes | None, ...]
    #: what the page shows, markers and all (an ETag is made from it)
    digest: bytes

    @classmethod
    def cut(cls, body: bytes) -> _Shared:
        return cls(tuple(_MARK.split(body)), digest(body))

    def filled(self, fill: Fill) -> bytes:
        """The page with each marker's value put in, where rendering left it."""
        parts = self.parts
        out = [parts[0] or b""]
        for i in range(1, len(parts), 3):
            out.append(fill(parts[i] or b"", parts[i + 1]))
            out.append(parts[i + 2] or b"")
        return b"".join(out)


def _values(values: Mapping[bytes, bytes], more: Fill | None = None) -> Fill:
    def fill(name: bytes, default: bytes | None) -> bytes:
        found = values.get(name)
        if found is not None:
            return found
        if more is not None:
            return more(name, default)
        if default is None:
            raise KeyError(name)
        return default

    return fill


class _Member:
    """Stands for "a signed-in parent" in a copy shared by members: using any
    of their details outside the me/news blocks fails loudly, never leaks."""

    def __bool__(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"a page shared by members used user.{name} outside its blocks")


def is_shared(request: Request[Any, Any, Any]) -> bool:
    """Whether this visitor sees what everyone not signed in sees (no message waiting)."""
    return request.state.get("user") is None and cookies.read(request.scope, cookies.FLASH) is None


def kept_page(
    request: Request[Any, Any, Any], address: str, key: Hashable, template: str
) -> Response[bytes] | None:
    """The kept copy of a page for visitors, if ``key`` (the data it shows) is still current."""
    shared = _cache(request).get(_key(template, address, key, "visitor"))
    return None if shared is None else _respond(request, shared)


def shared_page(
    request: Request[Any, Any, Any], address: str, key: Hashable, template: str, **context: Any
) -> Response[bytes]:
    """``template`` as everyone not signed in sees it, rendered once per ``key``.

    ``address`` is the page's canonical path and query (a query string with
    extra junk shares its copy); ``key`` must change whenever what the page
    shows may have changed. The language is added to the key here.
    """
    full_key = _key(template, address, key, "visitor")
    shared = _cache(request).get(full_key)
    if shared is None:
        layout = {**layout_context(request, None), "full_path": address}
        shared = _Shared.cut(_render(request, template, {**layout, **context}))
        _cache(request).put(full_key, shared)
    return _respond(request, shared)


def has_member_copy(
    request: Request[Any, Any, Any], address: str, key: Hashable, template: str
) -> bool:
    """Whether :func:`member_page` has a copy for ``key`` (and needs no context)."""
    return _cache(request).get(_key(template, address, key, "member")) is not None


def member_page(
    request: Request[Any, Any, Any],
    address: str,
    key: Hashable,
    template: str,
    fill: Fill | None = None,
    fresh: Mapping[str, str] | None = None,
    **context: Any,
) -> Response[bytes]:
    """``template`` for a signed-in parent, from the copy every member with the
    same ``key`` shares; ``fill`` says what goes in the page's own markers (the
    cards' places: part of what the page shows her), ``fresh`` what is made
    anew for each request (a new comment's id: not part of what it shows)."""
    shown, clear = flash.take(request)
    layout = {**layout_context(request, shown), "full_path": address}
    full_key = _key(template, address, key, "member")
    copy = _cache(request).get(full_key)
    if copy is None:
        body = _render(request, template, {**layout, **context, "user": _Member(), "holes": _HOLES})
        copy = _Shared.cut(body)
        _cache(request).put(full_key, copy)
    token = csrf_token(request)
    env = request.app.template_engine.engine  # type: ignore[union-attr]
    base = env.get_template("base.html")
    own = base.new_context({**layout, "csrf_input": csrf_input(token)})
    values = {name.encode(): "".join(base.blocks[name](own)).encode() for name in _HOLES}
    own_blocks = hashlib.sha256(copy.digest + values[b"me"] + b"\x00" + values[b"news"])
    values[_TOKEN.encode()] = token.encode()
    values.update((name.encode(), value.encode()) for name, value in (fresh or {}).items())
    # her own cards are part of what the page shows her: in its ETag too
    said: list[bytes] = []

    def recorded(name: bytes, default: bytes | None) -> bytes:
        value = fill(name, default) if fill else (default or b"")
        said.append(value)
        return value

    body = copy.filled(_values(values, recorded))
    own_blocks.update(b"\x00".join(said))
    etag = tag(own_blocks.digest(), who(request.scope))
    if not clear:  # no message shown: the same page again until the data changes
        holes = {
            token: conditional.CSRF,
            **dict.fromkeys((fresh or {}).values(), conditional.NEW_ID),
        }
        conditional.keep(request.scope, holes)
    return _html(body, {**HEADERS, "etag": etag}, clear)


def _cache(request: Request[Any, Any, Any]) -> LRU[_Shared]:
    cache: LRU[_Shared] = request.app.state.page_cache
    return cache


def _key(template: str, address: str, key: Hashable, who: str) -> Hashable:
    return (template, address, i18n.current_locale(), key, who)


def _render(request: Request[Any, Any, Any], template: str, context: dict[str, Any]) -> bytes:
    env = request.app.template_engine.engine  # type: ignore[union-attr]
    html: str = env.get_template(template).render(
        {**context, "csrf_input": csrf_input(_TOKEN_MARK)}
    )
    return html.encode()


def _html(
    body: bytes, headers: dict[str, str], cookies: list[Cookie] | None = None
) -> Response[bytes]:
    return Response(body, media_type=MediaType.HTML, headers=headers, cookies=cookies)


def _respond(request: Request[Any, Any, Any], shared: _Shared) -> Response[bytes]:
    # Compressed where it is sent (web/front.py, web/conditional.py): in parts,
    # so a page holding a token is gzipped once, not once per visitor.
    headers = {**HEADERS, "etag": tag(shared.digest, "visitor")}
    if len(shared.parts) == 1:  # no form: the same bytes for every visitor
        conditional.keep(request.scope)
        return _html(shared.parts[0] or b"", headers)
    token = csrf_token(request)
    conditional.keep(request.scope, {token: conditional.CSRF})
    return _html(shared.filled(_values({_TOKEN.encode(): token.encode()})), headers)
