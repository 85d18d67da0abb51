"""Exact money: integer micro-units in, decimal text out. Floats never touch a balance.

1 unit of the operator's currency = 1,000,000 micro-units, so a CNY balance of 12.5 is stored as
12_500_000. Parsing goes through :class:`decimal.Decimal` from text so "0.1" is exactly 100_000.
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


def parse_amount(text: str | int | Decimal, *, param: str = "amount", allow_zero: bool = False,
                 allow_negative: bool = False) -> int:
    """Parse decimal currency text ("12.5", "-0.000001") into micro-units.

    The one amount parser of the CLI, the GUI and the admin API. Text must be a plain ASCII
    decimal (digits, an optional sign and fraction); floats, more than six decimals,
    NaN/Infinity and absurd magnitudes are refused with a message naming ``param``.
    """
    if isinstance(text, float) or isinstance(text, bool):
        raise ValidationError(f"{param} must be given as decimal text, not a float", param=param)
    raw = str(text)
    if len(raw) > 64:
        raise ValidationError(f"{param} is too long to be an amount", param=param)
    if isinstance(text, str) and not _PLAIN_DECIMAL.fullmatch(raw):
        if raw.lower().lstrip("-+") in ("nan", "snan", "inf", "infinity"):
            raise ValidationError(f"{param} must be a finite number", param=param)
        raise ValidationError(f"{param} is not a number: {text!r} (write plain decimal text "
                              "such as 12.50)", param=param)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(f"{param} is not a number: {text!r}", param=param) from None
    if not value.is_finite():
        raise ValidationError(f"{param} must be a finite number", param=param)
    if value.adjusted() > 18:
        raise ValidationError(f"{param} is too large", param=param)
    with localcontext() as ctx:
        ctx.prec = 200  # exact: 64 input characters can never exceed this
        micros = value * MICROS_PER_UNIT
    if micros != micros.to_integral_value():
        raise ValidationError(f"{param} has more than 6 decimal places: {text}", param=param)
    result = int(micros)
    if result == 0 and not allow_zero:
        raise ValidationError(f"{param} must not be zero", param=param)
    if result < 0 and not allow_negative:
        raise ValidationError(f"{param} must be positive", param=param)
    if abs(result) > MAX_AMOUNT_MICROS:
        raise ValidationError(f"{param} is too large", param=param)
    return result


def format_micros(micros: int) -> str:
    """Render micro-units as decimal text with at least two decimals ("12.50", "0.000123")."""
    sign = "-" if micros < 0 else ""
    units, frac = divmod(abs(int(micros)), MICROS_PER_UNIT)
    frac_text = f"{frac:06d}".rstrip("0").ljust(2, "0")
    return f"{sign}{units}.{frac_text}"
