"""relay.mail: the relay's mail job against a real SMTP server (aiosmtpd on loopback). Queued
mail arrives; a server that is down means retries with backoff (the clock is moved, no sleeps)
and delivery once it is back; two relays on one database never send a message twice; the running
relay app sends what the GUI or CLI queued."""

import asyncio
from datetime import timedelta

from app import mailqueue
from app.models import MailMessage
from relay import mail
from relay.dbexec import DatabaseExecutor
from relay.server import RelayServer
from tests.helpers.smtp_server import use_smtp
from tests.helpers.waiting import until
from tests.relay.conftest import relay_options


def queue(n: int = 1) -> list[int]:
    ids = []
    for i in range(n):
        row = mailqueue.enqueue(f"user{i}@example.com", f"Subject {i}", f"text {i}\n",
                                f"<p>html {i}</p>", kind="test")
        assert row is not None
        ids.append(row.id)
    return ids


async def test_a_queued_message_is_sent_with_both_bodies(sqlite_db, smtp, dbx) -> None:
    use_smtp(smtp)
    [message_id] = queue()
    result = await mail.run_once(dbx)
    assert (result.sent, result.failed) == ([message_id], [])
    [got] = smtp.messages()
    assert got.rcpt_tos == ["user0@example.com"] and got.message["Subject"] == "Subject 0"
    assert (got.body("plain"), got.body("html").strip()) == ("text 0\n", "<p>html 0</p>")
    row = MailMessage.get_by_id(message_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert (await mail.run_once(dbx)).sent == []  # nothing left


async def test_without_an_smtp_server_mail_waits_untried(sqlite_db, dbx) -> None:
    [message_id] = queue()
    assert (await mail.run_once(dbx)).sent == []
    row = MailMessage.get_by_id(message_id)
    assert (row.status, row.attempts) == ("queued", 0)


async def test_server_down_is_retried_with_backoff_and_delivered_once_back(
        sqlite_db, smtp, dbx, fake_clock) -> None:
    use_smtp(smtp)
    [message_id] = queue()
    smtp.stop()
    for attempt, wait_minutes in ((1, 1), (2, 2), (3, 4)):
        result = await mail.run_once(dbx)
        assert result.failed == [message_id]
        row = MailMessage.get_by_id(message_id)
        assert (row.status, row.attempts) == ("queued", attempt)
        assert row.last_error == "connection refused by the SMTP server"
        assert row.next_attempt_at == fake_clock.current + timedelta(minutes=wait_minutes)
        fake_clock.advance(minutes=wait_minutes - 0.5)
        assert await mail.run_once(dbx) == mail.RunResult()  # not yet due: not tried
        fake_clock.advance(minutes=0.5)
    smtp.start()
    assert (await mail.run_once(dbx)).sent == [message_id]
    assert len(smtp.messages()) == 1
    assert MailMessage.get_by_id(message_id).status == "sent"
    fake_clock.advance(hours=2)
    assert (await mail.run_once(dbx)).sent == [] and len(smtp.messages()) == 1


async def test_failed_for_good_after_max_attempts_then_retried_by_the_operator(
        sqlite_db, smtp, dbx, fake_clock) -> None:
    use_smtp(smtp)
    [message_id] = queue()
    smtp.stop()
    for _ in range(mailqueue.MAX_ATTEMPTS):
        assert (await mail.run_once(dbx)).failed == [message_id]
        fake_clock.advance(hours=1)
    row = MailMessage.get_by_id(message_id)
    assert (row.status, row.attempts) == ("failed", mailqueue.MAX_ATTEMPTS)
    fake_clock.advance(days=1)
    assert await mail.run_once(dbx) == mail.RunResult()
    smtp.start()
    mailqueue.retry(message_id)
    assert (await mail.run_once(dbx)).sent == [message_id]
    assert len(smtp.messages()) == 1


async def test_two_relays_on_one_database_send_each_message_once(any_db, smtp) -> None:
    use_smtp(smtp)
    ids = queue(12)
    relays = [DatabaseExecutor(), DatabaseExecutor()]
    try:
        results = await asyncio.gather(*(mail.run_once(r) for r in relays for _ in range(2)))
    finally:
        for relay in relays:
            relay.shutdown()
    sent = sorted(i for result in results for i in result.sent)
    assert sent == ids  # each exactly once across the four passes
    assert sorted(m.rcpt_tos[0] for m in smtp.messages()) == sorted(
        f"user{i}@example.com" for i in range(12))
    assert all(r.status == "sent" and r.attempts == 1 for r in MailMessage.select())


async def test_the_running_relay_sends_what_was_queued(sqlite_db, smtp) -> None:
    use_smtp(smtp)
    [message_id] = queue()
    server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
    await server.start()
    try:
        await until(lambda: len(smtp.messages()) == 1, 10)
    finally:
        await server.stop()
    assert MailMessage.get_by_id(message_id).status == "sent"
