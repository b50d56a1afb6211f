"""Outing pages: proposing and editing an outing, and the router of every outing page."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from litestar import Request, Router, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from outings import i18n
from outings.accounts.models import User
from outings.accounts.pages import signed_in
from outings.circle import store as circle_store
from outings.ids import is_uuid, new_id
from outings.outing import (
    display,
    rsvp_store,
    rules,
    service,
    store,
)
from outings.outing.browse import browse, choose_area
from outings.outing.feeds import personal_calendar
from outings.outing.forms import OutingForm, form_errors
from outings.outing.models import CATEGORIES, Outing
from outings.outing.show import (
    add_comment,
    cancel_outing,
    delete_comment,
    outing_or_404,
    rsvp,
    show_outing,
)
from outings.settings import Settings
from outings.venue import store as venue_store
from outings.web import flash
from outings.web.deps import DB, Conf
from outings.web.forms import FormData
from outings.web.templating import page


async def _form_page(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Settings,
    form: OutingForm,
    *,
    outing: Outing | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    refusal: str = "",
    headers: dict[str, str] | None = None,
) -> Template:
    user = signed_in(request)
    async with db.reader() as r:
        venues = await venue_store.choices(r)
        circles = await circle_store.belongs_to(r, user.id)
    if outing is not None and outing.circle_id and outing.circle_id not in circles:
        # a host who left the circle keeps her outing in it
        circles[outing.circle_id] = outing.circle_name or ""
    now = service.utcnow()
    first_day = now.astimezone(settings.tz).date()
    if outing is not None:  # one that began last night keeps its own day
        first_day = min(first_day, outing.starts_at.astimezone(settings.tz).date())
    return page(
        request,
        "outings/form.html",
        status_code=status_code,
        headers=headers,
        refusal=refusal,
        category_options=[(c, display.category_label(c)) for c in CATEGORIES],
        age_options=[(str(a), display.age(a)) for a in display.AGE_CHOICES],
        venue_options=[(vid, f"{name} · {area}" if area else name) for vid, name, area in venues],
        adult_options=[(n, str(n)) for n in range(1, rules.ADULTS_MAX + 1)],
        child_options=[(n, str(n)) for n in range(rules.CHILDREN_MAX + 1)],
        circle_options=list(circles.items()),
        # the days the browser lets a parent pick, as the rules allow them
        first_day=first_day.isoformat(),
        last_day=(now + rules.FURTHEST).astimezone(settings.tz).date().isoformat(),
        timezone_name=settings.timezone,
        form=form,
        outing=outing,
        errors=errors or {},
        venues=venues,
        title=i18n.gettext("Edit outing") if outing else i18n.gettext("Propose an outing"),
    )


@get("/outings/new")
async def new_outing(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Conf,
    venue_id: FromQuery[str] = "",
    again: FromQuery[str] = "",
    circle_id: FromQuery[str] = "",
) -> Template:
    user = signed_in(request)
    now = service.utcnow()
    form = OutingForm.blank(new_id(), now, settings.tz, i18n.language_name(i18n.current_locale()))
    if again and is_uuid(again):
        # "Propose again": the same outing a week later, as a new one. Only
        # its host's own: the copy holds the private meeting point (issue 11).
        # Anyone else gets the blank form, as for an outing that does not exist.
        async with db.reader() as r:
            source = await store.get(r, again)
            seat = await rsvp_store.seat(r, again, user.id)
        if source is not None and source.host_id == user.id:
            day = source.starts_at.astimezone(settings.tz).date()
            while datetime.combine(day, datetime.min.time(), settings.tz) <= now:
                day += timedelta(days=7)
            # her family comes again as it came (or meant to) last time
            form = OutingForm.from_outing(
                source,
                settings.tz,
                new_id=new_id(),
                new_date=day,
                family=(seat.adults, seat.children) if seat else None,
            )
    elif venue_id and is_uuid(venue_id):
        async with db.reader() as r:
            venue = await venue_store.get(r, venue_id)
        if venue is not None:
            form.values.update(venue_id=venue.id, area=venue.area)
    if circle_id and is_uuid(circle_id) and not again:
        # "Propose an outing for this circle": hers, in its neighbourhood
        async with db.reader() as r:
            circle = await circle_store.get(r, circle_id)
            mine = await circle_store.belongs_to(r, user.id)
        if circle is not None and circle.id in mine:
            form.values.update(circle_id=circle.id, area=form.values["area"] or circle.area)
    return await _form_page(request, db, settings, form)


@post("/outings")
async def create_outing(
    request: Request[Any, Any, Any], db: DB, settings: Conf, data: FormData
) -> Template | Redirect:
    user = signed_in(request)
    form = OutingForm.from_post(data)
    outing_id = form.values["id"] if is_uuid(form.values["id"]) else new_id()
    form.values["id"] = outing_id
    parsed, errors = form.parse(settings.tz)
    adults, children = form.host_family()
    if parsed is None:
        # the family's counts are told in the same round as the rest
        errors = errors | rules.check_host_family(None, adults, children)
        return await _form_page(request, db, settings, form, errors=errors, status_code=400)
    try:
        await service.propose(db, user, outing_id, parsed, adults=adults, children=children)
    except service.Invalid as exc:
        return await _form_page(
            request, db, settings, form, errors=form_errors(exc.errors), status_code=400
        )
    except service.Refused as exc:
        if exc.code == "too_many_outings":
            # the form comes back as typed, to send tomorrow
            wait = await _until_another_outing(db, user)
            return await _form_page(
                request,
                db,
                settings,
                form,
                refusal=exc.message,
                status_code=429,
                headers={"retry-after": str(wait)},
            )
        raise PermissionDeniedException(exc.message) from exc
    return Redirect(f"/outings/{outing_id}", cookies=[flash.cookie("outing_proposed")])


async def _until_another_outing(db: DB, user: User) -> int:
    """Seconds until the oldest of the day's outings leaves the 24 hours counted."""
    now = service.utcnow()
    async with db.reader() as r:
        oldest = await store.first_proposed_since(r, user.id, store.iso(now - timedelta(days=1)))
    if oldest is None:
        return 60
    frees = datetime.fromisoformat(oldest) + timedelta(days=1)
    return max(60, int((frees - now).total_seconds()) + 1)


