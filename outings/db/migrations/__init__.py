"""Numbered SQL migrations, applied in order at start-up.

Each ``NNNN_name.sql`` file runs once, in one transaction together with its
row in ``schema_migrations``. Old files are never edited: a change to the
schema is a new file.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped with the package, oldest first."""
    found = []
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must run 1, 2, 3… without gaps; found {versions}")
    return found


def applied_versions(conn: sqlite3.Connection) -> set[int]:
    conn.execute(
        "create table if not exists schema_migrations ("
        " version integer primary key, name text not null, applied_at text not null)"
    )
    return {row[0] for row in conn.execute("select version from schema_migrations")}


def apply_migrations(conn: sqlite3.Connection) -> list[int]:
    """Apply the pending migrations on ``conn``; returns the versions applied."""
    done = applied_versions(conn)
    applied = []
    for migration in migrations():
        if migration.version in done:
            continue
        # executescript commits first and then runs the text as it is, so the
        # explicit begin/commit makes the file and its bookkeeping one unit.
        # Version and name come from our own file names (checked by _NAME), never input.
        script = (
            "begin immediate;\n"
            f"{migration.sql}\n;"
            "insert into schema_migrations (version, name, applied_at) "
            f"values ({migration.version}, '{migration.name}', "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));\n"
            "commit;"
        )
        try:
            conn.executescript(script)
        except Exception:
            if conn.in_transaction:
                conn.execute("rollback")
            raise
        applied.append(migration.version)
    return applied
