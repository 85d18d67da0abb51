"""Reading the Anthropic SSE the relay writes back into events, for the translation tests."""

import json
from typing import Any

from app.metering import Usage
from relay.protocols.anthropic_stream import MessagesStream


def parse_events(data: bytes) -> list[dict[str, Any]]:
    """Each ``event:``/``data:`` pair as its data object; the two type names must agree."""
    events = []
    text = data.decode()
    assert text == "" or text.endswith("\n\n"), "every event ends with a blank line"
    for raw in filter(None, text.split("\n\n")):
        head, body = raw.split("\n")
        assert head.startswith("event: ") and body.startswith("data: ")
        event = json.loads(body.removeprefix("data: "))
        assert event["type"] == head.removeprefix("event: ")
        events.append(event)
    return events


def run_stream(chunks: list[Any], usage: Usage | None = None, *, model: str = "claude-x",
               message_id: str = "msg_t", input_tokens: int = 10,
               stop_reason: str | None = None) -> list[dict[str, Any]]:
    """Feed every chunk, then finish; the events produced."""
    stream = MessagesStream(model, message_id, input_tokens)
    out = b"".join(stream.feed(chunk) for chunk in chunks)
    return parse_events(out + stream.finish(usage, stop_reason))


def assemble(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The content blocks the events build, each tool_use with its raw ``partial_json``;
    checks the block lifecycle (start before deltas, each stopped once, indexes in order)."""
    blocks: list[dict[str, Any]] = []
    stopped: set[int] = set()
    for event in events:
        kind = event["type"]
        if kind == "content_block_start":
            assert event["index"] == len(blocks)
            assert not blocks or len(blocks) - 1 in stopped, "the previous block was closed"
            blocks.append(dict(event["content_block"]) | {"partial_json": ""})
        elif kind == "content_block_delta":
            block, delta = blocks[event["index"]], event["delta"]
            if delta["type"] == "text_delta":
                block["text"] += delta["text"]
            elif delta["type"] == "thinking_delta":
                block["thinking"] += delta["thinking"]
            else:
                assert delta["type"] == "input_json_delta"
                block["partial_json"] += delta["partial_json"]
        elif kind == "content_block_stop":
            assert event["index"] not in stopped
            stopped.add(event["index"])
    assert stopped == set(range(len(blocks))), "every block is closed"
    return blocks
