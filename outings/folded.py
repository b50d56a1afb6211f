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

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from outings.changelog import store as changelog_store
from outings.db import Database, Row
from outings.db.database import Writer
from outings.i18n import by_name, sort_key


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


def one_spelling_each(counted: Iterable[tuple[str, int]]) -> list[str]:
    """Texts that fold alike given once, as most rows spell them, in name order:
    an area menu offers "Zürich" once although some rows say "Zurich" (both
    match the same rows). ``counted``: each spelling and how many rows use it."""
    best: dict[str, tuple[int, bool, bool, bool, str]] = {}
    for text, count in counted:
        key = sort_key(text)
        # the most rows first; on a tie "Zürich" rather than "zürich", "ZÜRICH"
        # or "Zurich" (a place's own spelling is rarely the plainer one)
        ranked = (-count, text == text.casefold(), text == text.upper(), text.isascii(), text)
        if key and (key not in best or ranked < best[key]):
            best[key] = ranked
    return by_name(ranked[-1] for ranked in best.values())


def containing(key: str) -> str:
    """A ``LIKE … ESCAPE '\\'`` pattern: a search key holding ``key`` (folded text)."""
    return "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


#: The version of :func:`outings.i18n.sort_key` the keys are made by: raised
#: with any change to it. A process of an older version (still running during
#: a rolling deploy) then leaves the keys as the newer one wrote them.
FOLD_VERSION = 1

#: How often the keys are looked over while the app runs: rows written by a
#: process of an older version (during a rolling deploy on PostgreSQL) or by
#: hand get theirs without waiting for the next start.
REFOLD_EVERY_S = 3600.0

#: Rows read, and keys written, at a time: the loop serves requests between pages.
PAGE = 500

log = logging.getLogger("outings.folded")

#: A key found stale: its fold, the row's id, the key, and the text it was made from.
Stale = tuple[Folded, str, str, tuple[str, ...]]


async def stale_keys(db: Database, folds: Iterable[Folded]) -> list[Stale]:
    """Each key missing or stale: the folded tables read a page at a time, each once."""
    by_table: dict[str, list[Folded]] = {}
    for fold in folds:
        by_table.setdefault(fold.table, []).append(fold)
    stale: list[Stale] = []
    for table, keys in by_table.items():
        # Names from the stores' declarations, never from outside.
        names = [*(s for k in keys for s in k.sources), *(k.column for k in keys)]
        sql = (
            f"select id, {', '.join(dict.fromkeys(names))} from {table}"
            f" where id > ? order by id limit {PAGE}"
        )
        after = ""
        while True:
            async with db.reader() as r:
                rows = await r.fetchall(sql, (after,))
            for fold in keys:
                stale += [
                    (fold, row["id"], key, tuple(row[s] or "" for s in fold.sources))
                    for row in rows
                    if row[fold.column] != (key := fold.of(row))
                ]
            if len(rows) < PAGE:
                break
            after = rows[-1]["id"]
            await asyncio.sleep(0)  # requests between pages
    return stale


async def write_keys(db: Database, stale: list[Stale]) -> int:
    """Write the keys found stale, a page at a time, each only if its row still
    holds the text it was made from: a row changed since the read (by a process
    that wrote its key with it) keeps what that process wrote. How many were
    stale."""
    for start in range(0, len(stale), PAGE):
        by_fold: dict[Folded, list[dict[str, str]]] = {}
        for fold, row_id, key, texts in stale[start : start + PAGE]:
            params = {"key": key, "id": row_id, **{f"s{i}": t for i, t in enumerate(texts)}}
            by_fold.setdefault(fold, []).append(params)

        async def run(w: Writer, by_fold: dict[Folded, list[dict[str, str]]] = by_fold) -> None:
            # Lists drawn before are kept by the log's cursor
            # (changelog.data_version): a row now found by its area or a
            # search shows at once.
            await changelog_store.bump(w)
            for fold, rows in by_fold.items():
                same = " ".join(
                    f"and coalesce({source}, '') = :s{i}" for i, source in enumerate(fold.sources)
                )
                await w.executemany(
                    f"update {fold.table} set {fold.column} = :key where id = :id {same}", rows
                )

        await db.write(run)
    return len(stale)


async def newest_version(db: Database) -> bool:
    """Record :data:`FOLD_VERSION` as run on this database; whether no newer one has.
    A read, and a write only the first time a version runs."""
    async with db.reader() as r:
        seen = await r.fetchval("select value from meta where key = 'fold_version'")
    if seen is not None and int(seen) >= FOLD_VERSION:
        return int(seen) == FOLD_VERSION

    async def run(w: Writer) -> bool:
        await w.execute(
            "insert into meta (key, value) values ('fold_version', ?) on conflict (key) do nothing",
            (str(FOLD_VERSION),),
        )
        stored = int(await w.fetchval("select value from meta where key = 'fold_version'"))
        if stored < FOLD_VERSION:
            await w.execute(
                "update meta set value = ? where key = 'fold_version'", (str(FOLD_VERSION),)
            )
        return stored <= FOLD_VERSION

    return await db.write(run)


async def refold(db: Database, folds: Iterable[Folded]) -> int:
    """Write each key that is missing or stale; how many were. Nothing when a
    process of a newer version has run on this database (its keys stand)."""
    if not await newest_version(db):
        log.warning("folded keys left as a newer version of Outings made them")
        return 0
    return await write_keys(db, await stale_keys(db, folds))


async def refold_forever(db: Database, folds: Iterable[Folded]) -> None:
    """:func:`refold` every :data:`REFOLD_EVERY_S` seconds, for as long as the app
    runs (at start, the app has done it before serving)."""
    folds = tuple(folds)
    while True:
        await asyncio.sleep(REFOLD_EVERY_S)
        try:
            if stale := await refold(db, folds):
                log.info("%d folded keys were stale: written again", stale)
        except Exception:
            log.warning("writing folded keys failed; trying again later", exc_info=True)
