"""app.pricing: token counts to micro-units, and the price table."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import events, pricing
from app.errors import NotFound, ValidationError
from app.models import AuditEvent, ModelPrice
from app.pricing import Price, cost_micros
from tests.app.support import unchanged

# DeepSeek-like prices: 2 / 0.5 (cached) / 8 currency units per 1M tokens.
DS = Price(input_micros=2_000_000, cached_input_micros=500_000, output_micros=8_000_000)


def test_hand_computed_mixed_request():
    # 1000 prompt tokens of which 200 cached, 500 completion tokens:
    #   uncached  800 * 2_000_000 = 1_600_000_000
    #   cached    200 *   500_000 =   100_000_000
    #   output    500 * 8_000_000 = 4_000_000_000
    #   sum                       = 5_700_000_000  / 1_000_000 = 5_700 micro-units (0.0057)
    assert cost_micros(1000, 200, 500, DS) == 5_700


def test_hand_computed_long_context():
    # 128_000 prompt (100_000 cached), 8_192 completion:
    #   28_000 * 2_000_000 = 56_000_000_000
    #  100_000 *   500_000 = 50_000_000_000
    #    8_192 * 8_000_000 = 65_536_000_000
    #   sum = 171_536_000_000 / 1_000_000 = 171_536 micro-units
    assert cost_micros(128_000, 100_000, 8_192, DS) == 171_536


def test_fraction_rounds_up_to_the_next_micro():
    cheap = Price(input_micros=300_000, cached_input_micros=30_000, output_micros=600_000)
    # 1 prompt token at 0.3 / 1M: 300_000 / 1_000_000 = 0.3 micro -> 1
    assert cost_micros(1, 0, 0, cheap) == 1
    # 333 prompt tokens at 1.5 / 1M: 333 * 1_500_000 = 499_500_000 -> 499.5 -> 500
    assert cost_micros(333, 0, 0, Price(1_500_000, 1_500_000, 1_500_000)) == 500
    # 7 prompt (3 cached), 11 completion at 0.14 / 0.014 / 0.28:
    #   4 * 140_000 + 3 * 14_000 + 11 * 280_000 = 560_000 + 42_000 + 3_080_000 = 3_682_000
    #   -> 3.682 -> 4
    assert cost_micros(7, 3, 11, Price(140_000, 14_000, 280_000)) == 4


def test_exact_multiple_is_not_rounded_up():
    # 1_000_000 prompt tokens at 2 / 1M is exactly 2 units = 2_000_000 micros, not 2_000_001
    assert cost_micros(1_000_000, 0, 0, DS) == 2_000_000
    # 1 output token at 8 / 1M = 8 micros exactly
    assert cost_micros(0, 0, 1, DS) == 8


def test_zero_tokens_cost_nothing():
    assert cost_micros(0, 0, 0, DS) == 0
    assert cost_micros(1000, 0, 1000, Price(0, 0, 0)) == 0


def test_cached_above_prompt_is_clamped():
    # 100 prompt, "150 cached": all 100 billed as cached, none as uncached, none twice:
    #   100 * 500_000 = 50_000_000 -> 50
    assert cost_micros(100, 150, 0, DS) == 50
    assert cost_micros(100, 150, 0, DS) == cost_micros(100, 100, 0, DS)


def test_negative_counts_are_treated_as_zero():
    assert cost_micros(-5, -1, -10, DS) == 0
    # 10 prompt at 2 / 1M = 20; a negative cached count bills nothing as cached
    assert cost_micros(10, -3, 0, DS) == 20


@given(st.integers(0, 2_000_000), st.integers(0, 2_000_000), st.integers(0, 2_000_000),
       st.integers(0, 10**9), st.integers(0, 10**9), st.integers(0, 10**9))
def test_cost_is_the_exact_cost_rounded_up(prompt, cached, completion, inp, cin, out):
    price = Price(inp, cin, out)
    cost = cost_micros(prompt, cached, completion, price)
    c = min(cached, prompt)
    exact = Fraction((prompt - c) * inp + c * cin + completion * out, 1_000_000)
    assert type(cost) is int
    assert exact <= cost < exact + 1


def test_set_price_stores_micros_per_million(any_db):
    seen = []
    unsubscribe = events.subscribe(events.PRICES, lambda: seen.append(1))
    try:
        row = pricing.set_price("deepseek-chat", "2", "8", "0.5")
    finally:
        unsubscribe()
    assert (row.input_micros, row.cached_input_micros, row.output_micros) == (
        2_000_000, 500_000, 8_000_000)
    assert pricing.get_price("deepseek-chat") == DS
    assert seen == [1]
    assert AuditEvent.get(AuditEvent.action == "price.set").target == "deepseek-chat"


def test_cached_price_defaults_to_input(any_db):
    pricing.set_price("m", "1.5", "3")
    assert pricing.get_price("m") == Price(1_500_000, 1_500_000, 3_000_000)


def test_set_price_replaces_existing_row(any_db):
    pricing.set_price("m", "1", "2")
    pricing.set_price("m", "0.25", "0.5", "0")
    assert ModelPrice.select().count() == 1
    assert pricing.get_price("m") == Price(250_000, 0, 500_000)
    assert pricing.all_prices() == {"m": Price(250_000, 0, 500_000)}


def test_zero_prices_are_allowed(any_db):
    pricing.set_price("free", "0", "0")
    assert pricing.get_price("free") == Price(0, 0, 0)


@pytest.mark.parametrize(("model", "inp", "out", "cached"), [
    ("has space", "1", "1", None),
    ("", "1", "1", None),
    ("x" * 129, "1", "1", None),
    ("m", "-1", "1", None),
    ("m", "1", "1.1234567", None),
    ("m", "1", "abc", None),
    ("m", 1.5, "1", None),
    ("m", "1", "1", "-0.5"),
    ("m", "1", "1", "NaN"),
])
def test_invalid_price_changes_nothing(any_db, model, inp, out, cached):
    pricing.set_price("existing", "1", "1")
    with unchanged(), pytest.raises(ValidationError):
        pricing.set_price(model, inp, out, cached)


def test_remove_price(any_db):
    pricing.set_price("a", "1", "1")
    pricing.set_price("b", "1", "1")
    pricing.remove_price("a")
    assert [p.model for p in pricing.list_prices()] == ["b"]
    assert pricing.get_price("a") is None
    with unchanged(), pytest.raises(NotFound):
        pricing.remove_price("a")


def test_list_prices_sorted_by_model(any_db):
    for name in ("qwen-max", "deepseek-chat", "glm-4"):
        pricing.set_price(name, "1", "1")
    assert [p.model for p in pricing.list_prices()] == ["deepseek-chat", "glm-4", "qwen-max"]
