"""app.money: integer micro-units in, decimal text out, never a float."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ValidationError
from app.money import (
    MAX_AMOUNT_MICROS,
    MICROS_PER_UNIT,
    format_amount,
    format_cost,
    format_field,
    parse_amount,
)


def test_one_unit_is_a_million_micros():
    assert MICROS_PER_UNIT == 1_000_000
    assert parse_amount("1") == 1_000_000


@pytest.mark.parametrize(("text", "micros"), [
    ("12.5", 12_500_000),
    ("0.1", 100_000),  # exact: 0.1 is not 0.1000000000000000055511151231257827 here
    ("0.000001", 1),
    ("1.123456", 1_123_456),
    ("1.1234560", 1_123_456),  # a trailing zero is not a seventh decimal
    ("-0", 0),
    ("007", 7_000_000),
    ("+0.25", 250_000),
    ("1000000000", MAX_AMOUNT_MICROS),  # the largest accepted amount
])
def test_parse_decimal_text(text, micros):
    result = parse_amount(text, allow_zero=True)
    assert result == micros
    assert type(result) is int


def test_parse_accepts_int_and_decimal_objects():
    assert parse_amount(5) == 5_000_000
    assert parse_amount(Decimal("2.25")) == 2_250_000


@pytest.mark.parametrize("value", [0.1, 1.0, 12.5, float("nan"), float("inf")])
def test_floats_are_refused(value):
    with pytest.raises(ValidationError, match="not a float"):
        parse_amount(value)


def test_bool_is_not_an_amount():
    with pytest.raises(ValidationError):
        parse_amount(True)


@pytest.mark.parametrize("text", ["1.1234567", "0.0000001", "123456789.1234567",
                                  "0.00000001"])
def test_more_than_six_decimals_refused(text):
    with pytest.raises(ValidationError, match="more than 6 decimal places"):
        parse_amount(text)


def test_seventh_decimal_hidden_beyond_decimal_precision_is_refused():
    # 29 significant digits: Decimal's default 28-digit context rounds value * 1_000_000 to
    # exactly 1_000_000, which must not make the 28th decimal place disappear silently.
    with pytest.raises(ValidationError, match="more than 6 decimal places"):
        parse_amount("1.0000000000000000000000000001")


@pytest.mark.parametrize("text", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf"])
def test_non_finite_refused(text):
    with pytest.raises(ValidationError, match="finite"):
        parse_amount(text, allow_negative=True)


@pytest.mark.parametrize("text", ["1000000000.000001", "-1000000000.000001",
                                  "99999999999999999999"])
def test_huge_refused(text):
    with pytest.raises(ValidationError, match="too large"):
        parse_amount(text, allow_negative=True)


@pytest.mark.parametrize("text", ["1e999999", "-1e999999", "9e999999999"])
def test_astronomical_exponent_is_a_validation_error(text):
    # Must be the service's ValidationError (one-line CLI error), not decimal.Overflow.
    with pytest.raises(ValidationError):
        parse_amount(text, allow_negative=True)


@pytest.mark.parametrize("text", ["abc", "1,5", "0x10", "12.5 CNY", "--1"])
def test_not_a_number(text):
    with pytest.raises(ValidationError, match=r"^Amount is not a number"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_amount_is_required_naming_the_field(text):
    with pytest.raises(ValidationError, match=r"^Input price is required$") as info:
        parse_amount(text, param="input", field="Input price")
    assert info.value.param == "input"


def test_a_price_may_be_zero_but_not_negative():
    assert parse_amount("0", allow_zero=True) == 0
    with pytest.raises(ValidationError, match=r"^Amount cannot be negative$"):
        parse_amount("-1", allow_zero=True)


@pytest.mark.parametrize("text", [
    "５", "１２.５０", "٣", "5\u0663",  # digits Decimal reads but an operator never types as money
    " 5 ", "5 ", " 5", "\t5", "5\n", "\u00a05",  # surrounding whitespace
    "1e3", "1E+3", "1e-7", "2E0",  # exponents
    "+-5", "++5", "5.", ".5", "1_000", "1,000.00", "0x1A", "5.0.0", "- 5",
])
def test_only_plain_ascii_decimal_text_is_an_amount(text):
    with pytest.raises(ValidationError, match="not a number") as info:
        parse_amount(text, allow_negative=True)
    assert info.value.param == "amount"


def test_zero_needs_allow_zero():
    with pytest.raises(ValidationError, match="must not be zero"):
        parse_amount("0")
    with pytest.raises(ValidationError, match="must not be zero"):
        parse_amount("0.0000000")
    assert parse_amount("0", allow_zero=True) == 0


def test_negative_needs_allow_negative():
    with pytest.raises(ValidationError, match="must be positive"):
        parse_amount("-5")
    assert parse_amount("-5", allow_negative=True) == -5_000_000
    assert parse_amount("-0.000001", allow_negative=True) == -1


def test_error_names_the_field_and_carries_the_parameter():
    """The message names the field as the form labels it; ``param`` is the machine name."""
    with pytest.raises(ValidationError) as info:
        parse_amount("x", param="cached_input", field="Cached input price")
    assert info.value.param == "cached_input"
    assert info.value.message.startswith("Cached input price is not a number")
    assert "cached_input" not in info.value.message
    assert info.value.template.startswith("{field} is not a number")
    assert info.value.values["field"] == "Cached input price"


@pytest.mark.parametrize(("micros", "text"), [
    (12_500_000, "12.50"),
    (0, "0.00"),
    (5_000_000, "5.00"),
    (100_000, "0.10"),
    (10_000, "0.01"),
    (-1_500_000, "-1.50"),
    (12_345_678, "12.345678"),  # not whole cents: every digit shown, never rounded to 12.35
    (12_345_000, "12.345000"),  # 2 or 6 decimals only, so a column still lines up
    (256, "0.000256"),
    (1, "0.000001"),
    (-1, "-0.000001"),
    (-2, "-0.000002"),
    (-10_000, "-0.01"),
    (MAX_AMOUNT_MICROS, "1000000000.00"),
    (-MAX_AMOUNT_MICROS - 1, "-1000000000.000001"),
])
def test_format_amount(micros, text):
    assert format_amount(micros) == text


@pytest.mark.parametrize(("micros", "text"), [
    (256, "0.000256"),
    (0, "0.000000"),
    (2_000_000, "2.000000"),
    (12_500_000, "12.500000"),
    (-2, "-0.000002"),
    (-1_500_000, "-1.500000"),
    (MAX_AMOUNT_MICROS, "1000000000.000000"),
])
def test_format_cost(micros, text):
    assert format_cost(micros) == text


def test_fields_are_formatted_by_their_kind_of_money():
    assert format_field("cost_micros", 2_000_000) == "2.000000"
    assert format_field("input_micros", 500_000) == "0.500000"
    assert format_field("written_off_micros", 3) == "0.000003"
    assert format_field("balance_micros", 2_000_000) == "2.00"
    assert format_field("amount_micros", 2_000_001) == "2.000001"


@given(st.integers(min_value=-MAX_AMOUNT_MICROS, max_value=MAX_AMOUNT_MICROS))
def test_formats_are_exact_and_parse_back(micros):
    for text in (format_amount(micros), format_cost(micros)):
        assert parse_amount(text, allow_zero=True, allow_negative=True) == micros
        assert text.startswith("-") == (micros < 0)
        assert len(text.partition(".")[2]) in (2, 6)


@given(st.integers(min_value=0, max_value=10**9 - 1),
       st.integers(min_value=0, max_value=999_999))
def test_parse_is_exact_for_any_six_decimal_text(units, frac):
    assert parse_amount(f"{units}.{frac:06d}", allow_zero=True) == units * 1_000_000 + frac


@given(st.decimals(allow_nan=False, allow_infinity=False, places=7,
                   min_value=Decimal("-1000"), max_value=Decimal("1000")))
def test_seven_place_values_parse_only_when_the_seventh_is_zero(value):
    exact = value * 10**6
    if exact == exact.to_integral_value():
        assert parse_amount(f"{value:f}", allow_zero=True, allow_negative=True) == int(exact)
    else:
        with pytest.raises(ValidationError):
            parse_amount(f"{value:f}", allow_zero=True, allow_negative=True)
