"""/admin/api/mail: SMTP settings (password to the keyring, never returned), a test email the
running relay delivers to a real SMTP server, the queue with counts, one email with its bodies,
retry; refusals that change nothing."""

import keyring
import pytest

from app import mailqueue
from app.models import AuditEvent, MailMessage
from tests.helpers.smtp_server import SmtpServer
from tests.helpers.waiting import until
from tests.relay.admin.conftest import snapshot


async def test_settings_then_a_test_email_arrives(admin) -> None:
    server = SmtpServer()
    server.start()
    try:
        shown = await admin.ok("GET", "/admin/api/mail/settings")
        assert (shown["host"], shown["port"], shown["password"]) == ("", 587, "not set")
        changed = await admin.ok("PATCH", "/admin/api/mail/settings", json_body={
            "host": server.host, "port": server.port, "security": "none",
            "sender": "relay@example.org"})
        assert (changed["host"], changed["port"], changed["security"]) == (
            server.host, server.port, "none")
        made = await admin.ok("POST", "/admin/api/mail/test", 201,
                              json_body={"to": "ops@example.com"})
        assert (made["kind"], made["to"]) == ("test", "ops@example.com")
        # (the relay's set-up recharge queued a receipt too: the job sends both)
        await until(lambda: any(m.rcpt_tos == ["ops@example.com"] for m in server.messages()),
                    10)
        [got] = [m for m in server.messages() if m.rcpt_tos == ["ops@example.com"]]
        assert got.message["Subject"] == mailqueue.TEST_SUBJECT
        await until(lambda: MailMessage.get_by_id(made["id"]).status == "sent")
        listed = await admin.ok("GET", "/admin/api/mail?status=sent")
        assert made["id"] in [m["id"] for m in listed["data"]]
        assert listed["counts"]["sent"] == len(listed["data"]) >= 1
        one = await admin.ok("GET", f"/admin/api/mail/{made['id']}")
        assert one["text_body"] == mailqueue.TEST_TEXT and "RelayDesk" in one["html_body"]
        assert AuditEvent.get(AuditEvent.action == "mail.test").actor.startswith("token:")
    finally:
        server.stop()


async def test_refusals_change_nothing(admin) -> None:
    before = snapshot()
    for body, param in [({"port": 0}, "smtp_port"), ({"security": "tls"}, "smtp_security"),
                        ({"port": True}, "port"), ({"nope": 1}, "nope")]:
        reply = await admin.call("PATCH", "/admin/api/mail/settings", json_body=body)
        assert reply.status == 400 and reply.body["error"]["param"] == param, reply
    assert (await admin.call("POST", "/admin/api/mail/test",
                             json_body={"to": "x"})).status == 400
    assert (await admin.call("GET", "/admin/api/mail?status=lost")).status == 400
    assert (await admin.call("POST", "/admin/api/mail/99/retry")).status == 404
    assert (await admin.call("GET", "/admin/api/mail/abc")).status == 400
    assert snapshot() == before
    # no keyring here: the password is refused, naming the variable for headless servers
    reply = await admin.call("PATCH", "/admin/api/mail/settings",
                             json_body={"password": "pw-admin-1"})
    assert reply.status == 503 and "RELAYDESK_SMTP_PASSWORD" in reply.text


async def test_retry_a_failed_email(admin) -> None:
    row = mailqueue.enqueue("bob@example.com", "s", "t", kind="test")
    assert row is not None
    MailMessage.update(status="failed", attempts=mailqueue.MAX_ATTEMPTS,
                       last_error="SMTP 550: no").where(MailMessage.id == row.id).execute()
    [failed] = (await admin.ok("GET", "/admin/api/mail?status=failed"))["data"]
    assert failed["last_error"] == "SMTP 550: no"
    again = await admin.ok("POST", f"/admin/api/mail/{row.id}/retry")
    assert (again["status"], again["attempts"]) == ("queued", 0)
    assert (await admin.call("POST", f"/admin/api/mail/{row.id}/retry")).status == 200


@pytest.mark.keyring
async def test_the_password_goes_to_the_keyring_and_is_never_shown(admin, real_keyring) -> None:
    shown = await admin.ok("PATCH", "/admin/api/mail/settings",
                           json_body={"password": "pw-admin-77c"})
    assert shown["password"] == "set" and "pw-admin-77c" not in str(shown)
    assert keyring.get_password("RelayDesk", "smtp:password") == "pw-admin-77c"
    cleared = await admin.ok("PATCH", "/admin/api/mail/settings", json_body={"password": None})
    assert cleared["password"] == "not set"
