"""Secrets (provider keys; later SMTP and payment keys) in the OS keyring, and nowhere else.

On a headless server without a Secret Service, ``RELAYDESK_PROVIDER_KEY_<NAME>`` supplies a
provider key and takes precedence over the keyring. When neither exists, saving a secret fails
with a message saying how to proceed: there is deliberately no plaintext fallback.

Keyring calls are blocking (D-Bus): async callers use the ``*_async`` helpers.
"""

import asyncio
import os
import re

import keyring
import keyring.backend
import keyring.errors

from app.errors import KeystoreUnavailable

SERVICE = "RelayDesk"
ENV_PREFIX = "RELAYDESK_PROVIDER_KEY_"

NO_KEYRING_HELP = (
    "no usable OS keyring was found, and RelayDesk never stores secrets in plain text. "
    "On a desktop, unlock or install a keyring (GNOME Keyring, KWallet, macOS Keychain, "
    "Windows Credential Manager). On a headless server, set the environment variable "
    "{env} to the key instead."
)
REFUSED_HELP = "the OS keyring refused to store the secret ({error}); " + NO_KEYRING_HELP


def env_var_name(provider_name: str) -> str:
    """``RELAYDESK_PROVIDER_KEY_`` + the name upper-cased, other characters as ``_``."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", provider_name.upper())


def _entry(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def backend_usable() -> bool:
    """True when keyring resolved to a real backend (not the fail/null ones)."""
    backend = keyring.get_keyring()
    try:
        return bool(backend.priority > 0)  # fail.Keyring and null.Keyring have priority <= 0
    except Exception:  # noqa: BLE001 - a backend whose priority check raises is not usable
        return False


def backend_name() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def set_secret(kind: str, name: str, secret: str) -> None:
    if not backend_usable():
        raise KeystoreUnavailable(NO_KEYRING_HELP, env=env_var_name(name))
    try:
        keyring.set_password(SERVICE, _entry(kind, name), secret)
    except keyring.errors.KeyringError as exc:
        raise KeystoreUnavailable(REFUSED_HELP, error=type(exc).__name__,
                                  env=env_var_name(name)) from None


def get_secret(kind: str, name: str) -> str | None:
    """The secret, from the environment (providers only) or the keyring; ``None`` if absent."""
    if kind == "provider":
        from_env = os.environ.get(env_var_name(name))
        if from_env:
            return from_env
    if not backend_usable():
        return None
    try:
        return keyring.get_password(SERVICE, _entry(kind, name))
    except keyring.errors.KeyringError:
        return None


def delete_secret(kind: str, name: str) -> None:
    if not backend_usable():
        return
    try:
        keyring.delete_password(SERVICE, _entry(kind, name))
    except keyring.errors.PasswordDeleteError:
        pass  # already gone
    except keyring.errors.KeyringError:
        pass


def has_secret(kind: str, name: str) -> bool:
    return get_secret(kind, name) is not None


async def get_secret_async(kind: str, name: str) -> str | None:
    return await asyncio.get_running_loop().run_in_executor(None, get_secret, kind, name)


async def set_secret_async(kind: str, name: str, secret: str) -> None:
    await asyncio.get_running_loop().run_in_executor(None, set_secret, kind, name, secret)
