"""Properties of the Anthropic translation: no text, reasoning or tool argument is lost or
reordered, usage maps exactly, and no input makes it fail other than with ProtocolError."""

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.metering import MAX_REPORTED_TOKENS, Usage
from relay.protocols.anthropic import from_chat, read_usage, to_chat, usage_fields
from relay.protocols.anthropic_stream import MessagesStream
from relay.protocols.common import ProtocolError
from tests.relay.protocols.anthropic_sse import assemble, parse_events, run_stream

JOINER = "\n\n"
texts = st.text(max_size=12)
# Finite floats only: the relay's JSON parse refuses NaN and infinities before translating.
json_scalars = (st.none() | st.booleans() | st.integers()
                | st.floats(allow_nan=False, allow_infinity=False) | texts)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(texts, inner, max_size=3), max_leaves=8)
tool_inputs = st.dictionaries(texts, json_values, max_size=3)
ids = st.text("abcdef0123", min_size=1, max_size=6)

user_blocks = st.one_of(
    st.builds(lambda t: {"type": "text", "text": t}, texts),
    st.builds(lambda i, t: {"type": "tool_result", "tool_use_id": i,
                            "content": [{"type": "text", "text": x} for x in t]},
              ids, st.lists(texts, max_size=3)),
    st.builds(lambda u: {"type": "image", "source": {"type": "url", "url": u}}, texts))
assistant_blocks = st.one_of(
    st.builds(lambda t: {"type": "text", "text": t}, texts),
    st.builds(lambda t: {"type": "thinking", "thinking": t, "signature": ""}, texts),
    st.builds(lambda i, n, a: {"type": "tool_use", "id": i, "name": n, "input": a},
              ids, ids, tool_inputs))
messages = st.lists(st.one_of(
    st.builds(lambda b: {"role": "user", "content": b}, st.lists(user_blocks, max_size=5)),
    st.builds(lambda b: {"role": "assistant", "content": b},
              st.lists(assistant_blocks, max_size=5))), min_size=1, max_size=5)


def in_order(haystack: str, needles: list[str]) -> bool:
    at = 0
    for needle in needles:
        found = haystack.find(needle, at)
        if found < 0:
            return False
        at = found + len(needle)
    return True


def contents(chat_messages: list[dict[str, Any]], role: str) -> list[str]:
    """Each message's text of one role (a string, or its text parts joined)."""
    out = []
    for message in chat_messages:
        if message["role"] == role and message["content"] is not None:
            content = message["content"]
            out.append(content if isinstance(content, str) else JOINER.join(
                part["text"] for part in content if part["type"] == "text"))
    return out


@settings(deadline=None)
@given(messages)
def test_every_text_result_call_and_thought_survives_in_order(turns: list[Any]) -> None:
    chat = to_chat({"model": "m", "max_tokens": 1, "messages": turns})["messages"]
    blocks = [(turn["role"], block) for turn in turns for block in turn["content"]]

    def wanted(role: str, kind: str, field: str) -> list[Any]:
        return [block[field] for r, block in blocks if r == role and block["type"] == kind]

    for role in ("user", "assistant"):
        got, want = contents(chat, role), wanted(role, "text", "text")
        joined = "\x00".join(got)
        assert in_order(joined, want)
        # Nothing else in it: each turn's texts plus one joiner between neighbours.
        per_turn = [sum(1 for b in t["content"] if b["type"] == "text")
                    for t in turns if t["role"] == role]
        joiners = sum(max(n - 1, 0) for n in per_turn)
        assert len("".join(got)) == sum(map(len, want)) + joiners * len(JOINER)
    results = [(m["tool_call_id"], m["content"]) for m in chat if m["role"] == "tool"]
    assert results == [(b["tool_use_id"], JOINER.join(x["text"] for x in b["content"]))
                       for r, b in blocks if b["type"] == "tool_result"]
    calls = [(c["id"], c["function"]["name"], json.loads(c["function"]["arguments"]))
             for m in chat for c in m.get("tool_calls", [])]
    assert calls == [(b["id"], b["name"], b["input"]) for r, b in blocks
                     if b["type"] == "tool_use"]
    thoughts = [m["reasoning_content"] for m in chat if "reasoning_content" in m]
    assert thoughts == [JOINER.join(b["thinking"] for b in t["content"]
                                    if b["type"] == "thinking")
                        for t in turns if any(b["type"] == "thinking" for b in t["content"])]
    images = [p["image_url"]["url"] for m in chat if isinstance(m["content"], list)
              for p in m["content"] if p["type"] == "image_url"]
    assert sorted(images) == sorted(b["source"]["url"] for r, b in blocks
                                    if b["type"] == "image")


# A streamed answer: segments of reasoning, text, or one tool call, each cut in pieces.
segments = st.lists(st.one_of(
    st.tuples(st.just("thinking"), st.lists(st.text(min_size=1, max_size=8), min_size=1,
                                            max_size=4)),
    st.tuples(st.just("text"), st.lists(st.text(min_size=1, max_size=8), min_size=1,
                                        max_size=4)),
    st.tuples(st.just("tool"), st.lists(st.text(max_size=8), min_size=1, max_size=4))),
    max_size=8)
