"""What the native-format fakes (fake_anthropic.py, fake_responses.py) share with each other:
a real aiohttp server on 127.0.0.1 that records every request exactly as received, answers JSON,
and writes server-sent events the way those APIs do (an ``event:`` line, then ``data:``).

Kept apart from fake_upstream.py, whose chat-completion streams carry ``data:`` lines only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any, Self

from aiohttp import web
from multidict import CIMultiDict

from tests.helpers.fake_scenario import RecordedRequest
from tests.helpers.hangups import drop
from tests.helpers.provider_formats import dumps

SSE_HEADERS = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}
Handler = Callable[[web.Request], Coroutine[Any, Any, web.StreamResponse]]


class NativeFake:
    """Lifecycle, recording and response writing; subclasses add routes in ``routes()``."""

    def __init__(self, api_key: str, prefix: str, port: int = 0) -> None:
        self.api_key = api_key
        self.prefix = prefix.rstrip("/")
        self.port = port
        self.requests: list[RecordedRequest] = []
        self.failures = 0  # scripted failures served so far (what fail_times counts)
        # hold a stream before its n-th event (from 0) until the event is set, so a test can act
        # (hang up, stop the relay) at a known point; stop() releases every hold
        self.pause_before: dict[int, asyncio.Event] = {}
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        """What a relay would store as this provider's base URL."""
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    @property
    def last_request(self) -> RecordedRequest:
        return self.requests[-1]

    def routes(self) -> list[tuple[str, Handler]]:
        """(path under the prefix, handler) of each POST route."""
        raise NotImplementedError

    async def unknown(self, request: web.Request) -> web.StreamResponse:
        """Any other path or method: recorded, then the API's own 404."""
        raise NotImplementedError

    async def start(self) -> Self:
        self._closing.clear()
        app = web.Application(client_max_size=64 * 1024 * 1024)  # agents send ~100 KB turns
        for path, handler in self.routes():
            app.router.add_post(self.prefix + path, handler)
        app.router.add_route("*", "/{tail:.*}", self.unknown)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0,
                                     access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- recording and answering -----------------------------------------------------------

    async def record(self, request: web.Request) -> RecordedRequest:
        body = await request.read()
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        rec = RecordedRequest(request.method, request.path, CIMultiDict(request.headers), body,
                              parsed, query=request.query_string)
        self.requests.append(rec)
        return rec

    def answer_json(self, rec: RecordedRequest, status: int, body: dict[str, Any],
                    headers: dict[str, str] | None = None) -> web.Response:
        rec.status = status
        rec.completed = True
        return web.Response(status=status, body=dumps(body), content_type="application/json",
                            headers=headers)

    def take_failure(self, fail_with: str | None, fail_times: int | None) -> bool:
        """True if this request is to fail as scripted (and counts it)."""
        if fail_with is None or (fail_times is not None and self.failures >= fail_times):
            return False
        self.failures += 1
        return True

    async def answer_sse(self, request: web.Request, rec: RecordedRequest,
                         events: list[tuple[str, dict[str, Any]]],
                         break_after: int | None = None) -> web.StreamResponse:
        """Write ``(event name, payload)`` pairs; ``break_after`` cuts the stream after that many
        events without a proper end, as a dropped upstream connection does."""
        resp = web.StreamResponse(status=200, headers=SSE_HEADERS)
        rec.status = 200
        await resp.prepare(request)
        try:
            for index, (name, payload) in enumerate(events):
                if break_after is not None and index >= break_after:
                    drop(request)
                    return resp
                gate = self.pause_before.get(index)
                if gate is not None:
                    await self._hold(gate)
                    if self._closing.is_set():
                        drop(request)
                        return resp
                data = dumps(payload)
                await resp.write(b"event: " + name.encode() + b"\ndata: " + data + b"\n\n")
                rec.events_sent += 1
                rec.events.append(data)
            await resp.write_eof()
            rec.completed = True
        except ConnectionError:
            rec.disconnected = True
        except asyncio.CancelledError:  # handler_cancellation: the client hung up
            rec.disconnected = True
            raise
        return resp

    async def _hold(self, gate: asyncio.Event) -> None:
        """Wait for ``gate`` or for stop(), whichever comes first."""
        waiters = [asyncio.ensure_future(gate.wait()), asyncio.ensure_future(self._closing.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def split_text(text: str, pieces: int = 3) -> list[str]:
    """``text`` in up to ``pieces`` consecutive parts, as an API streams a tool's arguments."""
    if not text:
        return [""]
    size = max(1, -(-len(text) // pieces))
    return [text[i:i + size] for i in range(0, len(text), size)]
