"""Change notifications, so caches (the relay's key, price and policy caches) drop stale entries
the moment the operator changes something.

``emit`` calls this process's listeners at once, then hands the topic to a cross-process
publisher when one is registered (app/changefeed.py on PostgreSQL), so other processes on the
same database hear of it too; they pass what they receive to ``emit_local``, which never
publishes again. Without a publisher (SQLite) other processes rely on the caches' short
time-to-live instead.
"""

from collections import defaultdict
from collections.abc import Callable

_listeners: dict[str, list[Callable[[], None]]] = defaultdict(list)
_publisher: Callable[[str], None] | None = None

KEYS = "keys"  # API keys or their owners changed (revoke, disable, delete)
PRICES = "prices"
PROVIDERS = "providers"
SETTINGS = "settings"
ADMIN_TOKENS = "admin_tokens"
BANS = "bans"  # an address was banned or unbanned
# Every topic: what a process re-applies when it may have missed changes made elsewhere.
TOPICS = (KEYS, PRICES, PROVIDERS, SETTINGS, ADMIN_TOKENS, BANS)


def subscribe(topic: str, callback: Callable[[], None]) -> Callable[[], None]:
    """Call ``callback`` after each change of ``topic``; returns an unsubscribe function.

    Callbacks may run on any thread (a database thread, the change feed's listener): they
    should only set flags or clear dictionaries.
    """
    _listeners[topic].append(callback)
    return lambda: _listeners[topic].remove(callback) if callback in _listeners[topic] else None


def set_publisher(publisher: Callable[[str], None] | None) -> Callable[[str], None] | None:
    """Make ``publisher`` receive every topic ``emit`` sees (``None``: none); returns the
    previous one."""
    global _publisher
    previous, _publisher = _publisher, publisher
    return previous


def publisher() -> Callable[[str], None] | None:
    return _publisher


def emit_local(topic: str) -> None:
    """Tell this process's listeners only: for changes another process already announced."""
    for callback in list(_listeners.get(topic, ())):
        callback()


def emit(topic: str) -> None:
    """Announce a change made by this process, here and (with a publisher) everywhere."""
    try:
        emit_local(topic)
    finally:  # a failing listener must not keep other processes stale
        publish = _publisher
        if publish is not None:
            publish(topic)
