"""SSEParser: upstream streams arrive in arbitrary pieces and the relay must see the same events."""

from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relay.sse import SSEError, SSEEvent, SSEParser, encode_data

DEEPSEEK_LIKE = (
    b'data: {"choices":[{"delta":{"reasoning_content":"\xe6\x80\x9d"}}],"usage":null}\r\n\r\n'
    b": keep-alive\r\n\r\n"
    b'data: {"choices":[{"delta":{"content":"Hi!"}}],"usage":null}\r\n\r\n'
    b'data: {"choices":[],"usage":{"prompt_tokens":12}}\r\n\r\n'
    b"data: [DONE]\r\n\r\n"
)


def feed_all(chunks: list[bytes], parser: SSEParser | None = None) -> list[SSEEvent]:
    parser = parser or SSEParser()
    events: list[SSEEvent] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    events.extend(parser.flush())
    return events


def split_at(blob: bytes, cuts: list[int]) -> list[bytes]:
    points = [0, *sorted(cuts), len(blob)]
    return [blob[a:b] for a, b in itertools.pairwise(points)]


# --- basic fields -----------------------------------------------------------------------------


def test_single_event_and_raw_is_reemittable() -> None:
    [event] = SSEParser().feed(b'data: {"a":1}\n\n')
    assert event.data == '{"a":1}'
    assert event.event is None and event.comment is None
    assert event.raw == encode_data('{"a":1}') == b'data: {"a":1}\n\n'


def test_event_is_returned_only_when_blank_line_arrives() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: one\n") == []
    assert [e.data for e in parser.feed(b"\n")] == ["one"]


def test_several_events_in_one_chunk_keep_order() -> None:
    events = SSEParser().feed(b"data: 1\n\ndata: 2\n\ndata: 3\n\n")
    assert [e.data for e in events] == ["1", "2", "3"]


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_line_endings(eol: bytes) -> None:
    blob = eol.join([b"event: delta", b"data: a", b"data: b", b"", b"data: c", b"", b""])
    events = feed_all([blob])
    assert [(e.event, e.data) for e in events] == [("delta", "a\nb"), (None, "c")]
    assert events[0].raw == b"event: delta\ndata: a\ndata: b\n\n"  # normalised to \n


def test_mixed_line_endings_in_one_stream() -> None:
    events = feed_all([b"data: a\r\n\ndata: b\r\rdata: c\n\r\n"])
    assert [e.data for e in events] == ["a", "b", "c"]


def test_data_with_and_without_leading_space() -> None:
    events = feed_all([b"data:x\n\ndata: x\n\ndata:  x\n\ndata:\n\ndata\n\n"])
    assert [e.data for e in events] == ["x", "x", " x", "", ""]


def test_multiline_data_joined_by_newline() -> None:
    [event] = feed_all([b"data: {\ndata:   \"a\": 1\ndata: }\n\n"])
    assert event.data == '{\n  "a": 1\n}'


def test_value_keeps_extra_colons() -> None:
    [event] = feed_all([b"data: http://x:1/y\n\n"])
    assert event.data == "http://x:1/y"


def test_event_id_retry_fields() -> None:
    parser = SSEParser()
    [event] = parser.feed(b"event: usage\nid: 42\nretry: 3000\ndata: {}\n\n")
    assert (event.event, event.id, event.retry, event.data) == ("usage", "42", 3000, "{}")
    assert parser.last_event_id == "42"
    [later] = parser.feed(b"data: next\n\n")
    assert later.id is None and parser.last_event_id == "42"  # id persists for reconnection


def test_invalid_retry_and_id_with_nul_are_ignored() -> None:
    [event] = feed_all([b"retry: 12a\nid: a\x00b\ndata: x\n\n"])
    assert event.retry is None and event.id is None
    assert event.raw == b"data: x\n\n"


def test_field_only_event_without_data_is_reported() -> None:
    [event] = feed_all([b"event: ping\n\n"])
    assert event.data is None and event.event == "ping"


# --- comments and garbage ---------------------------------------------------------------------


def test_comment_is_its_own_event_so_relay_can_drop_it() -> None:
    events = feed_all([b": keep-alive\n\ndata: x\n\n:no-space\n\n"])
    assert [(e.comment, e.data) for e in events] == [
        ("keep-alive", None),
        (None, "x"),
        ("no-space", None),
    ]
    assert events[0].raw == b": keep-alive\n\n"


