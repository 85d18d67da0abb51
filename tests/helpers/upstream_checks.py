"""What a real provider rejects as a malformed request, so a relay that sends garbage is caught.

The checks follow OpenAI's: a JSON object body with ``Content-Type: application/json``, a
``model``, chat ``messages`` (a non-empty array of objects with a known ``role``), embeddings
``input``, ``stream_options`` only with ``stream: true``, positive integer token limits. Each
failed check is reported as OpenAI words it (message, param, code); provider_formats wraps it in
the provider's own error shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ROLES = ("system", "assistant", "user", "function", "tool", "developer")


def token_limits(kind: str) -> tuple[str, ...]:
    """The completion limits a provider reads. DeepSeek, Zhipu and DashScope document only
    ``max_tokens``: a ``max_completion_tokens`` sent to them is ignored, like any unknown member
    (DashScope's handling of it is approx)."""
    return ("max_tokens", "max_completion_tokens") if kind == "openai" else ("max_tokens",)


@dataclass(frozen=True)
class Problem:
    """Why a request is rejected, in OpenAI's words."""

    message: str
    param: str | None = None
    code: str | None = None
    not_json: bool = False  # the body could not be read as JSON at all


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _wrong_type(param: str, expected: str, value: Any) -> Problem:
    return Problem(f"Invalid type for '{param}': expected {expected}, but got "
                   f"{_type_name(value)} instead.", param, "invalid_type")


def _missing(param: str) -> Problem:
    return Problem(f"Missing required parameter: '{param}'.", param, "missing_required_parameter")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_content_type(value: str | None) -> Problem | None:
    """``application/json`` (any parameters, e.g. a charset) or the request is refused."""
    mime = (value or "").split(";", 1)[0].strip().lower()
    if mime == "application/json":
        return None
    return Problem(f"Invalid Content-Type header ({value or 'none'}), expected "
                   f"application/json.", None, "invalid_content_type")


def check_body(route: str, body: Any, kind: str = "openai") -> Problem | None:
    """The first problem a ``kind`` provider would name for this parsed body on ``route``
    ("chat" or "embeddings"); ``None`` when it would accept it."""
    if not isinstance(body, dict):
        return Problem(f"Invalid type for body: expected an object, but got "
                       f"{_type_name(body)} instead.", None, "invalid_type")
    model = body.get("model")
    if model is None or model == "":
        return Problem("you must provide a model parameter")
    if not isinstance(model, str):
        return _wrong_type("model", "a string", model)
    if route == "embeddings":
        return _check_input(body)
    return _check_messages(body) or _check_stream(body) or _check_limits(body, kind)


def _check_input(body: dict[str, Any]) -> Problem | None:
    if "input" not in body:
        return _missing("input")
    value = body["input"]
    if value == "" or value == [] or not isinstance(value, (str, list)):
        return Problem("'$.input' is invalid. Please check the API reference: "
                       "https://platform.openai.com/docs/api-reference.")
    return None


def _check_messages(body: dict[str, Any]) -> Problem | None:
    if "messages" not in body:
        return _missing("messages")
    messages = body["messages"]
    if not isinstance(messages, list):
        return _wrong_type("messages", "an array", messages)
    if not messages:
        return Problem("Invalid 'messages': empty array. Expected an array with minimum length "
                       "1, but got an empty array instead.", "messages", "empty_array")
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            return _wrong_type(where, "an object", message)
        if "role" not in message:
            return _missing(f"{where}.role")
        role = message["role"]
        if role not in ROLES:
            supported = ", ".join(f"'{r}'" for r in ROLES[:-1]) + f", and '{ROLES[-1]}'"
            return Problem(f"Invalid value: '{role}'. Supported values are: {supported}.",
                           f"{where}.role", "invalid_value")
    return None


def _check_stream(body: dict[str, Any]) -> Problem | None:
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        return _wrong_type("stream", "a boolean", stream)
    if body.get("stream_options") is not None and stream is not True:
        return Problem("The 'stream_options' parameter is only allowed when 'stream' is "
                       "enabled.", "stream_options", "invalid_value")
    return None


def _check_limits(body: dict[str, Any], kind: str) -> Problem | None:
    for name in token_limits(kind):
        value = body.get(name)
        if value is None:
            continue
        if not _is_int(value):
            return _wrong_type(name, "an integer", value)
        if value < 1:
            return Problem(f"Invalid '{name}': integer below minimum value. Expected a value "
                           f">= 1, but got {value} instead.", name, "integer_below_min_value")
    return None
