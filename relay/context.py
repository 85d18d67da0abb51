"""Everything the relay learns about one request, turned into its bill and its log row."""

import time
from dataclasses import dataclass, field
from typing import Any

from app import clock
from app.apikeys import KeyInfo
from app.groups import apply_multiplier
from app.metering import Usage
from app.pricing import Price, cost_micros


@dataclass(slots=True)
class RequestContext:
    request_id: str
    key: KeyInfo
    model: str
    stream: bool
    client_ip: str | None
    user_agent: str | None
    endpoint: str = "/v1/chat/completions"  # the route the client called, for the log
    price: Price | None = None
    prompt_estimate: int = 0
    # Prompt tokens no provider can bill more of (the hold is sized from it).
    prompt_bound: int = 0
    # The completion limit the relay sends upstream: the model's cap when the client named
    # none, or the client's own limit lowered to what the balance affords; None: the client's.
    max_tokens: int | None = None
    # The completion tokens the hold pays for (limit x n choices); 0: no completion.
    completion_limit: int = 0
    client_wants_usage: bool = False  # stream_options.include_usage from the client itself
    reserved: bool = False
    settled: bool = False  # before its answer's last byte (relay/settler.py)
    upstream_model: str | None = None
    provider: str | None = None
    usage: Usage | None = None
    completion_estimate: int = 0  # tokens delivered so far, counted from the stream
    status: int = 200
    error_code: str | None = None
    failovers: int = 0
    started: float = field(default_factory=time.monotonic)
    created_at: Any = field(default_factory=clock.now)
    ttfb_ms: int | None = None

    def mark_first_byte(self) -> None:
        if self.ttfb_ms is None:
            self.ttfb_ms = int((time.monotonic() - self.started) * 1000)

    def effective_usage(self) -> Usage:
        """Reported usage, or an estimate of what was delivered when none arrived."""
        if self.usage is not None:
            return self.usage
        if self.ttfb_ms is None and self.completion_estimate == 0:
            return Usage()  # nothing reached the client and no usage: nothing to bill
        return Usage(self.prompt_estimate, 0, self.completion_estimate)

    def priced(self, prompt: int, cached: int, completion: int) -> int:
        """What these tokens cost this caller: the model's price times their group's
        multiplier (the one formula for the hold, the checkpoint and the bill)."""
        assert self.price is not None
        return apply_multiplier(cost_micros(prompt, cached, completion, self.price),
                                self.key.multiplier_ppm)

    def cost(self) -> int:
        if self.price is None:
            return 0
        usage = self.effective_usage()
        return self.priced(usage.prompt_tokens, usage.cached_tokens, usage.completion_tokens)

    def delivered_micros(self) -> int:
        """Checkpoint for crash recovery: what the client has received so far."""
        if self.price is None or (self.ttfb_ms is None and self.usage is None):
            return 0
        return self.cost() if self.usage else self.priced(
            self.prompt_estimate, 0, self.completion_estimate)

    def log_row(self) -> dict[str, Any]:
        usage = self.effective_usage()
        return {
            "created_at": self.created_at, "request_id": self.request_id,
            "user": self.key.user_id, "api_key": self.key.key_id, "username": self.key.username,
            "model": self.model, "upstream_model": self.upstream_model,
            "provider": self.provider, "stream": self.stream,
            "prompt_tokens": usage.prompt_tokens, "cached_tokens": usage.cached_tokens,
            "completion_tokens": usage.completion_tokens, "cost_micros": self.cost(),
            "status": self.status, "error_code": self.error_code,
            "duration_ms": int((time.monotonic() - self.started) * 1000),
            "ttfb_ms": self.ttfb_ms, "client_ip": self.client_ip,
            "user_agent": (self.user_agent or "")[:300] or None,
            "estimated": self.usage is None and usage != Usage(),
            "failover_count": self.failovers, "endpoint": self.endpoint,
        }
