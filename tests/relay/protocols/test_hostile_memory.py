"""A translated /v1/responses stream keeps everything it relayed (its closing events repeat the
whole answer), so what it holds must be capped like a non-streamed answer
(RelayOptions.max_upstream_body): a provider streaming a never-ending tool argument must not
grow the relay's memory without bound."""

import aiohttp

from tests.relay.conftest import relay_options
from tests.relay.protocols.conftest import MODEL

CAP = 1024 * 1024
ARGUMENT = "x" * (6 * CAP)  # a tool argument six times the cap, in three stream chunks


async def test_translated_responses_stream_buffers_no_more_than_the_cap(rig) -> None:
    r = await rig(options=relay_options(max_upstream_body=CAP))
    assert r.chat is not None
    r.chat.scenario.tool_calls = [{"name": "write_file", "arguments": {"content": ARGUMENT}}]
    body = {"model": MODEL, "input": "Write it.", "stream": True, "max_output_tokens": 4000,
            "tools": [{"type": "function", "name": "write_file",
                       "parameters": {"type": "object"}}]}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/responses", json=body,
                                headers=r.headers()) as resp:
            assert resp.status == 200
            received = await resp.read()
    completed = [line for line in received.split(b"\n")
                 if line.startswith(b'data: {"type":"response.completed"')]
    # Either the stream ends in an error once it holds more than the cap, or its closing
    # events no longer carry what the relay could not keep.
    assert not completed or len(completed[0]) < 2 * CAP, len(completed[0])
