"""Start-up shared by every entry point: resolve config, open the database, migrate."""

from pathlib import Path

from app import config as config_mod
from app import db as db_mod
from app.migrations import migrate


def start(data_dir: str | Path | None = None, environ: dict[str, str] | None = None
          ) -> config_mod.Config:
    """Open the database named by the configuration and bring its schema up to date."""
    cfg = config_mod.resolve(data_dir, environ)
    open_and_migrate(cfg)
    return cfg


def open_and_migrate(cfg: config_mod.Config) -> None:
    """Bind and migrate the database; a damaged SQLite file raises
    :class:`app.db.DatabaseDamaged` (one line naming the file and the restore command)."""
    database = db_mod.open_database(cfg)
    try:
        migrate(database, backup_dir=cfg.data_dir / "backups")
    except Exception as exc:
        damaged = db_mod.as_damage(cfg, exc)
        if damaged is None:
            raise
        db_mod.close_database()
        raise damaged from None
