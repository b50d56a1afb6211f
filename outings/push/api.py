"""Turning push on and off for a device: ``POST /api/push/subscriptions`` (the
browser's ``PushSubscription`` as JSON, from js/push.js) and the /me form
``POST /me/push/{id}/off``."""

from __future__ import annotations

import base64
import binascii
from datetime import time
from typing import Annotated, Any
from urllib.parse import urlsplit

import msgspec
from litestar import Request, Router, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody
from litestar.response import Redirect

from outings.accounts.pages import signed_in
from outings.accounts.rules import device_name
from outings.accounts.sessions import current_user
from outings.db.database import Writer, now_iso
from outings.i18n import current_locale
from outings.i18n import gettext as _
from outings.push import preference_store, subscription_store
from outings.push.messages import GROUPS
from outings.push.preference_store import HOURS, Preferences
from outings.web import flash
from outings.web.deps import DB
from outings.web.errors import ApiError
from outings.web.forms import FormData, field
from outings.web.openapi import DOOR, SIGNED_IN, errors

MAX_ENDPOINT = 1024
#: Only ``https`` on a named host (a dot and a letter top-level domain): the
#: server posts to this URL, so it must look like a push service, never an
#: address inside our own network (no IP literal, no ``localhost``). The path
#: is printable ASCII, as push services' are (and as JSON Schema and Python
#: agree on, unlike ``\S``).
ENDPOINT = r"^https://([A-Za-z0-9-]+\.)+[A-Za-z]{2,}(:[0-9]{1,5})?/[!-~]*$"
#: An uncompressed P-256 point (65 bytes, the first 0x04), base64url.
P256DH = r"^B[A-P][A-Za-z0-9_-]{85}=?$"
#: 16 bytes, base64url.
AUTH = r"^[A-Za-z0-9_-]{22}(==)?$"


class Keys(msgspec.Struct, forbid_unknown_fields=False):
    p256dh: Annotated[str, msgspec.Meta(pattern=P256DH, description="the browser's public key")]
    auth: Annotated[str, msgspec.Meta(pattern=AUTH, description="the browser's auth secret")]


class SubscriptionIn(msgspec.Struct, forbid_unknown_fields=False):
    """``PushSubscription.toJSON()`` as a browser gives it."""

    endpoint: Annotated[
        str,
        msgspec.Meta(
            pattern=ENDPOINT, max_length=MAX_ENDPOINT, description="the push service's URL"
        ),
    ]
    keys: Keys


class SubscriptionOut(msgspec.Struct):
    id: str
    label: str


def _decoded(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def check(data: SubscriptionIn) -> dict[str, str]:
    """What is wrong with a subscription, by field; empty when it is fine
    (the patterns above already hold: this checks what they cannot say)."""
    problems: dict[str, str] = {}
    if not urlsplit(data.endpoint).hostname:
        problems["endpoint"] = _("This browser's push address was not accepted.")
    key = _decoded(data.keys.p256dh)
    if key is None or len(key) != 65 or key[0] != 4:
        problems["keys.p256dh"] = _("This browser's push key was not accepted.")
    secret = _decoded(data.keys.auth)
    if secret is None or len(secret) != 16:
        problems["keys.auth"] = _("This browser's push key was not accepted.")
    return problems


@post(
    "/api/push/subscriptions",
    status_code=201,
    responses=errors(400, 401, 413, *DOOR),
    security=SIGNED_IN,
    summary="Turn push notifications on for this browser",
)
async def subscribe(
    request: Request[Any, Any, Any], data: JSONBody[SubscriptionIn], db: DB
) -> SubscriptionOut:
    user = current_user(request)
    if user is None:
        raise ApiError(401, "sign_in_needed", _("Please sign in first."))
    problems = check(data)
    if problems:
        raise ApiError(400, "invalid", _("Notifications could not be turned on."), problems)
    label = device_name(request.headers.get("user-agent", ""))
    locale = current_locale()

    async def run(w: Writer) -> subscription_store.Subscription:
        return await subscription_store.save(
            w,
            user.id,
            endpoint=data.endpoint,
            p256dh=data.keys.p256dh,
            auth=data.keys.auth,
            locale=locale,
            label=label,
            now=now_iso(),
        )

    saved = await db.write(run)
    return SubscriptionOut(saved.id, saved.label)


@post("/me/push/{subscription_id:str}/off", include_in_schema=False)
async def turn_off(
    request: Request[Any, Any, Any], db: DB, subscription_id: FromPath[str]
) -> Redirect:
    """Stop pushes to one device; what was queued for it goes too."""
    user = signed_in(request)
    if not await db.write(lambda w: subscription_store.remove(w, user.id, subscription_id)):
        raise NotFoundException()
    return Redirect("/me#push", cookies=[flash.cookie("push_off")])


@post("/me/push/preferences", include_in_schema=False)
async def save_preferences(request: Request[Any, Any, Any], db: DB, data: FormData) -> Redirect:
    """Which kinds she wants pushed (the rest stay in the list on /me) and her quiet hours."""
    user = signed_in(request)
    on = data.get("kind", [])
    on = {on} if isinstance(on, str) else set(on)
    quiet_from, quiet_until = field(data, "quiet_from"), field(data, "quiet_until")
    if quiet_from not in HOURS or quiet_until not in HOURS:
        return Redirect("/me#push", cookies=[flash.cookie("push_hours_invalid")])
    prefs = Preferences(
        kinds_off=frozenset(set(GROUPS) - on),
        quiet_from=time.fromisoformat(quiet_from),
        quiet_until=time.fromisoformat(quiet_until),
    )
    await db.write(lambda w: preference_store.save(w, user.id, prefs, now_iso()))
    return Redirect("/me#push", cookies=[flash.cookie("push_saved")])


router = Router(path="/", route_handlers=[subscribe, turn_off, save_preferences])
