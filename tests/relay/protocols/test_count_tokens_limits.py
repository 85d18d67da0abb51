"""count_tokens is free but not unlimited: it counts toward the key's request limit, so a
client cannot hammer a provider's count endpoint through the relay."""

import anthropic
import pytest

from app import apikeys
from tests.relay.protocols.conftest import MODEL

HI = [{"role": "user", "content": "hi"}]


async def test_count_tokens_counts_toward_the_keys_rpm(rig) -> None:
    r = await rig(native=True, chat=False)
    apikeys.update_key(apikeys.list_keys()[0].id, rpm=2)
    async with r.anthropic() as client:
        for _ in range(2):
            assert (await client.messages.count_tokens(model=MODEL, messages=HI)).input_tokens
        with pytest.raises(anthropic.RateLimitError):
            await client.messages.count_tokens(model=MODEL, messages=HI)
    assert r.native is not None
    assert [q.path for q in r.native.requests] == ["/anthropic/v1/messages/count_tokens"] * 2
    await r.h.settle()
    assert r.h.logs() == []  # free, and not a logged request
