"""The relay's mail job: sends the queued email (app.mailqueue) over SMTP (app.mailer).

Whichever process runs the relay (the desktop window or `relaydesk serve`) sends the mail, so
email written by the GUI, the CLI or the portal all goes out from one place. Every
``INTERVAL_S`` the job claims the due rows one by one (a conditional UPDATE: with several relays
on one PostgreSQL database each row is sent by one of them), sends each in a worker thread and
records the outcome; a failure is retried with exponential backoff (app.mailqueue.backoff) and
given up after ``MAX_ATTEMPTS``. Once an hour it deletes sent and failed mail older than
``KEEP_DAYS`` days. Without an SMTP server configured, mail simply waits in the queue.

Wiring: ``setup(app)`` from :func:`relay.app.create_app` (a cleanup_ctx: started after the
relay's database executor, stopped before it).
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from aiohttp import web

from app import clock, mailer, mailqueue
from relay.cluster import singleton
from relay.dbexec import DatabaseExecutor
from relay.state import STATE

log = logging.getLogger(__name__)

INTERVAL_S = 5.0
PURGE_EVERY_S = 3600.0
BATCH = 20


@dataclass
class RunResult:
    """What one pass did (tests and logs)."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # attempts that failed (retried or final)


async def run_once(dbx: DatabaseExecutor, batch: int = BATCH) -> RunResult:
    """Send what is due now; returns which rows were sent and which attempts failed."""
    result = RunResult()
    config = await dbx.run(mailer.load_settings)
    if not config.configured:
        return result
    ids = await dbx.run(mailqueue.due_ids, None, batch)
    if not ids:
        return result
    config = await asyncio.to_thread(mailer.with_password, config)  # keyring: blocking D-Bus
    for message_id in ids:
        # Once claimed, a message is sent and recorded even if the job is cancelled meanwhile
        # (relay stopping): an abandoned claim would be sent again after its lease.
        work = asyncio.ensure_future(_send_one(dbx, config, message_id, result))
        try:
            await asyncio.shield(work)
        except asyncio.CancelledError:
            await asyncio.wait([work])
            raise
    return result


async def _send_one(dbx: DatabaseExecutor, config: mailer.SmtpConfig, message_id: int,
                    result: RunResult) -> None:
    row = await dbx.run(mailqueue.claim, message_id)
    if row is None:
        return  # another relay took it
    try:
        message = mailer.build_message(row, config.from_addr)
        await asyncio.to_thread(mailer.send, config, message)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
        error = mailer.describe_error(exc, config.password)
        failed = await dbx.run(mailqueue.mark_failed, message_id, error)
        result.failed.append(message_id)
        log.warning("email %d (%s) failed, attempt %d: %s", message_id, row.kind, row.attempts,
                    error)
        if failed is not None and failed.status == "failed":
            log.error("email %d given up after %d attempts", message_id, failed.attempts)
        return
    await dbx.run(mailqueue.mark_sent, message_id)
    result.sent.append(message_id)


async def mail_loop(dbx: DatabaseExecutor, interval_s: float = INTERVAL_S) -> None:
    """:func:`run_once` every ``interval_s`` and the purge hourly, until cancelled; a failing
    pass (database unreachable...) is logged and the loop goes on."""
    loop = asyncio.get_running_loop()
    next_purge = loop.time()
    while True:
        try:
            await run_once(dbx)
            if loop.time() >= next_purge:
                next_purge = loop.time() + PURGE_EVERY_S
                removed = await dbx.run(mailqueue.purge, clock.now())
                if removed:
                    log.info("purged %d old emails", removed)
        except Exception:
            log.exception("mail job pass failed; trying again in %.0f s", interval_s)
        await asyncio.sleep(interval_s)


def setup(app: web.Application, interval_s: float = INTERVAL_S) -> None:
    """Run :func:`mail_loop` while ``app`` runs (on one relay of those sharing a PostgreSQL
    database)."""

    async def job(app: web.Application) -> AsyncIterator[None]:
        dbx = app[STATE].dbx
        runner = singleton.start(app, "mail", lambda: mail_loop(dbx, interval_s),
                                 task_name="relaydesk-mail")
        yield
        await runner.stop()

    app.cleanup_ctx.append(job)
