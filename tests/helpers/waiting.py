"""Waiting, bounded, for what another task or process makes true (never a fixed sleep)."""

import asyncio
from collections.abc import Callable


async def until(predicate: Callable[[], object], seconds: float = 5.0) -> None:
    """Poll ``predicate`` until it is true; ``TimeoutError`` after ``seconds``."""
    async with asyncio.timeout(seconds):
        while not predicate():
            await asyncio.sleep(0.001)
