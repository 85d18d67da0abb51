"""What OpenAI's Responses API refuses with a 400, so a relay that forwards a malformed
``POST /v1/responses`` is caught by the fake (fake_responses.py).

The checks follow the public API reference: a ``model``; ``input`` a string or an array of known
items (messages with a known role and content parts, function calls with their ``call_id``,
``name`` and string ``arguments``, function call outputs that answer an earlier call in the same
input); function tools with a ``name``; ``max_output_tokens`` at least 16; no
``previous_response_id`` (this fake stores nothing, so any id is unknown to it). Codex CLI's own
requests must pass. Problems are worded as OpenAI words them (upstream_checks.Problem).
"""

from __future__ import annotations

from typing import Any

from tests.helpers.upstream_checks import Problem

ROLES = ("user", "assistant", "system", "developer")
PARTS = frozenset({"input_text", "input_image", "input_file", "input_audio", "output_text",
                   "refusal", "summary_text", "reasoning_text"})
ITEMS = frozenset({
    "message", "function_call", "function_call_output", "reasoning", "item_reference",
    "custom_tool_call", "custom_tool_call_output", "local_shell_call", "local_shell_call_output",
    "web_search_call", "file_search_call", "computer_call", "computer_call_output",
    "image_generation_call", "code_interpreter_call", "mcp_call", "mcp_list_tools",
    "mcp_approval_request", "mcp_approval_response", "compaction", "tool_search_call",
    "tool_search_output",
})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _invalid(param: str, message: str, code: str = "invalid_value") -> Problem:
    return Problem(message, param, code)


def check_request(body: Any) -> Problem | None:
    """The first problem the API would name for this parsed body (``None``: accepted)."""
    if not isinstance(body, dict):
        return Problem("Invalid type for body: expected an object.", None, "invalid_type")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return Problem("Missing required parameter: 'model'.", "model",
                       "missing_required_parameter")
    previous = body.get("previous_response_id")
    if previous is not None:
        return _invalid("previous_response_id",
                        f"Previous response with id '{previous}' not found.",
                        "previous_response_not_found")
    if "stream" in body and not isinstance(body["stream"], bool):
        return _invalid("stream", "Invalid type for 'stream': expected a boolean.",
                        "invalid_type")
    limit = body.get("max_output_tokens")
    if limit is not None and (not _is_int(limit) or limit < 16):
        return _invalid("max_output_tokens",
                        f"Invalid 'max_output_tokens': integer below minimum value. Expected a "
                        f"value >= 16, but got {limit} instead.", "integer_below_min_value")
    return _check_input(body.get("input")) or _check_tools(body.get("tools"))


def _check_input(value: Any) -> Problem | None:
    if value is None:
        return Problem("Missing required parameter: 'input'.", "input",
                       "missing_required_parameter")
    if isinstance(value, str):
        return None
    if not isinstance(value, list):
        return _invalid("input", "Invalid type for 'input': expected a string or an array.",
                        "invalid_type")
    calls: set[str] = set()
    for i, item in enumerate(value):
        where = f"input[{i}]"
        if not isinstance(item, dict):
            return _invalid(where, f"Invalid type for '{where}': expected an object.",
                            "invalid_type")
        kind = item.get("type", "message" if "role" in item else None)
        if kind not in ITEMS:
            return _invalid(f"{where}.type", f"Invalid value: '{kind}'.")
        problem = _check_item(where, kind, item, calls)
        if problem is not None:
            return problem
    return None


def _check_item(where: str, kind: str, item: dict[str, Any], calls: set[str]) -> Problem | None:
    if kind == "message":
        return _check_message(where, item)
    if kind in ("function_call", "custom_tool_call"):
        for name in ("call_id", "name"):
            if not isinstance(item.get(name), str) or not item[name]:
                return Problem(f"Missing required parameter: '{where}.{name}'.",
                               f"{where}.{name}", "missing_required_parameter")
        field = "arguments" if kind == "function_call" else "input"
        if not isinstance(item.get(field), str):
            return _invalid(f"{where}.{field}",
                            f"Invalid type for '{where}.{field}': expected a string.",
                            "invalid_type")
        calls.add(item["call_id"])
    if kind in ("function_call_output", "custom_tool_call_output"):
        call_id = item.get("call_id")
        if call_id not in calls:
            return _invalid(where, f"No tool call found for function call output with call_id "
                                   f"{call_id}.")
        output = item.get("output")
        if not isinstance(output, (str, list)):
            return _invalid(f"{where}.output",
                            f"Invalid type for '{where}.output': expected a string or an array.",
                            "invalid_type")
    return None


def _check_message(where: str, item: dict[str, Any]) -> Problem | None:
    role = item.get("role")
    if role not in ROLES:
        return _invalid(f"{where}.role", f"Invalid value: '{role}'. Supported values are: "
                                         f"'assistant', 'system', 'developer', and 'user'.")
    content = item.get("content")
    if isinstance(content, str):
        return None
    if not isinstance(content, list):
        return _invalid(f"{where}.content",
                        f"Invalid type for '{where}.content': expected a string or an array.",
                        "invalid_type")
    for j, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind not in PARTS:
            return _invalid(f"{where}.content[{j}].type", f"Invalid value: '{kind}'.")
        assert isinstance(part, dict)
        if kind in ("input_text", "output_text") and not isinstance(part.get("text"), str):
            return Problem(f"Missing required parameter: '{where}.content[{j}].text'.",
                           f"{where}.content[{j}].text", "missing_required_parameter")
    return None


def _check_tools(tools: Any) -> Problem | None:
    if tools is None:
        return None
    if not isinstance(tools, list):
        return _invalid("tools", "Invalid type for 'tools': expected an array.", "invalid_type")
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("type"), str):
            return Problem(f"Missing required parameter: 'tools[{i}].type'.", f"tools[{i}].type",
                           "missing_required_parameter")
        if tool["type"] == "function" and not isinstance(tool.get("name"), str):
            return Problem(f"Missing required parameter: 'tools[{i}].name'.", f"tools[{i}].name",
                           "missing_required_parameter")
    return None
