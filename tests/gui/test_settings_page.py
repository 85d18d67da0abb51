"""Settings page: changed fields are written through app.settings, refusals are shown and
leave the stored value alone, whitelists are stored normalised."""

import asyncio
from pathlib import Path

from app import settings
from gui.pages.settings import SettingsPage
from gui.widgets.cidr_list import CidrListEditor
from tests.gui.conftest import grab, settle_page


async def open_page(backend) -> SettingsPage:  # type: ignore[no-untyped-def]
    page = SettingsPage(backend)
    page.resize(900, 760)
    await page.reload()
    return page


async def click_save(page: SettingsPage) -> None:
    assert page.save_button.isEnabled()
    page.save_button.click()
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
    await click_save(page)
    assert settings.get("relay_host") == "127.0.0.1"
    assert settings.get("language") == "zh_CN"
    assert "next start" in page.message.text() and "Restart the relay" in page.message.text()
    page.restart_button.click()
    await settle_page(page)
    assert backend.relay is not None and backend.relay.host == "127.0.0.1"
    assert page.message.text().startswith("The relay is running at http://127.0.0.1:")
    await backend.stop_relay()


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


async def test_render_settings_page(backend) -> None:
    """For looking at: /tmp/settings_page.png."""
    settings.set("admin_ip_whitelist", ["127.0.0.1/32", "::1/128", "192.168.1.0/24"])
    page = await open_page(backend)
    page.whitelist.edit.setPlainText("127.0.0.1/32\n::1/128\n192.168.1.0/24\n10.0.0.300/8")
    page.retention["log_retention_days"].setValue(30)
    page.show()
    await settle_page(page)
    grab(page, Path("/tmp/settings_page.png"))
    page.close()
