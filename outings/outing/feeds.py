"""Outings as calendar files: one outing, or everything a parent hosts or joins."""

from __future__ import annotations

from datetime import timedelta

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from outings import i18n
from outings.accounts import rules
from outings.accounts import store as account_store
from outings.outing import calendar, service, store
from outings.outing.models import Outing
from outings.settings import Settings
from outings.web.deps import DB, Conf


def ics_response(
    outings: list[Outing], settings: Settings, name: str, filename: str
) -> Response[bytes]:
    body = calendar.calendar(outings, origin=settings.origin, tz=settings.tz, name=name)
    return Response(
        body,
        media_type="text/calendar",  # Litestar adds "; charset=utf-8" to text/ types
        headers={
            "content-disposition": f'inline; filename="{filename}"',
            "cache-control": "private, max-age=300",
        },
    )


@get("/calendar/{token:str}")
async def personal_calendar(db: DB, settings: Conf, token: FromPath[str]) -> Response[bytes]:
    """My outings as a calendar feed, at a secret URL a calendar app can subscribe to."""
    secret = token.removesuffix(".ics")
    async with db.reader() as r:
        user_id = await account_store.user_by_calendar_key(r, rules.calendar_key(secret))
        if not user_id:
            raise NotFoundException()
        outings = await store.for_calendar(r, user_id, service.utcnow() - timedelta(days=30))
    return ics_response(outings, settings, i18n.gettext("My outings"), "outings.ics")
