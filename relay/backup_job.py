"""Scheduled database backups, run by whichever process runs the relay (the desktop window or
`relaydesk serve`).

Every ``check_every_s`` the job asks :func:`app.backup.due` (the ``backup_interval_hours``
setting against the newest backup's time) and, when due, writes one with
:func:`app.backup.backup_now`, keeping ``backup_keep``. Both run on the relay's database
executor, like every other database call; on SQLite that is the relay's one database thread, so
relayed requests that need the database wait while the copy is made (about a second per few
hundred MB, once per interval). PostgreSQL gets no job: pg_dump is the tool there.

Wiring: ``start_backup_job(app, config)`` inside :func:`relay.app.create_app`.
"""

import asyncio
import logging

from aiohttp import web

from app import backup, settings
from app.config import Config
from relay.dbexec import DatabaseExecutor
from relay.state import STATE

log = logging.getLogger(__name__)

CHECK_EVERY_S = 3600.0


class BackupJob:
    """The running loop's task, if any (the app is frozen once started, so its state dict
    cannot take a task at startup; this holder is stored before that)."""

    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None


BACKUP_JOB: web.AppKey[BackupJob] = web.AppKey("relaydesk_backup_job", BackupJob)


async def run_once(config: Config, dbx: DatabaseExecutor) -> backup.BackupInfo | None:
    """Back up if due; the new backup, or ``None`` when none was due."""
    if not await dbx.run(backup.due, config):
        return None
    keep = int(await dbx.run(settings.get, "backup_keep"))
    info = await dbx.run(backup.backup_now, config, keep=keep, actor="scheduler")
    log.info("scheduled backup written: %s (%d bytes)", info.path, info.size)
    return info


async def backup_loop(config: Config, dbx: DatabaseExecutor,
                      check_every_s: float = CHECK_EVERY_S) -> None:
    """Check now and then every ``check_every_s`` seconds until cancelled.

    A failed backup (disk full, a damaged database) is logged and tried again at the next
    check; it never stops the loop or the relay.
    """
    while True:
        try:
            await run_once(config, dbx)
        except Exception:
            log.exception("scheduled backup failed; trying again in %.0f s", check_every_s)
        await asyncio.sleep(check_every_s)


def start_backup_job(app: web.Application, config: Config, *,
                     check_every_s: float = CHECK_EVERY_S) -> BackupJob | None:
    """Run :func:`backup_loop` while ``app`` runs; call before the app starts.

    SQLite only: with PostgreSQL nothing is added and ``None`` returned. The loop starts on
    startup and is cancelled on shutdown, which aiohttp runs before the cleanup that shuts the
    database executor down (``relay.app._lifecycle``); the cleanup hook repeats the cancel for
    an app stopped without a shutdown. A copy being written when the loop is cancelled finishes
    on the executor (which is shut down with ``wait=True``).
    """
    if not config.is_sqlite:
        log.info("no scheduled backups: PostgreSQL is backed up with pg_dump")
        return None
    job = BackupJob()
    app[BACKUP_JOB] = job

    async def start(app: web.Application) -> None:
        job.task = asyncio.create_task(backup_loop(config, app[STATE].dbx, check_every_s),
                                       name="relaydesk-backups")

    async def stop(app: web.Application) -> None:
        task = job.task
        if task is None or task.done():
            return
        task.cancel()
        await asyncio.wait([task])

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
    app.on_cleanup.append(stop)
    return job
