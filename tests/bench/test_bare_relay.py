"""bench/bare_relay.py: the floor RelayDesk is measured against keeps connections alive, streams
included, as RelayDesk does."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bench.bare_relay import start_bare_relay
from bench.fast_upstream import start_fast_upstream

BODY = {"model": "bench", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
async def upstream() -> AsyncIterator[str]:
    runner = await start_fast_upstream(0, chunks=3)
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    await runner.cleanup()


async def test_streams_and_answers_keep_their_connection(upstream: str) -> None:
    runner = await start_bare_relay(0, upstream)
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1/chat/completions"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json={**BODY, "stream": True}) as resp:
                body = await resp.read()
                assert resp.headers["Content-Type"].startswith("text/event-stream")
                assert body.endswith(b"data: [DONE]\n\n")
                assert resp.headers.get("Connection", "").lower() != "close"
            async with session.post(url, json=BODY) as resp:  # answers in JSON keep alive
                assert (await resp.json())["object"] == "chat.completion"
                assert resp.headers.get("Connection", "").lower() != "close"
    finally:
        await runner.cleanup()
