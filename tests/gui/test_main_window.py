"""The main window shell: status bar follows the relay, menus exist, closing asks to quit."""

import asyncio

from PySide6.QtGui import QGuiApplication

from gui.main_window import MainWindow


async def test_status_bar_follows_relay_and_copies_url(backend, monkeypatch) -> None:
    from app import settings
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", 0)
    window = MainWindow(backend, [])
    window.show()
    assert await backend.start_relay()
    url = backend.relay_urls()[0]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    assert window.url_label.text() == url and "running" in window.relay_label.text()
    window.copy_url()
    assert QGuiApplication.clipboard().text() == url
    await backend.stop_relay()
    assert "stopped" in window.relay_label.text() and not window.copy_button.isEnabled()
    window.close()


async def test_port_in_use_is_a_clear_message_not_a_crash(backend) -> None:
    import socket

    from app import settings
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings.set("relay_host", "127.0.0.1")
        settings.set("relay_port", taken.getsockname()[1])
        window = MainWindow(backend, [])
        assert not await backend.start_relay()
        assert "not available" in backend.relay_error
        assert "not running" in window.relay_label.text()
        window.close()


async def test_close_requests_shutdown(backend) -> None:
    window = MainWindow(backend, [])
    closed = asyncio.Event()
    window.close_requested.connect(closed.set)
    window.show()
    window.close()
    await asyncio.wait_for(closed.wait(), 5)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Relay", "&Help"]


async def test_a_pages_ctrl_n_works_with_the_focus_in_the_navigation(backend) -> None:
    """The operator clicks "Users" in the navigation and presses Ctrl+N, as the page's own
    hint says: the focus is in the navigation list, not in the page."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from gui.dialogs.user_edit import UserEditDialog
    from gui.pages.security import SecurityPage
    from gui.pages.users import UsersPage
    from tests.gui.conftest import until

    window = MainWindow(backend, [UsersPage, SecurityPage])
    window.show()
    window.activateWindow()
    try:
        await until(window.isActiveWindow)  # key events reach the active window only
        users = window.pages["UsersPage"]
        window.nav.setCurrentRow(0)
        window.nav.setFocus()
        await asyncio.sleep(0)
        QTest.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: isinstance(users.last_dialog, UserEditDialog)
                    and users.last_dialog.isVisible())
        users.last_dialog.reject()
    finally:
        window.close()


async def test_with_a_tray_closing_hides_the_window_and_quit_stops(backend, monkeypatch
                                                                   ) -> None:
    """Closing the window hides it to the tray (the relay keeps serving the LAN), with a
    one-time notice; Quit is what shuts RelayDesk down."""
    from PySide6.QtWidgets import QSystemTrayIcon
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    shown: list[str] = []
    monkeypatch.setattr(QSystemTrayIcon, "showMessage",
                        lambda self, title, text, *a: shown.append(text))
    window = MainWindow(backend, [])
    closed = asyncio.Event()
    window.close_requested.connect(closed.set)
    window.show()
    window.close()
    await asyncio.sleep(0)
    assert not window.isVisible() and not closed.is_set()
    assert len(shown) == 1 and "keeps serving" in shown[0]
    window.show()
    window.close()  # the notice is once per data folder
    assert len(shown) == 1 and (backend.config.data_dir / "tray-notice-shown").exists()
    assert [a.text() for a in window.tray.contextMenu().actions() if a.text()] == [
        "Show RelayDesk", "Quit RelayDesk"]
    window.quit()
    await asyncio.wait_for(closed.wait(), 5)


async def test_a_second_launch_brings_the_running_window_forward(backend, tmp_path) -> None:
    """The running instance listens for a second launch on the same data folder, which asks
    it to show itself instead of opening a dialog; another folder's launch finds nobody."""
    from gui.single_instance import InstanceServer, ask_to_show
    from tests.gui.conftest import until

    window = MainWindow(backend, [])
    server = InstanceServer(tmp_path / "data")
    try:
        assert server.listening
        server.show_requested.connect(window.bring_forward)
        assert not window.isVisible()  # in the tray, say
        assert ask_to_show(tmp_path / "data")
        await until(window.isVisible)
        assert not ask_to_show(tmp_path / "another")
    finally:
        server.close()
        window.quit()
