"""How domain rules say no, whichever resource they guard.

A :class:`Refused` change cannot be made (a stable ``code``, words for
people); an :class:`Invalid` one has fields to fix, each with its message.
Forms show them beside the fields; sync records them as rejected mutations.
"""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
