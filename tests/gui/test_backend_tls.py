"""The embedded relay follows the TLS settings like `relaydesk serve`: HTTPS with the pin shown,
and a bad certificate is a status message, not a crash."""

from pathlib import Path

from app import settings, tls
from gui.main_window import MainWindow


async def test_tls_on_serves_https_and_shows_the_pin(backend, gui_config) -> None:
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", 0)
    settings.set("tls_mode", "on")
    window = MainWindow(backend, [])
    assert await backend.start_relay()
    url = backend.relay_urls()[0]
    assert url.startswith("https://127.0.0.1:")
    cert = Path(gui_config.data_dir) / "tls" / tls.CERT_NAME
    assert backend.tls_fingerprint == tls.fingerprint_sha256(cert)
    assert window.url_label.text() == url
    assert backend.tls_fingerprint in window.url_label.toolTip()
    await backend.stop_relay()
    assert backend.tls_fingerprint is None
    window.close()


async def test_loopback_auto_is_plain_http_and_bad_cert_is_a_message(backend, tmp_path) -> None:
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", 0)
    assert await backend.start_relay()
    assert backend.relay_urls()[0].startswith("http://") and backend.tls_fingerprint is None
    await backend.stop_relay()
    settings.set("tls_mode", "on")
    settings.set("tls_cert_file", str(tmp_path / "missing.pem"))
    settings.set("tls_key_file", str(tmp_path / "missing-key.pem"))
    window = MainWindow(backend, [])
    assert not await backend.start_relay()
    assert backend.relay_error is not None
    assert "HTTPS certificate file: " in backend.relay_error
    assert "was not found" in backend.relay_error
    assert "not running" in window.relay_label.text() and backend.relay_urls() == []
    window.close()


async def test_settings_page_shows_the_pin_while_https_runs(backend, gui_config, qtbot) -> None:
    from gui.pages.settings import SettingsPage
    from tests.gui.conftest import settle_page

    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", 0)
    settings.set("tls_mode", "on")
    page = SettingsPage(backend)
    await settle_page(page)
    pin = page.security.fingerprint
    assert pin.text() == "" and not page.security.copy_fingerprint.isEnabled()
    assert await backend.start_relay()
    cert = Path(gui_config.data_dir) / "tls" / tls.CERT_NAME
    assert pin.text() == tls.fingerprint_sha256(cert)
    page.security.copy_fingerprint.click()
    from PySide6.QtGui import QGuiApplication
    assert QGuiApplication.clipboard().text() == pin.text()
    await backend.stop_relay()
    assert pin.text() == "" and not page.security.copy_fingerprint.isEnabled()
    page.close()
