"""In-process change notifications, so caches (the relay's key and price caches) drop stale
entries the moment the operator changes something in the same process. Other processes rely on
the caches' short time-to-live instead."""

from collections import defaultdict
from collections.abc import Callable

_listeners: dict[str, list[Callable[[], None]]] = defaultdict(list)

KEYS = "keys"  # API keys or their owners changed (revoke, disable, delete)
PRICES = "prices"
PROVIDERS = "providers"
SETTINGS = "settings"
ADMIN_TOKENS = "admin_tokens"
BANS = "bans"  # an address was banned or unbanned


def subscribe(topic: str, callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each change of ``topic``; returns an unsubscribe function."""
    _listeners[topic].append(callback)
    return lambda: _listeners[topic].remove(callback) if callback in _listeners[topic] else None


def emit(topic: str) -> None:
    for callback in list(_listeners.get(topic, ())):
        callback()
