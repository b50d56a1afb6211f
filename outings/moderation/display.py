"""How the moderation queues name and link what was reported."""

from __future__ import annotations

from typing import Any

from outings.i18n import lazy_gettext

KINDS: dict[str, Any] = {
    "venue": lazy_gettext("Place"),
    "outing": lazy_gettext("Outing"),
    "comment": lazy_gettext("Comment"),
    "circle": lazy_gettext("Circle"),
    "post": lazy_gettext("Board post"),
    "reply": lazy_gettext("Reply on the board"),
    "entry": lazy_gettext("Address-book entry"),
    "user": lazy_gettext("Member"),
}


ACTIONS: dict[str, Any] = {
    "hide": lazy_gettext("Hidden"),
    "dismiss": lazy_gettext("Report dismissed"),
    "verify": lazy_gettext("Verified"),
    "claim_approved": lazy_gettext("Manager approved"),
    "claim_refused": lazy_gettext("Manager refused"),
    "remove_member": lazy_gettext("Removed from the circle"),
    "ban_member": lazy_gettext("Banned from the circle"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def report_kind(target_type: str) -> str:
    return str(KINDS.get(target_type, target_type))


def report_link(report: Any) -> str | None:
    """Where a moderator sees the reported thing, when it has a page of its own."""
    kind, target = report["target_type"], report["target_id"]
    if kind == "venue":
        return f"/venues/{target}"
    if kind == "outing":
        return f"/outings/{target}"
    if kind == "circle":
        return f"/circles/{target}"
    return None
