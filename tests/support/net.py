"""The one free-port helper: a listening socket on 127.0.0.1 whose port the OS chose."""

from __future__ import annotations

import socket


def reserve_socket() -> socket.socket:
    """A listening socket on a free port (its port is known before any server starts).

    Hand it to a server in this process (``uvicorn.Server.serve(sockets=[sock])``), or read its
    port and close it for a child process to bind.
    """
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto says TCP.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock
