"""Work that must run to its end when the client hangs up.

The relay runs aiohttp with ``handler_cancellation=True``: a client that hangs up cancels
its request's handler, which closes the upstream request at once and settles the hold. A
stream instead reads on for ``disconnect_grace`` to learn its usage, and an admin change
completes; both await their work through ``outlive_cancellation``.
"""

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def outlive_cancellation(work: Awaitable[T]) -> T:
    """Await ``work`` in its own task to its end, even if the caller is cancelled meanwhile
    (the cancellation is then absorbed: the caller returns ``work``'s result as usual).

    ``work`` must end on its own in bounded time: streams do (read and write timeouts, the
    disconnect grace, the relay's shutdown abort).
    """
    task = asyncio.ensure_future(work)
    while True:
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.cancelled():
                raise
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
            if task.done():
                return task.result()
