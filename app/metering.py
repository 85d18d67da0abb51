"""Counting tokens: usage reported by upstreams, and estimates when none is reported.

Estimates serve two purposes: sizing a reservation before a request is forwarded (must not be
too low), and billing a request whose stream broke before the upstream sent usage (must be
defensible). They are deliberately simple and slightly generous.
"""

from dataclasses import dataclass
from typing import Any

# The fields of an answer's message (or stream delta) whose text is billed as completion.
COMPLETION_TEXT_FIELDS = ("content", "reasoning_content")
IMAGE_TOKENS = 1_500  # a high-detail image tile budget; images are priced per tile, not size
PER_MESSAGE_TOKENS = 4


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def parse_usage(usage: Any) -> Usage | None:
    """Read an upstream ``usage`` object in any provider's dialect.

    Cached prompt tokens come from ``prompt_tokens_details.cached_tokens`` (OpenAI, DashScope,
    Zhipu) or DeepSeek's ``prompt_cache_hit_tokens``, whichever is larger.
    """
    if not isinstance(usage, dict):
        return None
    prompt = _int(usage.get("prompt_tokens"))
    completion = _int(usage.get("completion_tokens"))
    details = usage.get("prompt_tokens_details")
    cached = _int(details.get("cached_tokens")) if isinstance(details, dict) else 0
    cached = max(cached, _int(usage.get("prompt_cache_hit_tokens")))
    if not prompt and not completion and _int(usage.get("total_tokens")):
        prompt = _int(usage.get("total_tokens"))  # embeddings report only totals sometimes
    return Usage(prompt, min(cached, prompt), completion)


def text_tokens(text: str) -> int:
    """Rough token count: a token per ~3 bytes of UTF-8, so ~3 ASCII characters per token and
    about one per CJK character (3 bytes). Counts in C, so a 1 GB stream stays cheap."""
    if not text:
        return 0
    return (len(text.encode("utf-8", "surrogatepass")) + 2) // 3


MAX_DEPTH = 32


def _content_tokens(content: Any, depth: int = 0) -> int:
    if depth > MAX_DEPTH:  # absurdly nested input: stop counting rather than recurse
        return 0
    depth += 1
    if isinstance(content, str):
        return text_tokens(content)
    if isinstance(content, list):
        total = 0
        for part in content:
            if isinstance(part, dict):
                kind = part.get("type")
                if kind in ("image_url", "input_image", "image"):
                    total += IMAGE_TOKENS
                elif kind in ("input_audio", "file"):
                    total += IMAGE_TOKENS
                else:
                    total += _content_tokens(part.get("text"), depth)
            else:
                total += _content_tokens(part, depth)
        return total
    if isinstance(content, dict):
        return sum(_content_tokens(v, depth) for v in content.values())
    if content is None:
        return 0
    return text_tokens(str(content))


def estimate_prompt_tokens(body: dict[str, Any]) -> int:
    """Estimate the prompt tokens of a chat or embeddings request body."""
    total = 0
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in messages:
            total += PER_MESSAGE_TOKENS
            if isinstance(message, dict):
                total += _content_tokens(message.get("content"))
                total += _content_tokens(message.get("tool_calls"))
    for field in ("tools", "functions", "input", "prompt", "response_format"):
        if field in body:
            total += _content_tokens(body[field])
    return max(total, 1)


def requested_max_tokens(body: dict[str, Any]) -> int | None:
    for field in ("max_completion_tokens", "max_tokens"):
        value = body.get(field)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None
