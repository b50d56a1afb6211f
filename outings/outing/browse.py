"""``/``: upcoming outings, soonest first, grouped by day, filtered by the URL's query."""

from __future__ import annotations

from datetime import date, datetime
from itertools import groupby
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode

import msgspec
from litestar import Request, Response, get, route
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect

from outings import changelog, i18n
from outings.db.database import Reader
from outings.outing import audience, display, mine, rules, service, store
from outings.outing.models import CATEGORIES
from outings.settings import Settings
from outings.web import cookies
from outings.web.cache import LRU
from outings.web.deps import DB, Conf
from outings.web.forms import safe_next
from outings.web.shared_pages import Fill, is_shared, member_page, shared_page

PAGE_SIZE = 40
#: No list has more pages than this; a larger number is someone's typo or probe
#: (and one SQLite cannot take as an offset).
LAST_PAGE = 1000


class ListFilters(msgspec.Struct, kw_only=True, frozen=True):
    category: str = ""
    when: str = ""
    age: int | None = None
    area: str = ""
    q: str = ""
    #: "mine": only the outings of the circles the reader belongs to
    circle: str = ""

    def address(self, page_number: int) -> str:
        """The list's canonical address for these filters: what the language
        menu returns to, and how a shared copy is known (junk in a query
        string never makes a copy of its own)."""
        fields = {
            "q": self.q,
            "when": self.when,
            "category": self.category,
            "age": "" if self.age is None else str(self.age),
            "area": self.area,
            "circle": self.circle,
            "page_number": str(page_number) if page_number > 1 else "",
        }
        query = urlencode({k: v for k, v in fields.items() if v})
        return f"/?{query}" if query else "/"

    @property
    def active(self) -> bool:
        """Whether a filter narrows the list (the area is the parent's own place, not one)."""
        return bool(self.category or self.when or self.age is not None or self.q or self.circle)

    def without_area(self) -> str:
        """Where choosing another area brings the parent back to, the other filters kept."""
        return msgspec.structs.replace(self, area="").address(1)


def _filters(
    category: str, when: str, age: str, area: str, q: str, circle: str, signed_in: bool
) -> ListFilters:
    months = int(age) if age.isdigit() and int(age) <= rules.AGE_MAX_MONTHS else None
    return ListFilters(
        category=category if category in CATEGORIES else "",
        when=when if when in display.WHEN_CHOICES else "",
        age=months,
        area=area.strip()[: rules.AREA_MAX],
        q=q.strip()[:100],
        # a visitor belongs to no circle: for her the filter means nothing
        circle="mine" if circle == "mine" and signed_in else "",
    )


def home_area(request: Request[Any, Any, Any]) -> str:
    """The area this parent chose once, remembered by her browser (:func:`choose_area`)."""
    kept = cookies.read(request.scope, cookies.AREA)
    return unquote(kept)[: rules.AREA_MAX] if kept else ""


@get("/area", cache_control=None)
async def choose_area(
    area: FromQuery[str] = "",
    next_path: Annotated[str, QueryParameter(name="next")] = "/",
) -> Redirect:
    """Remember the parent's area: ``/`` then shows the outings there until she
    picks another (or everywhere). A GET form and a preference kept in her
    own browser, as the language is: the list stays one copy per area."""
    chosen = area.strip()[: rules.AREA_MAX]
    kept = cookies.make(cookies.AREA, quote(chosen), max_age=365 * 24 * 3600 if chosen else 0)
    return Redirect(safe_next(next_path), cookies=[kept], headers={"cache-control": "no-store"})