@get("/outings/{outing_id:str}/edit")
async def edit_outing_page(
    request: Request[Any, Any, Any], db: DB, settings: Conf, outing_id: FromPath[str]
) -> Template:
    user = signed_in(request)
    outing = await outing_or_404(db, outing_id, user)
    _may_edit(user, outing)
    return await _form_page(
        request, db, settings, OutingForm.from_outing(outing, settings.tz), outing=outing
    )


def _may_edit(user: User, outing: Outing) -> None:
    refusal = rules.why_no_edit(user, outing, service.utcnow())
    if refusal:
        raise PermissionDeniedException(refusal)


@post("/outings/{outing_id:str}")
async def update_outing(
    request: Request[Any, Any, Any],
    db: DB,
    settings: Conf,
    outing_id: FromPath[str],
    data: FormData,
) -> Template | Redirect:
    user = signed_in(request)
    outing = await outing_or_404(db, outing_id, user)
    _may_edit(user, outing)
    form = OutingForm.from_post(data)
    form.values["id"] = outing.id
    parsed, errors = form.parse(settings.tz)
    if parsed is None:
        return await _form_page(
            request, db, settings, form, outing=outing, errors=errors, status_code=400
        )
    try:
        edited = await service.edit(db, user, outing.id, parsed)
    except service.Invalid as exc:
        return await _form_page(
            request,
            db,
            settings,
            form,
            outing=outing,
            errors=form_errors(exc.errors),
            status_code=400,
        )
    except service.Refused as exc:
        raise PermissionDeniedException(exc.message) from exc
    code = "outing_over_capacity" if edited.over_capacity else "outing_saved"
    return Redirect(f"/outings/{outing.id}", cookies=[flash.cookie(code)])


router = Router(
    path="/",
    route_handlers=[
        browse,
        choose_area,
        personal_calendar,
        new_outing,
        create_outing,
        show_outing,
        rsvp,
        edit_outing_page,
        update_outing,
        cancel_outing,
        add_comment,
        delete_comment,
    ],
    include_in_schema=False,
)
