"""Settings, read once from ``OUTINGS_*`` environment variables.

Every setting is documented in the README's configuration table; a test keeps
the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

ENV_PREFIX = "OUTINGS_"


class SettingsError(ValueError):
    """A setting has a value the app cannot run with; the message says which and why."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    #: SQLite database file, created and migrated on start.
    db: str = "outings.db"
    #: Where browsers reach the app; passkeys and the JSON API's Origin check use it.
    origin: str = "http://localhost:8000"
    #: WebAuthn relying-party id: the origin's host name, or a parent domain of it.
    rp_id: str = ""
    #: The name a passkey prompt shows.
    rp_name: str = "Outings"
    #: Key for signing CSRF tokens. Empty: one is made on first start and kept in the database.
    secret: str = ""
    #: Time zone outings are shown and entered in.
    timezone: str = "Europe/Paris"
    #: Days a sign-in lasts without being used.
    session_days: int = 30
    #: Log level for the app's own loggers (request log included).
    log_level: str = "INFO"
    #: Days a phone may stay offline and still catch up change by change;
    #: the change log forgets deletions older than this, and a phone away
    #: longer is sent a fresh copy of everything instead (its outbox is kept).
    sync_days: int = 30
    #: Passkey ceremony requests (sign-up and sign-in options and verify) a
    #: client address may make in a minute.
    limit_sign_in: int = 30
    #: Form submissions a parent (or, not signed in, an address) may make in a minute.
    limit_forms: int = 60
    #: Sync pushes a parent may make in a minute (an outbox sends one per change at most).
    limit_push: int = 600
    #: Reports a parent may send in an hour.
    limit_reports: int = 10
    #: Web Push signing key (VAPID, RFC 8292): a P-256 private key as PEM or
    #: base64url. Empty: one is made on first start and kept in the database.
    vapid_private_key: str = ""
    #: Who push services may contact about this server: ``mailto:`` or ``https:``.
    #: Empty: the origin when it is https, else ``mailto:push@<host>``.
    vapid_subject: str = ""

    def __post_init__(self) -> None:
        parts = urlsplit(self.origin)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
        ):
            raise SettingsError(
                f"OUTINGS_ORIGIN must look like https://outings.example.org, not {self.origin!r}"
            )
        rp_id = self.rp_id or parts.hostname
        if parts.hostname != rp_id and not parts.hostname.endswith("." + rp_id):
            raise SettingsError(
                f"OUTINGS_RP_ID {rp_id!r} must be {parts.hostname!r} or a parent domain of it"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(
                f"OUTINGS_TIMEZONE {self.timezone!r} is not a time zone name such as Europe/Paris"
            ) from exc
        if self.session_days < 1:
            raise SettingsError("OUTINGS_SESSION_DAYS must be 1 or more")
        if self.sync_days < 1:
            raise SettingsError("OUTINGS_SYNC_DAYS must be 1 or more")
        for name in ("limit_sign_in", "limit_forms", "limit_push", "limit_reports"):
            if getattr(self, name) < 1:
                raise SettingsError(f"OUTINGS_{name.upper()} must be 1 or more")
        if self.vapid_subject and not self.vapid_subject.startswith(("mailto:", "https:")):
            raise SettingsError(
                "OUTINGS_VAPID_SUBJECT must start with mailto: or https:, "
                f"not {self.vapid_subject!r}"
            )
        # frozen Struct: normalised values are written once, here.
        msgspec.structs.force_setattr(self, "origin", f"{parts.scheme}://{parts.netloc}")
        msgspec.structs.force_setattr(self, "rp_id", rp_id)

    @property
    def push_subject(self) -> str:
        """The VAPID ``sub`` claim: who a push service writes to about misuse."""
        if self.vapid_subject:
            return self.vapid_subject
        if self.origin.startswith("https://"):
            return self.origin
        return f"mailto:push@{urlsplit(self.origin).hostname}"

    @property
    def secure_cookies(self) -> bool:
        return self.origin.startswith("https://")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def db_path(self) -> Path:
        return Path(self.db)

    @property
    def db_shown(self) -> str:
        """Where the data is, as a log or a message may show it: a PostgreSQL
        URL without its password (given before the host or as a parameter)."""
        parts = urlsplit(self.db)
        if not parts.scheme:
            return self.db
        shown = self.db
        if parts.password is not None:
            host = parts.netloc.rpartition("@")[2]
            shown = urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
        if parts.query:
            hidden = [(k, "***" if k == "password" else v) for k, v in parse_qsl(parts.query)]
            shown = shown.split("?", 1)[0] + "?" + urlencode(hidden, safe="*")
        return shown

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from ``OUTINGS_<FIELD>`` variables; ``overrides`` win over the environment."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in msgspec.structs.fields(cls):
            raw = environ.get(ENV_PREFIX + field.name.upper())
            if raw is not None and raw != "":
                values[field.name] = raw
        values.update(overrides)
        try:
            # strict=False lets "30" from the environment become an int.
            return msgspec.convert(values, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise SettingsError(f"bad setting: {exc}") from exc


def env_names() -> list[str]:
    """Every environment variable the app reads, for the README check."""
    return [ENV_PREFIX + f.name.upper() for f in msgspec.structs.fields(Settings)]
