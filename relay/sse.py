"""Incremental Server-Sent-Events parser for relaying upstream streams.

Upstreams deliver SSE over arbitrary TCP reads: an event, a line, a UTF-8 character or a ``\\r\\n``
pair may be split between two reads. The relay needs each event as soon as its terminating blank
line arrives, in time linear in the stream length and with memory bounded whatever the upstream
sends.

Line handling follows the WHATWG EventSource rules (``\\n``, ``\\r\\n`` and ``\\r`` endings, a
leading BOM, one optional space after the colon, unknown fields ignored). Two choices are
relay-specific:

- comment lines (``: keep-alive``) are reported as events with ``comment`` set rather than
  swallowed, so the relay decides whether to forward them;
- an event is reported as soon as it holds any recognised line, even without ``data``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024

_EOL = re.compile(rb"\r\n|\r|\n")
_BOM = b"\xef\xbb\xbf"
_CR = 0x0D
_COLON = 0x3A


class SSEError(ValueError):
    """The upstream broke a hard limit; the parser dropped its state and the stream is unusable."""


@dataclass(slots=True)
class SSEEvent:
    """One dispatched event.

    ``raw`` is the event's recognised lines exactly as received, but with ``\\n`` line endings and a
    blank line at the end, so the relay can forward it with one write. Ignored lines (unknown
    fields, garbage) are not part of it.
    """

    data: str | None = None
    event: str | None = None
    comment: str | None = None
    raw: bytes = b""
    id: str | None = None
    retry: int | None = None


def encode_data(payload: str | bytes) -> bytes:
    """Serialise ``payload`` as one ``data:`` event (one ``data:`` line per line of payload)."""
    if isinstance(payload, str):
        payload = payload.encode()
    if b"\n" in payload or b"\r" in payload:
        return b"".join([b"data: " + line + b"\n" for line in _EOL.split(payload)]) + b"\n"
    return b"data: " + payload + b"\n\n"


class SSEParser:
    """Feed raw body chunks, get complete events back.

    Each byte is scanned once: only the unfinished last line is kept between chunks, and it is
    appended to, never re-scanned, until its line ending arrives.
    """

    # The event being collected; _reset_event starts a new one.
    _lines: list[bytes]
    _data: list[bytes]
    _comments: list[bytes]
    _event_type: bytes | None
    _id: bytes | None
    _retry: int | None
    _size: int

    def __init__(self, max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> None:
        self.max_event_bytes = max_event_bytes
        self.last_event_id = ""  # persists across events, as EventSource reconnection expects
        self._partial = bytearray()  # the unfinished last line (amortised O(1) appends)
        self._skip_lf = False  # previous chunk ended in CR: a leading LF completes that CRLF
        self._bom_done = False
        self._reset_event()

    @property
    def pending_bytes(self) -> int:
        """Bytes held for the unfinished event (what ``max_event_bytes`` bounds)."""
        return self._size + len(self._partial)

    def feed(self, data: bytes) -> list[SSEEvent]:
        """Consume one chunk; return every event it completed, in order."""
        if not data:
            return []
        data = bytes(data)
        if self._skip_lf:
            self._skip_lf = False
            if data[0] == 0x0A:
                data = data[1:]
        if not self._bom_done:
            data = self._strip_bom(data)
        if not data:
            return []
        # Split in C; the last piece is the unfinished line (b"" if data ends with a line ending).
        lines = _EOL.split(data) if b"\r" in data else data.split(b"\n")
        rest = lines.pop()
        if lines and self._partial:  # the unfinished line just got its ending
            self._partial += lines[0]
            lines[0] = bytes(self._partial)
            self._partial = bytearray()
        events = self._process(lines) if lines else []
        if rest:
            self._partial += rest
            self._check_size(len(self._partial))
        elif data and data[-1] == _CR:
            self._skip_lf = True  # a CR at the very end may be the first half of a CRLF
        return events

    def feed_plain(self, data: bytes) -> list[bytes] | None:
        """The fast path for the usual chunk: the parser holds nothing and ``data`` is whole
        one-line ``data: `` events and nothing else. Returns each event's line (``data: ...``
        without its blank line), exactly the events :meth:`feed` would give; ``None`` when the
        chunk is anything else, and then nothing was consumed: pass it to :meth:`feed`.
        """
        if (self._partial or self._lines or self._skip_lf or not data.endswith(b"\n\n")
                or b"\r" in data):
            return None
        lines = data[:-2].split(b"\n\n")
        limit = self.max_event_bytes
        for line in lines:
            if not line.startswith(b"data: ") or b"\n" in line or len(line) >= limit:
                return None
        self._bom_done = True  # starts with "data: ", so there was no BOM to strip
        return lines

    def flush(self) -> list[SSEEvent]:
        """End of stream: return the trailing event that lacked its final blank line, if any.

        Afterwards the parser is ready for a new stream.
        """
        events: list[SSEEvent] = []
        if self._partial:
            line = bytes(self._partial)
            self._partial = bytearray()
            self._line(line, events)
        event = self._dispatch()
        if event is not None:
            events.append(event)
        self._skip_lf = False
        self._bom_done = False
        return events

    def _strip_bom(self, data: bytes) -> bytes:
        """Drop a UTF-8 BOM at stream start, even one split across chunks."""
        head = bytes(self._partial) + data
        if len(head) < 3 and _BOM.startswith(head):
            self._partial = bytearray(head)
            return b""
        self._bom_done = True
        self._partial = bytearray()
        return head[3:] if head.startswith(_BOM) else head

    def _process(self, lines: list[bytes]) -> list[SSEEvent]:
        """Apply complete lines; ``data: ...`` and blank lines, nearly all traffic, are inlined."""
        events: list[SSEEvent] = []
        for line in lines:
            if not line:
                event = self._dispatch()
                if event is not None:
                    events.append(event)
            elif line.startswith(b"data: "):
                self._data.append(line[6:])
                self._lines.append(line)
                self._size += len(line) + 1
                if self._size > self.max_event_bytes:
                    self._check_size(0)
            else:
                self._line(line, events)
        return events

    def _line(self, line: bytes, events: list[SSEEvent]) -> None:
        if not line:
            event = self._dispatch()
            if event is not None:
                events.append(event)
            return
        if line[0] == _COLON:
            self._comments.append(_strip_space(line[1:]))
        else:
            colon = line.find(b":")
            if colon < 0:
                name, value = line, b""
            else:
                name, value = line[:colon], _strip_space(line[colon + 1 :])
            if name == b"data":
                self._data.append(value)
            elif name == b"event":
                self._event_type = value
            elif name == b"id" and b"\0" not in value:
                self._id = value
            elif name == b"retry" and value.isdigit():
                self._retry = int(value)
            else:
                return  # unknown field or garbage: ignored, and left out of raw
        self._lines.append(line)
        self._size += len(line) + 1
        self._check_size(0)

    def _dispatch(self) -> SSEEvent | None:
        if not self._lines:
            return None
        if len(self._lines) == 1 and self._data:  # the usual lone `data:` line
            event = SSEEvent(data=line_text(self._data[0]), raw=self._lines[0] + b"\n\n")
            self._lines, self._data, self._size = [], [], 0
            return event
        event = SSEEvent(
            data=line_text(b"\n".join(self._data)) if self._data else None,
            event=line_text(self._event_type) if self._event_type is not None else None,
            comment=line_text(b"\n".join(self._comments)) if self._comments else None,
            raw=b"\n".join(self._lines) + b"\n\n",
            id=line_text(self._id) if self._id is not None else None,
            retry=self._retry,
        )
        if event.id is not None:
            self.last_event_id = event.id
        self._reset_event()
        return event

    def _reset_event(self) -> None:
        self._lines = []
        self._data = []
        self._comments = []
        self._event_type = None
        self._id = None
        self._retry = None
        self._size = 0

    def _check_size(self, partial: int) -> None:
        size = self._size + partial
        if size > self.max_event_bytes:
            self._partial = bytearray()
            self._skip_lf = False
            self._reset_event()
            raise SSEError(f"SSE event exceeds {self.max_event_bytes} bytes (at least {size})")


def _strip_space(value: bytes) -> bytes:
    return value[1:] if value[:1] == b" " else value


def line_text(value: bytes) -> str:
    return value.decode("utf-8", "replace")
