"""relay/deltas.py: reading a stream's text deltas by layout must give what a full parse gives."""

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.metering import text_tokens
from relay.deltas import DeltaTemplate

OPENAI = ('data: {"id":"chatcmpl-9f2c","object":"chat.completion.chunk","created":1764200000,'
          '"model":"qwen-plus","system_fingerprint":null,"choices":[{"index":0,"delta":'
          '{"content":%s},"logprobs":null,"finish_reason":null}],"usage":null}')
DEEPSEEK = ('data: {"id":"8d1e6a52-0c3b","object":"chat.completion.chunk","created":1764200100,'
            '"model":"deepseek-flash","system_fingerprint":"fp_2f8b","choices":[{"index":0,'
            '"delta":{"content":null,"reasoning_content":%s},"logprobs":null,'
            '"finish_reason":null}],"usage":null}')
ZHIPU = ('data: {"id":"2025112717420001","created":1764200200,"model":"glm-5.3-flash",'
         '"choices":[{"index":0,"delta":{"role":"assistant","content":%s}}]}')
LAYOUTS = (OPENAI, DEEPSEEK, ZHIPU)


def line(layout: str, text: str) -> bytes:
    return (layout % json.dumps(text, ensure_ascii=False)).encode("utf-8", "surrogatepass")


def learned(layout: str, text: str = "Hello") -> DeltaTemplate:
    template = DeltaTemplate()
    first = line(layout, text)
    template.learn(first, json.loads(first[6:]))
    return template


def full_parse(raw: bytes) -> int | None:
    """What the relay's full parse bills for ``raw``: the tokens of a plain text delta, or
    ``None`` when the event is anything else (usage, finish, garbage, ...)."""
    try:
        event: Any = json.loads(raw[6:].decode("utf-8", "replace"))
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("usage") is not None:
        return None
    choices = event.get("choices")
    if not isinstance(choices, list) or len(choices) != 1 or not isinstance(choices[0], dict):
        return None
    delta = choices[0].get("delta")
    if choices[0].get("finish_reason") or not isinstance(delta, dict) or delta.get("tool_calls"):
        return None
    return sum(text_tokens(v) for f in ("content", "reasoning_content")
               if isinstance(v := delta.get(f), str))


def test_each_providers_deltas_are_read_by_layout() -> None:
    for layout in LAYOUTS:
        template = learned(layout)
        for text in ("Hi!", " there", "你好", "😀 ok", ""):
            assert template.tokens(line(layout, text)) == text_tokens(text), (layout, text)


def test_events_that_bill_something_else_take_the_full_parse() -> None:
    template = learned(OPENAI)
    finish = OPENAI.replace('"finish_reason":null', '"finish_reason":"stop"') % '""'
    usage = OPENAI.replace('"usage":null', '"usage":{"prompt_tokens":1}') % '"x"'
    other_id = OPENAI.replace("chatcmpl-9f2c", "chatcmpl-other") % '"x"'
    for raw in (finish, usage, other_id, 'data: {"error":{"message":"x"}}', "data: [DONE]"):
        assert template.tokens(raw.encode()) is None, raw


def test_texts_that_need_escapes_take_the_full_parse() -> None:
    template = learned(OPENAI)
    for text in ('say "hi"', "a\\b", "line\nbreak", "tab\there", "\x00"):
        assert template.tokens(line(OPENAI, text)) is None, text


def test_nothing_is_learned_from_events_not_in_compact_form() -> None:
    for raw in (
        line(OPENAI, "Hello").replace(b'"content":', b'"content": '),  # spacing
        line(OPENAI, 'a "quoted" word'),  # escapes
        line(OPENAI, "Hello").replace(b'"index":0', b'"index":0,"index":0'),  # repeated key
    ):
        template = DeltaTemplate()
        template.learn(raw, json.loads(raw[6:]))
        assert template.prefix == b"", raw


def test_nothing_is_learned_from_events_that_bill_more_than_one_text() -> None:
    raw = line(OPENAI, "Hi").replace(b'"content":"Hi"', b'"content":"Hi","reasoning_content":"x"')
    template = DeltaTemplate()
    template.learn(raw, json.loads(raw[6:]))
    assert template.prefix == b""
    assert template.tokens(raw) is None


def test_a_non_delta_event_forgets_the_layout() -> None:
    template = learned(OPENAI)
    usage = (OPENAI.replace('"usage":null', '"usage":{"prompt_tokens":1}') % '""').encode()
    template.learn(usage, json.loads(usage[6:]))
    assert template.tokens(line(OPENAI, "again")) is None


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LAYOUTS), st.text(min_size=1), st.text())
def test_a_sibling_is_billed_as_the_full_parse_bills_it(layout: str, first: str,
                                                        text: str) -> None:
    template = learned(layout, first)
    raw = line(layout, text)
    tokens = template.tokens(raw)
    if tokens is not None:
        assert tokens == full_parse(raw)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LAYOUTS), st.binary(max_size=12), st.integers(min_value=0),
       st.integers(min_value=0, max_value=3))
def test_any_bytes_read_by_layout_parse_to_a_plain_delta(layout: str, noise: bytes, where: int,
                                                         cut: int) -> None:
    """Bytes spliced anywhere into a sibling (invalid UTF-8, quotes, braces, ...): whenever the
    layout still reads it, the full parse agrees on the tokens."""
    template = learned(layout)
    raw = line(layout, "Hello world")
    at = where % (len(raw) + 1)
    mutated = raw[:at] + noise + raw[at + cut:]
    tokens = template.tokens(mutated)
    if tokens is not None:
        assert tokens == full_parse(mutated)


def test_invalid_utf8_in_a_sibling_counts_as_the_full_parse_counts_it() -> None:
    template = learned(OPENAI)
    prefix, suffix = line(OPENAI, "").split(b'""', 1)
    for text in (b"\xe4\xbd", b"ok\xff", b"\xf0\x9f\x98"):
        raw = prefix + b'"' + text + b'"' + suffix
        assert template.tokens(raw) == full_parse(raw) is not None


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LAYOUTS), st.binary(max_size=24))
def test_any_bytes_as_the_text_are_billed_as_the_full_parse_bills_them(layout: str,
                                                                       text: bytes) -> None:
    template = learned(layout)
    prefix, suffix = template.prefix, template.suffix
    raw = prefix + text + suffix
    tokens = template.tokens(raw)
    expected = full_parse(raw)
    if tokens is not None:
        assert tokens == expected
    else:  # only what a JSON string must escape is left to the full parse
        assert any(b in b'"\\' or b < 0x20 for b in text)
