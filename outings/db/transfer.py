"""A whole instance moved between databases (issue 15): ``outings export``
writes every table to a file, ``outings import`` fills an empty database
from one. Either engine on either side: a town that grows moves from SQLite
to PostgreSQL, and back if it must.

Everything moves as it is stored (but for what counts one database's own
commits): accounts, passkeys and sessions (parents
stay signed in), the change log and its cursor (phones carry on pulling from
where they were, with no reset), the instance's secrets and push keys (forms
in flight and notification subscriptions keep working). Only the rate-limit
counts stay behind: they expire within the hour anyway.

The file is JSON lines: a first line saying what it is and the schema
version it was written at, then for each table a line naming it and its
columns followed by a line per row (bytes as ``{"b64": …}``). Tables come so
that each follows those its foreign keys point at: the import inserts them
in turn, every key checked, in one transaction — all of it or nothing.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from typing import IO, Any

import msgspec

from outings.db.database import Database, Table, Writer, in_order

FORMAT = "outings-export"
#: Made by the target itself (its migrations), or not worth moving (counts of a window).
LEFT_BEHIND = frozenset(("schema_migrations", "rate_hits"))
#: Columns that count something of one database, not of the instance: how many
#: transactions it committed (what its kept pages are checked against).
LOCAL_COLUMNS = frozenset((("sync_state", "commits"),))
#: Rows per statement while importing.
BATCH = 500
#: What is there in a database that holds an instance already.
_HELD = ("users", "venues", "outings", "circles")


_DAMAGED = "the file ends early or is damaged: nothing was imported"


class TransferError(Exception):
    """A file that cannot be imported here, said in words."""


def _moved(tables: Iterable[Table]) -> list[Table]:
    return in_order(
        t._replace(columns=tuple(c for c in t.columns if (t.name, c) not in LOCAL_COLUMNS))
        for t in tables
        if t.name not in LEFT_BEHIND
    )


async def _version(db: Database) -> int:
    version: int = await db.fetchval("select max(version) from schema_migrations")
    return version


def _out(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _in(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["b64"])
    return value


async def export(db: Database, out: IO[bytes]) -> dict[str, int]:
    """Write every table of ``db`` to ``out``, all read in one snapshot; rows per table."""
    encoder = msgspec.json.Encoder()
    tables = _moved(await db.tables())
    counts: dict[str, int] = {}
    out.write(encoder.encode({"format": FORMAT, "version": await _version(db)}) + b"\n")
    async with db.reader() as r, r.snapshot():
        for table in tables:
            names = ", ".join(f'"{c}"' for c in table.columns)  # from the catalogue
            # every column sorts: the same instance writes the same file
            order = ", ".join(str(n) for n in range(1, len(table.columns) + 1))
            rows = await r.fetchall(f'select {names} from "{table.name}" order by {order}')
            out.write(
                encoder.encode({"table": table.name, "columns": table.columns, "rows": len(rows)})
                + b"\n"
            )
            for row in rows:
                out.write(encoder.encode([_out(v) for v in row]) + b"\n")
            counts[table.name] = len(rows)
    # the last line: a file cut short between two tables is not taken for a whole one
    out.write(encoder.encode({"end": counts}) + b"\n")
    return counts


class _Section(msgspec.Struct):
    table: str
    columns: list[str]
    rows: int


class _Header(msgspec.Struct):
    format: str
    version: int


def _sections(lines: Iterator[bytes]) -> Iterator[tuple[_Section, list[list[Any]]]]:
    """Each table's header and rows, up to the closing line, which must be
    there and agree with what came before it."""
    rows = msgspec.json.Decoder(list[Any])
    seen: dict[str, int] = {}
    for line in lines:
        if not line.strip():
            continue
        head = msgspec.json.decode(line)
        if isinstance(head, dict) and "end" in head:
            if head["end"] != seen:
                raise TransferError(_DAMAGED)
            return
        section = msgspec.convert(head, _Section)
        found = []
        for _ in range(section.rows):
            row = next(lines, None)
            if row is None:
                raise TransferError(_DAMAGED)
            found.append([_in(v) for v in rows.decode(row)])
        seen[section.table] = section.rows
        yield section, found
    raise TransferError(_DAMAGED)  # no closing line: cut short


async def import_(db: Database, source: IO[bytes]) -> dict[str, int]:
    """Fill ``db``, which must hold no instance yet, from an export; rows per table."""
    lines = iter(source)
    try:
        header = msgspec.json.decode(next(lines, b"{}"), type=_Header)
    except msgspec.DecodeError as exc:
        raise TransferError("this is not a file `outings export` wrote") from exc
    if header.format != FORMAT:
        raise TransferError("this is not a file `outings export` wrote")
    version = await _version(db)
    if header.version != version:
        raise TransferError(
            f"the file was written at schema version {header.version} and this database is"
            f" at {version}: export and import with the same release of Outings"
        )
    held = " + ".join(f"(select count(*) from {name})" for name in _HELD)
    if await db.fetchval(f"select {held}"):
        raise TransferError("this database holds an instance already: import into an empty one")
    here = {t.name: t for t in await db.tables()}

    async def run(w: Writer) -> dict[str, int]:
        # its own count of commits carries on (a kept page is checked against it)
        commits = await w.fetchval("select commits from sync_state where id = 1") or 0
        # what a fresh database made for itself (its counter, its first secrets) goes
        for table in reversed(_moved(here.values())):
            await w.execute(f'delete from "{table.name}"')
        counts: dict[str, int] = {}
        try:
            for section, rows in _sections(lines):
                known = here.get(section.table)
                columns = set(known.columns) if known else set()
                if (
                    known is None
                    or known.name in LEFT_BEHIND
                    or not set(section.columns) <= columns
                ):
                    raise TransferError(f"table {section.table} is not in this database's schema")
                names = ", ".join(f'"{c}"' for c in section.columns)
                marks = ", ".join("?" for _ in section.columns)
                sql = f'insert into "{known.name}" ({names}) values ({marks})'
                try:
                    for start in range(0, len(rows), BATCH):
                        await w.executemany(sql, rows[start : start + BATCH])
                except Exception as exc:  # a value this engine refuses: say which table
                    raise TransferError(f"table {known.name}: {exc}") from exc
                counts[known.name] = len(rows)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise TransferError(_DAMAGED) from exc
        await w.execute("update sync_state set commits = ? where id = 1", (commits + 1,))
        return counts

    return await db.write(run)
