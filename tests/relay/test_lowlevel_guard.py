"""Guards relay/lowlevel.py's use of aiohttp internals (pinned in pyproject to the tested minor):
if an aiohttp upgrade changes what it relies on, these fail by name instead of the relay quietly
answering parse errors in plain text or losing its connection caps and head deadline."""

import asyncio
import inspect
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from relay.connlimit import ConnectionGate
from relay.lowlevel import MAX_FIELD_SIZE, JsonAppRunner, JsonErrorHandler, JsonErrorServer

HEAD = b"GET /hello HTTP/1.1\r\nHost: x\r\n"


async def test_the_aiohttp_internals_lowlevel_uses_are_there() -> None:
    assert inspect.iscoroutinefunction(web.AppRunner._make_server)
    assert list(inspect.signature(RequestHandler.handle_error).parameters) == [
        "self", "request", "status", "exc", "message"]
    for hook in ("connection_made", "connection_lost", "force_close"):
        assert callable(getattr(RequestHandler, hook))
    server = web.Server(lambda request: None)  # type: ignore[arg-type,return-value]
    assert isinstance(server._kwargs, dict) and server._loop is not None
    assert server.request_handler is not None


async def hello(request: web.Request) -> web.Response:
    return web.json_response({"hello": "world"})


@pytest.fixture
async def served() -> AsyncIterator[tuple[int, JsonAppRunner]]:
    """A bare app behind JsonAppRunner: one connection per address, a 0.3 s head deadline."""
    app = web.Application()
    app.router.add_get("/hello", hello)
    runner = JsonAppRunner(app, gate=ConnectionGate(per_ip=1, total=None), header_timeout=0.3,
                           handle_signals=False)
    await runner.setup()
    assert runner.server is not None
    listener = await asyncio.get_running_loop().create_server(runner.server, "127.0.0.1", 0)
    try:
        yield listener.sockets[0].getsockname()[1], runner
    finally:
        listener.close()
        await runner.cleanup()


async def exchange(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        async with asyncio.timeout(5):
            return await reader.read(-1)  # until the server closes
    finally:
        writer.close()
        await writer.wait_closed()


async def test_connections_are_json_error_handlers(served) -> None:
    _, runner = served
    assert type(runner.server) is JsonErrorServer
    assert type(runner.server()) is JsonErrorHandler


async def test_an_oversize_header_gets_the_json_431(served) -> None:
    port, _ = served
    answer = await exchange(port, HEAD + b"X-Big: " + b"b" * (MAX_FIELD_SIZE + 1) + b"\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split()[1] == b"431" and b"x-request-id: req_" in head
    assert json.loads(body)["error"]["code"] == "headers_too_large"


async def test_the_gate_and_the_head_deadline_apply(served) -> None:
    port, runner = served
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(HEAD + b"\r\n")  # a request ends: the connection stays, counted
        assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
        refused = await exchange(port, HEAD + b"\r\n")
        assert refused.startswith(b"HTTP/1.1 429")
        assert b'"too_many_connections"' in refused
    finally:
        writer.close()
        await writer.wait_closed()
    async with asyncio.timeout(5):  # the server sees the close a moment after the client
        while runner.gate.open:
            await asyncio.sleep(0.01)
    # A connection that sends no head is closed by the deadline (exchange would time out).
    assert await exchange(port, b"") == b""
