"""How ``outings serve`` runs the app: uvicorn, one process or several.

httptools parses HTTP at three times h11's pace for a bare app; asyncio's own
loop, not uvloop, answered real pages faster and with shorter tails (the
README's Benchmarks). Several processes (``--workers``, PostgreSQL only) share
one listening socket under uvicorn's supervisor, which restarts one that dies.
"""

from __future__ import annotations

import contextlib
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess


class Config(uvicorn.Config):
    """uvicorn's settings, with a listening socket that keeps answers prompt.

    (Module-level: the supervisor sends it to each worker it starts.)
    """

    def bind_socket(self) -> socket.socket:
        # uvicorn's own leaves the listener's protocol unset, so asyncio never
        # turns Nagle's algorithm off on the connections it accepts: with
        # --workers every keep-alive answer waited ~40 ms for a delayed ACK
        # (Kludex/uvicorn#3149; measured here: a bare app with two workers
        # answered 724 requests/s instead of 7,700)
        made = super().bind_socket()
        sock = socket.socket(made.family, made.type, socket.IPPROTO_TCP, made.detach())
        sock.set_inheritable(True)
        return sock


def serve(host: str, port: int, workers: int = 1) -> None:
    config = Config(
        "outings.app:create_app",
        factory=True,
        host=host,
        port=port,
        access_log=False,  # the app logs each request itself
        proxy_headers=True,
        loop="asyncio",
        http="httptools",
        workers=workers,
    )
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        # uvicorn binds the socket itself here (from getaddrinfo: protocol set)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stopped, as asked
            uvicorn.Server(config).run()
