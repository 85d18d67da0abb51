"""Exceptions the service layer raises; every transport maps them to its own error shape.

They carry a message written for the operator or API user, never a traceback or a secret.
"""


class ServiceError(Exception):
    """Base class: a request that the service refused, with a human-readable reason."""

    code = "service_error"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class ValidationError(ServiceError):
    """Input is malformed or out of range; nothing was changed."""

    code = "invalid_value"


class NotFound(ServiceError):
    """The named user, key, provider, order or price does not exist."""

    code = "not_found"


class Conflict(ServiceError):
    """The change clashes with existing state (duplicate name, refund beyond the paid amount...)."""

    code = "conflict"


class InsufficientBalance(ServiceError):
    """The user's balance cannot cover the debit; ``balance_micros``: what it was, when known
    (the relay sizes a smaller request from it)."""

    code = "insufficient_balance"

    def __init__(self, message: str, *, param: str | None = None,
                 balance_micros: int | None = None) -> None:
        super().__init__(message, param=param)
        self.balance_micros = balance_micros


class KeystoreUnavailable(ServiceError):
    """No usable OS keyring: secrets are never written anywhere else."""

    code = "keystore_unavailable"