def test_comment_inside_event_is_attached_to_it() -> None:
    [event] = feed_all([b": one\ndata: x\n: two\n\n"])
    assert (event.comment, event.data) == ("one\ntwo", "x")


def test_bare_colon_comment() -> None:
    [event] = feed_all([b":\n\n"])
    assert event.comment == "" and event.data is None


def test_garbage_lines_ignored_and_left_out_of_raw() -> None:
    blob = b"garbage without colon\n{not sse}\nfoo: bar\ndata: ok\n\ngarbage only\n\n\n\n"
    [event] = feed_all([blob])
    assert event.data == "ok"
    assert event.raw == b"data: ok\n\n"


def test_blank_lines_alone_produce_nothing() -> None:
    assert feed_all([b"\n\n\r\n\r\r"]) == []


def test_invalid_utf8_does_not_crash() -> None:
    [event] = feed_all([b"data: \xff\xfe ok\n\n"])
    assert event.data is not None and event.data.endswith(" ok")


# --- splitting --------------------------------------------------------------------------------


def test_every_two_way_split_gives_same_events() -> None:
    whole = feed_all([DEEPSEEK_LIKE])
    assert [e.data for e in whole][-1] == "[DONE]"
    assert whole[0].data is not None and "\u601d" in whole[0].data
    for cut in range(len(DEEPSEEK_LIKE) + 1):
        assert feed_all(split_at(DEEPSEEK_LIKE, [cut])) == whole, cut


def test_byte_by_byte_feed() -> None:
    chunks = [DEEPSEEK_LIKE[i : i + 1] for i in range(len(DEEPSEEK_LIKE))]
    assert feed_all(chunks) == feed_all([DEEPSEEK_LIKE])


def test_split_mid_utf8_character() -> None:
    blob = "data: 你好\n\n".encode()
    parser = SSEParser()
    assert parser.feed(blob[:7]) == []  # first byte of 你 only
    [event] = parser.feed(blob[7:])
    assert event.data == "你好"


def test_split_mid_crlf() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\r") == []
    assert parser.feed(b"\n") == []  # completes the CRLF, not a blank line
    assert [e.data for e in parser.feed(b"\r\n")] == ["a"]


def test_cr_then_cr_across_chunks_is_a_blank_line() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\r") == []
    assert [e.data for e in parser.feed(b"\r")] == ["a"]


def test_empty_and_buffer_like_chunks() -> None:
    parser = SSEParser()
    assert parser.feed(b"") == []
    assert parser.feed(bytearray(b"data: a\n")) == []
    assert [e.data for e in parser.feed(memoryview(b"\n"))] == ["a"]


def test_bom_at_stream_start_is_dropped_even_when_split() -> None:
    blob = b"\xef\xbb\xbfdata: a\n\n"
    for cut in range(len(blob) + 1):
        assert [e.data for e in feed_all(split_at(blob, [cut]))] == ["a"]


# --- end of stream ----------------------------------------------------------------------------


def test_flush_returns_trailing_event_without_blank_line() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: 1\n\ndata: 2\n")[0].data == "1"
    [event] = parser.flush()
    assert event.data == "2" and event.raw == b"data: 2\n\n"


def test_flush_of_unterminated_last_line() -> None:
    parser = SSEParser()
    parser.feed(b"data: [DO")
    parser.feed(b"NE]")
    assert [e.data for e in parser.flush()] == ["[DONE]"]


def test_flush_when_nothing_pending() -> None:
    parser = SSEParser()
    parser.feed(b"data: x\r\n\r\n")
    assert parser.flush() == []
    assert parser.pending_bytes == 0


def test_parser_reusable_after_flush() -> None:
    parser = SSEParser()
    parser.feed(b"data: a")
    parser.flush()
    assert [e.data for e in parser.feed(b"\xef\xbb\xbfdata: b\n\n")] == ["b"]


# --- encode_data ------------------------------------------------------------------------------


def test_encode_data_str_and_bytes() -> None:
    assert encode_data("[DONE]") == b"data: [DONE]\n\n"
    assert encode_data(b'{"x":1}') == b'data: {"x":1}\n\n'
    assert encode_data("é") == "data: é\n\n".encode()


