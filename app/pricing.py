"""Model prices and the one function that turns token counts into money.

Prices are micro-units per 1,000,000 tokens, so a price of 2 CNY / 1M tokens is 2_000_000 and one
token costs 2 micro-units. Costs round *up* to the next micro-unit: the operator never loses a
fraction on each request.
"""

from dataclasses import dataclass
from typing import TypeVar

from app import audit, clock, events
from app.db import write_transaction
from app.errors import NotFound, ValidationError
from app.models import ModelPrice
from app.money import parse_amount

TOKENS_PER_PRICE_UNIT = 1_000_000
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Price:
    """Prices in micro-units per 1M tokens."""

    input_micros: int
    cached_input_micros: int
    output_micros: int
    # Completion tokens the relay asks for when a client names none (None: the
    # ``default_max_tokens`` setting); it bounds the request's hold.
    max_output_tokens: int | None = None


def cost_micros(prompt_tokens: int, cached_tokens: int, completion_tokens: int,
                price: Price) -> int:
    """Cost of one request in micro-units.

    ``cached_tokens`` are part of ``prompt_tokens`` (as every provider reports them) and are billed
    at the cached-input price; a cached count above the prompt count is clamped.
    """
    prompt = max(0, int(prompt_tokens))
    cached = min(max(0, int(cached_tokens)), prompt)
    completion = max(0, int(completion_tokens))
    numerator = ((prompt - cached) * price.input_micros + cached * price.cached_input_micros
                 + completion * price.output_micros)
    return -(-numerator // TOKENS_PER_PRICE_UNIT)


WILDCARD = "*"


def is_pattern(name: str) -> bool:
    """A name ending in ``*`` stands for every name with its prefix (``claude-*``), so the
    default model names of Claude Code and Codex CLI map and price without listing each."""
    return name.endswith(WILDCARD)


def wildcard_ok(name: str) -> bool:
    """No ``*`` at all, or exactly one ending a non-empty prefix (``claude-haiku-*``)."""
    star = name.find(WILDCARD)
    return star == -1 or (star == len(name) - 1 and star > 0)


def longest_match(patterns: tuple[tuple[str, T], ...], name: str) -> T | None:
    """The value of the first pattern (prefix, value) whose prefix starts ``name``; callers
    keep ``patterns`` longest prefix first (see :func:`sorted_patterns`)."""
    for prefix, value in patterns:
        if name.startswith(prefix):
            return value
    return None


def sorted_patterns(mapping: dict[str, T]) -> tuple[tuple[str, T], ...]:
    """The ``prefix*`` keys of ``mapping`` as (prefix, value), longest prefix first (ties by
    name, so the choice never depends on insertion order)."""
    found = [(key[:-1], value) for key, value in mapping.items() if is_pattern(key)]
    return tuple(sorted(found, key=lambda item: (-len(item[0]), item[0])))


def price_lookup(prices: dict[str, Price], patterns: tuple[tuple[str, Price], ...],
                 model: str) -> Price | None:
    """``model``'s own price, else the longest ``prefix*`` price matching it (``patterns``:
    :func:`sorted_patterns` of ``prices``)."""
    price = prices.get(model)
    if price is None and patterns:
        price = longest_match(patterns, model)
    return price


def validate_model_name(model: str) -> str:
    """A priced model name; ``prefix*`` prices every model of that prefix without its own."""
    name = (model or "").strip()
    if not name or len(name) > 128 or any(c.isspace() for c in name):
        raise ValidationError("model name {model!r} is not valid: use 1-128 characters without "
                              "spaces", param="model", model=model)
    if not wildcard_ok(name):
        raise ValidationError("model name {model!r} is not valid: a '*' may only end the name, "
                              "once, after at least one character (e.g. claude-*)",
                              param="model", model=model)
    return name


MAX_OUTPUT_TOKENS_LIMIT = 10_000_000


def _output_cap(value: int | None) -> int | None:
    if value is None:
        return None
    if (not isinstance(value, int) or isinstance(value, bool)
            or not 1 <= value <= MAX_OUTPUT_TOKENS_LIMIT):
        raise ValidationError("Max output tokens must be a whole number from 1 to {limit:,}",
                              param="max_output_tokens", limit=MAX_OUTPUT_TOKENS_LIMIT)
    return value


def set_price(model: str, input_price: str, output_price: str,
              cached_input_price: str | None = None, *, max_output_tokens: int | None = None,
              actor: str = "admin") -> ModelPrice:
    """Create or replace a model's prices (decimal text, currency units per 1M tokens) and its
    output cap (``None``: the ``default_max_tokens`` setting)."""
    name = validate_model_name(model)
    cap = _output_cap(max_output_tokens)
    inp = parse_amount(input_price, param="input", field="Input price", allow_zero=True)
    out = parse_amount(output_price, param="output", field="Output price", allow_zero=True)
    cached = (inp if cached_input_price is None
              else parse_amount(cached_input_price, param="cached_input",
                                field="Cached input price", allow_zero=True))
    with write_transaction():
        row = ModelPrice.get_or_none(ModelPrice.model == name)
        if row is None:
            row = ModelPrice(model=name)
        row.input_micros, row.output_micros, row.cached_input_micros = inp, out, cached
        row.max_output_tokens = cap
        row.updated_at = clock.now()
        row.save()
        audit.record("price.set", actor=actor, target=name,
                     detail={"input_micros": inp, "cached_input_micros": cached,
                             "output_micros": out, "max_output_tokens": cap})
    events.emit(events.PRICES)
    return row


def remove_price(model: str, *, actor: str = "admin") -> None:
    with write_transaction():
        if ModelPrice.delete().where(ModelPrice.model == model).execute() == 0:
            raise NotFound("there is no price for model {model!r}", param="model", model=model)
        audit.record("price.remove", actor=actor, target=model)
    events.emit(events.PRICES)


def list_prices() -> list[ModelPrice]:
    return list(ModelPrice.select().order_by(ModelPrice.model))


def get_price(model: str) -> Price | None:
    row = ModelPrice.get_or_none(ModelPrice.model == model)
    if row is None:
        return None
    return _price(row)


def _price(row: ModelPrice) -> Price:
    return Price(row.input_micros, row.cached_input_micros, row.output_micros,
                 row.max_output_tokens)


def all_prices() -> dict[str, Price]:
    """Every price, for the relay's in-memory cache."""
    return {r.model: _price(r) for r in ModelPrice.select()}
