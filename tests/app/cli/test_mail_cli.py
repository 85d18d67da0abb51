"""`relaydesk mail settings|test|list|retry`, on SQLite and PostgreSQL."""

import pytest

from app import mailqueue
from app.models import MailMessage


def test_settings_show_and_change_all_or_nothing(cli):
    shown = cli.json("mail", "settings")
    assert shown == {"host": "", "port": 587, "security": "starttls", "username": "",
                     "sender": "", "password": "not set"}
    changed = cli.json("mail", "settings", "--host", "smtp.example.org", "--port", "465",
                       "--security", "ssl", "--username", "relay", "--from",
                       "relay@example.org")
    assert changed == {"host": "smtp.example.org", "port": 465, "security": "ssl",
                       "username": "relay", "sender": "relay@example.org",
                       "password": "not set"}
    assert "SMTP port must be between 1 and 65535" in cli.fails(
        "mail", "settings", "--host", "other.example.org", "--port", "0")
    assert cli.json("mail", "settings")["host"] == "smtp.example.org"


def test_password_without_a_keyring_is_refused_naming_the_variable(cli):
    message = cli.fails("mail", "settings", "--password-stdin", stdin="pw-cli-1\n")
    assert "RELAYDESK_SMTP_PASSWORD" in message


@pytest.mark.keyring
def test_password_goes_to_the_keyring(cli, real_keyring):
    import keyring

    shown = cli.json("mail", "settings", "--password-stdin", stdin="pw-cli-2b7\n")
    assert shown["password"] == "set" and "pw-cli-2b7" not in str(shown)
    assert keyring.get_password("RelayDesk", "smtp:password") == "pw-cli-2b7"
    assert cli.json("mail", "settings", "--clear-password")["password"] == "not set"


def test_test_list_and_retry(cli):
    out = cli.ok("mail", "test", "ops@example.com").out
    assert "queued" in out and "ops@example.com" in out
    [row] = cli.json("mail", "list")
    assert (row["kind"], row["status"], row["to"]) == ("test", "queued", "ops@example.com")
    assert cli.json("mail", "list", "--status", "failed") == []
    assert "is not a valid email address" in cli.fails("mail", "test", "nobody")
    assert cli.ok("mail", "retry", str(row["id"])).out == f"email {row['id']} queued again\n"
    with cli.bound():
        mailqueue.claim(row["id"])
        MailMessage.update(attempts=mailqueue.MAX_ATTEMPTS).execute()
        mailqueue.mark_failed(row["id"], "SMTP 550: mailbox unavailable")
    [failed] = cli.json("mail", "list", "--status", "failed")
    assert failed["last_error"] == "SMTP 550: mailbox unavailable"
    assert "SMTP 550" in cli.ok("mail", "list").out
    again = cli.json("mail", "retry", str(row["id"]))
    assert (again["status"], again["attempts"]) == ("queued", 0)
    assert "no email with id 99" in cli.fails("mail", "retry", "99")
