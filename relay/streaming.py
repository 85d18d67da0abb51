"""Relaying an upstream SSE stream: each event is written the moment it is complete.

Memory stays flat however long the stream is: the parser holds at most one partial event and
nothing else is kept but counters. Usage is taken from the last chunk whose ``usage`` is
non-null (providers put it on different chunks); a usage-only chunk the relay asked for on the
client's behalf is not passed on.
"""

import asyncio
import json
import logging
import time
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.client_exceptions import ClientConnectionError

from app.metering import CALL_FIELDS, COMPLETION_TEXT_FIELDS, parse_usage, text_tokens
from relay import errors
from relay.context import RequestContext
from relay.sse import SSEError, SSEEvent, SSEParser, encode_data, line_text
from relay.state import STATE

log = logging.getLogger(__name__)

DONE = b"data: [DONE]\n\n"
KEEPALIVE = b": keep-alive\n\n"
CLIENT_GONE = (ConnectionResetError, ClientConnectionError, RuntimeError)


def _closed(transport: asyncio.BaseTransport | None) -> bool:
    return transport is None or transport.is_closing()


class UpstreamBroke(Exception):
    """The upstream stream failed before its first event: safe to fail over."""


def sse_headers() -> dict[str, str]:
    return {"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no"}


def _without_null_usage(line: bytes) -> bytes | None:
    """An event line with its top-level ``"usage":null`` member cut out of the bytes (no
    re-encoding), or ``None`` when the layout is not the usual one. The caller parsed the line
    and found that member: if ``"usage"`` occurs once, that is it (a JSON string holds no bare
    quote)."""
    if line.count(b'"usage"') != 1:
        return None
    for member in (b',"usage":null', b', "usage": null'):
        if line.count(member) == 1:
            return line.replace(member, b"")
    return None


