"""How ``outings serve`` listens: answers are sent at once, with --workers too."""

from __future__ import annotations

import asyncio
import socket

from outings.serving import Config
from tests.threads import in_thread


async def _nodelay_of_an_accepted_connection(listener: socket.socket) -> int:
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Report(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Report, sock=listener)
    try:
        _reader, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        found = await asyncio.wait_for(seen, 5)
        writer.close()
        return found
    finally:
        server.close()


def test_the_socket_several_workers_share_sends_small_answers_at_once() -> None:
    # Nagle's algorithm on would hold each keep-alive answer ~40 ms for the
    # client's delayed ACK (Kludex/uvicorn#3149): asyncio turns it off only for
    # a listener that says it is TCP
    listener = Config("outings.app:create_app", factory=True, host="127.0.0.1", port=0)
    sock = listener.bind_socket()
    assert sock.proto == socket.IPPROTO_TCP
    assert in_thread(asyncio.run, _nodelay_of_an_accepted_connection(sock)) == 1
