"""What an account is made of, as it crosses module lines."""

from __future__ import annotations

import msgspec


class User(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    display_name: str
    user_handle: bytes
    created_at: str
    roles: frozenset[str] = frozenset()

    @property
    def is_moderator(self) -> bool:
        return "moderator" in self.roles or "admin" in self.roles


class PublicUser(msgspec.Struct, frozen=True):
    """What the JSON API says about a user."""

    id: str
    display_name: str


class Passkey(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    user_id: str
    name: str
    public_key: bytes
    sign_count: int
    transports: list[str]
    backed_up: bool
    created_at: str
    last_used_at: str | None


class Session(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    user_id: str
    user_agent: str
    created_at: str
    last_seen_at: str
    expires_at: str


class Challenge(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    purpose: str
    challenge: bytes
    user_id: str | None
    user_handle: bytes | None
    display_name: str | None
    expires_at: str
