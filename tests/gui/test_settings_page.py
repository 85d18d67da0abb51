"""Settings page: changed fields are written through app.settings, refusals are shown and
leave the stored value alone, whitelists are stored normalised."""

import asyncio
from pathlib import Path

import pytest

from app import settings
from gui.pages.settings import SettingsPage
from gui.widgets.cidr_list import CidrListEditor
from tests.gui.conftest import settle_page
from tests.gui.layout import layout_problems


async def open_page(backend) -> SettingsPage:  # type: ignore[no-untyped-def]
    page = SettingsPage(backend)
    page.resize(900, 760)
    await page.reload()
    return page


async def click_save(page: SettingsPage, *, restart: bool = False) -> None:
    """Save; a new address or HTTPS setting asks whether to restart the relay now: answer
    ``restart``."""
    from PySide6.QtWidgets import QMessageBox
    assert page.save_button.isEnabled()
    seen = page.last_dialog
    page.save_button.click()
    await asyncio.sleep(0)
    idle = asyncio.ensure_future(page.idle())
    while not idle.done():
        box = page.last_dialog
        if isinstance(box, QMessageBox) and box is not seen and box.isVisible():
            answer = "Restart now" if restart else "Later"
            next(b for b in box.buttons() if b.text() == answer).click()
            seen = box
        await asyncio.sleep(0.01)
    await settle_page(page)


async def test_loads_defaults_and_saves_only_changes(backend) -> None:
    changed: list[str] = []
    backend.changed.connect(changed.append)
    page = await open_page(backend)
    assert page.retention["log_retention_days"].value() == 90
    assert page.retention["payment_retention_days"].value() == 365
    assert page.retention["security_retention_days"].value() == 90
    assert page.currency.text() == "CNY"
    assert page.whitelist.values() == ["127.0.0.1/32", "::1/128"]
    assert not page.save_button.isEnabled()

    page.retention["log_retention_days"].setValue(30)
    page.retention["security_retention_days"].setValue(180)
    assert page.changes() == {"log_retention_days": 30, "security_retention_days": 180}
    await click_save(page)
    assert settings.get("log_retention_days") == 30
    assert settings.get("security_retention_days") == 180
    assert settings.get("payment_retention_days") == 365
    assert "saved" in page.message.text() and changed == ["settings"]
    assert not page.save_button.isEnabled()


async def test_invalid_cidr_is_refused_with_a_message(backend) -> None:
    page = await open_page(backend)
    page.whitelist.set_values(["127.0.0.1/32", "10.0.0.300/8"])
    assert page.whitelist.invalid_values() == ["10.0.0.300/8"]
    assert "10.0.0.300/8" in page.whitelist.hint.text()
    page.retention["payment_retention_days"].setValue(400)
    await click_save(page)
    assert settings.get("admin_ip_whitelist") == ["127.0.0.1/32", "::1/128"]
    assert "10.0.0.300/8" in page.message.text() and "Not saved" in page.message.text()
    # the other change went through, and the operator's text is kept for correcting
    assert settings.get("payment_retention_days") == 400
    assert page.whitelist.values() == ["127.0.0.1/32", "10.0.0.300/8"]
    assert page.save_button.isEnabled()


async def test_valid_ipv4_and_ipv6_are_saved_normalised(backend) -> None:
    page = await open_page(backend)
    page.whitelist.edit.setPlainText("127.0.0.1\n 192.168.1.77/24 \n\nfd00:0:0::1/64\n::1\n")
    assert page.whitelist.invalid_values() == []
    await click_save(page)
    expected = ["127.0.0.1/32", "192.168.1.0/24", "fd00::/64", "::1/128"]
    assert settings.get("admin_ip_whitelist") == expected
    assert page.whitelist.values() == expected
    assert not page.save_button.isEnabled()


async def test_bind_language_and_restart_relay(backend) -> None:
    settings.set("relay_port", 0)
    page = await open_page(backend)
    assert page.host.currentData() == "0.0.0.0"
    page.host.setCurrentIndex(page.host.findData("127.0.0.1"))
    page.language.setCurrentIndex(page.language.findData("zh_CN"))
    await click_save(page, restart=True)  # one confirmation applies the new address
    assert settings.get("relay_host") == "127.0.0.1"
    assert settings.get("language") == "zh_CN"
    assert backend.relay is not None and backend.relay.host == "127.0.0.1"
    assert page.message.text().startswith("The relay is running at http://127.0.0.1:")
    page.restart_button.click()  # still there, for later
    await settle_page(page)
    assert backend.relay is not None and backend.relay.running
    await backend.stop_relay()


