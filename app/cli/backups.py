"""`relaydesk backup [now|list]` and `relaydesk restore FILE --yes`: the database backups the
privacy policy promises ("regularly backed up with access control"), from the command line.

On PostgreSQL both refuse with one line saying to use pg_dump.
"""

import argparse
import os
from pathlib import Path

from app import backup, db, runtime, settings
from app.cli.output import Output
from app.config import Config
from app.errors import ValidationError

LOCK_FILE = "relaydesk.lock"  # the desktop app's one-instance lock (gui.main.instance_lock)


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("backup", help="back up the database now (default) or list the backups",
                       description="Write a checked, owner-only copy of the SQLite database to "
                                   "the backups folder and print its path; `backup list` shows "
                                   "the kept ones. PostgreSQL: use pg_dump.")
    p.add_argument("action", nargs="?", choices=("now", "list"), default="now",
                   help="now (default): write a backup; list: show the kept backups")
    p.add_argument("--keep", type=int, metavar="N",
                   help="backups to keep, newest first (default: the backup_keep setting, 7)")
    p.set_defaults(handler=run_backup)

    p = sub.add_parser("restore", help="replace the database with a backup (keeps the current "
                                       "one aside first)",
                       description="Replace the SQLite database with a backup. The current "
                                   "database is first copied to backups/before-restore-<time>"
                                   ".sqlite3 (restore that file to undo). Quit the RelayDesk "
                                   "window and any `relaydesk serve` on this data folder first.")
    p.add_argument("file", metavar="FILE",
                   help="a backup file: a path, or a file name shown by `relaydesk backup list`")
    p.add_argument("--yes", action="store_true",
                   help="confirm: the current data is replaced (and kept aside)")
    p.set_defaults(handler=run_restore)


def _refuse_postgres(config: Config) -> None:
    if not config.is_sqlite:
        raise backup.BackupUnsupported(backup.PG_MESSAGE)


def run_backup(args: argparse.Namespace, out: Output) -> None:
    config: Config = args.config
    _refuse_postgres(config)
    if args.action == "list":
        rows = [{"name": b.path.name, "size_bytes": b.size,
                 "taken_at": backup.taken_at(b).isoformat(sep=" ", timespec="seconds"),
                 "path": str(b.path)} for b in backup.list_backups(config)]
        out.table(rows, [("name", "NAME"), ("size_bytes", "BYTES"), ("taken_at", "TAKEN (UTC)")],
                  empty="(no backups yet)")
        return
    runtime.open_and_migrate(config)  # `list` and restore work without it (a damaged file)
    keep = args.keep if args.keep is not None else int(settings.get("backup_keep"))
    info = backup.backup_now(config, keep=keep, actor="cli")
    out.item({"path": str(info.path), "size_bytes": info.size,
              "taken_at": backup.taken_at(info).isoformat(sep=" ", timespec="seconds")},
             text=str(info.path))


def run_restore(args: argparse.Namespace, out: Output) -> None:
    config: Config = args.config
    _refuse_postgres(config)
    source = backup.resolve_backup(config, args.file)
    if not args.yes:
        raise ValidationError(f"restoring {source.name} replaces the current database (it is "
                              "kept aside first in the backups folder); pass --yes to confirm",
                              param="yes")
    if lock_held(config.data_dir):
        raise backup.DatabaseInUse("the RelayDesk window is open on this data folder; quit "
                                   "it, then restore")
    db.close_database()  # restore needs every connection closed (main() opened none)
    aside = backup.restore(config, source, actor="cli")
    out.item({"restored_from": str(source), "database": str(config.sqlite_path),
              "kept_aside": str(aside)},
             text=f"restored {source.name} into {config.sqlite_path}; the previous database "
                  f"is kept as {aside}")


def lock_held(data_dir: Path) -> bool:
    """Whether a running RelayDesk window holds ``data_dir/relaydesk.lock``.

    Qt's QLockFile also takes an flock() on the file on Unix, which a stale file left by a
    crash does not have, so a non-blocking flock tells a live lock from a stale one. Where
    flock is unavailable (Windows) this says False and restore's own check of the database
    (it refuses while any other connection is open) is the guard.
    """
    try:
        import fcntl
    except ImportError:
        return False
    path = data_dir / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)

