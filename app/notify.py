"""Service notifications by email: what RelayDesk tells a user (or the operator) and when.

Each function decides whether a mail is due and queues it through :mod:`app.mailqueue` in the
caller's transaction; sending happens later in the relay's mail job. (Being built for issue 17:
the functions below are the interface other modules call; until then they do nothing.)
"""

from app.models import RechargeRecord


def recharge_receipt(record: RechargeRecord) -> None:
    """A credited recharge (manual, gateway or redemption code): queue the user's receipt.
    Called inside the crediting transaction."""
