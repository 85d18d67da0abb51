"""OpenAI-shaped answers to requests aiohttp refuses before the app sees them.

aiohttp's HTTP parser rejects an oversize request line, an oversize header or too many headers
(and any other malformed HTTP) inside the protocol, before middlewares run, and answers with
plain text. ``JsonAppRunner`` is an ``AppRunner`` whose connections use ``JsonErrorHandler``, which
answers those with the relay's usual JSON error body instead, and closes the connection.

Limits (deliberately explicit, documented in README): a request line (method, URL, version) of
at most ``MAX_LINE_SIZE`` bytes, each header line (name + value) at most ``MAX_FIELD_SIZE``
bytes, at most ``MAX_HEADERS`` headers. The OpenAI SDKs send ~15 headers and browser clients
~25, with cookies rarely above a few KB, so these leave ample room.
"""

import logging
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, LineTooLong
from aiohttp.web_protocol import RequestHandler

from relay import errors

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


class JsonErrorHandler(RequestHandler):
    """A connection handler whose own error responses are OpenAI-shaped JSON."""

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
        resp.force_close()
        return resp


class JsonErrorServer(web.Server):
    """``web.Server`` building ``JsonErrorHandler`` connections."""

    def __call__(self) -> RequestHandler:
        return JsonErrorHandler(self, loop=self._loop, **self._kwargs)


class JsonAppRunner(web.AppRunner):
    """``web.AppRunner`` with the relay's HTTP limits and JSON parse-error responses."""

    def __init__(self, app: web.Application, **kwargs: Any) -> None:
        kwargs.setdefault("max_line_size", MAX_LINE_SIZE)
        kwargs.setdefault("max_field_size", MAX_FIELD_SIZE)
        kwargs.setdefault("max_headers", MAX_HEADERS)
        super().__init__(app, **kwargs)

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        # Application._make_handler builds a plain web.Server; same object, our __call__.
        assert type(server) is web.Server, type(server)
        server.__class__ = JsonErrorServer
        server.request_handler = _refuse_unknown_expect(server.request_handler)
        return server


def _refuse_unknown_expect(handler: Any) -> Any:
    """aiohttp answers an ``Expect`` other than ``100-continue`` before any middleware runs, in
    plain text (and with a 500 when the value is not UTF-8); answer it here instead."""

    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        expect = request.headers.get("Expect")
        if expect and expect.strip().lower() != "100-continue":
            return errors.RelayError(417, "The relay supports only 'Expect: 100-continue'.",
                                     code="expectation_failed").response()
        return await handler(request)

    return handle
