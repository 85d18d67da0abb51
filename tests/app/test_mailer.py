"""app.mailer and app.mailqueue against a real SMTP server (aiosmtpd on loopback): the MIME
message, plain/STARTTLS/SSL-less login, the password only in the keyring, errors without
secrets, and the queue's claim / backoff / retry / purge rules."""

import smtplib
from datetime import timedelta
from pathlib import Path

import keyring
import pytest

from app import mailer, mailqueue, settings, tls
from app.errors import Conflict, KeystoreUnavailable, NotFound, ValidationError
from app.mailer import SmtpConfig
from app.models import AuditEvent, MailMessage
from tests.helpers.smtp_server import SmtpServer


def configure(server: SmtpServer, security: str = "none", username: str = "") -> None:
    settings.set("smtp_host", server.host)
    settings.set("smtp_port", server.port)
    settings.set("smtp_security", security)
    settings.set("smtp_username", username)
    settings.set("mail_from", "relay@example.org")


def deliver(message_id: int) -> None:
    """What the relay's job does for one row, synchronously."""
    row = mailqueue.claim(message_id)
    assert row is not None
    config = mailer.with_password(mailer.load_settings())
    mailer.send(config, mailer.build_message(row, config.from_addr))
    assert mailqueue.mark_sent(message_id)


def test_a_queued_message_arrives_with_both_bodies_and_headers(sqlite_db, smtp) -> None:
    configure(smtp)
    row = mailqueue.enqueue("bob@example.com", "Your receipt\r\nBcc: evil@example.com",
                            "Paid 10.00\n", "<p>Paid <b>10.00</b></p>", kind="receipt",
                            lang="zh_CN")
    assert row is not None
    deliver(row.id)
    [got] = smtp.messages()
    assert got.rcpt_tos == ["bob@example.com"] and got.mail_from == "relay@example.org"
    msg = got.message
    assert msg["Subject"] == "Your receipt Bcc: evil@example.com"  # folded, not a header
    assert msg["Bcc"] is None
    assert (msg["From"], msg["To"]) == ("relay@example.org", "bob@example.com")
    assert msg["Message-ID"].endswith("@example.org>") and msg["Date"]
    assert msg["Content-Language"] == "zh-CN" and msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_type() == "multipart/alternative"
    assert got.body("plain") == "Paid 10.00\n"
    assert got.body("html").strip() == "<p>Paid <b>10.00</b></p>"
    assert MailMessage.get_by_id(row.id).status == "sent"


def test_text_only_mail_is_single_part_and_chinese_survives(sqlite_db, smtp) -> None:
    configure(smtp)
    row = mailqueue.enqueue("bob@example.com", "余额不足", "您的余额低于 5.00 元。\n",
                            kind="low_balance")
    assert row is not None
    deliver(row.id)
    [got] = smtp.messages()
    assert got.message["Subject"] == "余额不足"
    assert got.message.get_content_type() == "text/plain"
    assert got.body("plain") == "您的余额低于 5.00 元。\n"


def test_settings_are_checked(sqlite_db) -> None:
    with pytest.raises(ValidationError, match="must be one of none, starttls, ssl"):
        settings.set("smtp_security", "tls")
    with pytest.raises(ValidationError, match="must be between 1 and 65535"):
        settings.set("smtp_port", 0)
    config = mailer.load_settings()
    assert (config.port, config.security, config.configured) == (587, "starttls", False)


@pytest.mark.keyring
def test_login_uses_the_password_from_the_keyring_only(sqlite_db, real_keyring,
                                                       tmp_path: Path) -> None:
    secret = "smtp-pw-7d1f3c"
    server = SmtpServer(login=("mailer", secret))
    server.start()
    try:
        configure(server, username="mailer")
        mailer.set_password(secret)
        assert keyring.get_password("RelayDesk", "smtp:password") == secret
        assert mailer.has_password()
        assert secret not in repr(mailer.with_password(mailer.load_settings()))
        assert all(secret not in str(v) for v in settings.all_settings().values())
        row = mailqueue.enqueue("bob@example.com", "hi", "hello", kind="test")
        assert row is not None
        deliver(row.id)
        assert server.logins == ["mailer"] and len(server.messages()) == 1
        mailer.set_password(None)
        assert not mailer.has_password()
    finally:
        server.stop()


