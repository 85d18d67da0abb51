"""Gateway amounts are decimal yuan strings; RelayDesk's are integer micro-units. Conversions
are exact: a gateway amount that is not a whole number of micros never equals an order."""

import re
from decimal import Decimal, InvalidOperation

MICROS = 1_000_000
CENT = 10_000  # gateways take amounts in whole cents (fen)
_DECIMAL = re.compile(r"[0-9]{1,9}(\.[0-9]{1,6})?")


def to_yuan(amount_micros: int) -> str:
    """An order amount (whole cents) as the gateway's two-decimal string."""
    return f"{Decimal(amount_micros) / MICROS:.2f}"


def parse_yuan(text: object) -> int | None:
    """A gateway's amount in micros, or ``None`` if it is not an exact decimal amount."""
    raw = str(text if text is not None else "").strip()
    if not _DECIMAL.fullmatch(raw):  # ASCII only: Decimal also reads "１.00"
        return None
    try:
        micros = Decimal(raw) * MICROS
    except InvalidOperation:
        return None
    if micros != micros.to_integral_value():
        return None
    return int(micros)
