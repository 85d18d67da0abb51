"""Which provider serves a model: priority tiers, weighted choice, health and cool-down.

Snapshots of providers, prices and provider keys are cached for a few seconds (and dropped at
once on in-process changes), so the hot path makes no database or keyring call.
"""

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from app import clock, events, pricing, providers
from app.models import Provider
from app.pricing import Price
from relay.dbexec import DatabaseExecutor

log = logging.getLogger(__name__)

FAILURES_BEFORE_COOLDOWN = 3
COOLDOWN_BASE_S = 30.0
COOLDOWN_MAX_S = 600.0


@dataclass(slots=True)
class Upstream:
    """One provider as the relay sees it (no keyring or DB access needed to use it)."""

    id: int
    name: str
    kind: str
    base_url: str
    models: frozenset[str]
    model_map: dict[str, str]
    priority: int
    weight: int
    api_key: str | None
    created: int
    proxy: str | None = None  # None: direct; "system": the environment's; else its URL
    extra_headers: dict[str, str] = field(default_factory=dict)
    ca_bundle: str | None = None  # extra CA certificates trusted for this provider
    anthropic_base_url: str | None = None  # serves /v1/messages natively there
    responses_native: bool = False  # serves /v1/responses natively at base_url
    failures: int = 0
    cooldown_until: float = 0.0  # time.monotonic()
    probing: bool = False
    # model_map's ``prefix*`` aliases as (prefix, upstream model), longest first: built once
    # here so a request tries a few startswith() calls, no regex and no sort.
    patterns: tuple[tuple[str, str], ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        self.patterns = pricing.sorted_patterns(self.model_map)

    def serves(self, model: str) -> bool:
        return (model in self.models or model in self.model_map
                or pricing.longest_match(self.patterns, model) is not None)

    def upstream_model(self, model: str) -> str:
        """An exact alias, else an exact model (sent as is), else the longest pattern's."""
        mapped = self.model_map.get(model)
        if mapped is not None:
            return mapped
        if model in self.models:
            return model
        return pricing.longest_match(self.patterns, model) or model


@dataclass(slots=True)
class Snapshot:
    """What the relay routes and bills by until the next reload; not changed once built."""

    upstreams: list[Upstream] = field(default_factory=list)
    prices: dict[str, Price] = field(default_factory=dict)
    loaded_at: float = 0.0
    # ``prefix*`` prices, longest prefix first (built once per snapshot).
    price_patterns: tuple[tuple[str, Price], ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        self.price_patterns = pricing.sorted_patterns(self.prices)

    def price_of(self, model: str) -> Price | None:
        """``model``'s own price, else the longest ``prefix*`` price matching it."""
        return pricing.price_lookup(self.prices, self.price_patterns, model)


def to_upstream(p: Provider) -> Upstream:
    """A provider row as the relay uses it, with its key and proxy from the keyring
    (blocking: call it off the event loop)."""
    return with_secrets(p, providers.provider_key(p.name), providers.proxy_url(p.name))


def with_secrets(p: Provider, api_key: str | None, proxy: str | None) -> Upstream:
    """A provider row, saved or only typed into a form, as the relay uses it, given its key and
    proxy URL (so "Fetch models" on an unsaved provider goes the way traffic will)."""
    return Upstream(
        id=p.id, name=p.name, kind=p.kind, base_url=p.base_url.rstrip("/"),
        models=frozenset(p.models), model_map=dict(p.model_map), priority=p.priority,
        weight=max(1, p.weight), api_key=api_key, created=int(p.created_at.timestamp()),
        proxy=proxy, extra_headers=dict(p.extra_headers or {}), ca_bundle=p.ca_bundle or None,
        anthropic_base_url=(p.anthropic_base_url or "").rstrip("/") or None,
        responses_native=bool(p.responses_native))


def _load() -> tuple[list[Upstream], dict[str, Price]]:
    result = [to_upstream(p) for p in providers.list_providers() if p.enabled]
    return result, pricing.all_prices()


class ProviderPool:
    def __init__(self, dbx: DatabaseExecutor, ttl: float = 10.0,
                 rng: random.Random | None = None) -> None:
        self._dbx = dbx
        self._ttl = ttl
        self._rng = rng or random.Random()
        self._snap = Snapshot()
        self._lock = asyncio.Lock()
        self._health: dict[int, tuple[int, float]] = {}  # survives reloads
        self._served: set[int] = set()  # providers this process recorded a success of
        self._unsubs = [events.subscribe(t, self.invalidate)
                        for t in (events.PROVIDERS, events.PRICES)]

    def close(self) -> None:
        for unsubscribe in self._unsubs:
            unsubscribe()

    def invalidate(self) -> None:
        self._snap.loaded_at = 0.0

    def live_health(self) -> dict[int, tuple[int, float]]:
        """Provider id -> (consecutive failures, seconds of cool-down left), as this relay sees
        it now (the database holds what it last persisted)."""
        now = time.monotonic()
        return {pid: (failures, max(0.0, until - now))
                for pid, (failures, until) in self._health.items()}

    async def snapshot(self) -> Snapshot:
        if time.monotonic() - self._snap.loaded_at < self._ttl:
            return self._snap
        async with self._lock:
            if time.monotonic() - self._snap.loaded_at >= self._ttl:
                upstreams, prices = await self._dbx.run(_load)
                for up in upstreams:
                    up.failures, up.cooldown_until = self._health.get(up.id, (0, 0.0))
                self._snap = Snapshot(upstreams, prices, time.monotonic())
        return self._snap

    def served_models(self, snap: Snapshot) -> dict[str, int]:
        """Model -> created timestamp, for names some provider serves that have a price (as
        price_for finds one). Patterns are not model names: they are never listed."""
        result: dict[str, int] = {}
        for up in snap.upstreams:
            names = up.models.union(a for a in up.model_map if not pricing.is_pattern(a))
            for model in names:
                if self.price_for(snap, model, [up]) is not None:
                    result[model] = min(result.get(model, up.created), up.created)
        return result

    def price_for(self, snap: Snapshot, model: str, candidates: list[Upstream]) -> Price | None:
        """What a request for ``model`` is billed at: its own price, else the longest
        ``prefix*`` price matching it, else (an alias without a price of its own) the price
        of the model the first candidate sends upstream, looked up the same way."""
        price = snap.price_of(model)
        if price is None and candidates:
            upstream = candidates[0].upstream_model(model)
            if upstream != model:
                price = snap.price_of(upstream)
        return price

    def candidates(self, snap: Snapshot, model: str) -> list[Upstream]:
        """Providers to try in order: tiers by priority, weighted shuffle inside a tier,
        cooling providers last (a probe), so one always gets a chance."""
        serving = [u for u in snap.upstreams if u.serves(model)]
        if len(serving) <= 1:
            return serving  # one provider: it is the order, cooling or not
        now = time.monotonic()
        ready = [u for u in serving if u.cooldown_until <= now]
        cooling = [u for u in serving if u.cooldown_until > now]
        ordered: list[Upstream] = []
        for tier in sorted({u.priority for u in ready}, reverse=True):
            ordered.extend(self._weighted_shuffle([u for u in ready if u.priority == tier]))
        ordered.extend(sorted(cooling, key=lambda u: u.cooldown_until))
        return ordered

    def _weighted_shuffle(self, items: list[Upstream]) -> list[Upstream]:
        # Efraimidis-Spirakis: key = U^(1/w); sorting by it is a weighted random permutation.
        return sorted(items, key=lambda u: self._rng.random() ** (1.0 / u.weight), reverse=True)

    def record_success(self, up: Upstream) -> None:
        """Written on a change only: the first success this process sees (so a provider's
        health does not read "not used yet" while it serves), and a recovery."""
        changed = up.failures > 0 or up.id not in self._served
        up.failures, up.cooldown_until = 0, 0.0
        self._health[up.id] = (0, 0.0)
        self._served.add(up.id)
        if changed:
            self._persist(up, healthy=True, error=None)

    def record_failure(self, up: Upstream, reason: str) -> None:
        up.failures += 1
        if up.failures >= FAILURES_BEFORE_COOLDOWN:
            exponent = up.failures - FAILURES_BEFORE_COOLDOWN
            seconds = min(COOLDOWN_MAX_S, COOLDOWN_BASE_S * (2 ** exponent))
            up.cooldown_until = time.monotonic() + seconds
            log.warning("provider %s cooling down for %.0fs after %d failures: %s", up.name,
                        seconds, up.failures, reason)
            self._persist(up, healthy=False, error=reason, seconds=seconds)
        self._health[up.id] = (up.failures, up.cooldown_until)

    def _persist(self, up: Upstream, *, healthy: bool, error: str | None,
                 seconds: float = 0.0) -> None:
        until = clock.now() + timedelta(seconds=seconds) if not healthy else None
        task = asyncio.ensure_future(self._dbx.run(
            providers.record_health, up.id, healthy=healthy, failures=up.failures,
            cooldown_until=until, error=error))
        task.add_done_callback(_log_failure)


def _log_failure(task: "asyncio.Future[None]") -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("could not record provider health: %s", task.exception())
