"""Database backups: online SQLite copies, checked, rotated, owner-only; scheduled; restored.

Uses the sqlite3 backup API (a consistent snapshot of a live WAL database, which a file copy is
not). PostgreSQL deployments are told to use pg_dump rather than given a pretend backup.

Files in ``<data_dir>/backups`` (folder 0700, files 0600):

* ``relaydesk-<stamp>.sqlite3``: manual and scheduled backups; only the newest ``keep`` stay.
* ``before-restore-<stamp>.sqlite3``: the database as it was just before a restore (restore it
  to undo the restore).
* ``pre-migration-v<N>-<stamp>.sqlite3``: written by :mod:`app.migrations`.

Safety copies of the last two kinds are rotated too (the newest :data:`KEEP_SAFETY` of each stay,
pruned whenever a backup is taken): a copy kept forever would keep the data of users who have
since been deleted, which the privacy policy does not allow.

Stamps are UTC from the app clock, ``YYYYmmdd-HHMMSS-ffffff``.
"""

import os
import re
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app import audit, clock, settings
from app import db as db_mod
from app.config import Config
from app.errors import NotFound, ServiceError, ValidationError
from app.migrations import migrate
from app.models import SchemaVersion

KEEP = 7
KEEP_SAFETY = 2
SAFETY_PATTERNS = ("before-restore-*.sqlite3", "pre-migration-*.sqlite3")
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
# How long restore waits for the live database before saying another program has it open.
BUSY_TIMEOUT_S = 1.0
IN_USE_MESSAGE = ("the database is still open elsewhere (the RelayDesk window or "
                  "`relaydesk serve` on this data folder?); quit it, then restore")
PG_MESSAGE = ("This RelayDesk uses PostgreSQL. Back it up with pg_dump (for example "
              "`pg_dump -Fc DATABASE > relaydesk.dump`) under your database's access control; "
              "RelayDesk does not copy PostgreSQL databases itself.")


class BackupUnsupported(ServiceError):
    code = "backup_unsupported"


class DatabaseInUse(ServiceError):
    code = "database_in_use"


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
    stamp = clock.now().strftime(STAMP_FORMAT)
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
        raise ServiceError("the backup failed its integrity check: {result}", result=result)
    for old in list_backups(config)[keep:]:
        old.path.unlink(missing_ok=True)
    _prune_safety_copies(folder)
    audit.record("backup.create", actor=actor, target=target.name)
    return BackupInfo(target, target.stat().st_size, stamp)


def _prune_safety_copies(folder: Path) -> None:
    for pattern in SAFETY_PATTERNS:
        for old in sorted(folder.glob(pattern), key=_stamp_of, reverse=True)[KEEP_SAFETY:]:
            old.unlink(missing_ok=True)
            Path(f"{old}-wal").unlink(missing_ok=True)  # kept beside a damaged database


def _stamp_of(path: Path) -> str:
    """The UTC stamp a file name ends with (``pre-migration-v10-`` must not sort before
    ``-v9-``, so not the whole name)."""
    match = re.search(r"(\d{8}-\d{6}(?:-\d{6})?)\.sqlite3$", path.name)
    return match.group(1) if match else ""


def list_backups(config: Config) -> list[BackupInfo]:
    """Newest first."""
    if not config.is_sqlite:
        return []
    found = []
    for path in sorted(backup_dir(config).glob("relaydesk-*.sqlite3"), reverse=True):
        try:
            size = path.stat().st_size
        except FileNotFoundError:  # rotated away (the scheduler, another process) meanwhile
            continue
        found.append(BackupInfo(path, size, path.stem.removeprefix("relaydesk-")))
    return found


# --- scheduling -----------------------------------------------------------------------------


def taken_at(info: BackupInfo) -> datetime:
    """When a backup was taken (naive UTC): its name's stamp, else the file's mtime."""
    try:
        return datetime.strptime(info.created, STAMP_FORMAT)
    except ValueError:
        return datetime.fromtimestamp(info.path.stat().st_mtime, UTC).replace(tzinfo=None)


