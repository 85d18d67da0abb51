"""Talking to a FakeUpstream from its own tests: a session fixture and request helpers."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from relay.sse import SSEEvent, SSEParser
from tests.helpers.fake_upstream import FakeUpstream

KEY = "sk-up-1234567890"
HELLO = {"model": "m-1", "messages": [{"role": "user", "content": "hi"}]}


def auth(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def post(
    session: aiohttp.ClientSession, up: FakeUpstream, body: dict[str, Any], key: str = KEY
) -> tuple[int, Any]:
    async with session.post(up.base_url + "/chat/completions", json=body, headers=auth(key)) as r:
        return r.status, await r.json()


async def stream(
    session: aiohttp.ClientSession, up: FakeUpstream, body: dict[str, Any] | None = None
) -> tuple[list[SSEEvent], bytes]:
    """POST a streamed chat completion; return its events (comments included) and raw body."""
    body = {**HELLO, "stream": True, **(body or {})}
    async with session.post(up.base_url + "/chat/completions", json=body, headers=auth()) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/event-stream")
        raw = await r.read()
    parser = SSEParser()
    return parser.feed(raw) + parser.flush(), raw


def payloads(events: list[SSEEvent]) -> list[dict[str, Any]]:
    """JSON chunks of a stream, asserting it ends with [DONE]."""
    data = [e.data for e in events if e.data is not None]
    assert data[-1] == "[DONE]"
    return [json.loads(d) for d in data[:-1]]

