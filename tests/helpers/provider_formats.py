"""Each provider's wire format for the fake upstream: stream chunks, usage and error bodies.

Kept apart from the server in fake_upstream.py so the formats (what tests must match) read in
one place. Shapes follow the provider samples kept with the project.
"""

from __future__ import annotations

import base64
import json
import struct
import time
import uuid
from typing import Any

from tests.helpers.upstream_checks import Problem


class Chunker:
    """Builds one stream's chunk objects in the shape of one provider."""

    def __init__(self, kind: str, chunk_id: str, model: str, include_usage: bool) -> None:
        self.kind = kind
        self.created = int(time.time())
        # "usage" on every chunk: OpenAI/DashScope when asked to, DeepSeek always, Zhipu never
        self.usage_key = kind == "deepseek" or (kind in ("openai", "dashscope") and include_usage)
        self.include_usage = include_usage
        if kind == "zhipu":
            self.base: dict[str, Any] = {"id": chunk_id, "created": self.created, "model": model}
        else:
            fingerprint = "fp_2f8b" if kind == "deepseek" else None
            self.base = {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": self.created,
                "model": model,
                "system_fingerprint": fingerprint,
            }

    def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        if self.kind == "zhipu":
            choice: dict[str, Any] = {"index": 0, "delta": delta}
            if finish is not None:
                choice = {"index": 0, "finish_reason": finish, "delta": delta}
            return {**self.base, "choices": [choice]}
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        chunk = {**self.base, "choices": [choice]}
        if self.usage_key:
            chunk["usage"] = None
        return chunk

    def opening(self, thinking: bool) -> dict[str, Any] | None:
        """The role-only first chunk; Zhipu has none (its first chunk already carries text)."""
        if self.kind == "zhipu":
            return None
        if self.kind == "deepseek" and thinking:
            return self._chunk({"role": "assistant", "content": None, "reasoning_content": ""})
        return self._chunk({"role": "assistant", "content": ""})

    def reasoning(self, text: str) -> dict[str, Any]:
        if self.kind == "deepseek":
            return self._chunk({"content": None, "reasoning_content": text})
        if self.kind == "zhipu":
            return self._chunk({"role": "assistant", "reasoning_content": text})
        return self._chunk({"reasoning_content": text})

    def content(self, text: str, thinking: bool) -> dict[str, Any]:
        if self.kind == "deepseek" and thinking:
            return self._chunk({"content": text, "reasoning_content": None})
        if self.kind == "zhipu":
            return self._chunk({"role": "assistant", "content": text})
        return self._chunk({"content": text})

    def tool_calls(self, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A tool turn's deltas, OpenAI style: each call's id and name with empty arguments,
        then its arguments in pieces, addressed by the call's index."""
        chunks = []
        for index, call in enumerate(calls):
            head = {"index": index, "id": call["id"], "type": "function",
                    "function": {"name": call["name"], "arguments": ""}}
            chunks.append(self._chunk({"tool_calls": [head]}))
            chunks += [self._chunk({"tool_calls": [{"index": index,
                                                     "function": {"arguments": piece}}]})
                       for piece in call["arguments"]]
        return chunks

    def closing(self, usage: dict[str, Any] | None, finish: str = "stop") -> list[dict[str, Any]]:
        """The finish chunk, and where the provider puts it, the usage."""
        if self.kind in ("deepseek", "zhipu"):
            delta: dict[str, Any] = {"content": ""}
            if self.kind == "zhipu":
                delta = {"role": "assistant", "content": ""}
            last = self._chunk(delta, finish)
            if usage is not None:
                last["usage"] = usage
            return [last]
        chunks = [self._chunk({}, finish)]
        if self.include_usage and usage is not None:
            chunks.append({**self.base, "choices": [], "usage": usage})
        return chunks


def tool_message(calls: list[dict[str, Any]]) -> dict[str, Any]:
    """A non-streamed tool turn's assistant message."""
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": c["id"], "type": "function",
         "function": {"name": c["name"], "arguments": "".join(c["arguments"])}} for c in calls]}


# --- provider facts -----------------------------------------------------------------------------


def usage_body(kind: str, prompt: int, completion: int, cached: int,
               reasoning: int) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }
    if kind != "zhipu":
        usage["completion_tokens_details"] = {"reasoning_tokens": min(reasoning, completion)}
    if kind == "deepseek":
        usage["prompt_cache_hit_tokens"] = cached
        usage["prompt_cache_miss_tokens"] = prompt - cached
    return usage


