"""``outings`` with commits that do not wait for the disk: the bench's A/B of
what durable commits cost a push (issue 10), and nothing else.

The app's writer commits with ``synchronous = full`` (outings/db/sqlite.py):
an answered push survives a power cut. Here its writer is opened with
``synchronous = normal`` instead (in WAL mode: on disk at the next
checkpoint), everything else as served. Never a way to run Outings.

    python -m bench.undurable serve --port 8001
"""

from __future__ import annotations

import sqlite3
import sys

from outings import cli
from outings.db import connection
from outings.db import sqlite as sqlite_db

_connect = connection.connect


def _undurable(path: str, *, readonly: bool) -> sqlite3.Connection:
    conn = _connect(path, readonly=readonly)
    if not readonly:
        conn.execute("pragma synchronous = normal")
    return conn


if __name__ == "__main__":
    # the name outings/db/sqlite.py opens each of its connections with
    vars(sqlite_db)["connect"] = _undurable
    sys.exit(cli.main())