def test_encode_data_multiline_round_trips() -> None:
    for payload in ["a\nb", "a\r\nb\n", "\n"]:
        [event] = SSEParser().feed(encode_data(payload))
        assert event.data == payload.replace("\r\n", "\n")


# --- limits and complexity --------------------------------------------------------------------


def test_too_long_line_raises() -> None:
    parser = SSEParser(max_event_bytes=1024)
    parser.feed(b"data: " + b"x" * 1000)
    with pytest.raises(SSEError):
        parser.feed(b"x" * 100)
    assert parser.pending_bytes == 0  # state dropped, memory released


def test_too_many_lines_in_one_event_raises() -> None:
    parser = SSEParser(max_event_bytes=1024)
    with pytest.raises(SSEError):
        for _ in range(100):
            parser.feed(b"data: 0123456789abcdef\n")


def test_many_small_events_in_one_big_chunk_do_not_count_together() -> None:
    parser = SSEParser(max_event_bytes=1024)
    events = parser.feed(b"data: 0123456789abcdef\n\n" * 1000)
    assert len(events) == 1000


def test_default_limit_is_32_mib() -> None:
    assert SSEParser().max_event_bytes == 32 * 1024 * 1024


def test_huge_line_in_tiny_chunks_is_linear() -> None:
    """16 MiB fed 1 KiB at a time: a rescan per feed would need ~128 GB of scanning."""
    parser = SSEParser()
    chunk = b"x" * 1024
    started = time.perf_counter()
    parser.feed(b"data: ")
    for _ in range(16 * 1024):
        assert parser.feed(chunk) == []
    [event] = parser.feed(b"\n\n")
    assert len(event.data or "") == 16 * 1024 * 1024
    assert time.perf_counter() - started < 10


def _stream_in_chunks(total: int, chunk_size: int, event: bytes):
    """``total`` bytes of repeated events in ``chunk_size`` pieces, never the whole body at once."""
    period = event * (chunk_size // len(event) + 2)
    offset = 0
    sent = 0
    while sent < total:
        piece = period[offset : offset + chunk_size]
        yield piece
        sent += len(piece)
        offset = (offset + chunk_size) % len(event)


def _run_big_stream(total: int) -> None:
    event = encode_data('{"choices":[{"delta":{"content":"' + "y" * 4000 + '"}}],"usage":null}')
    parser = SSEParser()
    count = 0
    peak = 0
    for chunk in _stream_in_chunks(total, 64 * 1024, event):
        count += len(parser.feed(chunk))
        peak = max(peak, parser.pending_bytes)
    assert count >= total // len(event) - 1
    assert peak <= 64 * 1024 + len(event)  # bounded by one chunk + one event, not by the stream


def test_big_stream_memory_stays_bounded() -> None:
    _run_big_stream(64 * 1024 * 1024)


@pytest.mark.slow
def test_one_gigabyte_stream() -> None:
    _run_big_stream(1024 * 1024 * 1024)


# --- properties -------------------------------------------------------------------------------

_line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
    max_size=20,
)


@st.composite
def _events(draw: st.DrawFn) -> tuple[list[bytes], SSEEvent]:
    """One event as its serialised lines plus what the parser must report for it."""
    comment = draw(st.none() | _line_text)
    name = draw(st.none() | _line_text)
    ident = draw(st.none() | _line_text)
    retry = draw(st.none() | st.integers(0, 10**9))
    data = draw(st.lists(_line_text, max_size=3))
    if comment is None and name is None and ident is None and retry is None and not data:
        data = [""]
    lines: list[str] = []
    if comment is not None:
        tight = comment[:1] != " " and draw(st.booleans())
        lines.append((":" if tight else ": ") + comment)
    if name is not None:
        lines.append("event: " + name)
    if ident is not None:
        lines.append("id: " + ident)
    if retry is not None:
        lines.append(f"retry: {retry}")
    for value in data:
        tight = value[:1] != " " and draw(st.booleans())
        lines.append(("data:" if tight else "data: ") + value)
    encoded = [line.encode() for line in lines]
    expected = SSEEvent(
        data="\n".join(data) if data else None,
        event=name,
        comment=comment,
        raw=b"\n".join(encoded) + b"\n\n",
        id=ident,
        retry=retry,
    )
    return encoded, expected


