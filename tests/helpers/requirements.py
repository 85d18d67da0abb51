"""Skip-or-fail for tests that need a real system part (PostgreSQL, a Secret Service, ...).

Usage in a fixture or test::

    from tests.helpers.requirements import require
    require(postgres_available())      # None -> go on; a reason string -> skip / fail

Normally a missing part skips the test with a loud reason (shown by ``-ra`` in the summary).
When ``CI=true`` a missing part is a failure: CI must never go green by skipping.
"""

from __future__ import annotations

import os

import pytest

__all__ = ["in_ci", "require"]


def in_ci() -> bool:
    """True when the environment variable CI is set to "true" (any case) or "1"."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


def require(reason: str | None) -> None:
    """Do nothing when ``reason`` is None; otherwise skip loudly, or fail when CI=true."""
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"MISSING SYSTEM PART (CI=true, so this is a failure): {reason}", pytrace=False)
    pytest.skip(f"MISSING SYSTEM PART: {reason}")
