"""OpenAI-shaped errors: ``{"error": {"message", "type", "param", "code"}}``.

SDKs retry 408/409/429/5xx automatically, so deterministic failures use 4xx, and responses where
a retry cannot help carry ``x-should-retry: false``.
"""

import json
from typing import Any

from aiohttp import web


class RelayError(Exception):
    """An error to send to the API client as-is."""

    def __init__(self, status: int, message: str, *, type_: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None,
                 headers: dict[str, str] | None = None, close: bool = False) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = (
            status, message, type_, code, param)
        self.headers = headers or {}
        self.close = close  # end the connection once answered (its request was not read whole)

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param,
                          "code": self.code}}

    def response(self) -> web.Response:
        headers = dict(self.headers)
        if self.status < 500 and self.status not in (408, 409, 429):
            headers.setdefault("x-should-retry", "false")
        resp = web.Response(status=self.status, body=json.dumps(self.body()).encode(),
                            content_type="application/json", headers=headers)
        if self.close:
            resp.force_close()  # Connection: close
        return resp

    def sse_event(self) -> bytes:
        return b"data: " + json.dumps(self.body()).encode() + b"\n\n"


def invalid_key(message: str = "Incorrect API key provided.") -> RelayError:
    return RelayError(401, message, code="invalid_api_key")


def forbidden(message: str, code: str, param: str | None = None) -> RelayError:
    return RelayError(403, message, type_="permission_error", code=code, param=param)


def bad_request(message: str, param: str | None = None,
                code: str = "invalid_value") -> RelayError:
    return RelayError(400, message, code=code, param=param)


def model_not_found(model: str) -> RelayError:
    return RelayError(404, f"The model `{model}` does not exist or you do not have access to it.",
                      code="model_not_found", param="model")


def insufficient_quota(message: str) -> RelayError:
    """OpenAI's answer to an exhausted quota: a 429 (so ``except RateLimitError`` catches it)
    that SDKs must not retry, since waiting does not add balance."""
    return RelayError(429, message, type_="insufficient_quota", code="insufficient_quota",
                      headers={"x-should-retry": "false"})


def upstream_unavailable(message: str = "No upstream provider could serve this request right "
                                        "now. Please retry shortly.",
                         retry_after: int | None = 5) -> RelayError:
    """The 503 when no provider served; ``retry_after`` None when waiting cannot help."""
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    return RelayError(503, message, type_="server_error", code="upstream_unavailable",
                      headers=headers)


def upstream_bad_response() -> RelayError:
    return RelayError(502, "The upstream provider returned an invalid response.",
                      type_="server_error", code="bad_upstream_response")


def invalid_url(method: str, path: str) -> RelayError:
    """OpenAI's answer to a known path with the wrong method (it sends no code)."""
    return RelayError(404, f"Invalid URL ({method[:16]} {path[:200]})")


def not_found_route(path: str) -> RelayError:
    return RelayError(404, f"Unknown request URL: {path}. Supported: /v1/chat/completions, "
                           "/v1/responses, /v1/messages, /v1/completions, /v1/embeddings, "
                           "/v1/models.", code="unknown_url")


def body_timeout(seconds: float) -> RelayError:
    return RelayError(408, f"The request body did not arrive within the relay's {seconds:g} s "
                           "limit (body_timeout_seconds).", code="request_timeout", close=True)


def internal() -> RelayError:
    return RelayError(500, "The relay hit an internal error; the operator can find details in "
                           "its log.", type_="server_error", code="internal_error")
