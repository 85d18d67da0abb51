"""Start-up shared by every entry point: resolve config, open the database, migrate."""

from pathlib import Path

from app import config as config_mod
from app import db as db_mod
from app.migrations import migrate


def start(data_dir: str | Path | None = None, environ: dict[str, str] | None = None
          ) -> config_mod.Config:
    """Open the database named by the configuration and bring its schema up to date."""
    cfg = config_mod.resolve(data_dir, environ)
    database = db_mod.open_database(cfg)
    migrate(database, backup_dir=cfg.data_dir / "backups")
    return cfg
