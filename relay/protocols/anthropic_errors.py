"""Errors in the Anthropic Messages API's shape, for clients of ``/v1/messages``.

The relay raises :class:`relay.errors.RelayError` everywhere; on Anthropic routes the error
middleware answers it as ``{"type": "error", "error": {"type", "message"}}`` with the status
Anthropic uses for that kind of failure, so the anthropic SDKs raise their own error classes.
"""

import json

from aiohttp import web

from relay.errors import RelayError

# Anthropic's error type for each status it documents.
_TYPES = {400: "invalid_request_error", 401: "authentication_error", 402: "billing_error",
          403: "permission_error", 404: "not_found_error", 408: "timeout_error",
          413: "request_too_large", 429: "rate_limit_error", 500: "api_error",
          504: "timeout_error", 529: "overloaded_error"}


def anthropic_status(exc: RelayError) -> tuple[int, str]:
    """The status and error type Anthropic would answer ``exc`` with."""
    if exc.code == "insufficient_quota":
        return 402, "billing_error"  # a balance, not a rate: no retry helps
    status = exc.status
    if status == 503:  # no provider could serve now: Anthropic's "overloaded", which SDKs retry
        status = 529
    elif status >= 500 and status not in _TYPES:
        status = 500
    return status, _TYPES.get(status, "invalid_request_error" if status < 500 else "api_error")


def anthropic_body(error_type: str, message: str) -> bytes:
    return json.dumps({"type": "error", "error": {"type": error_type, "message": message}},
                      ensure_ascii=False).encode()


def anthropic_response(exc: RelayError) -> web.Response:
    """``exc`` answered the way the Anthropic API answers; the headers (Retry-After,
    x-should-retry) carry over, since the anthropic SDKs read them too."""
    status, error_type = anthropic_status(exc)
    headers = dict(exc.headers)
    if status < 500 and status not in (408, 409, 429):
        headers.setdefault("x-should-retry", "false")
    resp = web.Response(status=status, body=anthropic_body(error_type, exc.message),
                        content_type="application/json", headers=headers)
    if exc.close:
        resp.force_close()
    return resp


def anthropic_event(exc: RelayError) -> bytes:
    """``exc`` as the ``error`` event of a stream already under way."""
    _, error_type = anthropic_status(exc)
    return b"event: error\ndata: " + anthropic_body(error_type, exc.message) + b"\n\n"
