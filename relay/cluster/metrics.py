"""The relay's Prometheus metrics: what one instance served, and what it holds now.

Each app has its own :class:`RelayMetrics` (on its ``RelayState``) with its own
``CollectorRegistry``, so several apps in one process (the tests) never share counts.

Counting happens on the relay's hot path, once per metered request (``observe``), so it only
adds to plain integers and lists: the event loop is the one writer, which makes the locks of
prometheus_client's ``Counter``/``Histogram`` objects pure cost here. A scrape turns the
totals into counter, histogram and gauge families through prometheus_client's collector API,
which also writes the text format. Money is counted in integer micro-units: spend is what the
settlement charges (the request log's ``cost_micros``: the cost, never more than the hold).

Label values are bounded: the route (fixed by the relay), the HTTP status, the error code
(relay-chosen, or a provider's code capped in number and length) and provider names (chosen by
the operator). Nothing per user (names, keys, addresses) ever becomes a label.
"""

import bisect
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from app.billing import split_cost
from relay.context import RequestContext

# Seconds: relay-made refusals take milliseconds, long completions and streams minutes.
BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                              30.0, 60.0, 120.0, 300.0)
MAX_LABEL_SETS = 200  # distinct label sets per family before new ones fold into "other"
MAX_CODE_CHARS = 64
OTHER = "other"


