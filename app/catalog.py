"""The models a user may call and what they cost that user: the portal's Models page, its key
form's model choices and the playground's picker all read this one list.

A model is offered when an enabled provider serves it, it has a price, and the user's group
allows it (what the relay's /v1/models answers for a key without its own model list). Prices
are the group's: each per-1M-token price goes through the billing formula
(:func:`app.pricing.cost_micros`, then :func:`app.groups.apply_multiplier`).
"""

from dataclasses import dataclass

from app import groups, pricing
from app.models import Provider, User, UserGroup
from app.pricing import TOKENS_PER_PRICE_UNIT, Price


@dataclass(frozen=True, slots=True)
class Offer:
    """One model at one user's prices, micro-units per 1M tokens."""

    model: str
    input_micros: int
    cached_input_micros: int
    output_micros: int


def user_group(user_id: int) -> UserGroup:
    """The user's group; a user with none is in the default one (as the relay reads it)."""
    user = User.get_by_id(user_id)
    if user.group_id is not None:
        group = UserGroup.get_or_none(UserGroup.id == user.group_id)
        if group is not None:
            return group
    return groups.default_group()


def served_prices() -> dict[str, Price]:
    """Client-visible model names some enabled provider serves (aliases included, ``prefix*``
    patterns not: they are no names), each at the price its requests are billed at — the
    relay's rule (relay/pool.py ``price_for``): its own price, else its pattern's, else the
    price of the model an alias sends upstream."""
    prices = pricing.all_prices()
    patterns = pricing.sorted_patterns(prices)
    result: dict[str, Price] = {}
    for provider in Provider.select(Provider.models, Provider.model_map).where(
            Provider.enabled == True):  # noqa: E712 - a peewee expression
        mapping = provider.model_map or {}
        for name in [*(provider.models or ()), *mapping]:
            if name in result or pricing.is_pattern(name):
                continue
            price = pricing.price_lookup(prices, patterns, name)
            if price is None and name in mapping:
                price = pricing.price_lookup(prices, patterns, mapping[name])
            if price is not None:
                result[name] = price
    return result


def price_for(model: str, price: Price, multiplier_ppm: int) -> Offer:
    """What 1M tokens of each kind cost at ``multiplier_ppm``, rounded as a bill is."""
    def priced(prompt: int, cached: int, completion: int) -> int:
        return groups.apply_multiplier(
            pricing.cost_micros(prompt, cached, completion, price), multiplier_ppm)

    million = TOKENS_PER_PRICE_UNIT
    return Offer(model, priced(million, 0, 0), priced(million, million, 0),
                 priced(0, 0, million))


def offers(user_id: int) -> list[Offer]:
    """The models ``user_id`` may call, by name, at their group's prices."""
    group = user_group(user_id)
    allowed = set(group.models) if group.models else None
    result = []
    for model, price in sorted(served_prices().items()):
        if allowed is not None and model not in allowed:
            continue
        result.append(price_for(model, price, group.multiplier_ppm))
    return result


def model_names(user_id: int) -> list[str]:
    return [offer.model for offer in offers(user_id)]
