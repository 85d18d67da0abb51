"""Shared fixtures: databases (SQLite and a real PostgreSQL), a movable clock, a real Secret
Service, a guard that keeps tests away from the developer's own keyring, and the secret tracking
behind the final scan in tests/test_secret_hygiene.py."""

import functools
import logging
import os
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import keyring.backends.fail
import pytest

from app import clock as clock_mod
from app import config, db, runtime
from relay.dbexec import DatabaseExecutor
from tests.helpers import secret_registry
from tests.helpers.postgres import PostgresServer, postgres_available
from tests.helpers.requirements import require
from tests.helpers.secret_service import SecretService, secret_service_available
from tests.helpers.smtp_server import SmtpServer


@pytest.fixture(autouse=True, scope="session")
def _no_real_keyring() -> Iterator[None]:
    """Tests never touch the developer's keyring: only ``real_keyring`` swaps one in."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


# --- secret hygiene: record every secret, keep every log record, dump PG before drop ------------

FINAL_SCAN = "tests/test_secret_hygiene.py::test_no_secret_is_left_anywhere"
PG_DUMPS = "pg-dumps"
SUITE_LOG = "suite-log.txt"
PG_SERVERS: list[PostgresServer] = []
PG_DUMP_FAILURES: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The final secret scan runs after everything else collected with it (it runs whenever it
    is selected; with the whole suite it sees every file the suite wrote)."""
    last = [item for item in items if item.nodeid == FINAL_SCAN]
    items[:] = [item for item in items if item.nodeid != FINAL_SCAN] + last


@pytest.fixture(autouse=True, scope="session")
def secret_tracking(tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[secret_registry.SecretRegistry]:
    """Recording only: the wrapped functions behave exactly as before."""
    base = tmp_path_factory.getbasetemp()
    dumps = base / PG_DUMPS
    dumps.mkdir(exist_ok=True)
    handler = logging.FileHandler(base / SUITE_LOG, encoding="utf-8", errors="backslashreplace")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    original_start, original_drop = PostgresServer.start, PostgresServer.drop_database

    def start(self: PostgresServer) -> PostgresServer:
        PG_SERVERS.append(self)
        return original_start(self)

    def drop_database(self: PostgresServer, name: str) -> None:
        try:
            secret_registry.dump_postgres(self.url_for(name), dumps / f"{name}.txt")
        except Exception as exc:  # noqa: BLE001 - a failed dump is reported by the scan
            if "does not exist" not in str(exc):
                PG_DUMP_FAILURES.append(f"{name}: {type(exc).__name__}: {exc}")
        original_drop(self, name)

    with pytest.MonkeyPatch.context() as mp:
        secret_registry.install(mp)
        mp.setattr(PostgresServer, "start", start)
        mp.setattr(PostgresServer, "drop_database", drop_database)
        try:
            yield secret_registry.REGISTRY
        finally:
            logging.getLogger().removeHandler(handler)
            handler.close()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("RELAYDESK_") or name in ("DATABASE_URL", "REDIS_URL"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    require(postgres_available())
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    name = postgres_server.unique_name()
    url = postgres_server.create_database(name)
    yield url
    db.close_database()
    postgres_server.drop_database(name)


def _start(data_dir: Path, url: str | None) -> config.Config:
    env = {"DATABASE_URL": url} if url else {}
    return runtime.start(data_dir, environ=env)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[config.Config]:
    """A fresh, migrated SQLite database in a temp data folder, bound to the proxy."""
    cfg = _start(tmp_path / "data", None)
    yield cfg
    db.close_database()


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[config.Config]:
    """The same test on SQLite and on a real PostgreSQL server."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    cfg = _start(tmp_path / "data", url)
    yield cfg
    db.close_database()


class FakeClock:
    """A clock tests move by hand: no sleeps, no races."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@pytest.fixture
def cheap_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """bcrypt cost 4 instead of 12: same format and checks, a millisecond instead of 0.2 s."""
    from app import passwords

    monkeypatch.setattr(passwords, "hash_password",
                        functools.partial(passwords.hash_password, rounds=4))


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    fake = FakeClock(datetime(2026, 6, 1, 12, 0, 0))
    clock_mod.set_clock(fake)
    yield fake
    clock_mod.set_clock(None)


@pytest.fixture(scope="session")
def secret_service() -> Iterator[SecretService]:
    require(secret_service_available())
    service = SecretService()
    service.start()
    yield service
    service.stop()


@pytest.fixture
def real_keyring(secret_service: SecretService) -> Iterator[object]:
    """The keyring library pointed at a real gnome-keyring on a private D-Bus session."""
    with secret_service.using_keyring() as backend:
        yield backend


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a loopback port; ``smtp.messages()`` is what arrived."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def dbx() -> AsyncIterator[DatabaseExecutor]:
    """A database executor like the relay's, for calling relay jobs directly."""
    executor = DatabaseExecutor()
    yield executor
    executor.shutdown()
