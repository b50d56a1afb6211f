"""The passkey ceremonies and session lifecycle, as the HTTP layer calls them."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime, timedelta

import msgspec

from outings.accounts import passkeys, rules, store
from outings.accounts.models import Challenge, Session, User
from outings.db import Database, now_iso
from outings.db.database import Writer
from outings.i18n import gettext as _
from outings.ids import new_id
from outings.settings import Settings

CHALLENGE_TTL = timedelta(minutes=5)
# Refresh a session's expiry at most this often, so reading pages does not write.
TOUCH_EVERY = timedelta(hours=1)


class AccountError(Exception):
    """A ceremony step that cannot go on; ``code`` is stable, the message is for people."""

    def __init__(
        self, code: str, message: str, *, status: int = 400, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields or {}


class Started(msgspec.Struct, frozen=True):
    challenge_id: str
    options: dict[str, object]


class SignedIn(msgspec.Struct, frozen=True):
    user: User
    session_token: str
    new_account: bool


def _later(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat(timespec="microseconds").replace("+00:00", "Z")


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expired_message() -> AccountError:
    return AccountError(
        "challenge_expired",
        _("That took too long or was already used. Please try again."),
    )


def _invalid_message() -> AccountError:
    return AccountError("passkey_invalid", _("We could not check that passkey. Please try again."))


async def begin_registration(
    db: Database, settings: Settings, *, display_name: str, user: User | None
) -> Started:
    """Options for a new passkey: a new account, or one more for ``user``."""
    if user is None:
        name, error = rules.check_display_name(display_name)
        if error:
            raise AccountError(
                "invalid", _("Please check the name."), fields={"display_name": error}
            )
        user_handle = os.urandom(32)
        exclude: list[str] = []
    else:
        name, user_handle = user.display_name, user.user_handle
        # the browser refuses to make a second passkey on a device that has one
        exclude = await _passkey_ids(db, user.id)
    challenge, options = passkeys.registration_options(
        settings, user_handle=user_handle, display_name=name, exclude=exclude
    )
    row = Challenge(
        id=secrets.token_urlsafe(24),
        purpose="register",
        challenge=challenge,
        user_id=None if user is None else user.id,
        user_handle=user_handle,
        display_name=name,
        expires_at=_later(CHALLENGE_TTL),
    )

    async def save(w: Writer) -> None:
        now = now_iso()
        await store.delete_expired(w, now)
        await store.insert_challenge(w, row, now)

    await db.write(save)
    return Started(row.id, options)


async def _passkey_ids(db: Database, user_id: str) -> list[str]:
    async with db.reader() as r:
        return await store.passkey_ids(r, user_id)


async def finish_registration(
    db: Database,
    settings: Settings,
    *,
    challenge_id: str | None,
    credential: object,
    user_agent: str,
    signed_in_as: User | None,
) -> SignedIn:
    """Verify the new passkey; make the account (or add to it) and a session, atomically."""

    async def run(w: Writer) -> SignedIn:
        now = now_iso()
        challenge = (
            await store.take_challenge(w, challenge_id, "register") if challenge_id else None
        )
        if challenge is None or challenge.expires_at <= now:
            raise _expired_message()
        try:
            new = passkeys.verify_registration(settings, credential, challenge.challenge)
        except passkeys.PasskeyError as exc:
            raise _invalid_message() from exc
        if await store.get_passkey(w, new.id) is not None:
            raise _invalid_message()
        if challenge.user_id is not None:
            # Adding a passkey: the same account must still be signed in here.
            if signed_in_as is None or signed_in_as.id != challenge.user_id:
                raise _expired_message()
            user = signed_in_as
            new_account = False
        else:
            assert challenge.user_handle is not None
            assert challenge.display_name is not None
            user = await store.insert_user(
                w,
                id=new_id(),
                display_name=challenge.display_name,
                user_handle=challenge.user_handle,
                now=now,
            )
            new_account = True
        await store.insert_passkey(
            w,
            id=new.id,
            user_id=user.id,
            public_key=new.public_key,
            sign_count=new.sign_count,
            transports=new.transports,
            device_type=new.device_type,
            backed_up=new.backed_up,
            aaguid=new.aaguid,
            name=rules.device_name(user_agent),
            now=now,
        )
        # a passkey added while signed in keeps the session it was added from
        token = await _new_session(w, settings, user.id, user_agent, now) if new_account else ""
        return SignedIn(user, token, new_account)

    return await db.write(run)


async def begin_login(db: Database, settings: Settings) -> Started:
    challenge, options = passkeys.authentication_options(settings)
    row = Challenge(
        id=secrets.token_urlsafe(24),
        purpose="login",
        challenge=challenge,
        user_id=None,
        user_handle=None,
        display_name=None,
        expires_at=_later(CHALLENGE_TTL),
    )

    async def save(w: Writer) -> None:
        now = now_iso()
        await store.delete_expired(w, now)
        await store.insert_challenge(w, row, now)

    await db.write(save)
    return Started(row.id, options)


async def finish_login(
    db: Database,
    settings: Settings,
    *,
    challenge_id: str | None,
    credential: object,
    user_agent: str,
) -> SignedIn:
    try:
        assertion = passkeys.read_assertion(credential)
    except passkeys.PasskeyError as exc:
        raise _invalid_message() from exc

    async def run(w: Writer) -> SignedIn:
        now = now_iso()
        challenge = await store.take_challenge(w, challenge_id, "login") if challenge_id else None
        if challenge is None or challenge.expires_at <= now:
            raise _expired_message()
        passkey = await store.get_passkey(w, assertion.credential_id)
        if passkey is None:
            raise AccountError(
                "passkey_unknown",
                _("We don't know that passkey. It may have been removed from your account."),
            )
        user = await store.get_user(w, passkey.user_id)
        assert user is not None  # passkeys cascade with their user
        # Usernameless sign-in: the authenticator names the account too, and it
        # must be the one this passkey belongs to.
        if assertion.user_handle is not None and assertion.user_handle != user.user_handle:
            raise _invalid_message()
        try:
            used = passkeys.verify_assertion(
                settings,
                assertion,
                challenge=challenge.challenge,
                public_key=passkey.public_key,
                sign_count=passkey.sign_count,
            )
        except passkeys.PasskeyError as exc:
            raise _invalid_message() from exc
        await store.record_passkey_use(w, passkey.id, used.sign_count, used.backed_up, now)
        token = await _new_session(w, settings, user.id, user_agent, now)
        return SignedIn(user, token, False)

    return await db.write(run)


async def _new_session(
    w: Writer, settings: Settings, user_id: str, user_agent: str, now: str
) -> str:
    token = secrets.token_urlsafe(32)
    await store.insert_session(
        w,
        id=session_id(token),
        user_id=user_id,
        user_agent=user_agent[:300],
        now=now,
        expires_at=_later(timedelta(days=settings.session_days)),
    )
    return token


async def user_for_session(
    db: Database, settings: Settings, token: str
) -> tuple[User, Session] | None:
    """The signed-in user behind a session cookie, keeping an active session alive."""
    now = now_iso()
    sid = session_id(token)
    async with db.reader() as r:
        found = await store.live_session_user(r, sid, now)
    if found is None:
        return None
    session, user = found
    last_seen = datetime.fromisoformat(session.last_seen_at)
    if datetime.now(UTC) - last_seen > TOUCH_EVERY:
        expires = _later(timedelta(days=settings.session_days))

        async def touch(w: Writer) -> None:
            await store.touch_session(w, sid, now, expires)

        await db.write(touch)
    return user, session


def look_again_by(session: Session) -> float:
    """When this session must next be looked up in the database (a timestamp):
    when it expires, or when it is due its "still here" note, whichever is
    first. A page kept for her is given without a look only until then."""
    expires = datetime.fromisoformat(session.expires_at)
    touch = datetime.fromisoformat(session.last_seen_at) + TOUCH_EVERY
    return min(expires, touch).timestamp()


async def end_session(db: Database, token: str) -> None:
    async def run(w: Writer) -> None:
        await store.delete_session(w, session_id(token))

    await db.write(run)


async def revoke_session(db: Database, user: User, target_session_id: str) -> bool:
    async def run(w: Writer) -> bool:
        return await store.delete_session(w, target_session_id, user.id)

    return await db.write(run)


async def remove_passkey(db: Database, user: User, passkey_id: str) -> str:
    """Remove one of ``user``'s passkeys: 'removed', 'last' or 'missing'."""

    async def run(w: Writer) -> str:
        passkey = await store.get_passkey(w, passkey_id)
        if passkey is None or passkey.user_id != user.id:
            return "missing"
        if not rules.may_remove_passkey(await store.count_passkeys(w, user.id)):
            return "last"
        return "removed" if await store.delete_passkey(w, user.id, passkey_id) else "missing"

    return await db.write(run)


async def rename_passkey(db: Database, user: User, passkey_id: str, name: str) -> bool:
    async def run(w: Writer) -> bool:
        return await store.rename_passkey(w, user.id, passkey_id, name)

    return await db.write(run)


async def hash_calendar_secrets(db: Database) -> int:
    """Keep only the hash of calendar secrets made before it was so; how many there were."""

    async def run(w: Writer) -> int:
        found = await store.clear_calendar_tokens(w)
        for user_id, secret in found:
            await w.execute(
                "update users set calendar_key = ? where id = ?",
                (rules.calendar_key(secret), user_id),
            )
        return len(found)

    return await db.write(run)


async def new_calendar_secret(db: Database, user: User) -> str:
    """A new secret for ``user``'s calendar feed; the one before stops working."""
    secret = secrets.token_urlsafe(24)

    async def run(w: Writer) -> None:
        await store.set_calendar_key(w, user.id, rules.calendar_key(secret))

    await db.write(run)
    return secret


async def stop_calendar(db: Database, user: User) -> None:
    async def run(w: Writer) -> None:
        await store.set_calendar_key(w, user.id, None)

    await db.write(run)
