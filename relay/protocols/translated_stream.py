"""A Chat Completions stream from the provider, relayed as another dialect's stream.

:class:`relay.streaming.StreamRelay` does the relaying (writes, hang-ups, settlement before the
last byte, the hold's cut-off); this subclass only changes what each upstream event becomes.
"""

import json

import aiohttp
from aiohttp import web

from app.metering import Usage, parse_usage
from relay import errors
from relay.context import RequestContext
from relay.protocols.dialect import Dialect
from relay.state import STATE
from relay.streaming import StreamRelay, UpstreamBroke


class TranslatedStream(StreamRelay):
    """Chat chunks in, the client's dialect out (``dialect.translator``)."""

    def __init__(self, request: web.Request, ctx: RequestContext,
                 upstream: aiohttp.ClientResponse, dialect: Dialect, *,
                 disconnect_grace: float, registry: set[StreamRelay] | None = None) -> None:
        super().__init__(request, ctx, upstream, suppress_usage_chunk=True,
                         disconnect_grace=disconnect_grace, registry=registry)
        self.dialect = dialect
        self.translator = dialect.translator(ctx)
        self._cut = False
        # The translator keeps the answer for its closing events (Responses repeats it whole):
        # bounded like a non-streamed answer.
        self._kept = 0
        self._cap = request.config_dict[STATE].options.max_upstream_body

    def _translate_data(self, data: str, line: bytes | None = None) -> bytes:
        if "[DONE]" in data and data.strip() == "[DONE]":
            self.done = True
            return self._end()
        try:
            obj = json.loads(data)
        except ValueError:
            return b""  # garbage between events: drop it, keep the stream
        if not isinstance(obj, dict):
            return b""
        if obj.get("choices") is None and "error" in obj:
            if self.response is None:
                raise UpstreamBroke("error event before any output")
            self.ctx.status, self.ctx.error_code = 502, "upstream_stream_error"
            self.done = True
            return self._error_event(errors.RelayError(
                502, "The upstream provider reported an error mid-stream.",
                type_="server_error", code="upstream_error"))
        usage = parse_usage(obj.get("usage"))
        if usage is not None:
            self.ctx.usage = usage
        choices = obj.get("choices")
        if choices:
            self._count_choices(choices)
        out = self.translator.feed(obj)
        if self._cut:  # the provider went past the limit the hold pays for: end it here
            out += self._end(self.dialect.cut_reason)
        self._kept += len(out)
        if self._kept > self._cap and not self.done:
            self.done = True
            self.ctx.status, self.ctx.error_code = 502, "upstream_answer_too_large"
            out += self._error_event(errors.RelayError(
                502, f"The provider's answer is larger than the relay's "
                     f"{self._cap // (1024 * 1024)} MB limit.", type_="server_error",
                code="upstream_answer_too_large"))
        return out

    def _hold_spent(self) -> bytes:
        self._cut = True  # ended after this event's own output (see _translate_data)
        return b""

    def _end(self, reason: str | None = None) -> bytes:
        ctx = self.ctx
        usage = ctx.usage or Usage(ctx.prompt_estimate, 0, ctx.completion_estimate)
        return self.translator.finish(usage, reason)

    def _error_event(self, error: errors.RelayError) -> bytes:
        return self.dialect.error_event(self.translator, error)

