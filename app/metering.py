"""Counting tokens: usage reported by upstreams, an upper bound to hold before forwarding, and
estimates when no usable usage is reported.

Two different numbers, for two purposes:

- :func:`prompt_upper_bound` sizes a request's hold. It must never be below what any provider
  could bill: one token per UTF-8 byte (a byte-level tokenizer's worst case; no BPE token is
  shorter than a byte), token-id arrays by their length, a fixed maximum per image, audio or
  file part, plus per-message and per-tool overhead.
- :func:`estimate_prompt_tokens` / :func:`text_tokens` bill a request whose upstream reported no
  usable usage (a broken stream, garbage numbers). They must be defensible, so they are close
  to real tokenizers (~3 bytes a token) and marked as estimates in the log.
"""

import json
from dataclasses import dataclass
from typing import Any

# The fields of an answer's message (or stream delta) whose text is billed as completion.
COMPLETION_TEXT_FIELDS = ("content", "reasoning_content", "reasoning", "refusal")
# ...and the structured ones, billed as the JSON the model wrote (tool and function calls).
CALL_FIELDS = ("tool_calls", "function_call")
IMAGE_TOKENS = 1_500  # a high-detail image tile budget; images are priced per tile, not size
PER_MESSAGE_TOKENS = 4
# Upper-bound overheads: the chat template's tokens around each message, each tool definition,
# and the reply's priming. Generous next to OpenAI's published 3 / ~8 / 3.
BOUND_PER_MESSAGE = 8
BOUND_PER_TOOL = 16
BOUND_REPLY = 8
# The most one image, audio or file part is held for (a many-tile image on a vision model); a
# provider reporting more is written off, not charged beyond the hold.
MEDIA_TOKENS_MAX = 16_384
MEDIA_PARTS = ("image_url", "input_image", "image", "input_audio", "file", "input_file",
               "video_url", "video", "input_video")
# More tokens than any model's context window: a reported count above it is nonsense.
MAX_REPORTED_TOKENS = 100_000_000


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0


class _Nonsense(ValueError):
    """A reported count that is negative, not an integer, or beyond any context window."""


def _count(value: Any) -> int:
    """A reported token count; absent (``None``) is 0, anything but a sane integer is refused."""
    if value is None:
        return 0
    if (not isinstance(value, int) or isinstance(value, bool) or value < 0
            or value > MAX_REPORTED_TOKENS):
        raise _Nonsense(value)
    return value


def parse_usage(usage: Any) -> Usage | None:
    """Read an upstream ``usage`` object in any provider's dialect; ``None`` when there is none
    or when any count in it is nonsense (negative, fractional, a string, absurdly large): such a
    request is billed from the relay's estimate and marked estimated, never billed as 0.

    Cached prompt tokens come from ``prompt_tokens_details.cached_tokens`` (OpenAI, DashScope,
    Zhipu) or DeepSeek's ``prompt_cache_hit_tokens``, whichever is larger.
    """
    if not isinstance(usage, dict):
        return None
    details = usage.get("prompt_tokens_details")
    try:
        prompt = _count(usage.get("prompt_tokens"))
        completion = _count(usage.get("completion_tokens"))
        total = _count(usage.get("total_tokens"))
        cached = _count(details.get("cached_tokens")) if isinstance(details, dict) else 0
        cached = max(cached, _count(usage.get("prompt_cache_hit_tokens")))
    except _Nonsense:
        return None
    if not prompt and not completion and total:
        prompt = total  # embeddings report only totals sometimes
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
    for field in ("tools", "functions", "input", "prompt", "suffix", "response_format"):
        if field in body:
            total += _content_tokens(body[field])
    return max(total, 1)


