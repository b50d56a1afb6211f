"""Test servers forked from a process that has loaded the app once.

``outings serve`` spends most of its start importing (Litestar, the app's
modules, uvicorn): a second or more on a loaded machine, for each of the
many servers the tests start. This process imports all of that once, then
forks a server for each order read on stdin (one JSON line: ``argv``,
``env``, ``log``) and answers with its pid. Each child is the real
``outings serve``, run from its ``main`` with its own environment and log,
as a new process would run it; what is imported here only spares it the
import. Children are reaped by the kernel (SIGCHLD ignored): a test knows one
has ended when its pid is gone.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback

import uvicorn.lifespan.on
import uvicorn.loops.asyncio
import uvicorn.protocols.http.httptools_impl
import uvicorn.protocols.websockets.auto

import outings.app
import outings.cli

# What `outings serve` loads on its way in, loaded here once (the names keep
# the imports from being "unused").
_LOADED = (
    outings.app,
    uvicorn.loops.asyncio,
    uvicorn.protocols.http.httptools_impl,
    uvicorn.protocols.websockets.auto,
    uvicorn.lifespan.on,
)


def _serve(order: dict[str, object]) -> int:
    log = os.open(str(order["log"]), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    env = order["env"]
    assert isinstance(env, dict)
    os.environ.clear()
    os.environ.update(env)
    argv = order["argv"]
    assert isinstance(argv, list)
    return outings.cli.main(argv)


def main() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        order = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                code = _serve(order)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