class StreamRelay:
    """Pumps one upstream response into one client response."""

    def __init__(self, request: web.Request, ctx: RequestContext,
                 upstream: aiohttp.ClientResponse, *,
                 suppress_usage_chunk: bool, disconnect_grace: float,
                 registry: set["StreamRelay"] | None = None) -> None:
        self.request = request
        self.ctx = ctx
        self.upstream = upstream
        self.suppress_usage_chunk = suppress_usage_chunk
        self.disconnect_grace = disconnect_grace
        self.response: web.StreamResponse | None = None
        self.client_alive = True
        self.gone_at = 0.0
        self.done = False
        self.finished = False  # a choice reported finish_reason
        self.shutting_down = False
        self._emitted = False  # a data event has been (or is being) sent to the client
        self._registry = registry if registry is not None else set()
        self._head: dict[str, Any] = {}  # id, created, model of the stream's chunks
        self._tail = b""  # what ends a stream cut at its hold, after the event that spent it
        self._pieces = 0  # non-empty text deltas delivered: at least one real token each

    def abort(self) -> None:
        """Relay shutdown: stop reading; the client gets an error event and a clean end."""
        self.shutting_down = True
        self.upstream.close()

    async def run(self) -> web.StreamResponse:
        self._registry.add(self)
        try:
            return await self._run()
        finally:
            self._registry.discard(self)
            if self._write_watch is not None:  # else it would keep this stream alive 30 s more
                self._write_watch.cancel()
                self._write_watch = None

    async def _run(self) -> web.StreamResponse:
        parser = SSEParser()
        try:
            async for chunk in self.upstream.content.iter_any():
                # Every event completed by this read goes out now, in one write.
                lines = parser.feed_plain(chunk)
                if lines is not None:
                    await self._forward_plain(chunk, lines)
                else:
                    await self._forward(parser.feed(chunk))
                if self.done or self._give_up():
                    break
            else:
                await self._forward(parser.flush())
        except (aiohttp.ClientError, TimeoutError, SSEError) as exc:
            return await self._broken(f"{type(exc).__name__}")
        if not self.done and not self.finished and self.client_alive:
            return await self._broken("stream ended without [DONE]")
        if not self.done:
            await self._write(self._end(), last=True)
        return await self._close()

    def _end(self) -> bytes:
        """What ends a stream whose upstream finished without its own end marker."""
        return DONE

    def _error_event(self, error: errors.RelayError) -> bytes:
        """``error`` as an event of the client's stream (subclasses speak other dialects)."""
        return error.sse_event()

    async def _forward(self, events: list[SSEEvent]) -> None:
        out = bytearray()
        for event in events:
            if self.done:
                break
            out += self._translate(event)
        out += self._take_tail()
        if out:
            await self._write(bytes(out), last=self.done)

    async def _forward_plain(self, chunk: bytes, lines: list[bytes]) -> None:
        """``_forward`` for a chunk of plain one-line data events (``SSEParser.feed_plain``):
        what passes unchanged, usually all of it, goes out as the very bytes received."""
        out: bytearray | None = None  # None while the chunk passes through unchanged
        at = 0  # where the current event starts in ``chunk``
        for line in lines:
            if self.done:
                if out is None:
                    out = bytearray(chunk[:at])
                break
            end = at + len(line) + 2
            new = self._translate_line(line)
            if new is not None and new != chunk[at:end]:
                if out is None:
                    out = bytearray(chunk[:at])
                out += new
            elif out is not None:
                out += chunk[at:end]
            if new != b"":
                self._emitted = True
            at = end
        payload = (chunk if out is None else bytes(out)) + self._take_tail()
        if payload:
            await self._write(payload, last=self.done)

    def _take_tail(self) -> bytes:
        tail, self._tail = self._tail, b""
        return tail

    def _give_up(self) -> bool:
        """After the client left, keep reading only until usage arrives or the grace ends."""
        if self.client_alive:
            return False
        return self.ctx.usage is not None or time.monotonic() - self.gone_at > self.disconnect_grace

    def _translate(self, event: SSEEvent) -> bytes:
        """What the client gets for one upstream event (often its bytes unchanged)."""
        out = self._translate_event(event)
        if out and event.data is not None:
            self._emitted = True
        return out

    def _translate_event(self, event: SSEEvent) -> bytes:
        data = event.data
        if data is None:
            # Leading keep-alives are dropped: sending one would commit the response and rule
            # out failing over if the upstream then fails before its first real event.
            return KEEPALIVE if event.comment is not None and self._emitted else b""
        if event.event is None and event.id is None and event.retry is None and not event.comment:
            out = self._translate_line(event.raw[:-2], data)
            return event.raw if out is None else out  # as received: no re-encoding
        out = self._translate_data(data)
        return encode_data(data) if out is None else out

    def _translate_line(self, line: bytes, data: str | None = None) -> bytes | None:
        """``_translate_data`` for an event of one data line (``line``: its bytes up to the
        blank line; ``data``: its decoded payload, if at hand)."""
        return self._translate_data(line_text(line[6:]) if data is None else data, line)

    def _translate_data(self, data: str, line: bytes | None = None) -> bytes | None:
        """What the client gets for an event carrying ``data``: ``None`` for the event itself
        (the usual case), else the bytes to send instead (``b""``: nothing)."""
        if "[DONE]" in data and data.strip() == "[DONE]":
            self.done = True
            return DONE
        try:
            obj = json.loads(data)
        except ValueError:
            return b""  # garbage between events: drop it, keep the stream
        if not isinstance(obj, dict):
            return b""
        if not self._head and "id" in obj:
            self._head = {k: obj[k] for k in ("id", "created", "model") if k in obj}
        choices = obj.get("choices")
        if choices is None and "error" in obj and "choices" not in obj:
            if self.response is None:
                raise UpstreamBroke("error event before any output")
            self.ctx.status, self.ctx.error_code = 502, "upstream_stream_error"
            self.done = True
            return errors.RelayError(502, "The upstream provider reported an error mid-stream.",
                                     type_="server_error", code="upstream_error").sse_event()
        reported = obj.get("usage")
        changed = False
        if reported is not None:
            usage = parse_usage(reported)
            if usage is not None:
                self.ctx.usage = usage
                if choices == [] and self.suppress_usage_chunk:
                    return b""
        elif self.suppress_usage_chunk and "usage" in obj:
            # The relay asked for usage, not the client: OpenAI then marks every chunk with
            # "usage": null, which a client that did not ask never sees.
            if choices:
                self._count_choices(choices)
            stripped = _without_null_usage(line) if line is not None else None
            if stripped is not None and "choices" in obj:
                return stripped + b"\n\n"
            del obj["usage"]
            changed = True
            choices = None  # counted
        if choices:
            self._count_choices(choices)
        if "choices" not in obj:
            obj["choices"] = []  # every chunk the client sees has a choices array
            changed = True
        if changed:
            return encode_data(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
        return None

    def _count_choices(self, choices: Any) -> None:
        """Count the delivered tokens of one chunk's choices and note a finish_reason."""
        tokens = pieces = 0
        for choice in choices if isinstance(choices, list) else ():
            if not isinstance(choice, dict):
                continue
            if choice.get("finish_reason"):
                self.finished = True
            text = choice.get("text")  # legacy /v1/completions
            if text and isinstance(text, str):
                tokens += text_tokens(text)
                pieces += 1
            delta = choice.get("delta")
            if delta and isinstance(delta, dict):
                before = tokens
                for field in COMPLETION_TEXT_FIELDS:
                    value = delta.get(field)
                    if value and isinstance(value, str):
                        tokens += text_tokens(value)
                for field in CALL_FIELDS:
                    if delta.get(field):
                        tokens += text_tokens(json.dumps(delta[field]))
                pieces += tokens > before
        if tokens:
            self._delivered(tokens, pieces)

    def _delivered(self, tokens: int, pieces: int) -> None:
        """Count delivered completion tokens (an estimate, for billing) and text deltas.

        Every non-empty delta holds at least one real token, so more deltas than the completion
        limit sent upstream prove the provider ignored it: the stream ends after this event
        (:meth:`_hold_spent`), before the answer costs more than was held. An honest provider
        never trips this, however its tokens compare with the estimate."""
        ctx = self.ctx
        ctx.completion_estimate += tokens
        self._pieces += pieces
        if ctx.completion_limit and self._pieces > ctx.completion_limit and not self.done:
            self.done = True
            self._tail = self._hold_spent()

    def _hold_spent(self) -> bytes:
        """How a stream that used up its hold ends: a ``finish_reason: "length"`` chunk, the
        usage chunk if the client asked for one (the relay's estimate), ``[DONE]``."""
        ctx = self.ctx
        head = dict(self._head, object="chat.completion.chunk")
        out = encode_data(json.dumps(dict(head, choices=[
            {"index": 0, "delta": {}, "finish_reason": "length"}]), ensure_ascii=False))
        if ctx.client_wants_usage:
            usage = {"prompt_tokens": ctx.prompt_estimate,
                     "completion_tokens": ctx.completion_estimate,
                     "total_tokens": ctx.prompt_estimate + ctx.completion_estimate}
            out += encode_data(json.dumps(dict(head, choices=[], usage=usage)))
        log.warning("request %s: the provider went past max_tokens; its stream was ended at "
                    "the hold", ctx.request_id)
        return out + DONE

    # A write blocked longer than the write timeout (the client stopped reading) drops the
    # client; one timer per stream watches the write in progress, none per write.
    _write_timeout = 30.0
    _writing_since: float | None = None
    _write_watch: asyncio.TimerHandle | None = None
    _stalled = False

    async def _prepare(self) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers=sse_headers())
        self._write_timeout = self.request.config_dict[STATE].options.stream_write_timeout
        await response.prepare(self.request)
        self.response = response
        return response

    async def _write(self, payload: bytes, *, last: bool = False) -> None:
        """Send ``payload``; with ``last`` it also ends the response (one send for both)."""
        if not self.client_alive:
            return
        if last and _closed(self.request.transport):  # gone already: settled as a hang-up
            self._lost_client()
            return
        self.ctx.mark_first_byte()
        if last:  # settled before the stream's last byte leaves (relay/settler.py)
            state = self.request.config_dict[STATE]
            await state.settler.settle(self.ctx, in_flight=state.in_flight)
        response = self.response or await self._prepare()
        self._writing_since = time.monotonic()
        if self._write_watch is None:
            self._write_watch = asyncio.get_running_loop().call_later(
                self._write_timeout, self._watch_write)
        try:
            if last:
                await response.write_eof(payload)
            else:
                await response.write(payload)
        except CLIENT_GONE:
            self._lost_client()
        finally:
            self._writing_since = None

    def _lost_client(self) -> None:
        self.client_alive = False
        self.gone_at = time.monotonic()
        self.ctx.status, self.ctx.error_code = 499, (
            "client_stopped_reading" if self._stalled else "client_disconnected")

    def _watch_write(self) -> None:
        self._write_watch = None
        since = self._writing_since
        if since is None or not self.client_alive:
            return  # the next write watches itself
        left = since + self._write_timeout - time.monotonic()
        if left > 0:
            self._write_watch = asyncio.get_running_loop().call_later(left, self._watch_write)
            return
        self._stalled = True
        log.info("request %s: the client read nothing for %g s; dropping it",
                 self.ctx.request_id, self._write_timeout)
        transport = self.request.transport
        if transport is not None:
            transport.abort()  # the blocked write fails: the stream reads on, as for a hang-up

    async def _broken(self, why: str) -> web.StreamResponse:
        if self.response is None:
            raise UpstreamBroke(why)
        log.info("upstream stream broke for %s: %s", self.ctx.request_id, why)
        if self.client_alive:
            if self.shutting_down:
                error = errors.RelayError(503, "The relay is shutting down; please retry.",
                                          type_="server_error", code="relay_shutting_down")
            else:
                error = errors.RelayError(502, "The upstream provider's stream broke off.",
                                          type_="server_error", code="upstream_stream_broken")
            self.ctx.status, self.ctx.error_code = error.status, error.code
            await self._write(self._error_event(error))
        return await self._close()

    async def _close(self) -> web.StreamResponse:
        assert self.response is not None
        if self.client_alive:
            try:
                await self.response.write_eof()
            except CLIENT_GONE:
                pass
        return self.response