def _byte_bound(value: Any, depth: int = 0) -> int:
    """Tokens a byte-level tokenizer could make of ``value`` rendered as compact JSON (tool
    schemas and tool calls reach the model that way, punctuation included): its UTF-8 bytes."""
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass")) + 2  # with its quotes
    if depth > 256:  # deeper than the relay accepts (relay/validation.py); count it as data
        return len(str(value).encode("utf-8", "surrogatepass"))
    if isinstance(value, list):
        return 1 + len(value) + sum(_byte_bound(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return 1 + sum(len(str(k).encode("utf-8", "surrogatepass")) + 4
                       + _byte_bound(v, depth + 1) for k, v in value.items())
    return len(json.dumps(value))


# Where a media part keeps the media itself (a URL, base64 data): not text the model reads.
MEDIA_DATA_KEYS = ("url", "data", "file_data", "image_url", "image", "video", "video_url",
                   "audio", "input_audio", "file", "input_file", "input_image")


def _part_bound(part: Any) -> int:
    """A message content part: a media part is held at :data:`MEDIA_TOKENS_MAX` per image, clip
    or file it carries (a video's frame list counts each frame) plus the bytes of everything
    else in it; any other part by its bytes."""
    if not isinstance(part, dict) or part.get("type") not in MEDIA_PARTS:
        return _byte_bound(part)
    media, rest = 0, {}
    for key, value in part.items():
        if key == "type" or key not in MEDIA_DATA_KEYS:
            rest[key] = value
            continue
        media += MEDIA_TOKENS_MAX * (len(value) if isinstance(value, list) and value else 1)
        if isinstance(value, dict):  # e.g. image_url: {url, detail}: the detail is text
            rest[key] = {k: v for k, v in value.items() if k not in MEDIA_DATA_KEYS}
    return max(media, MEDIA_TOKENS_MAX) + _byte_bound(rest)


def _message_bound(message: Any) -> int:
    if not isinstance(message, dict):
        return _byte_bound(message)
    total = 0
    for key, value in message.items():
        if key == "content" and isinstance(value, list):
            total += 1 + len(value) + sum(_part_bound(part) for part in value)
        else:
            total += _byte_bound(value)
        total += len(str(key).encode("utf-8", "surrogatepass")) + 4
    return total


def _input_bound(value: Any) -> int:
    """Embeddings ``input`` / completions ``prompt``: token-id arrays count one per id (they are
    tokens already); texts by their bytes."""
    if isinstance(value, list) and value and all(type(v) is int for v in value):
        return len(value)
    if isinstance(value, list):
        return sum(_input_bound(v) for v in value)
    return _byte_bound(value)


def prompt_upper_bound(body: dict[str, Any]) -> int:
    """The most prompt tokens any provider could bill for this chat or embeddings body."""
    total = 0
    messages = body.get("messages")
    if isinstance(messages, list):
        total += BOUND_REPLY + sum(BOUND_PER_MESSAGE + _message_bound(m) for m in messages)
    for field in ("tools", "functions"):
        tools = body.get(field)
        if isinstance(tools, list):
            total += BOUND_PER_TOOL * len(tools)
    for field in ("tools", "functions", "tool_choice", "response_format"):
        if body.get(field) is not None:
            total += _byte_bound(body[field])
    for field in ("input", "prompt", "suffix"):  # suffix: fill-in-the-middle's tail
        if body.get(field) is not None:
            total += _input_bound(body[field])
    return max(total, 1)


# Media blocks of the other dialects (Anthropic's image and document blocks).
DIALECT_MEDIA = (*MEDIA_PARTS, "document")
# Envelope overheads a dialect's request may imply beyond its bytes: one per item.
BOUND_PER_ITEM = BOUND_PER_MESSAGE + BOUND_PER_TOOL


def body_upper_bound(value: Any, depth: int = 0) -> int:
    """The most prompt tokens any provider could bill for a request body in any dialect (an
    Anthropic Messages or Responses request passed through as it is): every byte of it rendered
    as JSON, a media block (an object whose ``type`` names an image, clip, file or document) at
    :data:`MEDIA_TOKENS_MAX`, and per-item overheads on top. Coarser than
    :func:`prompt_upper_bound`, and still a bound whatever fields the dialect has."""
    if depth > 256:  # deeper than the relay accepts (relay/validation.py): count it as data
        return _byte_bound(value, depth)
    if isinstance(value, dict):
        total = BOUND_PER_ITEM
        if value.get("type") in DIALECT_MEDIA and not _text_source(value.get("source")):
            # The media itself at its cap; its title, context, detail... by their bytes.
            total += MEDIA_TOKENS_MAX
            value = {k: v for k, v in value.items()
                     if k != "source" and k not in MEDIA_DATA_KEYS}
        return total + sum(len(str(k).encode("utf-8", "surrogatepass")) + 4
                           + body_upper_bound(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return 1 + len(value) + sum(body_upper_bound(item, depth + 1) for item in value)
    return _byte_bound(value, depth)


def _count_of(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def completions_per_request(body: dict[str, Any]) -> int:
    """How many completions a provider may generate (and bill) for ``body``, each up to the
    completion limit: ``n`` choices — or legacy completions' ``best_of``, generated and billed
    whichever are returned — for each prompt of a batch (a list of texts or token lists)."""
    each = max(_count_of(body.get("n")), _count_of(body.get("best_of")))
    prompt = body.get("prompt")
    if isinstance(prompt, list) and prompt and all(isinstance(p, (str, list)) for p in prompt):
        return each * len(prompt)
    return each


def _text_source(source: Any) -> bool:
    """An Anthropic document whose source is text the model reads as tokens, not a file."""
    return isinstance(source, dict) and source.get("type") in ("text", "content")


def requested_max_tokens(body: dict[str, Any]) -> int | None:
    """The client's completion limit; the smaller when it names both (the relay then sends
    that one value in each, so no provider reads a larger one than was held for)."""
    values = [body[field] for field in ("max_completion_tokens", "max_tokens")
              if isinstance(body.get(field), int) and not isinstance(body[field], bool)
              and body[field] > 0]
    return min(values) if values else None