def due(config: Config, now: datetime | None = None) -> bool:
    """Whether a scheduled backup should run now (the database must be bound).

    True when ``backup_interval_hours`` is not 0 and the newest ``relaydesk-*`` backup is at
    least that old, or there is none. Always False on PostgreSQL (pg_dump's job). A backup
    stamped in the future (the clock was set back) counts as fresh until the clock passes it.
    """
    if not config.is_sqlite:
        return False
    hours = int(settings.get("backup_interval_hours"))
    if hours <= 0:
        return False
    backups = list_backups(config)
    if not backups:
        return True
    if now is None:
        moment = clock.now()
    elif now.tzinfo is not None:
        moment = now.astimezone(UTC).replace(tzinfo=None)
    else:
        moment = now
    newest = max(taken_at(info) for info in backups)
    return moment - newest >= timedelta(hours=hours)


# --- restore --------------------------------------------------------------------------------


def resolve_backup(config: Config, name_or_path: str | os.PathLike[str]) -> Path:
    """A backup file given as a path, or as a file name in the backups folder."""
    path = Path(name_or_path).expanduser()
    if not path.is_file() and not path.is_absolute() and len(path.parts) == 1:
        path = backup_dir(config) / path
    if not path.is_file():
        raise NotFound("there is no backup file {name!r} (give a path, or a file name from "
                       "{folder})", param="backup", name=str(name_or_path),
                       folder=str(backup_dir(config)))
    return path.resolve()


def restore(config: Config, backup_path: str | os.PathLike[str], *, actor: str = "admin"
            ) -> Path:
    """Replace the live SQLite database with a backup; returns where the old one was kept.

    The caller must have closed the database on every thread of this process, and no other
    program may have it open: restore checks (SQLite refuses to leave WAL mode while any other
    connection exists) and raises :class:`DatabaseInUse` otherwise, changing nothing. Steps:

    1. the backup must pass ``PRAGMA integrity_check`` and be a RelayDesk database;
    2. it is copied (backup API) to an owner-only temporary file next to the live one;
    3. the live database is copied to ``backups/before-restore-<stamp>.sqlite3`` (0600; a
       damaged one, which SQLite cannot open, byte for byte with its WAL);
    4. its ``-wal``/``-shm``/``-journal`` files are removed (a stale WAL would otherwise be
       replayed into the restored file) and the temporary file is renamed over it (atomic);
    5. the restored database is migrated if it is older, and a ``backup.restore`` audit event
       is written in it.

    The database is left closed. A running app still holds the old one: it must restart (or
    call :func:`restore_and_reopen`) to load the restored data.
    """
    if not config.is_sqlite:
        raise BackupUnsupported(PG_MESSAGE)
    source = resolve_backup(config, backup_path)
    live = config.sqlite_path
    if live.exists() and source.samefile(live):
        raise ValidationError("that is the live database, not a backup", param="backup")
    _check_backup(source)
    staged = _stage(source, config.data_dir)
    try:
        aside = _keep_aside(live, backup_dir(config))
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        os.replace(staged, live)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    _fsync_dir(config.data_dir)
    database = db_mod.open_database(config)
    try:
        migrate(database, backup_dir=backup_dir(config))
        audit.record("backup.restore", actor=actor, target=source.name,
                     detail={"kept_aside": aside.name})
    finally:
        db_mod.close_database()
    return aside


def restore_and_reopen(config: Config, backup_path: str | os.PathLike[str], *,
                       actor: str = "admin") -> Path:
    """:func:`restore` from inside a running app: close this thread's connection, restore, and
    open and migrate the database again (as :func:`app.runtime.start` does), also on failure.

    Every other connection of the process must be closed first (the relay stopped, the GUI
    thread's connection closed), or restore refuses with :class:`DatabaseInUse`.
    """
    if not config.is_sqlite:
        raise BackupUnsupported(PG_MESSAGE)
    db_mod.close_database()
    try:
        return restore(config, backup_path, actor=actor)
    finally:
        migrate(db_mod.open_database(config), backup_dir=backup_dir(config))


