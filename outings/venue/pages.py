"""Venue pages: find by amenities, a venue's card, list and edit, confirm, claim, report."""

from __future__ import annotations

from typing import Any

from babel.dates import get_day_names
from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.pages import signed_in
from outings.accounts.sessions import current_user
from outings.ids import is_uuid, new_id
from outings.moderation import service as moderation
from outings.outing import audience, mine
from outings.outing import service as outing_service
from outings.outing import store as outing_store
from outings.refusals import Invalid, Refused
from outings.settings import Settings
from outings.venue import hours, jsonld, rules, service, store
from outings.venue.forms import VenueForm
from outings.venue.models import (
    AMENITY_VALUES,
    CHANGING_LOCATIONS,
    KINDS,
    VALUE_LABELS,
    Venue,
    VenueInput,
)
from outings.web import flash
from outings.web.deps import DB, Conf
from outings.web.forms import FormData, field, safe_next
from outings.web.templating import page


@get("/venues")
async def venues(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Conf,
    kind: FromQuery[str] = "",
    area: FromQuery[str] = "",
    has: FromQuery[list[str] | None] = None,
    q: FromQuery[str] = "",
) -> Template:
    chosen_kind = kind if kind in KINDS else ""
    chosen = [tag for tag in AMENITY_VALUES if tag in (has or [])]
    async with db.reader() as r:
        found = await store.search(
            r,
            kind=chosen_kind or None,
            area=area.strip() or None,
            has=chosen,
            text=q.strip()[:100] or None,
        )
        areas = await store.areas(r)
    return page(
        request,
        "venues/list.html",
        title=i18n.gettext("Child-friendly places"),
        venues=found,
        openings=_openings(found, settings),
        areas=areas,
        kind=chosen_kind,
        area=area.strip(),
        has=chosen,
        q=q.strip(),
        active=bool(chosen_kind or area.strip() or chosen or q.strip()),
    )


def _openings(found: list[Venue], settings: Settings) -> dict[str, hours.Opening | None]:
    """Each venue's hours in words, and whether it is open now, by id."""
    now = outing_service.utcnow().astimezone(settings.tz)
    locale = i18n.current_locale()
    return {v.id: hours.opening(v.opening_hours, now, locale) for v in found}


