"""Settings → "Start RelayDesk when I log in": an XDG autostart entry that starts this
RelayDesk, on this data folder, minimized to the tray (gui/autostart.py)."""

import os
import sys
from pathlib import Path

from gui import autostart
from tests.gui.conftest import settle_page
from tests.gui.test_settings_page import open_page


def entry() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / "relaydesk.desktop"


def exec_argv(path: Path) -> list[str]:
    """The Exec= line as the Desktop Entry spec reads it: string escapes first (``\\\\``),
    then arguments split at spaces outside double quotes, where a backslash escapes the next
    character; ``%%`` is a percent sign."""
    line = next(x for x in path.read_text().splitlines() if x.startswith("Exec="))
    value = line[len("Exec="):].replace("\\\\", "\\")
    args, current, quoted, escaped = [], "", False, False
    for char in value:
        if escaped:
            current, escaped = current + char, False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == " " and not quoted:
            args.append(current)
            current = ""
        else:
            current += char
    args.append(current)
    return [arg.replace("%%", "%") for arg in args]


def test_the_entry_runs_this_relaydesk_on_its_folder_minimized(tmp_path: Path) -> None:
    folder = tmp_path / "odd $folder 100%"
    argv = autostart.command(folder)
    assert argv[:3] == [sys.executable, "-m", "app"] and argv[-1] == "--minimized"
    assert not autostart.enabled()
    autostart.enable(argv)
    assert autostart.enabled()
    text = entry().read_text()
    assert "[Desktop Entry]" in text and "Type=Application" in text
    assert exec_argv(entry()) == argv
    autostart.disable()
    assert not autostart.enabled() and not entry().exists()
    autostart.disable()  # harmless twice


async def test_the_settings_checkbox_adds_and_removes_it(backend) -> None:
    page = await open_page(backend)
    assert not page.autostart.isChecked()
    page.autostart.setChecked(True)
    await settle_page(page)
    assert entry().exists() and "--minimized" in entry().read_text()
    assert "starts in the tray" in page.message.text()
    page.autostart.setChecked(False)
    assert not entry().exists()
    page.close()


async def test_a_folder_it_cannot_write_is_said_and_the_box_unticked(backend, monkeypatch,
                                                                    tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))  # mkdir fails, for root too
    page = await open_page(backend)
    page.autostart.setChecked(True)
    assert not page.autostart.isChecked() and "Could not" in page.message.text()


async def test_started_minimized_it_waits_in_the_tray_until_opened_or_quit(tmp_path: Path
                                                                           ) -> None:
    import asyncio

    from gui.main import wait_in_tray
    from gui.single_instance import InstanceServer, ask_to_show

    instance = InstanceServer(tmp_path)
    try:
        waiting = asyncio.ensure_future(wait_in_tray(instance))
        await asyncio.sleep(0)
        assert not waiting.done()
        assert ask_to_show(tmp_path)  # a second launch (or the tray's Open) opens it
        assert await asyncio.wait_for(waiting, 5) is True
    finally:
        instance.close()
