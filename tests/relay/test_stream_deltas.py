"""Streams bill exactly what a full parse of every event bills, whatever the texts hold, for
each provider's wire format."""

import aiohttp
import pytest

from app.metering import estimate_prompt_tokens, text_tokens
from app.pricing import cost_micros
from tests.relay.test_streaming import BODY, PRICE, read_events, texts, wait_for_log

# Plain texts (read by layout) interleaved with ones that need escapes or are not ASCII.
CONTENT = ["Hello", " there", ", ", 'a "quoted"', " word", "back\\slash", " 你好", "\n",
           " 😀", "tab\t", " plain", " again", "é", ""]


@pytest.mark.parametrize("kind", ["openai", "deepseek", "zhipu", "dashscope"])
async def test_estimate_without_usage_counts_every_text(make_relay, kind: str) -> None:
    h = await make_relay((kind,))
    h.upstreams[kind].scenario.content = CONTENT
    h.upstreams[kind].scenario.reasoning = []
    h.upstreams[kind].scenario.omit_usage = True
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            events = await read_events(resp)
    assert events[-1] == "[DONE]" and texts(events) == "".join(CONTENT)
    await wait_for_log(h)
    (log,) = h.logs()
    completion = sum(text_tokens(t) for t in CONTENT)
    assert log.estimated and log.completion_tokens == completion
    assert log.cost_micros == cost_micros(estimate_prompt_tokens(BODY), 0, completion, PRICE)


async def test_reasoning_then_content_counts_both(make_relay) -> None:
    """DeepSeek's reasoning deltas, then content deltas: two layouts in one stream."""
    h = await make_relay(("deepseek",))
    scenario = h.upstreams["deepseek"].scenario
    scenario.reasoning = ["Think", " more", " 想", " done"]
    scenario.content = ["Hi", " you", " there"]
    scenario.omit_usage = True
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            events = await read_events(resp)
    assert texts(events) == "Hi you there"
    await wait_for_log(h)
    (log,) = h.logs()
    expected = sum(text_tokens(t) for t in scenario.reasoning + scenario.content)
    assert log.estimated and log.completion_tokens == expected
