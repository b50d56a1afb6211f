"""The board's asks and offers and their replies, as the stores hand them out."""

from __future__ import annotations

from typing import Literal

import msgspec

Kind = Literal["ask", "offer"]

#: What a post may be, in the order the compose form offers them.
KINDS: tuple[Kind, ...] = ("ask", "offer")


class Reply(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    post_id: str
    author_id: str
    author_name: str
    body: str
    created_at: str


class Post(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    circle_id: str
    author_id: str
    author_name: str
    kind: Kind
    body: str
    sorted_at: str | None
    pinned_at: str | None
    hidden_at: str | None
    created_at: str
    updated_at: str
    reply_count: int

    @property
    def is_sorted(self) -> bool:
        """The author found what she asked for, or gave away what she offered."""
        return self.sorted_at is not None

    @property
    def pinned(self) -> bool:
        return self.pinned_at is not None
