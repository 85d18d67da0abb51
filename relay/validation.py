"""Request-body checks shared by the endpoints: reject only what an upstream would certainly
reject, name the parameter the way OpenAI does (``messages.[0].role``), and let every other
field through untouched (providers add their own)."""

import math
from typing import Any

from relay import errors

MAX_DEPTH = 200  # nesting a real request never reaches; deeper JSON could exhaust the C stack
MAX_TOKENS = 2**31 - 1  # beyond any model's limit; bounds the reservation arithmetic
MAX_CHOICES = 128  # OpenAI's own limit on n; bounds the reservation arithmetic too
NUMBERS = ("temperature", "top_p", "presence_penalty", "frequency_penalty")


def _type_error(param: str, expected: str) -> errors.RelayError:
    return errors.bad_request(f"Invalid type for '{param}': expected {expected}.",
                              param=param, code="invalid_type")


def _missing(param: str) -> errors.RelayError:
    return errors.bad_request(f"Missing required parameter: '{param}'.", param=param,
                              code="missing_required_parameter")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_structure(body: Any) -> None:
    """No nesting deeper than ``MAX_DEPTH`` and no NaN/Infinity anywhere (not JSON; json.loads
    accepts them). Iterative, so the check itself cannot recurse too deep."""
    stack: list[tuple[Any, str, int]] = [(body, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise errors.bad_request(f"Invalid value for '{path}': numbers must be finite.",
                                     param=path or None, code="invalid_value")
        if isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise errors.bad_request(f"The JSON body is nested more than {MAX_DEPTH} levels "
                                         f"deep.", code="invalid_json")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(item, (dict, list, float)):
                    name = f"[{key}]" if isinstance(key, int) else key
                    stack.append((item, f"{path}.{name}" if path else name, depth + 1))


def check_model_text(model: str) -> None:
    """A model name the request log can store (no control characters or lone surrogates)."""
    if any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in model):
        raise errors.bad_request("model must not contain control characters", param="model",
                                 code="invalid_value")


def check_messages(messages: list[Any]) -> None:
    for i, message in enumerate(messages):
        where = f"messages.[{i}]"
        if not isinstance(message, dict):
            raise _type_error(where, "an object")
        if "role" not in message:
            raise _missing(f"{where}.role")
        if not isinstance(message["role"], str):
            raise _type_error(f"{where}.role", "a string")
        content = message.get("content")
        if content is None or isinstance(content, str):
            continue  # null is legal with tool_calls; the upstream judges the rest
        if not isinstance(content, list):
            raise _type_error(f"{where}.content", "a string or an array of content parts")
        for j, part in enumerate(content):
            if not isinstance(part, dict):
                raise _type_error(f"{where}.content.[{j}]", "an object")


def check_chat_numbers(body: dict[str, Any]) -> None:
    for name in NUMBERS:
        value = body.get(name)
        if value is not None and not is_number(value):
            raise _type_error(name, "a number")
    n = body.get("n")
    if n is not None and (not is_int(n) or n < 1):
        raise errors.bad_request("n must be a positive integer", param="n", code="invalid_type")
    if n is not None and n > MAX_CHOICES:
        raise errors.bad_request(f"{n} is greater than the maximum of {MAX_CHOICES} - 'n'",
                                 param="n", code="invalid_value")
    for field in ("max_tokens", "max_completion_tokens"):
        value = body.get(field)
        if value is not None and (not is_int(value) or value < 1):
            raise errors.bad_request(f"{field} must be a positive integer", param=field,
                                     code="invalid_type")
        if value is not None and value > MAX_TOKENS:
            raise errors.bad_request(f"{field} is too large: {value}.", param=field,
                                     code="invalid_value")


def check_embedding_input(value: Any) -> None:
    """A string, a non-empty array of strings or token ids, or an array of token arrays."""
    if isinstance(value, str):
        return
    if not isinstance(value, list) or not value:
        raise errors.bad_request("input must be a string or a non-empty array", param="input",
                                 code="invalid_type")
    for item in value:
        if isinstance(item, str) or is_int(item):
            continue
        if isinstance(item, list) and all(is_int(t) for t in item):
            continue
        raise errors.bad_request("input must be a string, an array of strings, an array of "
                                 "token ids or an array of token arrays", param="input",
                                 code="invalid_type")
