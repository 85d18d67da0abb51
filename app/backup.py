"""Database backups: online SQLite copies, checked, rotated, owner-only.

Uses the sqlite3 backup API (a consistent snapshot of a live WAL database, which a file copy is
not). PostgreSQL deployments are told to use pg_dump rather than given a pretend backup.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app import audit, clock
from app.config import Config
from app.errors import ServiceError, ValidationError

KEEP = 7
PG_MESSAGE = ("This RelayDesk uses PostgreSQL. Back it up with pg_dump (for example "
              "`pg_dump -Fc DATABASE > relaydesk.dump`) under your database's access control; "
              "RelayDesk does not copy PostgreSQL databases itself.")


class BackupUnsupported(ServiceError):
    code = "backup_unsupported"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    size: int
    created: str


def backup_dir(config: Config) -> Path:
    folder = config.data_dir / "backups"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def backup_now(config: Config, *, keep: int = KEEP, actor: str = "admin") -> BackupInfo:
    """Write a checked backup and keep only the newest ``keep`` scheduled/manual ones."""
    if not config.is_sqlite:
        raise BackupUnsupported(PG_MESSAGE)
    if keep < 1:
        raise ValidationError("keep at least one backup", param="keep")
    folder = backup_dir(config)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"relaydesk-{stamp}.sqlite3"
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))  # owner-only from the start
    source = sqlite3.connect(str(config.sqlite_path))
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
        (result,) = dest.execute("PRAGMA integrity_check").fetchone()
    finally:
        dest.close()
        source.close()
    target.chmod(0o600)
    if result != "ok":
        target.unlink(missing_ok=True)
        raise ServiceError(f"the backup failed its integrity check: {result}")
    for old in list_backups(config)[keep:]:
        old.path.unlink(missing_ok=True)
    audit.record("backup.create", actor=actor, target=target.name)
    return BackupInfo(target, target.stat().st_size, stamp)


def list_backups(config: Config) -> list[BackupInfo]:
    """Newest first."""
    if not config.is_sqlite:
        return []
    files = sorted(backup_dir(config).glob("relaydesk-*.sqlite3"), reverse=True)
    return [BackupInfo(p, p.stat().st_size, p.stem.removeprefix("relaydesk-")) for p in files]
