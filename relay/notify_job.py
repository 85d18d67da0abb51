"""The notification job: every minute, low-balance warnings (once per crossing below a user's
threshold, see :func:`app.notify.low_balance_sweep`), and hourly the spent or expired
password-reset links are deleted. It reads balances off the request path, so relayed requests
never pay for notifications.

Wiring: ``app.cleanup_ctx.append(notify_job)`` in :func:`relay.app.create_app`.
"""

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from app import notify, password_reset
from relay.cluster import singleton
from relay.state import STATE

log = logging.getLogger(__name__)

EVERY_S = 60.0
PURGE_EVERY = 60  # sweeps: hourly


async def run_once(app: web.Application, purge: bool = False) -> tuple[int, int]:
    """One sweep; (warned, cleared)."""
    dbx = app[STATE].dbx
    result: tuple[int, int] = await dbx.run(notify.low_balance_sweep)
    if purge:
        await dbx.run(password_reset.purge_expired)
    return result


async def _loop(app: web.Application, every_s: float) -> None:
    sweeps = 0
    while True:
        try:
            warned, _ = await run_once(app, purge=sweeps % PURGE_EVERY == 0)
            if warned:
                log.info("queued %d low-balance warnings", warned)
        except Exception:  # a database hiccup: try again next time, never die
            log.warning("notification sweep failed", exc_info=True)
        sweeps += 1
        await asyncio.sleep(every_s)


async def notify_job(app: web.Application) -> AsyncIterator[None]:
    """The relay app's cleanup context: sweep at start-up, then every minute (on one relay of
    those sharing a PostgreSQL database)."""
    job = singleton.start(app, "notify", lambda: _loop(app, EVERY_S),
                          task_name="relaydesk-notifications")
    try:
        yield
    finally:
        await job.stop()
