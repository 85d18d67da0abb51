"""Mail page, driven through its widgets (offscreen): SMTP settings saved (the password to the
keyring only), a refused sender shown, "Send test email" followed until the relay's mail job
(run here against a real aiosmtpd server) has sent it or given up, the lists and Retry."""


import keyring
import pytest

from app import mailer, mailqueue, settings
from app.models import MailMessage
from gui.pages.mail import MailPage
from gui.pages.registry import all_pages
from relay import mail
from relay.dbexec import DatabaseExecutor
from tests.gui.conftest import settle_page, track, until
from tests.helpers.smtp_server import SmtpServer

pytestmark = pytest.mark.usefixtures("tracked_pages")


async def shown_page(backend) -> MailPage:  # type: ignore[no-untyped-def]
    page = track(MailPage(backend))
    page.resize(900, 600)
    page.show()
    await settle_page(page)
    return page


def fill(page: MailPage, server: SmtpServer) -> None:
    page.host.setText(server.host)
    page.port.setValue(server.port)
    page.security.setCurrentIndex(page.security.findData("none"))
    page.from_address.setText("relay@example.org")


async def run_job() -> mail.RunResult:
    dbx = DatabaseExecutor()
    try:
        return await mail.run_once(dbx)
    finally:
        dbx.shutdown()


def test_the_page_is_listed() -> None:
    assert MailPage in all_pages()


async def test_save_settings_and_a_refused_sender(backend, smtp) -> None:
    page = await shown_page(backend)
    assert page.host.text() == "" and page.port.value() == 587
    assert page.password.placeholderText() == "not set"
    fill(page, smtp)
    page.save_button.click()
    await settle_page(page)
    assert page.settings_error.text() == "Saved."
    assert (settings.get("smtp_host"), settings.get("smtp_port"),
            settings.get("smtp_security"), settings.get("mail_from")) == (
        smtp.host, smtp.port, "none", "relay@example.org")
    page.from_address.setText("not an address")
    page.host.setText("other.example.org")
    page.save_button.click()
    await settle_page(page)
    assert "is not a valid email address" in page.settings_error.text()
    assert settings.get("smtp_host") == smtp.host  # nothing written


async def test_send_test_email_shows_it_sent(backend, smtp) -> None:
    page = await shown_page(backend)
    fill(page, smtp)
    page.save_button.click()
    await settle_page(page)
    page.test_address.setText("ops@example.com")
    page.test_button.click()
    await until(lambda: "queued" in page.test_status)
    assert (await run_job()).sent
    await until(lambda: page.test_status == "Test email sent to ops@example.com.")
    [got] = smtp.messages()
    assert got.rcpt_tos == ["ops@example.com"]
    await until(lambda: page.sent.rowCount() == 1)
    assert page.tabs.tabText(1) == "Sent (1)"


async def test_a_failing_test_email_shows_the_error_and_retry(backend, smtp) -> None:
    page = await shown_page(backend)
    fill(page, smtp)
    page.save_button.click()
    await settle_page(page)
    smtp.stop()
    page.test_address.setText("ops@example.com")
    page.test_button.click()
    await until(lambda: "queued" in page.test_status)
    assert (await run_job()).failed
    await until(lambda: "connection refused by the SMTP server" in page.test_status)
    assert page.test_status.startswith("Attempt 1 failed")
    [row] = MailMessage.select()
    MailMessage.update(status="failed").execute()
    await page.reload()
    await settle_page(page)  # a reload the poll's last change queued would reset the selection
    assert page.failed.rowCount() == 1 and not page.retry_button.isEnabled()
    page.failed_view.selectRow(0)
    assert page.retry_button.isEnabled()
    page.retry_button.click()
    await settle_page(page)
    assert MailMessage.get_by_id(row.id).status == "queued"
    await until(lambda: page.waiting.rowCount() == 1 and page.failed.rowCount() == 0)


async def test_a_bad_test_address_is_shown(backend) -> None:
    page = await shown_page(backend)
    page.test_address.setText("nobody")
    page.test_button.click()
    await settle_page(page)
    assert "is not a valid email address" in page.test_status
    assert mailqueue.list_messages() == []


async def test_without_a_keyring_the_password_is_refused_and_nothing_saved(backend,
                                                                           smtp) -> None:
    page = await shown_page(backend)
    fill(page, smtp)
    page.password.setText("pw-gui-0")
    page.save_button.click()
    await settle_page(page)
    assert "RELAYDESK_SMTP_PASSWORD" in page.settings_error.text()
    assert settings.get("smtp_host") == ""


@pytest.mark.keyring
async def test_the_password_goes_to_the_keyring(backend, smtp, real_keyring) -> None:
    page = await shown_page(backend)
    fill(page, smtp)
    page.username.setText("mailer")
    page.password.setText("pw-gui-5e1")
    page.save_button.click()
    await settle_page(page)
    assert keyring.get_password("RelayDesk", "smtp:password") == "pw-gui-5e1"
    assert "pw-gui-5e1" not in str(settings.all_settings())
    await page.reload()
    assert page.password.text() == "" and "keyring" in page.password.placeholderText()
    page.clear_password.click()
    await settle_page(page)
    assert not mailer.has_password()