def _check_backup(path: Path) -> None:
    """Integrity-check a backup and make sure it is a RelayDesk database."""
    try:
        conn = sqlite3.connect(str(path))
        try:
            (result,) = conn.execute("PRAGMA integrity_check").fetchone()
            ours = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                (SchemaVersion._meta.table_name,)).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationError("{name} is not a readable SQLite database ({error})",
                              param="backup", name=path.name, error=str(exc)) from None
    if result != "ok":
        raise ServiceError("{name} failed its integrity check: {result}", name=path.name,
                           result=result)
    if ours is None:
        raise ValidationError("{name} is not a RelayDesk database", param="backup",
                              name=path.name)


def _owner_only_file(folder: Path, name: str) -> Path:
    """Create ``folder/name`` (or ``name-2``, ...) empty and 0600; never reuses a file."""
    stem, suffix = name.rsplit(".", 1) if "." in name else (name, "")
    for attempt in range(1, 1000):
        candidate = name if attempt == 1 else f"{stem}-{attempt}.{suffix}".rstrip(".")
        path = folder / candidate
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            continue
        return path
    raise ServiceError("cannot create a new file for {name} in {folder}", name=name,
                       folder=str(folder))


def _copy(source: sqlite3.Connection, target: Path) -> None:
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
    finally:
        dest.close()
    target.chmod(0o600)
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def _stage(source: Path, folder: Path) -> Path:
    """The backup copied to a temporary owner-only file in ``folder`` (same file system)."""
    staged = _owner_only_file(folder, f".restore-{uuid.uuid4().hex}.tmp")
    try:
        conn = sqlite3.connect(str(source))
        try:
            _copy(conn, staged)
        finally:
            conn.close()
        (result,) = _quick_check(staged)
        if result != "ok":
            raise ServiceError("the copy of {name} failed its check: {result}",
                               name=source.name, result=result)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def _quick_check(path: Path) -> tuple[str]:
    conn = sqlite3.connect(str(path))
    try:
        row: tuple[str] = conn.execute("PRAGMA quick_check").fetchone()  # always one row
        return row
    finally:
        conn.close()


def _keep_aside(live: Path, folder: Path) -> Path:
    """Check nobody else has the live database open, then copy it into ``folder``.

    ``BEGIN EXCLUSIVE`` would not do as the check: in WAL mode it succeeds while other
    connections are open (only idle). Leaving WAL mode needs the only connection, so it is
    the test; it also folds the WAL into the main file, so nothing stale is left beside it.
    """
    conn = sqlite3.connect(str(live), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        try:
            (mode,) = conn.execute("PRAGMA journal_mode=DELETE").fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseInUse(IN_USE_MESSAGE) from None
            raise
        except sqlite3.DatabaseError as exc:
            if db_mod.damage_reason(exc) is None:
                raise
            conn.close()
            return _keep_damaged_aside(live, folder)
        if str(mode).lower() != "delete":
            raise DatabaseInUse(IN_USE_MESSAGE)
        aside = _owner_only_file(
            folder, f"before-restore-{clock.now().strftime(STAMP_FORMAT)}.sqlite3")
        try:
            _copy(conn, aside)
        except BaseException:
            aside.unlink(missing_ok=True)
            raise
    finally:
        conn.close()
    return aside


def _keep_damaged_aside(live: Path, folder: Path) -> Path:
    """A damaged database cannot be read through SQLite: keep its bytes (and its WAL's) as they
    are, owner-only, so nothing is lost that a recovery tool might still read."""
    aside = _owner_only_file(
        folder, f"before-restore-{clock.now().strftime(STAMP_FORMAT)}.sqlite3")
    try:
        for suffix in ("", "-wal"):
            source = Path(f"{live}{suffix}")
            if not source.exists():
                continue
            target = Path(f"{aside}{suffix}")
            with open(source, "rb") as src, open(
                    os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "wb") as dst:
                shutil.copyfileobj(src, dst)
                dst.flush()
                os.fsync(dst.fileno())
    except BaseException:
        for suffix in ("", "-wal"):
            Path(f"{aside}{suffix}").unlink(missing_ok=True)
        raise
    return aside


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows has no directory handles)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
