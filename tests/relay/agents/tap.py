"""A recording reverse proxy between a CLI and the relay: it keeps each request's exact bytes
(what the CLI itself sent, before the relay touched it) and streams the relay's answer back as
it arrives, so pass-through tests can compare the client's bytes with the provider's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

# Not passed on: the framing and the host are the tap's own on each side; identity encoding
# keeps the answer's bytes as the relay wrote them.
_DROPPED = frozenset({"host", "content-length", "transfer-encoding", "connection",
                      "accept-encoding"})


@dataclass
class Tapped:
    """One request as the CLI sent it."""

    method: str
    path_qs: str
    headers: CIMultiDict[str]
    body: bytes
    status: int | None = None  # the relay's answer


class Tap:
    """``async with Tap("http://127.0.0.1:PORT") as tap:`` then point the CLI at ``tap.url``."""

    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.seen: list[Tapped] = []
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession(auto_decompress=False,
                                              timeout=aiohttp.ClientTimeout(total=120))
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        tapped = Tapped(request.method, request.path_qs, CIMultiDict(request.headers), body)
        self.seen.append(tapped)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _DROPPED}
        assert self._session is not None
        async with self._session.request(request.method, self.target + request.path_qs,
                                         data=body, headers=headers) as upstream:
            tapped.status = upstream.status
            kept = {k: v for k, v in upstream.headers.items() if k.lower() not in _DROPPED}
            resp = web.StreamResponse(status=upstream.status, headers=kept)
            await resp.prepare(request)
            async for piece in upstream.content.iter_any():
                await resp.write(piece)
            await resp.write_eof()
            return resp
