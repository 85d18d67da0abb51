"""Responses tools and tool choice -> Chat Completions ones, and tool calls back.

Function tools map one to one. Custom tools (free-form input, optionally constrained by a
grammar: Codex CLI declares ``apply_patch`` this way for some models) become a function taking
one string ``input``, with the grammar in its description, so a chat model can call them; its
calls go back to the client as ``custom_tool_call`` items, which is what the client declared.
Namespace tools (function/custom tools grouped under a name) are flattened to
``<namespace>__<name>``, and calls to them go back with the namespace apart. Hosted tools
(web_search, file_search, local_shell, computer use, ...) are dropped: no chat model runs them,
and a client offering several tools still works without them.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from relay.protocols.common import ProtocolError

CUSTOM_INPUT = "input"
NAMESPACE_SEPARATOR = "__"  # chat function names allow only [a-zA-Z0-9_-]


@dataclass(frozen=True, slots=True)
class DeclaredTool:
    """A tool the client declared, as it knows it (a chat function name may qualify it)."""

    name: str
    namespace: str | None = None
    custom: bool = False


def chat_name(name: str, namespace: Any) -> str:
    """The chat function name for a (possibly namespaced) Responses tool or call."""
    if isinstance(namespace, str) and namespace:
        return f"{namespace}{NAMESPACE_SEPARATOR}{name}"
    return name


def _name(tool: dict[str, Any], at: str) -> str:
    name = tool.get("name")
    if not isinstance(name, str) or not name:
        raise ProtocolError(f"Missing required parameter: '{at}.name'.", f"{at}.name")
    return name


def _function_tool(tool: dict[str, Any], at: str, namespace: str | None) -> dict[str, Any]:
    function: dict[str, Any] = {"name": chat_name(_name(tool, at), namespace)}
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


def _custom_tool(tool: dict[str, Any], at: str, namespace: str | None) -> dict[str, Any]:
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
    function = {"name": chat_name(_name(tool, at), namespace), "description": description.strip(),
                "parameters": parameters}
    return {"type": "function", "function": function}


def chat_tools(tools: Any) -> list[dict[str, Any]]:
    """The chat ``tools`` for a Responses ``tools`` list (hosted tools dropped)."""
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise ProtocolError("Invalid type for 'tools': expected an array.", "tools")
    return _chat_tools(tools, "tools", None)


def _chat_tools(tools: list[Any], where: str, namespace: str | None) -> list[dict[str, Any]]:
    result = []
    for i, tool in enumerate(tools):
        at = f"{where}[{i}]"
        if not isinstance(tool, dict):
            raise ProtocolError(f"Invalid type for '{at}': expected an object.", at)
        kind = tool.get("type")
        if kind == "function":
            result.append(_function_tool(tool, at, namespace))
        elif kind == "custom":
            result.append(_custom_tool(tool, at, namespace))
        elif kind == "namespace" and namespace is None:
            inner = tool.get("tools")
            if not isinstance(inner, list):
                raise ProtocolError(f"Invalid type for '{at}.tools': expected an array.",
                                    f"{at}.tools")
            result.extend(_chat_tools(inner, f"{at}.tools", _name(tool, at)))
    return result


def declared_tools(request: Any) -> dict[str, DeclaredTool]:
    """The request's function and custom tools by chat function name: how calls go back."""
    tools = request.get("tools") if isinstance(request, dict) else None
    declared: dict[str, DeclaredTool] = {}
    for tool in tools if isinstance(tools, list) else []:
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            continue
        if tool.get("type") == "namespace" and isinstance(tool.get("tools"), list):
            for inner in tool["tools"]:
                if isinstance(inner, dict) and isinstance(inner.get("name"), str):
                    declared[chat_name(inner["name"], tool["name"])] = DeclaredTool(
                        inner["name"], tool["name"], inner.get("type") == "custom")
        elif tool.get("type") in ("function", "custom"):
            declared[tool["name"]] = DeclaredTool(tool["name"], None, tool["type"] == "custom")
    return declared


def chat_tool_choice(choice: Any, tools: list[dict[str, Any]]) -> Any:
    """The chat ``tool_choice``; ``None`` when nothing should be sent."""
    if choice is None:
        return None
    if choice in ("auto", "none", "required"):
        return choice if tools else None
    if isinstance(choice, dict):
        kind = choice.get("type")
        if kind in ("function", "custom"):
            name = chat_name(_name(choice, "tool_choice"), choice.get("namespace"))
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


def call_item(item_id: str, call_id: str, name: str, arguments: str,
              tools: Mapping[str, DeclaredTool], status: str = "completed") -> dict[str, Any]:
    """A Responses output item for one chat tool call to the function called ``name``."""
    tool = tools.get(name, DeclaredTool(name))
    item: dict[str, Any] = {"id": item_id, "call_id": call_id, "name": tool.name}
    if tool.namespace is not None:
        item["namespace"] = tool.namespace
    if tool.custom:
        return {"type": "custom_tool_call", **item, "input": custom_input(arguments),
                "status": status}
    return {"type": "function_call", **item, "arguments": arguments, "status": status}