async def test_a_port_in_use_is_refused_before_anything_is_saved(backend) -> None:
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        page = await open_page(backend)
        page.host.setCurrentIndex(page.host.findData("127.0.0.1"))
        page.port.setValue(port)
        page.retention["log_retention_days"].setValue(14)
        await click_save(page)
        assert "already used by another program" in page.message.text()
        assert settings.get("relay_port") != port and settings.get("log_retention_days") != 14
        assert page.save_button.isEnabled()  # the edits are kept to correct


async def test_external_change_keeps_unsaved_edits(backend) -> None:
    page = await open_page(backend)
    page.retention["log_retention_days"].setValue(14)
    settings.set("payment_retention_days", 500)
    backend.changed.emit("settings")
    page.show()
    await settle_page(page)
    await page.reload()
    assert page.retention["payment_retention_days"].value() == 500
    assert page.retention["log_retention_days"].value() == 14
    page.discard_button.click()
    assert page.retention["log_retention_days"].value() == 90
    page.close()


async def test_cidr_editor_feedback() -> None:
    editor = CidrListEditor()
    seen: list[None] = []
    editor.changed.connect(lambda: seen.append(None))
    editor.edit.setPlainText("10.0.0.0/8\nnot-an-ip\n2001:db8::/32")
    await asyncio.sleep(0)
    assert editor.values() == ["10.0.0.0/8", "not-an-ip", "2001:db8::/32"]
    assert editor.invalid_values() == ["not-an-ip"] and seen
    editor.set_values([])
    assert editor.hint.text() == "The list is empty."


@pytest.mark.parametrize("size", [(900, 760), (640, 480)])
async def test_nothing_is_cut_off_or_squeezed(backend, size) -> None:  # type: ignore[no-untyped-def]
    """The fields, notes and buttons all fit; a small window scrolls instead of clipping."""
    settings.set("admin_ip_whitelist", ["127.0.0.1/32", "::1/128", "192.168.1.0/24"])
    page = await open_page(backend)
    page.resize(*size)
    page.whitelist.edit.setPlainText("127.0.0.1/32\n::1/128\n192.168.1.0/24\n10.0.0.300/8")
    page.retention["log_retention_days"].setValue(30)
    page.show()
    await settle_page(page)
    assert "10.0.0.300/8" in page.whitelist.hint.text()
    assert page.save_button.isVisible() and page.save_button.isEnabled()
    assert layout_problems(page) == []
    page.close()


async def test_security_settings_load_and_save_through_the_service(backend) -> None:
    page = await open_page(backend)
    sec = page.security
    for key in ("rate_limit_rpm", "rate_limit_tpm", "rate_limit_concurrency"):
        assert sec.spins[key].value() == 0 and sec.spins[key].text() == "Unlimited"
    assert sec.spins["ban_threshold"].value() == 10
    sec.spins["ban_threshold"].setValue(0)
    assert sec.spins["ban_threshold"].text() == "Never ban"
    assert sec.tls_mode.currentData() == "auto"
    assert sec.relay_cidrs.values() == [] and sec.proxies.values() == []

    edits = {"rate_limit_rpm": 60, "rate_limit_tpm": 120_000, "rate_limit_concurrency": 4,
             "ban_window_seconds": 600, "ban_minutes": 30, "max_body_mb": 8}
    for key, value in edits.items():
        sec.spins[key].setValue(value)
    sec.relay_cidrs.edit.setPlainText("192.168.1.0/24\nfd00::/8")
    sec.proxies.edit.setPlainText("10.0.0.5")
    sec.tls_mode.setCurrentIndex(sec.tls_mode.findData("on"))
    sec.files["tls_cert_file"].setText(" /etc/relaydesk/cert.pem ")
    sec.files["tls_key_file"].setText("/etc/relaydesk/key.pem")
    await click_save(page)
    for key, value in edits.items():
        assert settings.get(key) == value
    assert settings.get("ban_threshold") == 0
    assert settings.get("relay_allowed_cidrs") == ["192.168.1.0/24", "fd00::/8"]
    assert settings.get("trusted_proxies") == ["10.0.0.5/32"]
    assert settings.get("tls_mode") == "on"
    assert settings.get("tls_cert_file") == "/etc/relaydesk/cert.pem"
    assert settings.get("tls_key_file") == "/etc/relaydesk/key.pem"
    assert "uses them from its next restart" in page.message.text()  # "Later" was chosen
    assert sec.proxies.values() == ["10.0.0.5/32"]  # shown as stored
    assert not page.save_button.isEnabled()

    sec.spins["rate_limit_rpm"].setValue(0)  # back to unlimited
    await click_save(page)
    assert settings.get("rate_limit_rpm") == 0
    assert sec.spins["rate_limit_rpm"].text() == "Unlimited"