# (status, message, type, code) of each scripted failure. Zhipu bodies carry only code and message.
# "approx": no captured sample; the provider's error shape with a plausible message.
_FAILURES: dict[str, dict[str, tuple[int, str, str | None, str | None]]] = {
    "openai": {
        "balance": (
            429,
            "You exceeded your current quota, please check your plan and billing details.",
            "insufficient_quota",
            "insufficient_quota",
        ),
        "rate_limit": (
            429,
            "Rate limit reached for requests. Please try again in 1.5s.",
            "requests",
            "rate_limit_exceeded",
        ),
        "model_not_found": (
            404,
            "The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        ),
        "server_error": (
            500,
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            None,
        ),
    },
    "deepseek": {  # "code" carries a type-like value
        "balance": (402, "Insufficient Balance", "unknown_error", "invalid_request_error"),
        "rate_limit": (429, "Rate Limit Reached", "rate_limit_error", "invalid_request_error"),
        "model_not_found": (
            400,
            "Model Not Exist",
            "invalid_request_error",
            "invalid_request_error",
        ),
        "server_error": (500, "Internal Server Error", "api_error", "invalid_request_error"),
    },
    "zhipu": {
        "balance": (429, "余额不足或无可用资源包,请充值。", None, "1113"),
        "rate_limit": (
            429,
            "您当前使用该API的并发数过高，请降低并发，或联系客服增加限额。",
            None,
            "1302",
        ),
        "model_not_found": (400, "模型不存在，请检查模型代码。", None, "1211"),
        "server_error": (500, "Internal Error", None, "500"),  # approx
    },
    "dashscope": {
        "balance": (
            400,
            "Access denied, please make sure your account is in good standing.",
            "Arrearage",
            "Arrearage",
        ),
        "rate_limit": (
            429,
            "Requests rate limit exceeded, please try again later.",
            "Throttling.RateQuota",
            "Throttling.RateQuota",
        ),
        "model_not_found": (
            404,
            "The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
        ),
        "server_error": (  # approx
            500,
            "An internal error has occured, please try again later.",
            "InternalError",
            "InternalError",
        ),
    },
}
# approx: DeepSeek's rate_limit/model_not_found/server_error, Zhipu's unknown-token 401 (1002)


def _error_body(kind: str, message: str, type_: str | None, code: str | None) -> dict[str, Any]:
    """An error in ``kind``'s shape: Zhipu has no type/param, DashScope adds a request_id."""
    if kind == "zhipu":
        return {"error": {"code": code, "message": message}}
    error = {"message": message, "type": type_, "param": None, "code": code}
    body: dict[str, Any] = {"error": error}
    if kind == "dashscope":
        body["request_id"] = str(uuid.uuid4())
    return body


def auth_error(kind: str, given: str | None) -> tuple[int, dict[str, Any]]:
    shown = given or ""
    if kind == "deepseek":
        message = f"Authentication Fails, Your api key: ****{shown[-4:]} is invalid"
        return 401, _error_body(kind, message, "authentication_error", "invalid_request_error")
    if kind == "zhipu":
        if given is None:
            return 401, _error_body(
                kind, "Header中未收到Authorization参数，无法进行身份验证。", None, "1001"
            )
        message = "Authorization Token非法，请确认Authorization Token正确传递。"
        return 401, _error_body(kind, message, None, "1002")
    if kind == "dashscope":
        message = "Incorrect API key provided. "
    else:
        masked = f"{shown[:5]}**{shown[-4:]}" if len(shown) > 9 else "****"
        message = f"Incorrect API key provided: {masked}."
    return 401, _error_body(kind, message, "invalid_request_error", "invalid_api_key")


def failure_body(kind: str, failure: str, model: str) -> tuple[int, dict[str, Any]]:
    """Status and body of a scripted failure, in ``kind``'s own format."""
    if failure == "auth":
        return auth_error(kind, "sk-revoked-0000")
    status, message, type_, code = _FAILURES[kind][failure]
    return status, _error_body(kind, message.replace("{model}", model), type_, code)


_ZHIPU_UNREADABLE = "API 调用参数有误，请检查文档。"


def invalid_request(kind: str, problem: Problem) -> tuple[int, dict[str, Any]]:
    """The 400 a provider answers a malformed request with, in ``kind``'s own shape.

    OpenAI's wording throughout (upstream_checks.py); the other providers' wording is approx:
    DeepSeek puts a type-like value in ``code``, Zhipu answers 1210 (unreadable request) or 1214
    (a parameter is invalid) in Chinese, DashScope prefixes its algorithm error name.
    """
    if kind == "zhipu":
        if problem.not_json or problem.param is None:
            return 400, _error_body(kind, _ZHIPU_UNREADABLE, None, "1210")
        message = f"{problem.param} 参数非法。请检查文档。"
        return 400, _error_body(kind, message, None, "1214")
    if kind == "deepseek":
        body = _error_body(kind, problem.message, "invalid_request_error", "invalid_request_error")
        return 400, body
    if kind == "dashscope":
        message = f"<400> InternalError.Algo.InvalidParameter: {problem.message}"
        return 400, _error_body(kind, message, "invalid_request_error", "invalid_parameter_error")
    body = _error_body(kind, problem.message, "invalid_request_error", problem.code)
    body["error"]["param"] = problem.param
    return 400, body


NOT_JSON = Problem(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
    "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was "
    "not valid JSON.)",
    not_json=True,
)


# --- small helpers ------------------------------------------------------------------------------


def dumps(obj: Any) -> bytes:
    """Compact JSON with raw UTF-8, as the providers send it."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def is_tokens(value: list[Any]) -> bool:
    """``input`` given as one pre-tokenised text (a list of ints)."""
    return all(isinstance(item, int) for item in value)


def vector(index: int, dim: int, as_base64: bool) -> list[float] | str:
    values = [((index + 1) * (k + 1) % 17) / 17.0 for k in range(dim)]
    if as_base64:
        return base64.b64encode(struct.pack(f"<{dim}f", *values)).decode()
    return values