@route("/", http_method=["GET", "HEAD"])  # HEAD: the same answer, without its body
async def browse(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Conf,
    category: FromQuery[str] = "",
    when: FromQuery[str] = "",
    age: FromQuery[str] = "",
    area: FromQuery[str] = "",
    q: FromQuery[str] = "",
    circle: FromQuery[str] = "",
    page_number: FromQuery[str] = "1",
) -> Response[bytes]:
    """Upcoming outings, soonest first, grouped by day, with filters kept in the URL;
    with no area in it, in the area the parent chose once."""
    if "area" not in request.query_params:
        area = home_area(request)
    user = request.state.get("user")
    filters = _filters(category, when, age, area, q, circle, user is not None)
    now = service.utcnow()
    number = min(int(page_number), LAST_PAGE) if page_number.isdigit() else 1
    number = max(number, 1)
    locale = i18n.current_locale()
    today = now.astimezone(settings.tz).date()
    cache: LRU[tuple[str, list[str]]] = request.app.state.list_cache
    shared = is_shared(request)
    async with db.reader() as r:
        version = await changelog.data_version(r, now)
        # A copy shows the members-only outings of the circles in its key and
        # no other: members of the same circles share it, nobody else gets it.
        circles = await audience.circles_of(r, user)
        key = (filters, number, locale, version, shared, circles, user is not None)
        cached = cache.get(key)
        if cached is None:
            cached = await _results(
                request, r, settings, filters, number, now, today, shared, circles, user is not None
            )
            cache.put(key, cached)
        mine_now = {} if user is None else await _mine(request, r, user.id, now, version)
    results, areas = cached
    context: dict[str, Any] = {"results": results, "filters": filters, "areas": areas}
    address = filters.address(number)
    if shared:
        return shared_page(request, address, key, "outings/list.html", **context)
    # members share one copy with their own header and cards put in
    fill = _cards(request, mine_now)
    return member_page(request, address, key, "outings/list.html", fill, **context)


async def _mine(
    request: Request[Any, Any, Any], r: Reader, user_id: str, now: datetime, version: object
) -> dict[str, mine.Role]:
    """This parent's replies and outings, asked again only when the data has changed."""
    cache: LRU[dict[str, mine.Role]] = request.app.state.mine_cache
    found = cache.get((user_id, version))
    if found is None:
        found = await mine.roles(r, user_id, now)
        cache.put((user_id, version), found)
    return found


def _cards(request: Request[Any, Any, Any], roles: dict[str, mine.Role]) -> Fill:
    """What each card of a member's list says of its places: her own part in it."""
    env = request.app.template_engine.engine  # type: ignore[union-attr]
    part_pill = env.get_template("macros.html").module.part_pill

    def fill(name: bytes, default: bytes | None) -> bytes:
        role = roles.get(name.removeprefix(b"card-").decode())
        if role is None:
            return default or b""
        said = str(part_pill(role.part, role.position))
        return (said + (default or b"").decode() if mine.shows_places(role) else said).encode()

    return fill


async def _results(
    request: Request[Any, Any, Any],
    r: Reader,
    settings: Settings,
    filters: ListFilters,
    number: int,
    now: datetime,
    today: date,
    shared: bool,
    circles: tuple[str, ...],
    signed_in: bool,
) -> tuple[str, list[str]]:
    window = display.when_range(filters.when, now, settings.tz) if filters.when else None
    found = await store.upcoming(
        r,
        now=now,
        start=window[0] if window else None,
        end=window[1] if window else None,
        category=filters.category or None,
        # her circles' outings wherever they are: a circle may span areas
        area=None if filters.circle else filters.area or None,
        age_months=filters.age,
        text=filters.q or None,
        circles=circles,
        only_circles=filters.circle == "mine",
        limit=PAGE_SIZE + 1,
        offset=(number - 1) * PAGE_SIZE,
    )
    more = len(found) > PAGE_SIZE
    days = [
        (day, list(items))
        for day, items in groupby(
            found[:PAGE_SIZE], key=lambda o: o.starts_at.astimezone(settings.tz).date()
        )
    ]
    env = request.app.template_engine.engine  # type: ignore[union-attr]
    areas = await store.areas(r, now)
    html = env.get_template("outings/_results.html").render(
        days=days,
        filters=filters,
        more=more,
        page_number=number,
        today=today,
        areas=areas,
        card_holes=not shared,  # a member's own replies go on her cards
        offer_circles=signed_in,  # "My circles": a visitor belongs to none
        in_circles=bool(circles),
    )
    return html, areas
