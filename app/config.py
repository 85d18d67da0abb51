"""Where RelayDesk keeps its data, resolved once at start-up.

Order: an explicit ``--data-dir``, else ``RELAYDESK_HOME``, else the platform's user data folder.
The database: ``DATABASE_URL`` when set, else the PostgreSQL deployment chosen in the desktop app
(``deployment.json`` in that folder, app/deployment.py), else the SQLite file in that folder.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from app import deployment

APP_NAME = "RelayDesk"
SQLITE_FILENAME = "relaydesk.sqlite3"


@dataclass(frozen=True, slots=True)
class Config:
    """Resolved start-up configuration.

    Attributes:
        data_dir: folder for the SQLite file, backups, logs and certificates.
        database_url: a PostgreSQL URL, or ``None`` for the SQLite file in ``data_dir``.
        managed: the desktop app was told to manage a deployment (deployment.json): its relays
            run elsewhere, so it starts none. ``DATABASE_URL``, when set, still names the database.
    """

    data_dir: Path
    database_url: str | None = field(repr=False)  # it may hold a password
    managed: bool = False

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / SQLITE_FILENAME

    @property
    def is_sqlite(self) -> bool:
        return self.database_url is None


def resolve(data_dir: str | os.PathLike[str] | None = None,
            environ: dict[str, str] | None = None) -> Config:
    """Build the configuration from arguments and the environment, creating the data folder.

    The database: ``DATABASE_URL``, else the deployment chosen in the desktop app, else SQLite.
    """
    env = os.environ if environ is None else environ
    folder = data_folder(data_dir, env)
    choice = deployment.load(folder)
    url = env.get("DATABASE_URL") or deployment.url(choice)
    return Config(data_dir=folder, database_url=url, managed=choice.managed)


def data_folder(data_dir: str | os.PathLike[str] | None = None,
                environ: Mapping[str, str] | None = None) -> Path:
    """The data folder alone (created, owner-only): also when the database cannot be named."""
    env = os.environ if environ is None else environ
    if data_dir is not None:
        folder = Path(data_dir)
    elif env.get("RELAYDESK_HOME"):
        folder = Path(env["RELAYDESK_HOME"])
    else:
        folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder = folder.expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        folder.chmod(0o700)  # balances and logs are personal data: owner-only
    except OSError:
        pass
    return folder
