"""Text kept folded beside the text: keys that SQL sorts, compares and searches.

A name sorts, an area matches and a search finds the same way for every
language and on either engine: by :func:`outings.i18n.sort_key` (case and
accents aside, "Zürich" as "zurich", "Łódź" as "lodz", "Straße" as
"strasse"). SQLite's ``lower``, ``LIKE`` and ``ORDER BY`` fold only ASCII
and PostgreSQL's follow the cluster's collation, so the key is made in
Python and stored: each store declares its keys (:class:`Folded`), writes
them with the row (:func:`keyed`), and :func:`refold` writes again, at each
start, those missing or stale (rows from before a key existed, put in by
hand, or under an older :func:`sort_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from outings.db import Database, Row
from outings.db.database import Writer
from outings.i18n import sort_key


class Folded(NamedTuple):
    """``column`` of ``table`` holds the key of ``sources`` of the same row."""

    table: str
    column: str
    sources: tuple[str, ...]

    def of(self, row: Mapping[str, Any] | Row) -> str:
        # One line per source: a folded query holds no line break, so a
        # search never matches across the end of one field and the next.
        return "\n".join(sort_key(row[source] or "") for source in self.sources)


def keyed(fields: dict[str, Any], folds: Iterable[Folded]) -> dict[str, Any]:
    """``fields`` with each key made from them."""
    return {**fields, **{fold.column: fold.of(fields) for fold in folds}}


def containing(key: str) -> str:
    """A ``LIKE … ESCAPE '\\'`` pattern: a search key holding ``key`` (folded text)."""
    return "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def refold(db: Database, folds: Iterable[Folded]) -> int:
    """Write each key that is missing or stale; how many were. A read of the
    folded tables, and a write only when something needs one."""
    by_table: dict[str, list[Folded]] = {}
    for fold in folds:
        by_table.setdefault(fold.table, []).append(fold)
    stale: list[tuple[Folded, list[tuple[str, str]]]] = []
    async with db.reader() as r:
        for table, keys in by_table.items():  # each table read once, whatever its keys
            # Names from the stores' declarations, never from outside.
            names = [*(s for k in keys for s in k.sources), *(k.column for k in keys)]
            rows = await r.fetchall(f"select id, {', '.join(dict.fromkeys(names))} from {table}")
            for fold in keys:
                wrong = [
                    (row["id"], key) for row in rows if row[fold.column] != (key := fold.of(row))
                ]
                if wrong:
                    stale.append((fold, wrong))
    if not stale:
        return 0

    async def run(w: Writer) -> None:
        for fold, rows in stale:
            await w.executemany(
                f"update {fold.table} set {fold.column} = ? where id = ?",
                [(key, row_id) for row_id, key in rows],
            )

    await db.write(run)
    return sum(len(rows) for _fold, rows in stale)
