"""The hold of a request passed through to a native provider covers what that provider reads:
the client's whole body, not only the parts the relay's own translation keeps."""

import json

from app import metering
from tests.relay.protocols.conftest import MODEL

# An Anthropic server tool: dropped when translating (no chat provider runs it), but a native
# provider reads all of it.
BIG_SERVER_TOOL = {"type": "web_search_20250305", "name": "web_search",
                   "allowed_domains": ["docs.example.com/" + "x" * 20_000]}


async def test_a_native_provider_billing_the_whole_body_is_within_the_hold(rig) -> None:
    r = await rig(native=True, chat=False)
    body = {"model": MODEL, "max_tokens": 16, "tools": [BIG_SERVER_TOOL],
            "messages": [{"role": "user", "content": "Search the docs."}]}
    # The worst case a byte-level tokenizer allows: every byte of the request a token.
    assert r.native is not None
    r.native.scenario.input_tokens = len(json.dumps(body).encode())
    async with r.anthropic() as client:
        await client.messages.create(**body)
    row = await r.last_log()
    assert row.prompt_tokens == len(json.dumps(body).encode())
    assert (row.written_off_micros, row.overrun) == (0, False)  # the user paid it all


def test_the_body_bound_counts_media_blocks_not_their_bytes() -> None:
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                         "data": "A" * 1_000_000}}
    body = {"model": MODEL, "messages": [{"role": "user", "content": [image, {
        "type": "text", "text": "What is this?"}]}]}
    bound = metering.body_upper_bound(body)
    assert metering.MEDIA_TOKENS_MAX < bound < metering.MEDIA_TOKENS_MAX + 500
    assert metering.body_upper_bound({"text": "é" * 100}) >= 200  # UTF-8 bytes, not chars
