"""The `relaydesk` command: every operator action, scriptable, over the same services as the GUI.

Exit codes: 0 success, 1 refused by the service layer (one line on stderr), 2 usage error.
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from app import __version__, runtime
from app import config as config_mod
from app import db as db_mod
from app.cli import (
    announcements,
    backups,
    billing,
    codes,
    groups,
    keys,
    logs,
    mail,
    payments,
    portal,
    privacy,
    providers,
    retention,
    security,
    stats,
    users,
)
from app.cli.output import Output
from app.errors import ServiceError

# Commands that do not need the database opened first (they open it themselves or not at all):
# restoring and listing backups must work when the database is damaged.
NO_DATABASE: set[str] = {"backup", "restore"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relaydesk", description="RelayDesk: an OpenAI-compatible AI API relay with "
                                      "per-user keys, balances and request logs.")
    parser.add_argument("--version", action="version", version=f"RelayDesk {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="data folder (default: $RELAYDESK_HOME or the platform's)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--minimized", action="store_true",
                        help="desktop app: start in the tray, the window opened from there "
                             "(what \"Start RelayDesk when I log in\" uses)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (users, groups, keys, providers, billing, logs, privacy, retention, backups,
                   stats, security, portal, announcements, codes, mail, payments):
        module.register(sub)
    _register_optional(sub)
    return parser


def _register_optional(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Transports added by later layers register themselves here if present."""
    try:
        from relay import cli as relay_cli
    except ImportError:
        return
    relay_cli.register(sub)


def _launch_gui(data_dir: str | None, minimized: bool = False) -> int:
    """No command: the desktop app. Qt is imported only here, never for CLI commands."""
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        print("relaydesk: error: no display found for the desktop app; run "
              "`relaydesk serve` for the headless relay, or `relaydesk --help`.", file=sys.stderr)
        return 1
    try:
        from gui.main import run
    except ImportError as exc:
        print(f"relaydesk: error: the desktop app is not available ({exc}); "
              "`relaydesk --help` lists the commands.", file=sys.stderr)
        return 1
    return run(data_dir, minimized=minimized)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        return _launch_gui(args.data_dir, args.minimized)
    out = Output(args.json)
    args.config = None
    try:
        if args.command in NO_DATABASE:
            args.config = config_mod.resolve(args.data_dir)
        else:
            args.config = runtime.start(args.data_dir)
        result = args.handler(args, out)
    except ServiceError as exc:
        print(f"relaydesk: error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A damaged file met mid-command gets the same one line as one met at start-up.
        damaged = db_mod.as_damage(args.config, exc) if args.config is not None else None
        if damaged is None:
            raise
        print(f"relaydesk: error: {damaged.message}", file=sys.stderr)
        return 1
    return int(result or 0)
