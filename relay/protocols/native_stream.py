"""A provider's stream in the client's own dialect, passed through event for event.

The relay only watches it: usage for the bill, the delivered text for an estimate when usage
never comes, the end marker, and an error before anything was sent (then it fails over).
"""

import json
from typing import Any

import aiohttp
from aiohttp import web

from app.metering import text_tokens
from relay import errors
from relay.context import RequestContext
from relay.protocols.dialect import Dialect
from relay.sse import SSEEvent
from relay.streaming import KEEPALIVE, StreamRelay, UpstreamBroke


class NativeStream(StreamRelay):
    """Passes a native stream on unchanged; ``dialect.watch`` reads each event's JSON."""

    def __init__(self, request: web.Request, ctx: RequestContext,
                 upstream: aiohttp.ClientResponse, dialect: Dialect, *,
                 disconnect_grace: float, registry: set[StreamRelay] | None = None) -> None:
        super().__init__(request, ctx, upstream, suppress_usage_chunk=False,
                         disconnect_grace=disconnect_grace, registry=registry)
        self.dialect = dialect
        self.reported: dict[str, Any] = {}  # usage members seen so far (they come in pieces)
        self.failed = False  # the provider's own error event was passed on

    def _translate_event(self, event: SSEEvent) -> bytes:
        if event.data is None:
            return KEEPALIVE if event.comment is not None and self._emitted else b""
        self._translate_data(event.data)
        return event.raw  # as received, ``event:`` line and all

    def _translate_data(self, data: str, line: bytes | None = None) -> bytes | None:
        try:
            obj = json.loads(data)
        except ValueError:
            return None
        if isinstance(obj, dict):
            self.dialect.watch(self, obj)
            if self.failed and self.response is None:
                raise UpstreamBroke("error event before any output")
        return None

    def delivered_text(self, text: Any) -> None:
        """Count a text or argument fragment the client received (the estimate's basis)."""
        if isinstance(text, str) and text:
            self._delivered(text_tokens(text), 1)

    def provider_failed(self) -> None:
        """The provider's own error event: it goes to the client, and the stream ends."""
        self.failed = self.done = True
        self.ctx.status, self.ctx.error_code = 502, "upstream_stream_error"

    def _hold_spent(self) -> bytes:
        # The provider went past the completion limit the hold pays for: end it with an error
        # in the client's dialect (a native stream's own closing events cannot be made up).
        return self._error_event(errors.RelayError(
            502, "The provider sent more than the completion limit; the relay ended the answer.",
            type_="server_error", code="upstream_over_limit"))

    def _end(self) -> bytes:
        return b""  # the provider's own stream has its end; the relay adds nothing

    def _error_event(self, error: errors.RelayError) -> bytes:
        return self.dialect.error_event(None, error)
