"""A native Anthropic stream failing after its message_start fails over; the answer then
served is billed as its own: nothing from the failed attempt's opening usage stands in for
the usage the answering provider never sent (a regression guard, hostile review of issue 18)."""

from typing import Any

import aiohttp

from tests.relay.protocols.conftest import MODEL, Rig

VERSION = {"anthropic-version": "2023-06-01"}


async def stream(r: Rig, path: str, body: dict[str, Any], **headers: str) -> bytes:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}{path}", json=dict(body, stream=True),
                                headers=r.headers(**headers)) as resp:
            assert resp.status == 200
            return await resp.read()


async def test_failover_bills_nothing_from_the_failed_attempts_message_start(rig) -> None:
    """The failed native attempt's message_start usage (5 input, 1 output) must not stand in
    for the usage the answering provider never sent: that answer is billed from its
    delivered estimate, like any stream without usage."""
    r = await rig(native=True)
    assert r.native is not None and r.chat is not None
    r.native.scenario.error_in_stream = "overloaded_error"
    r.native.scenario.input_tokens = 5
    r.chat.scenario.omit_usage = True
    r.chat.scenario.reasoning = []
    r.chat.scenario.content = ["lorem ipsum dolor sit amet " * 20] * 3
    body = {"model": MODEL, "max_tokens": 1000, "messages": [{"role": "user", "content": "hi"}]}
    received = await stream(r, "/messages", body, **VERSION)
    assert received.count(b"text_delta") == 3
    row = await r.last_log()
    assert row.provider == "chat-1"
    assert row.estimated, (row.prompt_tokens, row.completion_tokens)
    assert row.completion_tokens > 100
