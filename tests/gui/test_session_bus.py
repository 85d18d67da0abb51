"""Without a session bus, the desktop app leaves no D-Bus daemon behind (issue 15).

Qt's D-Bus use under X11 (tray, accessibility) autolaunches `dbus-launch`/`dbus-daemon` when
DBUS_SESSION_BUS_ADDRESS is unset, and that daemon outlives the app. The real `gui.main.run`
runs under Xvfb (xcb, where Qt uses D-Bus; offscreen does not) started minimized, and quits
from the tray menu (or the sign-in, where Xvfb has no tray).
"""

import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.helpers.requirements import require

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QMenu
    import gui.main

    def quit_from_tray() -> None:
        # Quit from the tray menu, or cancel the sign-in where Xvfb offers no tray.
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMenu):
                for action in widget.actions():
                    if action.text() == "Quit RelayDesk":
                        action.trigger()
                        return
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
                return
        QTimer.singleShot(100, quit_from_tray)  # nothing up yet

    session = gui.main.session

    async def quitting_session(*args, **kwargs):
        QTimer.singleShot(1000, quit_from_tray)  # run() has made the QApplication by now
        return await session(*args, **kwargs)

    gui.main.session = quitting_session
    sys.exit(gui.main.run(sys.argv[1], minimized=True))
""")

PREPARE = textwrap.dedent("""
    import sys
    from app import adminauth, runtime, settings
    runtime.start(sys.argv[1])
    adminauth.create_admin("correct horse battery")
    settings.set("relay_port", int(sys.argv[2]))
""")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bus_processes() -> set[int]:
    out = subprocess.run(["pgrep", "-f", "dbus-launch --autolaunch"],
                         capture_output=True, text=True, check=False).stdout
    return {int(pid) for pid in out.split()}


def test_no_dbus_daemon_outlives_the_app(tmp_path: Path) -> None:
    require(None if shutil.which("xvfb-run") else "xvfb-run (apt: xvfb xauth)")
    require(None if shutil.which("dbus-launch") else "dbus-launch (apt: dbus-x11)")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DBUS_SESSION_BUS_ADDRESS", "QT_QPA_PLATFORM")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    data = tmp_path / "data"
    subprocess.run([sys.executable, "-c", PREPARE, str(data), str(free_port())], cwd=ROOT,
                   env=env, check=True, timeout=60)
    before = _bus_processes()
    done = subprocess.run(["xvfb-run", "-a", sys.executable, "-c", SCRIPT, str(data)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=90, check=False)
    left = _bus_processes() - before
    for pid in left:  # never leave them behind on the test machine either
        subprocess.run(["kill", str(pid)], check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert left == set(), "a D-Bus daemon outlived the app"
