"""The byte-level reading of ordinary stream chunks must agree with parsing them."""

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from app.metering import text_tokens
from relay.deltas import plain_delta_tokens

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


def _parsed_tokens(chunk: dict[str, Any]) -> int:
    """What relay/streaming.py counts after a full parse."""
    total = 0
    for choice in chunk.get("choices") or ():
        delta = choice.get("delta") or {}
        for field in ("content", "reasoning_content"):
            if isinstance(delta.get(field), str):
                total += text_tokens(delta[field])
    return total


def _acts_on(chunk: dict[str, Any]) -> bool:
    """Whether the relay must look at this chunk beyond counting (so the fast path must not
    claim it)."""
    if chunk.get("usage") is not None or "error" in chunk:
        return True
    return any(c.get("finish_reason") is not None or "tool_calls" in (c.get("delta") or {})
               for c in chunk.get("choices") or ())


@st.composite
def chunks(draw: st.DrawFn) -> dict[str, Any]:
    choices = []
    for index in range(draw(st.integers(1, 3))):
        delta: dict[str, Any] = {}
        if draw(st.booleans()):
            delta["role"] = "assistant"
        for field in ("content", "reasoning_content"):
            if draw(st.booleans()):
                delta[field] = draw(st.one_of(st.none(), TEXT))
        if draw(st.integers(0, 9)) == 0:
            delta["tool_calls"] = [{"index": 0, "function": {"arguments": draw(TEXT)}}]
        choice: dict[str, Any] = {"index": index, "delta": delta, "logprobs": None,
                                  "finish_reason": draw(st.sampled_from([None, None, "stop"]))}
        choices.append(choice)
    chunk: dict[str, Any] = {"id": "chatcmpl-1", "object": "chat.completion.chunk",
                             "created": 1, "model": draw(TEXT), "choices": choices}
    usage = draw(st.sampled_from(["absent", "null", "null", "set"]))
    if usage != "absent":
        chunk["usage"] = None if usage == "null" else {"prompt_tokens": 1,
                                                       "completion_tokens": 2}
    return chunk


@given(chunks(), st.booleans(), st.booleans())
def test_agrees_with_a_full_parse(chunk: dict[str, Any], ascii_only: bool,
                                  compact: bool) -> None:
    separators = (",", ":") if compact else (", ", ": ")
    raw = json.dumps(chunk, ensure_ascii=ascii_only, separators=separators).encode()
    tokens = plain_delta_tokens(raw)
    if _acts_on(chunk):
        assert tokens is None
    elif tokens is not None:
        assert tokens == _parsed_tokens(chunk)


def test_counts_the_usual_chunks_without_parsing() -> None:
    openai_style = (b'{"id":"c","object":"chat.completion.chunk","created":1,"model":"m",'
                    b'"choices":[{"index":0,"delta":{"content":"hello "},"logprobs":null,'
                    b'"finish_reason":null}],"usage":null}')
    assert plain_delta_tokens(openai_style) == text_tokens("hello ")
    deepseek_reasoning = ('{"id":"c","choices":[{"index":0,"delta":{"content":null,'
                          '"reasoning_content":"思考一下"},"finish_reason":null}]}').encode()
    assert plain_delta_tokens(deepseek_reasoning) == text_tokens("思考一下")


def test_leaves_what_needs_a_look_to_the_parser() -> None:
    for raw in (
        b'{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}',  # usage chunk
        b'{"choices":[{"delta":{},"finish_reason":"stop"}]}',
        b'{"error":{"message":"boom"}}',
        b'{"choices":[{"delta":{"content":"say \\"hi\\""},"finish_reason":null}]}',  # escapes
        b'{"choices":[{"delta":{"content":"x"},"logprobs":{"content":[]}}]}',
        b'{"choices":[{"delta":{"content":"usage"',  # cut short
        b'not json at all',
        b'{"object":"chat.completion.chunk"}',  # no choices: the relay adds them
    ):
        assert plain_delta_tokens(raw) is None, raw
