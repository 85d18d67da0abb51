"""A native stream that fails in its first events (Anthropic's ``error`` event after
message_start, Responses' ``response.failed``) fails over to the next provider; the request is
then the next provider's: its status, its usage, nothing left over from the failed attempt."""

from typing import Any

import aiohttp
import pytest

from tests.relay.protocols.conftest import MODEL, Rig, price

VERSION = {"anthropic-version": "2023-06-01"}


async def stream(r: Rig, path: str, body: dict[str, Any], **headers: str) -> bytes:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}{path}", json=dict(body, stream=True),
                                headers=r.headers(**headers)) as resp:
            assert resp.status == 200
            return await resp.read()


@pytest.mark.parametrize("dialect", ["messages", "responses"])
async def test_failover_after_an_in_stream_error_logs_the_served_answer(rig, dialect: str
                                                                        ) -> None:
    if dialect == "messages":
        r = await rig(native=True)
        assert r.native is not None
        r.native.scenario.error_in_stream = "overloaded_error"
        body: dict[str, Any] = {"model": MODEL, "max_tokens": 100,
                                "messages": [{"role": "user", "content": "hi"}]}
        received = await stream(r, "/messages", body, **VERSION)
        assert len(r.native.requests) == 1
    else:
        r = await rig(responses=True)
        assert r.responses is not None
        r.responses.scenario.fail_in_stream = True
        received = await stream(r, "/responses", {"model": MODEL, "input": "hi",
                                                  "max_output_tokens": 100})
        assert len(r.responses.requests) == 1
    assert r.chat is not None and len(r.chat.requests) == 1  # it failed over
    assert b"Hello" in received
    row = await r.last_log()
    assert (row.provider, row.failover_count) == ("chat-1", 1)
    reasoning = len(r.chat.scenario.reasoning or ["The user greets me.", " I reply."])
    assert row.cost_micros == price(12, 0, 3 + reasoning)
    assert (row.status, row.error_code) == (200, None)

