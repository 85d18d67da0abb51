"""Hostile native streams on /v1/responses: every delta the model writes counts, custom tools too.

The relay's NativeStream counts the text of the deltas it knows (ResponsesDialect.watch: every
``*.delta``) for two things: the estimate billed when usage never comes, and the hold's cut of a
provider ignoring max_output_tokens. A custom tool's input (Codex CLI's apply_patch on GPT-5
models, response.custom_tool_call_input.delta) is output the model wrote like any other."""

from typing import Any

import aiohttp

from app import metering
from tests.relay.protocols.conftest import MODEL, Rig

PATCH_PIECE = "*** Update File: src/app.py\n@@\n-    old_line()\n+    new_line()\n" * 5


def custom_call_events(pieces: int, *, usage_tokens: int | None) -> list[tuple[str, dict]]:
    """A Responses stream of one custom tool call written in ``pieces`` deltas; ends with
    response.completed reporting ``usage_tokens`` output tokens, or (None) breaks off before."""
    response = {"id": "resp_1", "object": "response", "created_at": 1, "status": "in_progress",
                "model": MODEL, "output": [], "usage": None}
    item = {"id": "ctc_1", "type": "custom_tool_call", "call_id": "call_1",
            "name": "apply_patch", "input": "", "status": "in_progress"}
    raw: list[dict[str, Any]] = [
        {"type": "response.created", "response": response},
        {"type": "response.output_item.added", "output_index": 0, "item": item}]
    raw += [{"type": "response.custom_tool_call_input.delta", "item_id": "ctc_1",
             "output_index": 0, "delta": PATCH_PIECE} for _ in range(pieces)]
    if usage_tokens is not None:
        done = dict(item, input=PATCH_PIECE * pieces, status="completed")
        raw += [{"type": "response.custom_tool_call_input.done", "item_id": "ctc_1",
                 "output_index": 0, "input": done["input"]},
                {"type": "response.output_item.done", "output_index": 0, "item": done},
                {"type": "response.completed", "response": dict(
                    response, status="completed", output=[done],
                    usage={"input_tokens": 30, "input_tokens_details": {"cached_tokens": 0},
                           "output_tokens": usage_tokens,
                           "output_tokens_details": {"reasoning_tokens": 0},
                           "total_tokens": 30 + usage_tokens})}]
    return [(e["type"], dict(e, sequence_number=n)) for n, e in enumerate(raw)]


async def stream(r: Rig, body: dict[str, Any]) -> bytes:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}/responses", json=dict(body, stream=True),
                                headers=r.headers()) as resp:
            assert resp.status == 200
            return await resp.read()


DELTA = b"event: response.custom_tool_call_input.delta\n"
TOOLS = [{"type": "custom", "name": "apply_patch", "description": "Apply a patch."}]


async def test_custom_tool_input_cut_short_is_billed_for_what_was_delivered(rig) -> None:
    r = await rig(responses=True, chat=False)
    assert r.responses is not None
    pieces = 20
    r.responses._events = lambda *_: custom_call_events(pieces, usage_tokens=None)
    received = await stream(r, {"model": MODEL, "input": "Fix it.", "tools": TOOLS,
                                "max_output_tokens": 4000})
    assert received.count(DELTA) == pieces
    row = await r.last_log()
    delivered = pieces * metering.text_tokens(PATCH_PIECE)
    assert row.estimated and row.completion_tokens >= delivered, row.completion_tokens


async def test_custom_tool_input_past_max_output_tokens_is_cut_at_the_hold(rig) -> None:
    r = await rig(responses=True, chat=False)
    assert r.responses is not None
    limit, pieces = 50, 400  # the provider ignores the limit: 400 deltas of ~90 tokens
    tokens = pieces * metering.text_tokens(PATCH_PIECE)
    r.responses._events = lambda *_: custom_call_events(pieces, usage_tokens=tokens)
    received = await stream(r, {"model": MODEL, "input": "Fix it.", "tools": TOOLS,
                                "max_output_tokens": limit})
    assert received.count(DELTA) <= limit + 1
    row = await r.last_log()
    # What it delivered past the limit is the provider's overrun: the user pays the hold, the
    # operator the rest (README: "A provider that reports more ... costs the user the hold").
    assert row.overrun and r.h.balance() >= 0
    r.h.assert_ledger_consistent()