@settings(max_examples=300, database=None, deadline=None)
@given(st.lists(_events(), max_size=6), st.sampled_from([b"\n", b"\r\n", b"\r"]), st.data())
def test_property_any_chunking_yields_the_serialised_events(
    events: list[tuple[list[bytes], SSEEvent]], eol: bytes, data: st.DataObject
) -> None:
    blob = b"".join(eol.join(lines) + eol + eol for lines, _ in events)
    cuts = data.draw(st.lists(st.integers(0, len(blob)), max_size=12))
    expected = [event for _, event in events]
    assert feed_all(split_at(blob, cuts)) == expected
    assert feed_all([blob]) == expected


@settings(max_examples=300, database=None, deadline=None)
@given(st.binary(max_size=200), st.data())
def test_property_arbitrary_bytes_chunking_is_invisible(blob: bytes, data: st.DataObject) -> None:
    """Whatever the upstream sends, including garbage, splitting never changes the result."""
    cuts = data.draw(st.lists(st.integers(0, len(blob)), max_size=12))
    assert feed_all(split_at(blob, cuts)) == feed_all([blob])


@settings(max_examples=100, database=None, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"data: a", b"data:", b":c", b"id: 1", b"x", b"", b"\xe4\xbd"]),
        max_size=12,
    ),
    st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=12, max_size=12),
    st.data(),
)
def test_property_sse_like_bytes_chunking_is_invisible(
    lines: list[bytes], eols: list[bytes], data: st.DataObject
) -> None:
    """Denser in line endings than random bytes, so CR/LF boundaries get exercised hard."""
    blob = b"".join(line + eol for line, eol in zip(lines, eols, strict=False))
    cuts = data.draw(st.lists(st.integers(0, len(blob)), max_size=12))
    assert feed_all(split_at(blob, cuts)) == feed_all([blob])


def feed_all_plain(chunks: list[bytes]) -> list[SSEEvent]:
    """Like the relay: the ``feed_plain`` fast path where it applies, ``feed`` elsewhere."""
    parser = SSEParser()
    events: list[SSEEvent] = []
    for chunk in chunks:
        lines = parser.feed_plain(chunk)
        if lines is None:
            events.extend(parser.feed(chunk))
        else:
            events.extend(SSEEvent(data=line[6:].decode("utf-8", "replace"), raw=line + b"\n\n")
                          for line in lines)
    events.extend(parser.flush())
    return events


def test_feed_plain_takes_whole_data_events_only() -> None:
    parser = SSEParser()
    assert parser.feed_plain(b'data: {"a":1}\n\ndata: [DONE]\n\n') == [b'data: {"a":1}',
                                                                      b"data: [DONE]"]
    for chunk in (b"data: a\n", b"data: a\r\n\r\n", b": ping\n\n", b"data:a\n\n",
                  b"event: x\ndata: a\n\n", b"data: a\n\n\n", b"\n\n", b"\xef\xbb\xbfdata: a\n\n"):
        assert SSEParser().feed_plain(chunk) is None, chunk
    parser.feed(b"data: par")  # a partial line pending: the fast path must not run
    assert parser.feed_plain(b"t\n\n") is None
    assert SSEParser(max_event_bytes=8).feed_plain(b"data: 12\n\n") is None  # over the limit


@settings(max_examples=300, database=None, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"data: a", b"data: {}", b"data:", b":c", b"id: 1", b"x", b"",
                         b"\xe4\xbd", b"\xef\xbb\xbf"]), max_size=12
    ),
    st.lists(st.sampled_from([b"\n", b"\n\n", b"\r\n", b"\r"]), min_size=12, max_size=12),
    st.data(),
)
def test_property_feed_plain_changes_nothing(
    lines: list[bytes], eols: list[bytes], data: st.DataObject
) -> None:
    """The fast path yields exactly the events ``feed`` would, however the bytes are cut."""
    blob = b"".join(line + eol for line, eol in zip(lines, eols, strict=False))
    cuts = data.draw(st.lists(st.integers(0, len(blob)), max_size=12))
    assert feed_all_plain(split_at(blob, cuts)) == feed_all([blob])
    assert feed_all_plain([blob]) == feed_all([blob])
