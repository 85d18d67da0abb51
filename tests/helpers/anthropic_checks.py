"""What Anthropic's Messages API refuses with a 400 ``invalid_request_error``, so a relay that
translates or forwards a malformed request is caught by the fake (fake_anthropic.py).

The checks follow the public API reference: ``model``; ``max_tokens`` (messages only) a positive
integer; ``messages`` a non-empty array of user/assistant turns; content a string or known blocks
with their required fields; ``tool_use`` only from the assistant, ``tool_result`` only from the
user, and each ``tool_use`` answered by a ``tool_result`` in the next turn (and no result without
its call). Claude Code's own requests must pass: ``role: "system"`` turns are accepted when a
``mid-conversation-…`` beta is on (Claude Code sends one with such turns). Wording is approx.
"""

from __future__ import annotations

from typing import Any

BLOCKS = frozenset({
    "text", "image", "document", "search_result", "tool_use", "tool_result", "thinking",
    "redacted_thinking", "server_tool_use", "web_search_tool_result", "container_upload",
})
ASSISTANT_ONLY = frozenset({"tool_use", "thinking", "redacted_thinking", "server_tool_use"})
TOOL_CHOICES = frozenset({"auto", "any", "tool", "none"})
THINKING = frozenset({"enabled", "disabled", "adaptive"})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_request(body: Any, beta: str, *, counting: bool = False) -> str | None:
    """The first problem the API would name for this parsed body (``None``: accepted).

    ``beta`` is the request's anthropic-beta header; ``counting`` is the count_tokens route,
    which takes no ``max_tokens`` and no ``stream``.
    """
    if not isinstance(body, dict):
        return "Input should be a valid dictionary or object to extract fields from"
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return "model: Field required" if model is None else "model: Input should be a string"
    if not counting:
        limit = body.get("max_tokens")
        if limit is None:
            return "max_tokens: Field required"
        if not _is_int(limit) or limit < 1:
            return "max_tokens: Input should be a valid positive integer"
        if "stream" in body and not isinstance(body["stream"], bool):
            return "stream: Input should be a valid boolean"
    return (_check_system(body.get("system")) or _check_messages(body.get("messages"), beta)
            or _check_tools(body) or _check_thinking(body))


def _check_system(system: Any) -> str | None:
    if system is None or isinstance(system, str):
        return None
    if not isinstance(system, list):
        return "system: Input should be a valid string or list of text blocks"
    for i, block in enumerate(system):
        if not isinstance(block, dict) or block.get("type") != "text":
            return f"system.{i}.type: Input should be 'text'"
        if not isinstance(block.get("text"), str):
            return f"system.{i}.text: Field required"
    return None


def _check_messages(messages: Any, beta: str) -> str | None:
    if messages is None:
        return "messages: Field required"
    if not isinstance(messages, list):
        return "messages: Input should be a valid list"
    if not messages:
        return "messages: at least one message is required"
    # Claude Code sends system turns with a mid-conversation-* beta (its name changes by version)
    roles = ("user", "assistant", "system") if "mid-conversation-" in beta else (
        "user", "assistant")
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            return f"messages.{i}: Input should be a valid dictionary"
        role = message.get("role")
        if role not in roles:
            return f"messages.{i}.role: Input should be " + " or ".join(f"'{r}'" for r in roles)
        problem = _check_content(i, str(role), message.get("content"))
        if problem is not None:
            return problem
    return _check_pairing(messages)


def _check_content(i: int, role: str, content: Any) -> str | None:
    where = f"messages.{i}.content"
    if isinstance(content, str):
        return None
    if not isinstance(content, list):
        return f"{where}: Input should be a valid string or list of content blocks"
    for j, block in enumerate(content):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCKS:
            return f"{where}.{j}.type: Input tag '{kind}' does not match any expected tag"
        assert isinstance(block, dict)
        if role == "system" and kind != "text":
            return f"{where}.{j}: a system turn holds text blocks only"
        if kind in ASSISTANT_ONLY and role != "assistant":
            return f"{where}.{j}: `{kind}` blocks are only allowed in assistant messages"
        if kind == "tool_result" and role != "user":
            return f"{where}.{j}: `tool_result` blocks are only allowed in user messages"
        problem = _check_block(f"{where}.{j}", kind, block)
        if problem is not None:
            return problem
    return None