def test_no_keyring_means_no_password_saved_and_says_which_variable(sqlite_db) -> None:
    with pytest.raises(KeystoreUnavailable) as caught:
        mailer.set_password("pw")
    assert mailer.ENV_PASSWORD in caught.value.message


def test_the_environment_supplies_the_password_on_a_headless_server(
        sqlite_db, monkeypatch: pytest.MonkeyPatch) -> None:
    server = SmtpServer(login=("mailer", "env-pw-93a1"))
    server.start()
    try:
        configure(server, username="mailer")
        monkeypatch.setenv(mailer.ENV_PASSWORD, "env-pw-93a1")
        row = mailqueue.enqueue("bob@example.com", "hi", "hello", kind="test")
        assert row is not None
        deliver(row.id)
        assert server.logins == ["mailer"]
    finally:
        server.stop()


def test_a_wrong_password_is_an_error_without_the_password(
        sqlite_db, monkeypatch: pytest.MonkeyPatch) -> None:
    server = SmtpServer(login=("mailer", "right-pw"))
    server.start()
    try:
        configure(server, username="mailer")
        monkeypatch.setenv(mailer.ENV_PASSWORD, "wrong-pw-55e2")
        config = mailer.with_password(mailer.load_settings())
        row = mailqueue.enqueue("bob@example.com", "hi", "hello", kind="test")
        assert row is not None
        with pytest.raises(smtplib.SMTPAuthenticationError) as caught:
            mailer.send(config, mailer.build_message(row, config.from_addr))
        text = mailer.describe_error(caught.value, config.password)
        assert text.startswith("SMTP 535") and "wrong-pw-55e2" not in text
        # even a server that echoes it back
        echoed = smtplib.SMTPResponseException(550, b"bad wrong-pw-55e2")
        assert mailer.describe_error(echoed, "wrong-pw-55e2") == "SMTP 550: bad ***"
    finally:
        server.stop()


