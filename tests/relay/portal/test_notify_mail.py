"""End to end through a real SMTP server (aiosmtpd on loopback): notifications queued by the
portal and the relay's jobs arrive, are sent once, and their links work."""

import re

import pytest

from app import ledger, settings
from app.ledger import Kind
from relay import mail
from relay.dbexec import DatabaseExecutor
from relay.notify_job import run_once as notify_once
from tests.helpers.smtp_server import SmtpServer, use_smtp
from tests.relay.portal.conftest import Browser, Portal, make_user

LINK = re.compile(r"https?://[^\s/]+(/portal/reset/[A-Za-z0-9_-]+)")


async def test_reset_link_by_real_mail(portal: Portal, browser: Browser, smtp: SmtpServer,
                                       dbx: DatabaseExecutor) -> None:
    use_smtp(smtp)
    make_user("alice", email="alice@example.com")
    await browser.post("/portal/forgot", {"email": "alice@example.com"})
    await browser.post("/portal/forgot", {"email": "nobody@example.com"})
    result = await mail.run_once(dbx)
    assert len(result.sent) == 1 and (await mail.run_once(dbx)).sent == []
    [got] = smtp.messages()
    assert got.rcpt_tos == ["alice@example.com"]
    assert got.message["Subject"] == "Reset your RelayDesk password"
    found = LINK.search(got.body("plain"))
    assert found and found.group(1) in got.body("html")
    status, page = await browser.post(found.group(1), {
        "new_password": "a much better passphrase",
        "confirm_password": "a much better passphrase"})
    assert status == 200 and 'id="reset-done"' in page


async def test_low_balance_warning_by_real_mail_once(portal: Portal, smtp: SmtpServer,
                                                     dbx: DatabaseExecutor) -> None:
    use_smtp(smtp)
    settings.set("low_balance_threshold_micros", 2_000_000)
    alice = make_user("alice", email="alice@example.com", balance_micros=5_000_000)
    await mail.run_once(dbx)  # the receipt of the recharge
    ledger.post(alice.id, Kind.ADJUSTMENT, -4_000_000, actor="test")
    app = portal.server.app
    assert app is not None
    assert (await notify_once(app)) == (1, 0)
    assert (await notify_once(app)) == (0, 0)
    await mail.run_once(dbx)
    subjects = [m.message["Subject"] for m in smtp.messages()]
    assert len(subjects) == 2 and "low: 1.00" in subjects[1]
    assert "/portal/unsubscribe/" in smtp.messages()[1].body("plain")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_every_notification_kind_arrives_by_real_mail(
        portal: Portal, smtp: SmtpServer, dbx: DatabaseExecutor, lang: str) -> None:
    """Issue 17: each kind of mail, queued by the service that causes it, reaches a real SMTP
    server once, with a plain-text and an HTML body, in the user's language."""
    from app import announcements, bans, password_reset, policy, signins
    from app.models import User
    use_smtp(smtp)
    settings.set("operator_email", "ops@example.com")
    settings.set("low_balance_threshold_micros", 2_000_000)
    alice = make_user("alice", email="alice@example.com", balance_micros=5_000_000)
    User.update(lang=lang).where(User.id == alice.id).execute()
    # receipt (above), sign-in alert from a new device, ban alert, announcement, policy notice,
    # password reset, low-balance warning
    _, first = signins.sign_in("alice", "correct horse battery", ip="10.0.0.1", user_agent="UA")
    from app import notify
    notify.signed_in(alice.id, first.id)
    _, second = signins.sign_in("alice", "correct horse battery", ip="10.0.0.2",
                                user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    assert notify.signed_in(alice.id, second.id)
    bans.ban("192.0.2.9", reason="login", failures=10)
    announcements.post("Maintenance", "Sunday 02:00", email=True)
    policy.publish("2099-01-01", major=True)
    assert password_reset.request_reset("alice@example.com")
    ledger.post(alice.id, Kind.ADJUSTMENT, -4_000_000, actor="test")
    app = portal.server.app
    assert app is not None
    await notify_once(app)
    result = await mail.run_once(dbx)
    assert (await mail.run_once(dbx)).sent == []  # each sent once
    got = smtp.messages()
    assert len(got) == len(result.sent) == 7
    assert sorted(m.rcpt_tos[0] for m in got) == ["alice@example.com"] * 6 + ["ops@example.com"]
    for message in got:
        assert message.body("plain").strip() and message.body("html").strip()
    alice_mail = " ".join(m.message["Subject"] + m.body("plain") for m in got
                          if m.rcpt_tos == ["alice@example.com"])
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in alice_mail)
    assert chinese == (lang == "zh_CN")