def _check_block(where: str, kind: str, block: dict[str, Any]) -> str | None:
    if kind == "text" and not isinstance(block.get("text"), str):
        return f"{where}.text: Field required"
    if kind == "image" and not isinstance(block.get("source"), dict):
        return f"{where}.source: Field required"
    if kind == "tool_use":
        for name in ("id", "name"):
            if not isinstance(block.get(name), str) or not block[name]:
                return f"{where}.{name}: Field required"
        if not isinstance(block.get("input"), dict):
            return f"{where}.input: Input should be a valid dictionary"
    if kind == "tool_result":
        if not isinstance(block.get("tool_use_id"), str):
            return f"{where}.tool_use_id: Field required"
        content = block.get("content")
        if content is not None and not isinstance(content, (str, list)):
            return f"{where}.content: Input should be a valid string or list"
    if kind == "thinking" and not isinstance(block.get("thinking"), str):
        return f"{where}.thinking: Field required"
    return None


def _ids(message: dict[str, Any], kind: str, key: str) -> list[str]:
    content = message.get("content")
    if not isinstance(content, list):
        return []
    return [b[key] for b in content if b.get("type") == kind]


def _check_pairing(messages: list[dict[str, Any]]) -> str | None:
    """Each tool_use answered in the next user turn; each tool_result names the previous turn's
    tool_use. Mid-conversation system turns are skipped: they sit between turns."""
    turns = [(i, m) for i, m in enumerate(messages) if m.get("role") != "system"]
    for pos, (i, message) in enumerate(turns):
        previous = turns[pos - 1][1] if pos > 0 else None
        calls = set(_ids(previous, "tool_use", "id")) if previous is not None and previous.get(
            "role") == "assistant" else set()
        results = _ids(message, "tool_result", "tool_use_id")
        stray = [r for r in results if r not in calls]
        if stray:
            return (f"messages.{i}.content: unexpected `tool_use_id` found in `tool_result` "
                    f"blocks: {stray[0]}. Each `tool_result` block must have a corresponding "
                    f"`tool_use` block in the previous message.")
        if calls and set(results) != calls:
            missing = sorted(calls - set(results))
            return (f"messages.{i}: `tool_use` ids were found without `tool_result` blocks "
                    f"immediately after: {', '.join(missing)}. Each `tool_use` block must have "
                    f"a corresponding `tool_result` block in the next message.")
    return None


def _check_tools(body: dict[str, Any]) -> str | None:
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            return "tools: Input should be a valid list"
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
                return f"tools.{i}.name: Field required"
            custom = tool.get("type") in (None, "custom")
            if custom and not isinstance(tool.get("input_schema"), dict):
                return f"tools.{i}.input_schema: Field required"
    choice = body.get("tool_choice")
    if choice is not None:
        if not isinstance(choice, dict) or choice.get("type") not in TOOL_CHOICES:
            return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"
        if choice["type"] == "tool" and not isinstance(choice.get("name"), str):
            return "tool_choice.name: Field required"
    return None


def _check_thinking(body: dict[str, Any]) -> str | None:
    thinking = body.get("thinking")
    if thinking is None:
        return None
    if not isinstance(thinking, dict) or thinking.get("type") not in THINKING:
        return "thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'"
    if thinking["type"] == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or isinstance(budget, bool) or budget < 1024:
            return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
        limit = body.get("max_tokens")
        if isinstance(limit, int) and budget >= limit:
            return "`max_tokens` must be greater than `thinking.budget_tokens`"
    return None
