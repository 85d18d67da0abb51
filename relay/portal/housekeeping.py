"""Expired portal sessions are deleted when next presented, but a browser that never comes
back would leave its row forever: an hourly sweep removes those (with the token hash, IP and
user agent they hold, which the privacy policy keeps no longer than needed)."""

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from app import websessions
from relay.cluster import singleton
from relay.state import STATE

log = logging.getLogger(__name__)

SWEEP_S = 3600.0
RETRY_S = 60.0


async def _sweep(app: web.Application) -> None:
    state = app[STATE]
    while True:
        try:
            removed = await state.dbx.run(websessions.purge_expired)
        except Exception:  # database briefly unreachable: try again soon, never die
            log.warning("could not purge expired portal sessions", exc_info=True)
            await asyncio.sleep(RETRY_S)
            continue
        if removed:
            log.info("purged %d expired portal sessions", removed)
        await asyncio.sleep(SWEEP_S)


async def session_sweeper(app: web.Application) -> AsyncIterator[None]:
    """The relay app's cleanup context: sweep at start-up, then hourly (on one relay of those
    sharing a PostgreSQL database)."""
    job = singleton.start(app, "portal-sweep", lambda: _sweep(app),
                          task_name="portal-session-sweep")
    try:
        yield
    finally:
        await job.stop()
