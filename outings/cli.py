"""The ``outings`` command: serve, migrate, demo, grant."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Sequence
from typing import IO

from outings.settings import Settings, SettingsError

COMMANDS = {
    "serve": "serve the app (the database is created and migrated on start)",
    "migrate": "create the database or bring it up to date, then exit",
    "demo": "fill the database with believable sample families, venues and outings"
    " (--reset: delete everything first)",
    "grant": "give a user a role, e.g. `outings grant moderator Ana`",
    "export": "write the whole instance (every table) to a file, to move it to another database",
    "import": "fill an empty database (OUTINGS_DB) from a file `outings export` wrote",
    "compact": "forget deletions older than OUTINGS_SYNC_DAYS in the change log (the app does"
    " it every 6 hours)",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="outings", description="Outings: family meetups.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help=COMMANDS["serve"])
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="app processes sharing the port (PostgreSQL only: one process serves a SQLite file)",
    )
    sub.add_parser("migrate", help=COMMANDS["migrate"])
    demo = sub.add_parser("demo", help=COMMANDS["demo"])
    which = demo.add_mutually_exclusive_group()
    which.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database has users already"
    )
    which.add_argument(
        "--reset",
        action="store_true",
        help="first DELETE everything in OUTINGS_DB (accounts, places, outings, replies,"
        " comments, sign-ins), then load sample data dated from today",
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="with --reset: delete accounts people made with a passkey too (refused otherwise)",
    )
    compact = sub.add_parser("compact", help=COMMANDS["compact"])
    compact.add_argument(
        "--days", type=int, default=None, help="keep this many days (default: OUTINGS_SYNC_DAYS)"
    )
    export = sub.add_parser("export", help=COMMANDS["export"])
    export.add_argument(
        "file", help="where to write it (it holds sessions and secrets: keep it safe)"
    )
    load = sub.add_parser("import", help=COMMANDS["import"])
    load.add_argument("file", help="a file `outings export` wrote")
    grant = sub.add_parser("grant", help=COMMANDS["grant"])
    grant.add_argument("role", choices=["moderator", "admin"])
    grant.add_argument("user", help="the user's display name or id")
    return parser


async def _migrate(settings: Settings) -> None:
    from outings.db import database_at

    db = database_at(settings.db)
    await db.open()
    await db.close()


async def _compact(settings: Settings, days: int) -> int:
    from outings import changelog
    from outings.db import database_at

    db = database_at(settings.db)
    await db.open()
    try:
        return await changelog.compact_now(db, days)
    finally:
        await db.close()


async def _transfer(settings: Settings, command: str, file: IO[bytes]) -> dict[str, int]:
    from outings.db import database_at
    from outings.db.transfer import export, import_

    db = database_at(settings.db, patient=True)
    await db.open()
    try:
        return await (export(db, file) if command == "export" else import_(db, file))
    finally:
        await db.close()


def _move(settings: Settings, command: str, path: str) -> int:
    """``outings export FILE`` / ``outings import FILE``."""
    from outings.db import TransientDatabaseError
    from outings.db.transfer import TransferError

    try:
        if command == "export":
            counts = _export_to(settings, path)
            where = f"written to {path}"
        else:
            with open(path, "rb") as source:
                counts = asyncio.run(_transfer(settings, command, source))
            where = f"imported into {settings.db_shown}"
    except TransferError as exc:
        print(f"outings: nothing imported: {exc}", file=sys.stderr)
        return 1
    except TransientDatabaseError as exc:
        print(f"outings: the database is out of reach or busy: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"outings: {exc}", file=sys.stderr)
        return 1
    print(f"{sum(counts.values())} rows of {len(counts)} tables {where}")
    return 0


def _export_to(settings: Settings, path: str) -> dict[str, int]:
    """Written beside ``path`` first, and put in its place only when whole: an
    export that fails half-way leaves the last good one as it was."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, partial = tempfile.mkstemp(prefix=".outings-export-", dir=folder)
    try:
        # sessions, passkeys and the instance's secrets: for its owner's eyes only
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            counts = asyncio.run(_transfer(settings, "export", out))
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise
    return counts


async def _grant(settings: Settings, role: str, who: str) -> int:
    from outings.accounts import store
    from outings.db import database_at, now_iso
    from outings.db.database import Writer

    db = database_at(settings.db)
    await db.open()
    try:
        async with db.reader() as r:
            users = await store.find_users(r, who)
        if len(users) != 1:
            found = "no user" if not users else f"{len(users)} users"
            print(f"outings: {found} called {who!r}; give the user's id instead", file=sys.stderr)
            return 1
        user = users[0]

        async def run(w: Writer) -> bool:
            return await store.grant_role(w, user.id, role, None, now_iso())

        changed = await db.write(run)
        print(f"{user.display_name} ({user.id}) {'is now' if changed else 'was already'} {role}")
        return 0
    finally:
        await db.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"outings: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        from outings.db.database import is_postgres

        if args.workers < 1 or (args.workers > 1 and not is_postgres(settings.db)):
            print(
                "outings: --workers above 1 needs PostgreSQL (OUTINGS_DB=postgresql://…):"
                " one process serves a SQLite file, and its one writer is fast enough for a town",
                file=sys.stderr,
            )
            return 2
        print(f"Outings on {settings.origin} (listening on {args.host}:{args.port})", flush=True)
        from outings.serving import serve

        serve(args.host, args.port, args.workers)
        return 0
    if args.command == "migrate":
        asyncio.run(_migrate(settings))
        print(f"database {settings.db_shown} is up to date")
        return 0
    if args.command == "demo":
        from outings.demo import DemoRefused, load_demo

        if args.force and not args.reset:
            print("outings: --force only goes with --reset", file=sys.stderr)
            return 2
        try:
            made = asyncio.run(
                load_demo(settings, if_empty=args.if_empty, reset=args.reset, force=args.force)
            )
        except DemoRefused as exc:
            print(f"outings: nothing deleted: {exc}", file=sys.stderr)
            return 1
        print(made)
        return 0
    if args.command == "compact":
        days = settings.sync_days if args.days is None else args.days
        if days < 1:
            print("outings: --days must be 1 or more", file=sys.stderr)
            return 2
        dropped = asyncio.run(_compact(settings, days))
        print(f"dropped {dropped} deletions older than {days} days from the change log")
        return 0
    if args.command == "grant":
        return asyncio.run(_grant(settings, args.role, args.user))
    if args.command in ("export", "import"):
        return _move(settings, args.command, args.file)
    return 2  # pragma: no cover - argparse refuses unknown commands


if __name__ == "__main__":
    sys.exit(main())
