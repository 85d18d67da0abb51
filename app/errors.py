"""Exceptions the service layer raises; every transport maps them to its own error shape.

They carry a message written for the operator or API user, never a traceback or a secret. The
message is a template plus its values, so the GUI can translate the template before filling it
in (gui/errors.py); ``message`` is the English text the CLI, the admin API and the logs show.
"""

from typing import Any


class ServiceError(Exception):
    """Base class: a request that the service refused, with a human-readable reason.

    Attributes:
        template: the English message with ``{name}`` placeholders (``str.format`` syntax).
        values: what fills the placeholders; ``field`` names the form field as it is labelled
            ("Amount", "Email"), which the GUI translates too.
        message: the template filled in, in English.
        param: the machine name of the offending input (``amount``), for API clients.
    """

    code = "service_error"

    def __init__(self, template: str, *, param: str | None = None, **values: Any) -> None:
        message = template.format(**values) if values else template
        super().__init__(message)
        self.template = template
        self.values = values
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

    def __init__(self, template: str, *, param: str | None = None,
                 balance_micros: int | None = None, **values: Any) -> None:
        super().__init__(template, param=param, **values)
        self.balance_micros = balance_micros


class KeystoreUnavailable(ServiceError):
    """No usable OS keyring: secrets are never written anywhere else."""

    code = "keystore_unavailable"
