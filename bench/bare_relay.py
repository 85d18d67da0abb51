"""The floor a real relay is compared against: a bare aiohttp pass-through, no auth, no billing.

Forwards ``POST /v1/chat/completions`` to ``<upstream>/chat/completions`` over one shared
ClientSession and copies the response body back chunk by chunk as it arrives.
"""

from __future__ import annotations

import argparse
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

HOST = "127.0.0.1"
_SESSION = web.AppKey("session", aiohttp.ClientSession)
_UPSTREAM = web.AppKey("upstream", str)
_FORWARDED = ("Authorization", "Content-Type")


async def _forward(request: web.Request) -> web.StreamResponse:
    headers = {k: request.headers[k] for k in _FORWARDED if k in request.headers}
    url = request.app[_UPSTREAM] + "/chat/completions"
    async with request.app[_SESSION].post(url, data=await request.read(), headers=headers) as up:
        resp = web.StreamResponse(status=up.status)
        resp.content_type = up.content_type
        await resp.prepare(request)
        async for chunk in up.content.iter_any():
            await resp.write(chunk)
        await resp.write_eof()
        return resp


def build_app(upstream: str) -> web.Application:
    """``upstream`` is a base URL like ``http://127.0.0.1:18001/v1`` (loopback only)."""
    if urlsplit(upstream).hostname != HOST:
        raise ValueError("bench targets 127.0.0.1 only")
    app = web.Application()
    app[_UPSTREAM] = upstream.rstrip("/")

    async def session_ctx(app: web.Application):  # type: ignore[no-untyped-def]
        connector = aiohttp.TCPConnector(limit=0)  # no pool cap: don't bottleneck the floor
        async with aiohttp.ClientSession(connector=connector) as session:
            app[_SESSION] = session
            yield

    app.cleanup_ctx.append(session_ctx)
    app.router.add_post("/v1/chat/completions", _forward)
    return app


async def start_bare_relay(port: int, upstream: str) -> web.AppRunner:
    """Serve on 127.0.0.1:``port`` in the running loop; ``await runner.cleanup()`` to stop."""
    runner = web.AppRunner(build_app(upstream), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, HOST, port).start()
    return runner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18002)
    parser.add_argument("--upstream", default="http://127.0.0.1:18001/v1")
    args = parser.parse_args()
    web.run_app(build_app(args.upstream), host=HOST, port=args.port,
                access_log=None)


if __name__ == "__main__":
    main()