noise = st.sampled_from([{"choices": []}, {"choices": [], "usage": None}, {},
                         {"choices": [{"index": 0, "delta": {"content": ""}}]},
                         {"choices": [{"index": 0, "delta": {}}], "usage": None}])


@settings(deadline=None)
@given(segments, st.lists(noise, max_size=3), st.data())
def test_streamed_deltas_reassemble_exactly(parts: list[tuple[str, list[str]]],
                                            noises: list[Any], data: st.DataObject) -> None:
    chunks: list[dict[str, Any]] = []
    tools = 0
    for kind, pieces in parts:
        for n, piece in enumerate(pieces):
            if kind == "tool":
                item: dict[str, Any] = {"index": tools, "function": {"arguments": piece}}
                if n == 0:
                    item.update(id=f"call_{tools}", type="function")
                    item["function"]["name"] = f"fn{tools}"
                delta: dict[str, Any] = {"tool_calls": [item]}
            else:
                delta = {"reasoning_content" if kind == "thinking" else "content": piece}
            chunks.append({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
            if noises and data.draw(st.booleans()):
                chunks.append(noises[len(chunks) % len(noises)])
        tools += kind == "tool"
    got = assemble(run_stream(chunks))
    want: list[dict[str, Any]] = []
    tools = 0
    for kind, pieces in parts:
        if kind == "tool":
            want.append({"type": "tool_use", "id": f"call_{tools}", "name": f"fn{tools}",
                         "input": {}, "partial_json": "".join(pieces)})
            tools += 1
        elif want and want[-1]["type"] == kind:
            want[-1][kind] += "".join(pieces)  # consecutive segments of a kind are one block
        elif kind == "text":
            want.append({"type": "text", "text": "".join(pieces), "partial_json": ""})
        else:
            want.append({"type": "thinking", "thinking": "".join(pieces), "signature": "",
                         "partial_json": ""})
    assert got == want


counts = st.integers(0, MAX_REPORTED_TOKENS)


@given(counts, counts, counts)
def test_usage_fields_and_read_usage_map_every_field_exactly(prompt: int, cached: int,
                                                             completion: int) -> None:
    cached = min(cached, prompt)
    usage = Usage(prompt_tokens=prompt, cached_tokens=cached, completion_tokens=completion)
    fields = usage_fields(usage)
    assert fields == {"input_tokens": prompt - cached, "output_tokens": completion,
                      "cache_read_input_tokens": cached}
    assert read_usage(fields | {"cache_creation_input_tokens": 0}) == usage


@given(counts, counts, counts, counts)
def test_read_usage_counts_cache_writes_as_prompt(inp: int, out: int, read: int,
                                                  write: int) -> None:
    usage = {"input_tokens": inp, "output_tokens": out, "cache_read_input_tokens": read,
             "cache_creation_input_tokens": write}
    assert read_usage(usage) == Usage(prompt_tokens=inp + read + write, cached_tokens=read,
                                      completion_tokens=out)


body_keys = st.sampled_from(["model", "max_tokens", "messages", "system", "tools",
                             "tool_choice", "stream", "temperature", "top_p",
                             "stop_sequences", "metadata", "thinking"])
block_keys = st.sampled_from(["type", "text", "source", "id", "name", "input", "content",
                              "tool_use_id", "thinking", "data", "is_error"])
block_types = st.sampled_from(["text", "image", "document", "tool_use", "tool_result",
                               "thinking", "redacted_thinking", "mystery"])
odd_blocks = st.dictionaries(block_keys, json_values, max_size=5).flatmap(
    lambda b: st.builds(lambda t: b | {"type": t}, block_types | json_values))
odd_messages = st.lists(st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system"]) | json_values},
    optional={"content": texts | st.lists(odd_blocks | json_values, max_size=4)}), max_size=4)
odd_bodies = st.builds(
    lambda extra, msgs, count: (extra | {"model": "m", "max_tokens": 5, "messages": msgs},
                                count),
    st.dictionaries(body_keys, json_values | st.lists(odd_blocks, max_size=2), max_size=5),
    odd_messages, st.booleans())


@settings(max_examples=300, deadline=None)
@given(odd_bodies | st.tuples(st.dictionaries(body_keys, json_values), st.booleans()))
def test_odd_requests_translate_or_are_refused_never_crash(case: tuple[Any, bool]) -> None:
    request, for_count = case
    try:
        chat = to_chat(request, for_count=for_count)
    except ProtocolError as exc:
        assert exc.param and exc.message.startswith(exc.param)
        return
    json.dumps(chat, allow_nan=False)
    assert chat["messages"] and all(m["role"] in ("system", "user", "assistant", "tool")
                                    for m in chat["messages"])


@settings(deadline=None)
@given(json_values, st.lists(json_values, max_size=5))
def test_odd_completions_and_chunks_never_crash(chat: Any, chunks: list[Any]) -> None:
    message = from_chat(chat if isinstance(chat, dict) else {"choices": [chat]}, "m", "msg")
    json.dumps(message)
    stream = MessagesStream("m", "msg", 1)
    out = b"".join(stream.feed(c if isinstance(c, dict) else {"choices": [c]}) for c in chunks)
    events = parse_events(out + stream.finish(None))
    assert events[0]["type"] == "message_start" and events[-1]["type"] == "message_stop"
