"""Responses tools and tool choice -> Chat Completions ones, and tool calls back.

Function tools map one to one. Custom tools (free-form input, optionally constrained by a
grammar: Codex CLI declares ``apply_patch`` this way for some models) become a function taking
one string ``input``, with the grammar in its description, so a chat model can call them; its
calls go back to the client as ``custom_tool_call`` items, which is what the client declared.
Hosted tools (web_search, file_search, local_shell, computer use, ...) are dropped: no chat
model runs them, and a client offering several tools still works without them.
"""

import json
from typing import Any

from relay.protocols.common import ProtocolError

CUSTOM_INPUT = "input"


def _name(tool: dict[str, Any], at: str) -> str:
    name = tool.get("name")
    if not isinstance(name, str) or not name:
        raise ProtocolError(f"Missing required parameter: '{at}.name'.", f"{at}.name")
    return name


def _function_tool(tool: dict[str, Any], at: str) -> dict[str, Any]:
    function: dict[str, Any] = {"name": _name(tool, at)}
    if isinstance(tool.get("description"), str):
        function["description"] = tool["description"]
    parameters = tool.get("parameters")
    if parameters is not None:
        if not isinstance(parameters, dict):
            raise ProtocolError(f"Invalid type for '{at}.parameters': expected an object.",
                                f"{at}.parameters")
        function["parameters"] = parameters
    if isinstance(tool.get("strict"), bool):
        function["strict"] = tool["strict"]
    return {"type": "function", "function": function}


def _custom_tool(tool: dict[str, Any], at: str) -> dict[str, Any]:
    given = tool.get("description")
    description = given if isinstance(given, str) else ""
    fmt = tool.get("format")
    if isinstance(fmt, dict) and fmt.get("type") == "grammar":
        syntax, definition = fmt.get("syntax"), fmt.get("definition")
        if isinstance(definition, str):
            description = (f"{description}\n\nThe `{CUSTOM_INPUT}` string must follow this "
                           f"{syntax if isinstance(syntax, str) else ''} grammar:\n{definition}")
    parameters = {
        "type": "object",
        "properties": {CUSTOM_INPUT: {"type": "string", "description": "The raw input."}},
        "required": [CUSTOM_INPUT],
        "additionalProperties": False,
    }
    function = {"name": _name(tool, at), "description": description.strip(),
                "parameters": parameters}
    return {"type": "function", "function": function}


def chat_tools(tools: Any) -> list[dict[str, Any]]:
    """The chat ``tools`` for a Responses ``tools`` list (hosted tools dropped)."""
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise ProtocolError("Invalid type for 'tools': expected an array.", "tools")
    result = []
    for i, tool in enumerate(tools):
        at = f"tools[{i}]"
        if not isinstance(tool, dict):
            raise ProtocolError(f"Invalid type for '{at}': expected an object.", at)
        if tool.get("type") == "function":
            result.append(_function_tool(tool, at))
        elif tool.get("type") == "custom":
            result.append(_custom_tool(tool, at))
    return result


def custom_tool_names(request: dict[str, Any]) -> frozenset[str]:
    """Names of the custom tools a request declared: their calls go back as custom calls."""
    tools = request.get("tools")
    if not isinstance(tools, list):
        return frozenset()
    return frozenset(t["name"] for t in tools if isinstance(t, dict)
                     and t.get("type") == "custom" and isinstance(t.get("name"), str))


def chat_tool_choice(choice: Any, tools: list[dict[str, Any]]) -> Any:
    """The chat ``tool_choice``; ``None`` when nothing should be sent."""
    if choice is None:
        return None
    if choice in ("auto", "none", "required"):
        return choice if tools else None
    if isinstance(choice, dict):
        kind = choice.get("type")
        if kind in ("function", "custom"):
            name = _name(choice, "tool_choice")
            if not any(t["function"]["name"] == name for t in tools):
                raise ProtocolError(f"Tool choice '{name}' not found in 'tools' parameter.",
                                    "tool_choice")
            return {"type": "function", "function": {"name": name}}
        if kind == "allowed_tools":
            # Chat has no allow-list: keep the mode, all declared tools stay callable.
            mode = choice.get("mode")
            return ("required" if mode == "required" else "auto") if tools else None
        raise ProtocolError(
            f"Tool choice of type {kind!r} is not supported: this relay runs no hosted tools.",
            "tool_choice")
    raise ProtocolError("Invalid value for 'tool_choice'.", "tool_choice")


def custom_input(arguments: str) -> str:
    """A custom tool's raw input from the arguments a chat model wrote for its function."""
    try:
        parsed = json.loads(arguments)
    except ValueError:
        return arguments  # the model ignored the schema: pass what it wrote on untouched
    if isinstance(parsed, dict) and isinstance(parsed.get(CUSTOM_INPUT), str):
        return str(parsed[CUSTOM_INPUT])
    return arguments


def call_item(item_id: str, call_id: str, name: str, arguments: str, custom: bool,
              status: str = "completed") -> dict[str, Any]:
    """A Responses output item for one chat tool call."""
    if custom:
        return {"type": "custom_tool_call", "id": item_id, "call_id": call_id, "name": name,
                "input": custom_input(arguments), "status": status}
    return {"type": "function_call", "id": item_id, "call_id": call_id, "name": name,
            "arguments": arguments, "status": status}
