"""A native provider gets the client's query string too: Claude Code posts to
/v1/messages?beta=true, and Anthropic's API reads it."""

import aiohttp

from tests.relay.protocols.conftest import MODEL


async def test_the_beta_query_reaches_the_anthropic_provider(rig) -> None:
    r = await rig(native=True, chat=False)
    body = {"model": MODEL, "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/messages?beta=true", json=body, headers={
                "x-api-key": r.h.key, "anthropic-version": "2023-06-01"}) as resp:
            assert resp.status == 200
    assert r.native is not None
    sent = r.native.last_request
    assert (sent.path, sent.query) == ("/anthropic/v1/messages", "beta=true")
