"""How a fake provider (tests/helpers/fake_upstream.py) breaks a connection: a graceful close
mid-response, or a TCP reset."""

import socket
import struct

from aiohttp import web


def drop(request: web.Request) -> None:
    """Close mid-response without a chunked-encoding end: the client sees a truncated body.

    A graceful close (flush, then FIN), not a reset, so every byte written still reaches the client.
    """
    if request.transport is not None:
        request.transport.close()


def reset(request: web.Request) -> None:
    """Drop the connection with a TCP RST, as a crashed upstream or middlebox does."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
