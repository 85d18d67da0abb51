"""bench/bare_relay.py: the floor RelayDesk is measured against keeps RelayDesk's wire contract
when asked to (a stream's connection ends after ``[DONE]``), and otherwise keeps alive."""

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


async def _floor(upstream: str, close_streams: bool) -> tuple[aiohttp.web.AppRunner, str]:
    runner = await start_bare_relay(0, upstream, close_streams=close_streams)
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/v1/chat/completions"


@pytest.mark.parametrize("close_streams", [True, False])
async def test_streams_end_their_connection_only_when_asked(upstream: str,
                                                            close_streams: bool) -> None:
    runner, url = await _floor(upstream, close_streams)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json={**BODY, "stream": True}) as resp:
                body = await resp.read()
                assert resp.headers["Content-Type"].startswith("text/event-stream")
                assert body.endswith(b"data: [DONE]\n\n")
                assert (resp.headers.get("Connection", "").lower() == "close") is close_streams
            async with session.post(url, json=BODY) as resp:  # answers in JSON keep alive
                assert (await resp.json())["object"] == "chat.completion"
                assert resp.headers.get("Connection", "").lower() != "close"
    finally:
        await runner.cleanup()
