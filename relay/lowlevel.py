"""OpenAI-shaped answers to requests aiohttp refuses before the app sees them.

aiohttp's HTTP parser rejects an oversize request line, an oversize header or too many headers
(and any other malformed HTTP) inside the protocol, before middlewares run, and answers with
plain text. ``JsonAppRunner`` is an ``AppRunner`` whose connections use ``JsonErrorHandler``, which
answers those with the relay's usual JSON error body instead, and closes the connection.

Limits (deliberately explicit, documented in README): a request line (method, URL, version) of
at most ``MAX_LINE_SIZE`` bytes, each header line (name + value) at most ``MAX_FIELD_SIZE``
bytes, at most ``MAX_HEADERS`` headers. The OpenAI SDKs send ~15 headers and browser clients
~25, with cookies rarely above a few KB, so these leave ample room.

Its connections also defend the relay against hostile and idle clients: a new connection
must deliver its first request head within ``header_timeout`` (aiohttp's ``keepalive_timeout``
then bounds the wait for each next one), and a ``ConnectionGate`` (relay/connlimit.py) caps
connections per client address and in total.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong
from aiohttp.web_protocol import RequestHandler

from app.netpolicy import ban_subject
from relay import errors
from relay.connlimit import ConnectionGate
from relay.hangup import outlive_cancellation
from relay.requestid import new_request_id, request_id, stamp

log = logging.getLogger(__name__)

MAX_LINE_SIZE = 8 * 1024  # request line, i.e. the URL: 414 beyond
MAX_FIELD_SIZE = 16 * 1024  # one header, name and value together: 431 beyond
MAX_HEADERS = 100  # 431 beyond

TOO_MANY_HEADERS = "Too many headers received"  # aiohttp's message (both parsers)


def parse_error(exc: BaseException | None, line_limit: int) -> errors.RelayError:
    """The client-facing error for an HTTP parse failure.

    aiohttp raises ``LineTooLong`` for both the request line and a header line; the limit it
    reports tells them apart, which is why the two limits differ. The exception text quotes
    the offending bytes (possibly an ``Authorization`` header), so it is never echoed or logged.
    """
    if isinstance(exc, LineTooLong) and len(exc.args) > 1 and exc.args[1] == line_limit:
        return errors.RelayError(414, f"The request URL is too long; the relay accepts request "
                                      f"lines of at most {line_limit} bytes.",
                                 code="request_line_too_long")
    if isinstance(exc, LineTooLong) or (isinstance(exc, BadHttpMessage)
                                        and TOO_MANY_HEADERS in str(exc.message)):
        return errors.RelayError(431, f"The request headers are too large; the relay accepts "
                                      f"at most {MAX_HEADERS} headers of at most "
                                      f"{MAX_FIELD_SIZE} bytes each.", code="headers_too_large")
    return errors.RelayError(400, "The relay could not parse this HTTP request.",
                             code="bad_request")


def _refusal_parts() -> tuple[bytes, bytes]:
    """The HTTP answer to a connection over its address's cap, sent before its request was
    read (then the connection is closed), split where its ``x-request-id`` goes."""
    body = json.dumps(errors.RelayError(
        429, "Too many connections from your address; close some and retry.",
        type_="requests", code="too_many_connections").body()).encode()
    return (b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
            b"Retry-After: 1\r\nretry-after-ms: 1000\r\nConnection: close\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nx-request-id: ",
            b"\r\n\r\n" + body)


_REFUSAL_HEAD, _REFUSAL_TAIL = _refusal_parts()


def refusal() -> bytes:
    """The whole refusal, with an id of its own like every other answer."""
    return _REFUSAL_HEAD + new_request_id().encode() + _REFUSAL_TAIL


class JsonErrorHandler(RequestHandler):
    """A connection handler whose own error responses are OpenAI-shaped JSON, and which
    answers to the server's ``ConnectionGate`` and first-head deadline."""

    def __init__(self, manager: "JsonErrorServer", **kwargs: Any) -> None:
        super().__init__(manager, **kwargs)
        self._gate = manager.gate
        self._header_timeout = manager.header_timeout
        self._ip = ""
        self._counted = False  # admitted by the gate, not yet released
        self._served = False  # handed to aiohttp (not refused at the door)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        gate = self._gate
        if gate is not None:
            peer = transport.get_extra_info("peername")
            ip = str(peer[0]) if isinstance(peer, (tuple, list)) and peer else ""
            self._ip = ban_subject(ip) or ip
            refused = gate.admit(self._ip, ip, self)
            if refused is not None:
                if refused == "per_ip":
                    log.warning("refused a connection from %s: %d already open from that "
                                "address (max_connections_per_ip)", self._ip, gate.per_ip)
                else:
                    log.warning("refused a connection from %s: %d connections open, none idle",
                                self._ip, gate.open)
                transport.write(refusal())  # type: ignore[attr-defined]
                transport.close()
                return
            self._counted = True
        self._served = True
        super().connection_made(transport)
        if self._header_timeout:
            self._head_timer = asyncio.get_running_loop().call_later(
                self._header_timeout, self._head_late)

    def connection_lost(self, exc: BaseException | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        if self._counted:
            self._counted = False
            assert self._gate is not None
            self._gate.release(self._ip, self)
        if self._served:
            super().connection_lost(exc)

    def _head_late(self) -> None:
        self._head_timer = None
        log.info("closed a connection from %s: no complete request head within %g s "
                 "(header_timeout_seconds)", self._ip, self._header_timeout)
        self.force_close()

    def evict(self) -> None:
        """The gate needs room: an idle connection gives way to a new one."""
        log.info("closed an idle connection from %s to make room for a new one", self._ip)
        self.force_close()

    def request_started(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        if self._counted:
            assert self._gate is not None
            self._gate.busy(self)

    def request_ended(self) -> None:
        if self._counted:
            assert self._gate is not None
            self._gate.idle(self)

    def handle_error(self, request: Any, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if request.writer.output_size > 0:  # the response already started: nothing to add
            raise ConnectionError("Response is sent already, cannot send an error response")
        if status >= 500:
            if status == 504:
                error = errors.RelayError(504, "The relay timed out handling this request.",
                                          type_="server_error", code="timeout")
            else:
                log.error("unhandled error serving %s", request.remote, exc_info=exc)
                error = errors.internal()
        else:
            error = parse_error(exc, self.max_line_size)
            # The type only: the exception text holds raw request bytes (maybe a key).
            log.info("refused a malformed HTTP request from %s: %s (%s)", request.remote,
                     error.code, type(exc).__name__)
        resp = error.response()
        stamp(request, resp)  # the app's on_response_prepare does not run for these
        resp.force_close()
        return resp


class JsonErrorServer(web.Server):
    """``web.Server`` building ``JsonErrorHandler`` connections."""

    gate: ConnectionGate | None = None
    header_timeout: float = 0.0  # 0: no deadline for the first request head

    def __call__(self) -> RequestHandler:
        return JsonErrorHandler(self, loop=self._loop, **self._kwargs)


class JsonAppRunner(web.AppRunner):
    """``web.AppRunner`` with the relay's HTTP limits and JSON parse-error responses.

    ``gate`` and ``header_timeout``: see ``JsonErrorHandler``. ``finish_on_hangup(request)``:
    with ``handler_cancellation=True``, a client hanging up cancels its handler, except for
    requests this says must finish anyway (admin changes, say).
    """

    def __init__(self, app: web.Application, *, gate: ConnectionGate | None = None,
                 header_timeout: float = 0.0,
                 finish_on_hangup: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("max_line_size", MAX_LINE_SIZE)
        kwargs.setdefault("max_field_size", MAX_FIELD_SIZE)
        kwargs.setdefault("max_headers", MAX_HEADERS)
        super().__init__(app, **kwargs)
        self.gate = gate
        self.header_timeout = header_timeout
        self.finish_on_hangup = finish_on_hangup

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # Application._make_handler builds a plain web.Server; same object, our __call__.
        assert type(server) is web.Server, type(server)
        server.__class__ = JsonErrorServer
        assert isinstance(server, JsonErrorServer)
        server.gate, server.header_timeout = self.gate, self.header_timeout
        server.request_handler = _track_requests(
            _refuse_unknown_expect(server.request_handler), self.finish_on_hangup)
        return server


RequestHandlerFn = Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]


def _track_requests(handler: RequestHandlerFn,
                    finish_on_hangup: Callable[[web.BaseRequest], bool] | None
                    ) -> RequestHandlerFn:
    """Tell the connection when a request starts and ends (its head deadline and the gate
    need to know), and shield the requests that must finish if the client hangs up."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        request_id(request)  # made here, before anything can answer
        protocol = request.protocol
        if not isinstance(protocol, JsonErrorHandler):
            return await handler(request)
        protocol.request_started()
        try:
            if finish_on_hangup is not None and finish_on_hangup(request):
                return await outlive_cancellation(handler(request))
            return await handler(request)
        finally:
            protocol.request_ended()

    return handle


def _refuse_unknown_expect(handler: RequestHandlerFn) -> RequestHandlerFn:
    """aiohttp answers an ``Expect`` other than ``100-continue`` before any middleware runs, in
    plain text (and with a 500 when the value is not UTF-8); answer it here instead."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        expect = request.headers.get("Expect")
        if expect and expect.strip().lower() != "100-continue":
            resp = errors.RelayError(417, "The relay supports only 'Expect: 100-continue'.",
                                     code="expectation_failed").response()
            stamp(request, resp)  # answered before the app: its signals do not run
            return resp
        return await handler(request)

    return handle