class _Histogram:
    """One endpoint's request durations: a count per bucket (not cumulative) and their sum."""

    __slots__ = ("counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)  # the last one: above every bound (+Inf)
        self.total = 0.0

    def cumulative(self) -> list[tuple[str, float]]:
        running = 0
        out: list[tuple[str, float]] = []
        for bound, count in zip((*map(str, BUCKETS), "+Inf"), self.counts, strict=True):
            running += count
            out.append((bound, running))
        return out


@dataclass(frozen=True, slots=True)
class Gauges:
    """What the relay holds at the moment of a scrape (read by the /metrics route)."""

    requests_in_flight: int
    holds_in_flight: int
    streams_open: int
    redis_up: bool | None  # None: no REDIS_URL
    providers: dict[str, bool] = field(default_factory=dict)  # name -> not cooling down


class RelayMetrics(Collector):
    """Totals since the app started, exposed from a registry of this app's own."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, int], int] = {}  # (endpoint, status) -> count
        self.errors: dict[tuple[str, str], int] = {}  # (endpoint, code) -> count
        self.durations: dict[str, _Histogram] = {}
        self.prompt_tokens = 0
        self.cached_tokens = 0
        self.completion_tokens = 0
        self.spend_micros = 0
        self.written_off_micros = 0
        self._gauges: Gauges | None = None
        self.registry = CollectorRegistry(auto_describe=False)
        self.registry.register(self)

    def observe(self, ctx: RequestContext) -> None:
        """Count one finished metered request as its log row records it (the hot path)."""
        endpoint, status = ctx.endpoint, ctx.status
        key = (endpoint, status)
        requests = self.requests
        if key in requests:
            requests[key] += 1
        else:
            self._first(requests, key)
        if status >= 400:
            self._error(endpoint, ctx.error_code or f"http_{status}")
        usage = ctx.effective_usage()
        prompt, completion = usage.prompt_tokens, usage.completion_tokens
        if prompt or completion:  # refusals and failures use none: nothing to price
            self.prompt_tokens += prompt
            self.cached_tokens += usage.cached_tokens
            self.completion_tokens += completion
            if ctx.price is not None:
                self._spent(ctx, prompt, usage.cached_tokens, completion)
        histogram = self.durations.get(endpoint)
        if histogram is None:
            histogram = self.durations.setdefault(
                endpoint if len(self.durations) < MAX_LABEL_SETS else OTHER, _Histogram())
        seconds = time.monotonic() - ctx.started
        histogram.counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        histogram.total += seconds

    def _spent(self, ctx: RequestContext, prompt: int, cached: int, completion: int) -> None:
        """Count what the settlement charges: ``ctx.cost()``, but never more than the hold
        (app/billing.py's split_cost); a provider's report beyond it is written off."""
        cost = ctx.priced(prompt, cached, completion)
        bound, limit = ctx.prompt_bound, ctx.completion_limit
        if ctx.reserved and prompt <= bound and completion <= limit:
            self.spend_micros += cost  # within the tokens the hold was sized for: all charged
            return
        held = 0
        if ctx.reserved:  # the hold as relay/handlers.py sized it, for either input price
            held = max(ctx.priced(bound, 0, limit), ctx.priced(bound, bound, limit))
        charged, written_off = split_cost(held, cost)
        self.spend_micros += charged
        self.written_off_micros += written_off

    @staticmethod
    def _first(requests: dict[tuple[str, int], int], key: tuple[str, int]) -> None:
        if len(requests) >= MAX_LABEL_SETS:
            key = (OTHER, key[1])
        requests[key] = requests.get(key, 0) + 1

    def _error(self, endpoint: str, code: str) -> None:
        # A provider's own error code reaches the client as is: any string, so bounded here.
        key = (endpoint, code)
        errors = self.errors
        if key not in errors and (len(errors) >= MAX_LABEL_SETS or len(code) > MAX_CODE_CHARS
                                  or not code.isprintable()):
            key = (endpoint, OTHER)
        errors[key] = errors.get(key, 0) + 1

    def render(self, gauges: Gauges) -> bytes:
        """The Prometheus text exposition of the totals and ``gauges``."""
        self._gauges = gauges  # read by collect(), which generate_latest runs right now
        try:
            return generate_latest(self.registry)
        finally:
            self._gauges = None

    def collect(self) -> Iterable[Metric]:
        yield from self._counters()
        duration = HistogramMetricFamily(
            "relaydesk_request_duration_seconds",
            "Time from a metered request's start to its end (a stream's last byte).",
            labels=["endpoint"])
        for endpoint, histogram in sorted(self.durations.items()):
            duration.add_metric([endpoint], histogram.cumulative(), histogram.total)
        yield duration
        if self._gauges is not None:
            yield from _gauge_families(self._gauges)

    def _counters(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "relaydesk_requests_total", "Metered requests finished, by route and HTTP status.",
            labels=["endpoint", "status"])
        for (endpoint, status), count in sorted(self.requests.items()):
            requests.add_metric([endpoint, str(status)], count)
        yield requests
        errors = CounterMetricFamily(
            "relaydesk_request_errors_total",
            "Metered requests that ended with an error, by route and error code.",
            labels=["endpoint", "code"])
        for (endpoint, code), count in sorted(self.errors.items()):
            errors.add_metric([endpoint, code], count)
        yield errors
        tokens = CounterMetricFamily(
            "relaydesk_tokens_total",
            "Tokens billed (as the request log records them; cached is part of prompt).",
            labels=["kind"])
        tokens.add_metric(["prompt"], self.prompt_tokens)
        tokens.add_metric(["cached"], self.cached_tokens)
        tokens.add_metric(["completion"], self.completion_tokens)
        yield tokens
        yield CounterMetricFamily(
            "relaydesk_spend_micros_total",
            "What the metered requests were charged (the request log's cost_micros), in "
            "micro-units of the currency.",
            value=self.spend_micros)
        yield CounterMetricFamily(
            "relaydesk_written_off_micros_total",
            "Cost that providers reported beyond a request's hold, not charged to its user "
            "(the request log's written_off_micros).", value=self.written_off_micros)


def _gauge_families(g: Gauges) -> Iterator[Metric]:
    yield GaugeMetricFamily("relaydesk_requests_in_flight",
                            "Metered requests being served now.", value=g.requests_in_flight)
    yield GaugeMetricFamily("relaydesk_holds_in_flight",
                            "Requests holding a balance reservation now.", value=g.holds_in_flight)
    yield GaugeMetricFamily("relaydesk_streams_open", "Streamed answers being relayed now.",
                            value=g.streams_open)
    if g.redis_up is not None:
        yield GaugeMetricFamily("relaydesk_redis_up",
                                "1 while the shared Redis (REDIS_URL) answers, else 0.",
                                value=int(g.redis_up))
    providers = GaugeMetricFamily(
        "relaydesk_provider_healthy",
        "1 for an enabled provider this relay routes to normally, 0 while it cools down.",
        labels=["provider"])
    for name, healthy in sorted(g.providers.items()):
        providers.add_metric([name], int(healthy))
    yield providers
