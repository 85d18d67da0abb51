"""Talking to providers: the request we send, and what their error answers mean.

Providers disagree on errors (see tests/helpers/fake_upstream.py): DeepSeek says "out of
balance" with 402, Zhipu with 429 code 1113, DashScope with 400 ``Arrearage``. Account and
availability problems are the operator's: fail over and tell the client a neutral 503. Problems
with the client's own request are passed back as 400 in OpenAI shape.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from app import __version__
from app.metering import requested_max_tokens
from relay import errors
from relay.pool import Upstream

USER_AGENT = f"RelayDesk/{__version__}"
MAX_ERROR_BODY = 64 * 1024
# Kinds whose streaming API accepts stream_options.include_usage (Zhipu sends usage anyway).
INCLUDE_USAGE_KINDS = {"openai", "deepseek", "dashscope"}


_FORBIDDEN_IN_HEADERS = str.maketrans("", "", "\r\n\0")


def headers(up: Upstream, *, stream: bool) -> dict[str, str]:
    """The headers of a provider call: the operator's extra headers, then ours (the key, and
    uncompressed answers: compression would buffer a stream and costs CPU both ends on a LAN).
    ``ValueError`` for a value that would break out of its line (a key pasted with a newline)."""
    return _headers(up.api_key, _is_azure(up), stream, tuple(up.extra_headers.items()))


# Azure OpenAI takes its API keys in an ``api-key`` header (Bearer is for Entra ID tokens).
AZURE_HOST_SUFFIXES = (".openai.azure.com", ".services.ai.azure.com",
                       ".cognitiveservices.azure.com")


def _is_azure(up: Upstream) -> bool:
    return up.kind == "openai" and _host(up.base_url).endswith(AZURE_HOST_SUFFIXES)


@lru_cache(maxsize=256)
def _host(base_url: str) -> str:
    return (urlsplit(base_url).hostname or "").lower()


@lru_cache(maxsize=256)
def _headers(api_key: str | None, azure: bool, stream: bool,
             extra: tuple[tuple[str, str], ...]) -> dict[str, str]:
    result = dict(extra)
    result.update({"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "Accept": "text/event-stream" if stream else "application/json",
                   "Accept-Encoding": "identity"})
    if api_key and azure:
        result["api-key"] = api_key
    elif api_key:
        result["Authorization"] = f"Bearer {api_key}"
    for name, value in result.items():
        if value.translate(_FORBIDDEN_IN_HEADERS) != value:
            raise ValueError(f"the {name} header contains a line break")
    return result


MAX_TOKENS_FIELDS = ("max_completion_tokens", "max_tokens")


# Hosts of OpenAI's own API, whose reasoning models refuse ``max_tokens``.
OPENAI_HOSTS = ("api.openai.com", ".openai.azure.com")


def reads_completion_limit_from(up: Upstream) -> tuple[str, ...]:
    """The completion-limit fields a provider reads, the one to send first: OpenAI's own API
    takes ``max_completion_tokens`` (and ``max_tokens`` from older models); DeepSeek, Zhipu,
    DashScope and the OpenAI-compatible servers an "openai" kind usually points at (vLLM,
    Ollama, LM Studio…) document ``max_tokens``."""
    host = _host(up.base_url)
    if up.kind == "openai" and (host == OPENAI_HOSTS[0] or host.endswith(OPENAI_HOSTS[1])):
        return MAX_TOKENS_FIELDS
    return ("max_tokens",)


def chat_body(body: dict[str, Any], up: Upstream, model: str, *, stream: bool,
              max_tokens: int | None = None) -> tuple[dict[str, Any] | None,
                                                      dict[str, Any], bool]:
    """What to send upstream: ``(payload, members, injected)``.

    ``payload`` ``None`` means the client's own bytes go, with ``members`` (absent from the
    body) spliced in front by :func:`with_members` — no re-encoding of a body that may carry
    megabytes of images; otherwise ``payload`` is the whole body to encode. ``max_tokens``: the
    completion limit the relay chose (the model's cap, or the client's own lowered to what the
    balance affords). ``injected``: we asked for usage the client did not, so the usage-only
    chunk must not reach the client.
    """
    upstream_model = up.upstream_model(model)
    options = body.get("stream_options")
    wants_usage = stream and up.kind in INCLUDE_USAGE_KINDS and not (
        isinstance(options, dict) and options.get("include_usage") is True)
    members: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    if upstream_model != model:
        changed["model"] = upstream_model
    limit = max_tokens if max_tokens is not None else requested_max_tokens(body)
    if limit is not None:  # the limit the hold was sized for, in a field this provider reads
        for field in MAX_TOKENS_FIELDS:
            if field in body and body[field] != limit:
                changed[field] = limit
        reads = reads_completion_limit_from(up)
        if not any(field in body for field in reads):
            members[reads[0]] = limit
    if wants_usage:
        if "stream_options" in body:
            changed["stream_options"] = dict(options or {}, include_usage=True)
        else:
            members["stream_options"] = {"include_usage": True}
    if not changed:
        return None, members, wants_usage
    return dict(body, **changed, **members), {}, wants_usage


def with_members(raw: bytes, members: dict[str, Any]) -> bytes | None:
    """A JSON object body with ``members`` (none of which it has) added in front; ``None`` for a
    body in UTF-16/32 (JSON allows them), which must be re-encoded instead.

    ``raw`` has been parsed as an object with at least ``model``, so its first non-blank byte is
    ``{`` (after a possible BOM) and a member follows: the comma is right.
    """
    if b"\x00" in raw[:4]:
        return None
    head = json.dumps(members, separators=(",", ":"))[:-1].encode()
    return head + b"," + raw[raw.index(b"{") + 1:]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with a failed upstream answer."""

    failover: bool
    reason: str  # for the operator's log and provider health, never sent to clients
    client_error: errors.RelayError | None = None
    rate_limited: bool = False
    lasting: bool = False  # the operator must fix it (key, balance, model, address): no retry


def _error_fields(raw: bytes) -> tuple[str, str, str, str | None]:
    """(message, code, type, param) from any provider's error body."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return raw[:200].decode("utf-8", "replace"), "", "", None
    err = data.get("error") if isinstance(data, dict) else None
    if not isinstance(err, dict):
        err = data if isinstance(data, dict) else {}
    param = err.get("param")
    return (str(err.get("message") or "")[:2000], str(err.get("code") or ""),
            str(err.get("type") or ""), param[:200] if isinstance(param, str) else None)


def error_message(raw: bytes) -> str:
    """The provider's own words from an error answer, for the operator."""
    return _error_fields(raw)[0]


def _names_missing_model(message: str) -> bool:
    # DeepSeek answers an unknown model with 400 "Model Not Exist" and generic codes.
    text = message.lower()
    return "model not exist" in text or ("model" in text and "does not exist" in text)


def classify(status: int, raw: bytes, *, location: str | None = None) -> Verdict:
    message, code, type_, param = _error_fields(raw)
    summary = f"HTTP {status} {code or type_}".strip()
    if 300 <= status < 400:  # not followed: the operator should use the new address
        return Verdict(True, f"HTTP {status}: the provider redirects to {location or '?'}; "
                             f"set that as its base URL", lasting=True)
    if status == 407:
        return Verdict(True, "HTTP 407: the provider's proxy wants other credentials",
                       lasting=True)
    if status in (401, 403):
        return Verdict(True, f"{summary}: provider rejected its API key", lasting=True)
    if (status == 402 or code in ("1113", "insufficient_quota")
            or "Arrearage" in (code, type_) or type_ == "insufficient_quota"):
        return Verdict(True, f"{summary}: provider account out of balance", lasting=True)
    if status == 404 or code in ("1211", "model_not_found") or _names_missing_model(message):
        return Verdict(True, f"{summary}: provider does not serve the model", lasting=True)
    if status == 429:
        return Verdict(True, f"{summary}: provider rate limit", rate_limited=True)
    if status >= 500 or status in (408, 409):
        return Verdict(True, f"{summary}: provider error")
    if status == 413:
        return Verdict(False, summary, errors.RelayError(
            413, message or "Request too large for the upstream model.",
            code=code or "request_too_large", param=param))
    # 400, 422 and the rest: the client's request itself is wrong; retrying cannot help. The
    # provider's own param and code go on as OpenAI would send them (a numeric code is a
    # provider's private numbering: the client gets none rather than a meaningless one).
    return Verdict(False, summary, errors.RelayError(
        400, message or "The upstream provider rejected the request.",
        type_=type_ if type_ and not type_.isdigit() else "invalid_request_error",
        code=code if code and not code.isdigit() else None, param=param))
