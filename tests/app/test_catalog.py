"""app.catalog: the models a user may call (served, priced, allowed by their group) and their
per-1M-token prices, rounded as a bill is."""

import pytest

from app import accounts, catalog, groups, pricing, providers
from app.pricing import cost_micros


@pytest.fixture
def offered(sqlite_db):  # type: ignore[no-untyped-def]
    """m1 and alias (mapped) served and priced; m3 only by a disabled provider; lonely priced
    but served by nobody; unpriced served but without a price."""
    providers.add_provider("up", "openai", models=["m1", "unpriced"],
                           model_map={"alias": "m1"}, base_url="http://127.0.0.1:9")
    providers.add_provider("off", "openai", models=["m3"], base_url="http://127.0.0.1:9",
                           enabled=False)
    for model in ("m1", "alias", "m3", "lonely"):
        pricing.set_price(model, "2", "0.000003", "0.5")
    return accounts.add_user("ann", "ann@example.com")


def test_a_default_user_is_offered_served_priced_models(offered) -> None:  # type: ignore[no-untyped-def]
    offers = catalog.offers(offered.id)
    assert [o.model for o in offers] == ["alias", "m1"]
    assert catalog.model_names(offered.id) == ["alias", "m1"]
    assert offers[1] == catalog.Offer("m1", 2_000_000, 500_000, 3)


def test_a_groups_multiplier_and_model_list_apply(offered) -> None:  # type: ignore[no-untyped-def]
    groups.add_group("gold", multiplier="1.25", models=["m1", "lonely"])
    groups.assign_user("ann", "gold")
    (offer,) = catalog.offers(offered.id)
    # 2 x 1.25 = 2.5; 0.5 x 1.25 = 0.625; 3 micro-units x 1.25 = 3.75, rounded up as billed.
    assert offer == catalog.Offer("m1", 2_500_000, 625_000, 4)
    price = pricing.get_price("m1")
    assert price is not None
    # The same formula the relay bills a million output tokens with.
    assert offer.output_micros == groups.apply_multiplier(
        cost_micros(0, 0, 1_000_000, price), 1_250_000)


def test_a_free_group_pays_nothing(offered) -> None:  # type: ignore[no-untyped-def]
    groups.add_group("free", multiplier="0")
    groups.assign_user("ann", "free")
    assert {(o.input_micros, o.cached_input_micros, o.output_micros)
            for o in catalog.offers(offered.id)} == {(0, 0, 0)}


def test_patterns_are_no_names_and_aliases_are_priced_as_the_relay_bills(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    providers.add_provider("ds", "openai", models=["deepseek-chat", "glm-x"],
                           model_map={"claude-*": "deepseek-chat", "gpt-4o": "deepseek-chat",
                                      "fast": "glm-x"},
                           base_url="http://127.0.0.1:9")
    pricing.set_price("deepseek-chat", "2", "8")
    pricing.set_price("glm-*", "1", "1")  # glm-x and the alias to it through the pattern
    pricing.set_price("claude-*", "3", "15")  # a pattern price is no model name either
    user = accounts.add_user("bo", "bo@example.com")
    offers = {o.model: o for o in catalog.offers(user.id)}
    assert sorted(offers) == ["deepseek-chat", "fast", "glm-x", "gpt-4o"]
    assert offers["gpt-4o"].input_micros == offers["deepseek-chat"].input_micros == 2_000_000
    assert offers["fast"].input_micros == offers["glm-x"].input_micros == 1_000_000
