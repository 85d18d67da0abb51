"""Exact money: integer micro-units in, decimal text out. Floats never touch a balance.

1 unit of the operator's currency = 1,000,000 micro-units, so a CNY balance of 12.5 is stored as
12_500_000. Parsing goes through :class:`decimal.Decimal` from text so "0.1" is exactly 100_000.
Every screen, CLI table and text field formats money here: amounts with :func:`format_amount`,
per-request costs and prices with :func:`format_cost`.
"""

import re
from decimal import Decimal, InvalidOperation, localcontext

from app.errors import ValidationError

MICROS_PER_UNIT = 1_000_000
# Larger than any realistic balance, small enough for a signed 64-bit column with room for sums.
MAX_AMOUNT_MICROS = 10**15
# Plain ASCII decimal text only: an optional sign, no spaces, exponents or non-ASCII digits
# (Decimal and int() would accept "５", " 5 " and "1e3", none of which an operator types as money).
_PLAIN_DECIMAL = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def parse_amount(text: str | int | Decimal, *, param: str = "amount", field: str = "Amount",
                 allow_zero: bool = False, allow_negative: bool = False) -> int:
    """Parse decimal currency text ("12.5", "-0.000001") into micro-units.

    The one amount parser of the CLI, the GUI and the admin API. Text must be a plain ASCII
    decimal (digits, an optional sign and fraction); floats, more than six decimals,
    NaN/Infinity and absurd magnitudes are refused with a message naming ``field`` (the form's
    label) and carrying ``param`` (the machine name).
    """
    if isinstance(text, float) or isinstance(text, bool):
        raise ValidationError('{field} must be sent as decimal text such as "12.50", not a float',
                              param=param, field=field)
    raw = str(text)
    if len(raw) > 64:
        raise ValidationError("{field} is too long to be an amount", param=param, field=field)
    if isinstance(text, str) and not raw.strip():
        raise ValidationError("{field} is required", param=param, field=field)
    if isinstance(text, str) and not _PLAIN_DECIMAL.fullmatch(raw):
        if raw.lower().lstrip("-+") in ("nan", "snan", "inf", "infinity"):
            raise ValidationError("{field} must be a finite number", param=param, field=field)
        raise ValidationError("{field} is not a number: {text!r} (write it like 12.50)",
                              param=param, field=field, text=text)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError("{field} is not a number: {text!r}", param=param, field=field,
                              text=text) from None
    if not value.is_finite():
        raise ValidationError("{field} must be a finite number", param=param, field=field)
    if value.adjusted() > 18:
        raise ValidationError("{field} is too large", param=param, field=field)
    with localcontext() as ctx:
        ctx.prec = 200  # exact: 64 input characters can never exceed this
        micros = value * MICROS_PER_UNIT
    if micros != micros.to_integral_value():
        raise ValidationError("{field} has more than 6 decimal places: {text}",
                              param=param, field=field, text=text)
    result = int(micros)
    if result == 0 and not allow_zero:
        raise ValidationError("{field} must not be zero", param=param, field=field)
    if result < 0 and not allow_negative:
        raise ValidationError("{field} cannot be negative" if allow_zero
                              else "{field} must be positive", param=param, field=field)
    if abs(result) > MAX_AMOUNT_MICROS:
        raise ValidationError("{field} is too large", param=param, field=field)
    return result


def format_amount(micros: int) -> str:
    """Balances, recharges, refunds, adjustments and totals: "12.50", "0.00", "-3.10".

    Two decimals, the currency's precision, unless the amount is not a whole number of cents:
    then all six ("12.345678", "0.000256"), because money text must never round. Only 2 or 6
    decimals ever appear, so a column of amounts still lines up on the right.
    """
    sign = "-" if micros < 0 else ""
    units, frac = divmod(abs(int(micros)), MICROS_PER_UNIT)
    frac_text = f"{frac:06d}"
    if frac_text.endswith("0000"):
        frac_text = frac_text[:2]
    return f"{sign}{units}.{frac_text}"


def format_cost(micros: int) -> str:
    """Per-request costs and prices: always six decimals ("0.000256", "2.000000"), exact
    micro-units, so a column of costs lines up digit for digit."""
    sign = "-" if micros < 0 else ""
    units, frac = divmod(abs(int(micros)), MICROS_PER_UNIT)
    return f"{sign}{units}.{frac:06d}"


# Per-request costs and unit prices, by their field names in the services' rows and views.
COST_FIELDS = frozenset({"cost_micros", "written_off_micros", "input_micros",
                         "cached_input_micros", "output_micros"})


def format_field(field: str, micros: int) -> str:
    """An integer ``*_micros`` field as text, in the format its kind of money takes."""
    return format_cost(micros) if field in COST_FIELDS else format_amount(micros)


# The old name, for callers not yet moved to the formats above.
format_micros = format_amount
