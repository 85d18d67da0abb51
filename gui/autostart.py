"""Settings → "Start RelayDesk when I log in": the desktop session starts RelayDesk, minimized
to the tray, so the LAN's relay is back after a reboot without anyone opening a window.

Each system's own mechanism, for the signed-in user only: an XDG autostart entry on Linux
(``~/.config/autostart``), the ``Run`` key under ``HKEY_CURRENT_USER`` on Windows, a
LaunchAgent on macOS. The state lives there, not in RelayDesk's database: it belongs to this
user on this machine, and the operator may also change it with the system's own tools.
"""

import os
import plistlib
import sys
from pathlib import Path

NAME = "RelayDesk"
MINIMIZED = "--minimized"
_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
_AGENT = "com.relaydesk.app"


def command(data_dir: Path | None = None) -> list[str]:
    """How the session starts this RelayDesk: the bundle's executable, or this Python running
    the app, minimized to the tray, on the same data folder."""
    if getattr(sys, "frozen", False):
        argv = [sys.executable]
    else:
        argv = [sys.executable, "-m", "app"]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    return [*argv, MINIMIZED]


def _xdg_entry() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / "relaydesk.desktop"


def _launch_agent() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{_AGENT}.plist"


def enabled() -> bool:
    if sys.platform == "win32":
        import winreg
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _RUN_KEY) as key:
                winreg.QueryValueEx(key, NAME)
        except OSError:
            return False
        return True
    if sys.platform == "darwin":
        return _launch_agent().exists()
    return _xdg_entry().exists()


def enable(argv: list[str]) -> None:
    """Start ``argv`` at each sign-in of this user. Raises OSError when it cannot be written."""
    if sys.platform == "win32":
        import subprocess
        import winreg
        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, _RUN_KEY) as key:
            winreg.SetValueEx(key, NAME, 0, winreg.REG_SZ, subprocess.list2cmdline(argv))
        return
    if sys.platform == "darwin":
        path = _launch_agent()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(plistlib.dumps({"Label": _AGENT, "ProgramArguments": argv,
                                         "RunAtLoad": True}))
        return
    path = _xdg_entry()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[Desktop Entry]\nType=Application\nName=RelayDesk\n"
                    f"Comment=AI API relay for the LAN\nExec={_desktop_exec(argv)}\n"
                    "Terminal=false\nX-GNOME-Autostart-enabled=true\n", encoding="utf-8")


def disable() -> None:
    if sys.platform == "win32":
        import winreg
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, _RUN_KEY, 0,
                                winreg.KEY_SET_VALUE) as key:
                winreg.DeleteValue(key, NAME)
        except OSError:
            pass
        return
    path = _launch_agent() if sys.platform == "darwin" else _xdg_entry()
    path.unlink(missing_ok=True)


_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def _desktop_exec(argv: list[str]) -> str:
    """An Exec= value, quoted as the Desktop Entry spec asks: an argument with a reserved
    character in double quotes, with ``"`` `` ` `` ``$`` ``\\`` escaped; ``%`` doubled; then
    every backslash doubled again (the spec's string escaping comes before its quoting)."""
    parts = []
    for arg in argv:
        if _RESERVED & set(arg):
            escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
            arg = f'"{escaped}"'
        parts.append(arg.replace("%", "%%").replace("\\", "\\\\"))
    return " ".join(parts)
