"""Token counts: the hold's upper bound, and usage readings that must not be trusted."""

import json

from hypothesis import given
from hypothesis import strategies as st

from app import metering
from app.metering import Usage, parse_usage, prompt_upper_bound


def test_every_utf8_byte_of_every_text_part_counts() -> None:
    text = "héllo 你好 🙂"
    body = {"messages": [{"role": "user", "content": text}]}
    assert prompt_upper_bound(body) >= len(text.encode())
    parts = {"messages": [{"role": "user", "content": [{"type": "text", "text": text},
                                                       {"type": "text", "text": text}]}]}
    assert prompt_upper_bound(parts) >= 2 * len(text.encode())


def test_messages_and_tools_add_their_overhead() -> None:
    one = {"messages": [{"role": "user", "content": "a"}]}
    two = {"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "a"}]}
    assert prompt_upper_bound(two) - prompt_upper_bound(one) >= metering.BOUND_PER_MESSAGE
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    with_tool = dict(one, tools=[tool])
    assert (prompt_upper_bound(with_tool) - prompt_upper_bound(one)
            >= metering.BOUND_PER_TOOL + len(json.dumps(tool, separators=(",", ":"))))


def test_media_parts_count_their_maximum_not_their_base64() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64," + "A" * 10**6}}
    body = {"messages": [{"role": "user", "content": [image, image]}]}
    bound = prompt_upper_bound(body)
    assert 2 * metering.MEDIA_TOKENS_MAX <= bound < 2 * metering.MEDIA_TOKENS_MAX + 200


def test_video_parts_count_the_media_maximum() -> None:
    video = {"type": "video_url", "video_url": {"url": "https://example.com/v.mp4"}}
    body = {"messages": [{"role": "user", "content": [video]}]}
    assert prompt_upper_bound(body) >= metering.MEDIA_TOKENS_MAX


def test_token_id_arrays_count_their_length() -> None:
    assert prompt_upper_bound({"input": [1, 2, 3]}) == 3
    assert 5 <= prompt_upper_bound({"input": [[1, 2], [3, 4, 5]]}) <= 10
    assert 5 <= prompt_upper_bound({"input": ["ab", "cde"]}) <= 12


@given(st.text())
def test_the_bound_is_never_below_the_billing_estimate(text: str) -> None:
    body = {"messages": [{"role": "user", "content": text}], "input": text}
    assert prompt_upper_bound(body) >= metering.estimate_prompt_tokens(body)


def test_sane_usage_is_read_in_every_dialect() -> None:
    assert parse_usage({"prompt_tokens": 10, "completion_tokens": 3,
                        "prompt_tokens_details": {"cached_tokens": 4}}) == Usage(10, 4, 3)
    assert parse_usage({"prompt_tokens": 10, "completion_tokens": 3,
                        "prompt_cache_hit_tokens": 6}) == Usage(10, 6, 3)
    assert parse_usage({"total_tokens": 7}) == Usage(7, 0, 0)
    assert parse_usage({"prompt_tokens": 5, "completion_tokens": None}) == Usage(5, 0, 0)


def test_nonsense_usage_is_no_usage() -> None:
    for usage in ({"prompt_tokens": -1, "completion_tokens": 3},
                  {"prompt_tokens": 1.5},
                  {"completion_tokens": "3"},
                  {"prompt_tokens": False},
                  {"prompt_tokens": 1, "completion_tokens": metering.MAX_REPORTED_TOKENS + 1},
                  {"prompt_tokens": 1, "prompt_tokens_details": {"cached_tokens": -3}},
                  {"prompt_tokens": 1, "total_tokens": -1}):
        assert parse_usage(usage) is None, usage
    assert parse_usage(None) is None and parse_usage([1]) is None


def test_only_message_content_parts_count_as_media() -> None:
    """A dict typed like media anywhere else (a tool schema property, a message itself) is text
    the model reads: counted by its bytes, not capped at the media maximum."""
    text = "x" * 1_000_000
    schema = {"type": "function", "function": {"name": "f", "parameters": {
        "type": "object", "properties": {"doc": {"type": "file", "description": text}}}}}
    assert prompt_upper_bound({"messages": [{"role": "user", "content": "hi"}],
                               "tools": [schema]}) >= len(text)
    odd = {"messages": [{"role": "user", "type": "image", "content": text}]}
    assert prompt_upper_bound(odd) >= len(text)
    padded = {"messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": text}}]}]}
    assert prompt_upper_bound(padded) >= len(text)  # only the media itself is not text


def test_each_frame_of_a_video_counts() -> None:
    video = {"type": "video", "video": [f"https://x/{i}.jpg" for i in range(8)]}
    body = {"messages": [{"role": "user", "content": [video]}]}
    assert prompt_upper_bound(body) >= 8 * metering.MEDIA_TOKENS_MAX


def test_numbers_in_a_schema_count_as_the_text_they_are() -> None:
    enum = list(range(10**9, 10**9 + 1000))
    tool = {"type": "function", "function": {"name": "f", "parameters": {
        "type": "object", "properties": {"v": {"type": "integer", "enum": enum}}}}}
    body = {"messages": [{"role": "user", "content": "hi"}], "tools": [tool]}
    assert prompt_upper_bound(body) >= len(json.dumps(enum, separators=(",", ":")))