async def _form_page(
    request: Request[Any, Any, Any],
    form: VenueForm,
    *,
    venue: Venue | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    locale = i18n.current_locale()
    day_names = get_day_names("wide", locale=locale)
    return page(
        request,
        "venues/form.html",
        status_code=status_code,
        form=form,
        venue=venue,
        errors=errors or {},
        # the error summary's links: amenities and the location have no ``f-<error>`` field
        error_anchors={tag: f"f-amenity_{tag}" for tag in AMENITY_VALUES}
        | {"latitude": "locate", "longitude": "locate"},
        hour_days=[{"row": day.lower(), "name": day_names[n]} for n, day in enumerate(hours.DAYS)],
        kept_hours_text=_hours_in_words(form.kept_hours, locale),
        amenity_values=AMENITY_VALUES,
        location_options=[("", i18n.gettext("Don't know"))]
        + [(loc, str(VALUE_LABELS[loc])) for loc in CHANGING_LOCATIONS],
        title=i18n.gettext("Edit place") if venue else i18n.gettext("List a child-friendly place"),
    )


def _all(parsed: VenueInput | None, errors: dict[str, str]) -> dict[str, str]:
    """The form's errors and, when the rest could be read, the rules' too: one round."""
    if parsed is None:
        return errors
    return rules.check(rules.clean(parsed)) | errors


def _hours_in_words(text: str, locale: str) -> str:
    week = hours.parse(text)
    if week is None:
        return text
    return "; ".join(f"{days} {times}" for days, times in hours.describe(week, locale))


@get("/venues/new")
async def new_venue(request: Request[Any, Any, Any]) -> Template:
    signed_in(request)
    return await _form_page(request, VenueForm.blank(new_id()))


@post("/venues")
async def create_venue(
    request: Request[Any, Any, Any], db: DB, data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    form = VenueForm.from_post(data)
    venue_id = form.values["id"] if is_uuid(form.values["id"]) else new_id()
    form.values["id"] = venue_id
    parsed, errors = form.parse()
    if parsed is None or errors:
        return await _form_page(request, form, errors=_all(parsed, errors), status_code=400)
    try:
        await service.create(db, user, venue_id, parsed, manage=form.manage)
    except Invalid as exc:
        return await _form_page(request, form, errors=exc.errors, status_code=400)
    except Refused as exc:
        raise PermissionDeniedException(exc.message) from exc
    return Redirect(f"/venues/{venue_id}", cookies=[flash.cookie("venue_listed")])


async def _venue_or_404(db: DB, venue_id: str) -> Venue:
    if not is_uuid(venue_id):
        raise NotFoundException()
    async with db.reader() as r:
        venue = await store.get(r, venue_id)
    if venue is None:
        raise NotFoundException()
    return venue


async def _venue_page(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Conf,
    venue: Venue,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Template:
    user = current_user(request)
    async with db.reader() as r:
        upcoming = await outing_store.upcoming(
            r,
            now=outing_service.utcnow(),
            venue_id=venue.id,
            # a circle's members-only outings there, to its members only
            circles=await audience.circles_of(r, user),
            limit=20,
        )
        claimed = user is not None and await store.pending_claim(r, venue.id, user.id)
        roles = {} if user is None else await mine.roles(r, user.id, outing_service.utcnow())
    return page(
        request,
        "venues/show.html",
        status_code=status_code,
        title=venue.name,
        venue=venue,
        upcoming=upcoming,
        roles=roles,
        may_edit=rules.may_edit(user, venue),
        may_claim=user is not None and rules.why_no_claim(user, venue, claimed) is None,
        claimed=claimed,
        errors=errors or {},
        typed=typed or {},
        jsonld=jsonld.place(venue, origin=settings.origin),
        opening=_openings([venue], settings)[venue.id],
        kind_label=str(KINDS.get(venue.kind, KINDS["other"])[0]),
    )


@get("/venues/{venue_id:str}")
async def show_venue(
    request: Request[Any, Any, Any], db: DB, settings: Conf, venue_id: FromPath[str]
) -> Template:
    return await _venue_page(request, db, settings, await _venue_or_404(db, venue_id))


@get("/venues/{venue_id:str}/edit")
async def edit_venue_page(
    request: Request[Any, Any, Any], db: DB, venue_id: FromPath[str]
) -> Template:
    user = signed_in(request)
    venue = await _venue_or_404(db, venue_id)
    if not rules.may_edit(user, venue):
        raise PermissionDeniedException()
    return await _form_page(request, VenueForm.from_venue(venue), venue=venue)


@post("/venues/{venue_id:str}")
async def update_venue(
    request: Request[Any, Any, Any], db: DB, venue_id: FromPath[str], data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    venue = await _venue_or_404(db, venue_id)
    if not rules.may_edit(user, venue):
        raise PermissionDeniedException()
    form = VenueForm.from_post(data)
    form.values["id"] = venue.id
    parsed, errors = form.parse()
    if parsed is None or errors:
        errors = _all(parsed, errors)
        return await _form_page(request, form, venue=venue, errors=errors, status_code=400)
    try:
        await service.update(db, user, venue.id, parsed)
    except Invalid as exc:
        return await _form_page(request, form, venue=venue, errors=exc.errors, status_code=400)
    except Refused as exc:
        raise PermissionDeniedException(exc.message) from exc
    return Redirect(f"/venues/{venue.id}", cookies=[flash.cookie("venue_saved")])


@post("/venues/{venue_id:str}/confirm")
async def confirm_venue(
    request: Request[Any, Any, Any], db: DB, venue_id: FromPath[str]
) -> Redirect:
    user = signed_in(request)
    venue = await _venue_or_404(db, venue_id)
    await service.confirm(db, user, venue.id)
    return Redirect(f"/venues/{venue.id}#amenities", cookies=[flash.cookie("venue_confirmed")])


@post("/venues/{venue_id:str}/claim")
async def claim_venue(
    request: Request[Any, Any, Any], db: DB, settings: Conf, venue_id: FromPath[str], data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    venue = await _venue_or_404(db, venue_id)
    try:
        await service.claim(db, user, venue.id, field(data, "message"))
    except Refused as exc:
        return await _venue_page(
            request, db, settings, venue, status_code=409, errors={"claim": exc.message}
        )
    return Redirect(f"/venues/{venue.id}", cookies=[flash.cookie("claim_sent")])


@post("/reports")
async def report(request: Request[Any, Any, Any], db: DB, data: FormData) -> Redirect:
    """Report a venue, an outing or a comment; the form comes back on an error."""
    user = signed_in(request)
    target = safe_next(field(data, "next"))
    try:
        new = await moderation.report(
            db, user, field(data, "target_type"), field(data, "target_id"), field(data, "reason")
        )
    except Invalid:
        return Redirect(target, cookies=[flash.cookie("report_empty")])
    except Refused as exc:
        raise NotFoundException() from exc
    return Redirect(target, cookies=[flash.cookie("report_sent" if new else "report_again")])


router = Router(
    path="/",
    route_handlers=[
        venues,
        new_venue,
        create_venue,
        show_venue,
        edit_venue_page,
        update_venue,
        confirm_venue,
        claim_venue,
        report,
    ],
    include_in_schema=False,
)
