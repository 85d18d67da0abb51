"""The hold of a request passed through to a native provider covers what that provider reads:
the client's whole body, not only the parts the relay's own translation keeps."""

import json

from app import metering
from tests.relay.protocols.conftest import MODEL

# Dropped by the translation (no chat provider reads it), but a native provider gets it.
BIG_METADATA = {"user_id": "u-" + "x" * 20_000}
SERVER_TOOL = {"type": "web_search_20250305", "name": "web_search", "max_uses": 5}


async def test_a_native_provider_billing_the_whole_body_is_within_the_hold(rig) -> None:
    r = await rig(native=True, chat=False)
    body = {"model": MODEL, "max_tokens": 16, "metadata": BIG_METADATA,
            "messages": [{"role": "user", "content": "Search the docs."}]}
    # The worst case a byte-level tokenizer allows: every byte of the request a token.
    assert r.native is not None
    r.native.scenario.input_tokens = len(json.dumps(body).encode())
    async with r.anthropic() as client:
        await client.messages.create(**body)
    row = await r.last_log()
    assert row.prompt_tokens == len(json.dumps(body).encode())
    assert (row.written_off_micros, row.overrun) == (0, False)  # the user paid it all


async def test_server_tools_and_premium_options_never_reach_a_native_provider(rig) -> None:
    """Their results and surcharges are billed as input the relay cannot hold for or price:
    sent to no provider (the translation drops them too)."""
    r = await rig(native=True, chat=False)
    weather = {"name": "get_weather", "input_schema": {"type": "object"}}
    body = {"model": MODEL, "max_tokens": 16, "tools": [SERVER_TOOL, weather],
            "speed": "fast", "inference_geo": "us",
            "messages": [{"role": "user", "content": "Search the docs."}]}
    async with r.anthropic(default_headers={
            "anthropic-beta": "context-1m-2025-08-07, tools-2024-04-04"}) as client:
        await client.messages.create(**body)
    assert r.native is not None
    sent = r.native.last_request
    assert sent.json["tools"] == [weather]
    assert "speed" not in sent.json and "inference_geo" not in sent.json
    assert sent.headers["anthropic-beta"] == "tools-2024-04-04"


def test_the_body_bound_counts_media_blocks_not_their_bytes() -> None:
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                         "data": "A" * 1_000_000}}
    body = {"model": MODEL, "messages": [{"role": "user", "content": [image, {
        "type": "text", "text": "What is this?"}]}]}
    bound = metering.body_upper_bound(body)
    assert metering.MEDIA_TOKENS_MAX < bound < metering.MEDIA_TOKENS_MAX + 500
    assert metering.body_upper_bound({"text": "é" * 100}) >= 200  # UTF-8 bytes, not chars
