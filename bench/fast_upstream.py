"""A minimal, fast OpenAI-compatible upstream for benchmarks.

It does as little work per request as possible, so a benchmark measures the relay, not this
server. Routes (all under ``/v1``):

- ``POST /chat/completions``: a completion with usage; with ``"stream": true``, ``chunks`` content
  chunks, a finish chunk, a usage chunk (``"choices":[]``) and ``[DONE]``. A body field
  ``"bench_bytes": N`` (or model ``"bench-big"``, which uses the server's ``big_bytes``) switches to
  the big stream, so a relay that forwards unknown fields can be driven through it.
- ``POST /big-stream?bytes=N``: the big stream directly: about N bytes of SSE content chunks,
  generated on the fly as fast as the client reads (memory stays flat whatever N is).
- ``GET /models``.

Only ever binds 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from aiohttp import web

HOST = "127.0.0.1"
DEFAULT_CHUNKS = 20
DEFAULT_BIG_BYTES = 1024 * 1024 * 1024
BIG_CHUNK_CHARS = 16 * 1024
WRITE_SIZE = 64 * 1024

_CHUNKS = web.AppKey("chunks", int)
_BIG_BYTES = web.AppKey("big_bytes", int)
_SSE_HEADERS = {"Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache"}


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        "usage": None,
    }


def _usage(prompt: int, completion: int) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0},
    }


def _stream_events(model: str, chunks: int) -> list[bytes]:
    """Every event of a K-chunk stream, pre-encoded; one write each, like real token streaming."""
    events = [_chunk(model, {"role": "assistant", "content": ""})]
    events += [_chunk(model, {"content": f"tok{i} "}) for i in range(chunks)]
    events.append(_chunk(model, {}, "stop"))
    last = _chunk(model, {})
    last["choices"], last["usage"] = [], _usage(10, chunks)
    events.append(last)
    return [b"data: " + _dumps(e) + b"\n\n" for e in events] + [b"data: [DONE]\n\n"]


def _completion(model: str, chunks: int) -> bytes:
    return _dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "tok " * chunks},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": _usage(10, chunks),
            "system_fingerprint": None,
        }
    )


async def _big_stream(request: web.Request, model: str, total: int) -> web.StreamResponse:
    """~``total`` bytes of identical content events, written WRITE_SIZE at a time."""
    event = b"data: " + _dumps(_chunk(model, {"content": "x" * BIG_CHUNK_CHARS})) + b"\n\n"
    per_write = max(1, WRITE_SIZE // len(event))
    batch = event * per_write
    resp = web.StreamResponse(headers=_SSE_HEADERS)
    await resp.prepare(request)
    written = 0
    while written < total:
        await resp.write(batch)
        written += len(batch)
    last = _chunk(model, {})
    last["choices"] = []
    last["usage"] = _usage(10, written // len(event) * BIG_CHUNK_CHARS // 4)
    await resp.write(b"data: " + _dumps(last) + b"\n\ndata: [DONE]\n\n")
    await resp.write_eof()
    return resp


async def _chat(request: web.Request) -> web.StreamResponse:
    body = json.loads(await request.read())
    model = str(body.get("model", "bench"))
    big = body.get("bench_bytes") or (request.app[_BIG_BYTES] if model == "bench-big" else 0)
    if big:
        return await _big_stream(request, model, int(big))
    chunks = request.app[_CHUNKS]
    if not body.get("stream"):
        return web.Response(body=_completion(model, chunks), content_type="application/json")
    resp = web.StreamResponse(headers=_SSE_HEADERS)
    await resp.prepare(request)
    for event in _stream_events(model, chunks):
        await resp.write(event)
    await resp.write_eof()
    return resp


async def _big(request: web.Request) -> web.StreamResponse:
    await request.read()
    total = int(request.query.get("bytes", request.app[_BIG_BYTES]))
    return await _big_stream(request, "bench-big", total)


async def _models(request: web.Request) -> web.Response:
    data = [{"id": "bench", "object": "model", "created": 0, "owned_by": "bench"}]
    return web.json_response({"object": "list", "data": data})


def build_app(chunks: int = DEFAULT_CHUNKS, big_bytes: int = DEFAULT_BIG_BYTES) -> web.Application:
    app = web.Application()
    app[_CHUNKS] = chunks
    app[_BIG_BYTES] = big_bytes
    app.router.add_post("/v1/chat/completions", _chat)
    app.router.add_post("/v1/big-stream", _big)
    app.router.add_get("/v1/models", _models)
    return app


async def start_fast_upstream(
    port: int, *, chunks: int = DEFAULT_CHUNKS, big_bytes: int = DEFAULT_BIG_BYTES
) -> web.AppRunner:
    """Serve on 127.0.0.1:``port`` in the running loop; ``await runner.cleanup()`` to stop.

    With ``port=0`` the bound port is ``runner.addresses[0][1]``.
    """
    runner = web.AppRunner(build_app(chunks, big_bytes), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, HOST, port).start()
    return runner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18001)
    parser.add_argument("--chunks", type=int, default=DEFAULT_CHUNKS)
    parser.add_argument("--big-bytes", type=int, default=DEFAULT_BIG_BYTES)
    args = parser.parse_args()
    web.run_app(
        build_app(args.chunks, args.big_bytes), host=HOST, port=args.port, access_log=None
    )


if __name__ == "__main__":
    main()