def test_starttls_with_a_verified_certificate(sqlite_db, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = tls.ensure_self_signed(tmp_path / "tls", [], [])
    server = SmtpServer(tls_files=(cert, key))
    server.start()
    try:
        configure(server, security="starttls")
        row = mailqueue.enqueue("bob@example.com", "hi", "hello", kind="test")
        assert row is not None
        config = mailer.load_settings()
        # not trusted: the certificate is refused, nothing is sent
        with pytest.raises(Exception) as caught:
            mailer.send(config, mailer.build_message(row, config.from_addr))
        assert mailer.describe_error(caught.value).startswith("TLS failed")
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        mailer.send(config, mailer.build_message(row, config.from_addr))
        assert len(server.messages()) == 1
    finally:
        server.stop()


def test_ssl_from_the_first_byte(sqlite_db, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = tls.ensure_self_signed(tmp_path / "tls", [], [])
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = SmtpServer(tls_files=(cert, key), implicit_tls=True)
    server.start()
    try:
        configure(server, security="ssl")
        row = mailqueue.enqueue("bob@example.com", "hi", "hello", kind="test")
        assert row is not None
        deliver(row.id)
        assert len(server.messages()) == 1
        settings.set("smtp_security", "none")  # a plain client gets no SMTP greeting
        config = mailer.load_settings()
        with pytest.raises(Exception):  # noqa: B017 - a timeout or a dropped connection
            mailer.send(SmtpConfig(config.host, config.port, "none", "", config.from_addr,
                                   timeout=2), mailer.build_message(row, config.from_addr))
        assert len(server.messages()) == 1
    finally:
        server.stop()


def test_server_down_is_a_short_error(sqlite_db, smtp) -> None:
    configure(smtp)
    smtp.stop()
    config = mailer.load_settings()
    row = mailqueue.enqueue("bob@example.com", "hi", "hello", kind="test")
    assert row is not None
    with pytest.raises(OSError) as caught:
        mailer.send(config, mailer.build_message(row, config.from_addr))
    assert mailer.describe_error(caught.value) == "connection refused by the SMTP server"


# --- the queue's rules ----------------------------------------------------------------------

def test_claim_is_once_and_backoff_doubles_to_failed(any_db, fake_clock) -> None:
    row = mailqueue.enqueue("bob@example.com", "hi", "hello", kind="test")
    assert row is not None
    waits = []
    for attempt in range(1, mailqueue.MAX_ATTEMPTS + 1):
        assert mailqueue.due_ids() == [row.id]
        assert mailqueue.claim(row.id) is not None
        assert mailqueue.claim(row.id) is None  # a second relay gets nothing
        assert mailqueue.due_ids() == []
        failed = mailqueue.mark_failed(row.id, f"boom {attempt}")
        assert failed is not None and failed.attempts == attempt
        waits.append(failed.next_attempt_at - fake_clock.current)
        if failed.status == "failed":
            break
        fake_clock.advance(seconds=waits[-1].total_seconds() - 1)
        assert mailqueue.due_ids() == []  # not before its time
        fake_clock.advance(seconds=1)
    assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 16, 32, 60, 60]
    final = MailMessage.get_by_id(row.id)
    assert (final.status, final.last_error) == ("failed", "boom 8")
    fake_clock.advance(days=1)
    assert mailqueue.due_ids() == []


def test_an_abandoned_claim_is_taken_again_after_its_lease(any_db, fake_clock) -> None:
    row = mailqueue.enqueue("bob@example.com", "hi", "hello", kind="test")
    assert row is not None and mailqueue.claim(row.id) is not None
    fake_clock.advance(seconds=mailqueue.CLAIM_LEASE.total_seconds() - 1)
    assert mailqueue.claim(row.id) is None
    fake_clock.advance(seconds=1)
    assert mailqueue.claim(row.id) is not None


def test_retry_list_counts_and_purge(any_db, fake_clock) -> None:
    sent = mailqueue.enqueue("a@example.com", "s", "t", kind="test")
    failed = mailqueue.enqueue("b@example.com", "f", "t", kind="test")
    assert sent is not None and failed is not None
    mailqueue.claim(sent.id)
    mailqueue.mark_sent(sent.id)
    mailqueue.claim(failed.id)
    MailMessage.update(attempts=mailqueue.MAX_ATTEMPTS).where(
        MailMessage.id == failed.id).execute()
    mailqueue.mark_failed(failed.id, "SMTP 550: no such user")
    assert mailqueue.counts() == {"queued": 0, "sending": 0, "sent": 1, "failed": 1}
    assert [m.id for m in mailqueue.list_messages("failed")] == [failed.id]
    assert [m.id for m in mailqueue.list_messages()] == [failed.id, sent.id]
    with pytest.raises(ValidationError):
        mailqueue.list_messages("lost")
    with pytest.raises(Conflict):
        mailqueue.retry(sent.id)
    with pytest.raises(NotFound):
        mailqueue.retry(9999)
    again = mailqueue.retry(failed.id, actor="ops")
    assert (again.status, again.attempts) == ("queued", 0)
    assert mailqueue.due_ids() == [failed.id]
    assert AuditEvent.get(AuditEvent.action == "mail.retry").actor == "ops"
    fake_clock.advance(days=mailqueue.KEEP_DAYS + 1)
    assert mailqueue.purge() == 1  # the sent one; the retried one is waiting, kept
    assert [m.id for m in mailqueue.list_messages()] == [failed.id]


def test_send_test_queues_a_test_mail(any_db) -> None:
    row = mailqueue.send_test("ops@example.com")
    assert (row.kind, row.status, row.subject) == ("test", "queued", mailqueue.TEST_SUBJECT)
    assert row.html_body and row.text_body
    with pytest.raises(ValidationError):
        mailqueue.send_test("not an address")


def test_backoff_is_capped() -> None:
    assert mailqueue.backoff(1) == timedelta(minutes=1)
    assert mailqueue.backoff(30) == timedelta(hours=1)