async def test_invalid_relay_cidr_shows_the_service_error_and_changes_nothing(backend) -> None:
    page = await open_page(backend)
    sec = page.security
    sec.relay_cidrs.edit.setPlainText("192.168.1.0/24\n192.168.1.300")
    assert sec.relay_cidrs.invalid_values() == ["192.168.1.300"]
    await click_save(page)
    assert settings.get("relay_allowed_cidrs") == []
    assert "Not saved" in page.message.text() and "192.168.1.300" in page.message.text()
    assert sec.relay_cidrs.values() == ["192.168.1.0/24", "192.168.1.300"]  # kept to correct
    sec.proxies.edit.setPlainText("not-a-proxy")
    await click_save(page)
    assert settings.get("trusted_proxies") == [] and "not-a-proxy" in page.message.text()


async def test_certificate_browse_fills_the_field(backend, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog

    from tests.gui.conftest import until

    cert = tmp_path / "relay.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n")
    page = await open_page(backend)
    page.show()
    page.security.browse_buttons["tls_cert_file"].click()
    await until(lambda: isinstance(page.security.last_dialog, QFileDialog)
                and page.security.last_dialog.isVisible())
    picker = page.security.last_dialog
    picker.selectFile(str(cert))
    picker.accept()
    await settle_page(page)
    assert page.security.files["tls_cert_file"].text() == str(cert)
    assert page.changes() == {"tls_cert_file": str(cert)}
    page.close()


async def test_admin_whitelist_notes_this_computer_is_always_allowed(backend) -> None:
    from PySide6.QtWidgets import QLabel

    page = await open_page(backend)
    texts = [label.text() for label in page.findChildren(QLabel)]
    assert any("127.0.0.1 and ::1" in t and "always allowed" in t for t in texts)


# --- Change admin password ---------------------------------------------------------------------

async def _password_dialog(page: SettingsPage):  # type: ignore[no-untyped-def]
    from gui.dialogs.change_password import ChangePasswordDialog
    page.password_button.click()
    await asyncio.sleep(0)
    dialog = page.last_dialog
    assert isinstance(dialog, ChangePasswordDialog) and dialog.isVisible()
    return dialog


async def _submit(dialog, current: str, new: str, repeat: str | None = None):  # type: ignore[no-untyped-def]
    dialog.current.setText(current)
    dialog.new.setText(new)
    dialog.repeat.setText(new if repeat is None else repeat)
    dialog.ok_button.click()
    while dialog.saving is None or not dialog.saving.done():
        await asyncio.sleep(0.01)


async def test_change_admin_password_from_settings(backend) -> None:
    from app import adminauth
    await backend.call(adminauth.create_admin, "old-Passw0rd!")
    page = await open_page(backend)
    dialog = await _password_dialog(page)
    await _submit(dialog, "old-Passw0rd!", "new-Passw0rd!7", "new-Passw0rd!8")
    assert dialog.isVisible() and "differ" in dialog.error.text()
    await _submit(dialog, "wrong", "new-Passw0rd!7")
    assert dialog.isVisible() and "current password is wrong" in dialog.error.text()
    assert dialog.current.text() == ""  # cleared for the next try
    await _submit(dialog, "old-Passw0rd!", "new-Passw0rd!7")
    await settle_page(page)
    assert not dialog.isVisible() and "changed" in page.message.text()
    assert await backend.call(adminauth.verify_admin, "new-Passw0rd!7", source="test")


async def test_notification_settings_are_exact_amounts_and_an_address(backend) -> None:
    page = await open_page(backend)
    assert page.low_balance.text() == "1.00" and page.operator_email.text() == ""
    assert not page.save_button.isEnabled()
    page.low_balance.setText("2.5")
    page.operator_email.setText("ops@example.com")
    assert page.changes() == {"low_balance_threshold_micros": 2_500_000,
                              "operator_email": "ops@example.com"}
    await click_save(page)
    assert settings.get("low_balance_threshold_micros") == 2_500_000
    assert settings.get("operator_email") == "ops@example.com"
    assert page.low_balance.text() == "2.50"
    page.low_balance.setText("lots")
    page.operator_email.setText("not an address")
    await click_save(page)
    assert settings.get("low_balance_threshold_micros") == 2_500_000
    assert settings.get("operator_email") == "ops@example.com"
    assert "Not saved" in page.message.text()
