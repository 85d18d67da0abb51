"""app.config: --data-dir beats RELAYDESK_HOME beats the platform folder; DATABASE_URL picks
PostgreSQL."""

import stat

import pytest

from app import config, db
from app.cli import main


@pytest.fixture(autouse=True)
def _close_cli_database():
    yield
    db.close_database()


@pytest.fixture
def xdg(tmp_path, monkeypatch):
    """Point the platform's user data folder (XDG on Linux) into the temp dir."""
    folder = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


def test_explicit_data_dir_wins(tmp_path, xdg):
    cfg = config.resolve(tmp_path / "explicit", {"RELAYDESK_HOME": str(tmp_path / "home")})
    assert cfg.data_dir == (tmp_path / "explicit").resolve()
    assert cfg.data_dir.is_dir()
    assert not (tmp_path / "home").exists()
    assert not xdg.exists()


def test_relaydesk_home_beats_platform_folder(tmp_path, xdg):
    cfg = config.resolve(None, {"RELAYDESK_HOME": str(tmp_path / "home")})
    assert cfg.data_dir == (tmp_path / "home").resolve()
    assert not xdg.exists()


def test_platform_folder_is_the_fallback(xdg):
    cfg = config.resolve(None, {})
    assert cfg.data_dir == (xdg / "RelayDesk").resolve()
    assert cfg.data_dir.is_dir()


def test_empty_relaydesk_home_is_ignored(xdg):
    assert config.resolve(None, {"RELAYDESK_HOME": ""}).data_dir == (xdg / "RelayDesk").resolve()


def test_process_environment_is_read_by_default(tmp_path, monkeypatch, xdg):
    monkeypatch.setenv("RELAYDESK_HOME", str(tmp_path / "envhome"))
    assert config.resolve().data_dir == (tmp_path / "envhome").resolve()


def test_home_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert config.resolve("~/rd", {}).data_dir == (tmp_path / "me" / "rd").resolve()


def test_data_dir_is_created_owner_only(tmp_path):
    cfg = config.resolve(tmp_path / "a" / "b" / "c", {})
    assert stat.S_IMODE(cfg.data_dir.stat().st_mode) == 0o700


def test_sqlite_by_default(tmp_path):
    cfg = config.resolve(tmp_path / "d", {})
    assert cfg.database_url is None
    assert cfg.is_sqlite
    assert cfg.sqlite_path == cfg.data_dir / "relaydesk.sqlite3"


def test_empty_database_url_means_sqlite(tmp_path):
    cfg = config.resolve(tmp_path / "d", {"DATABASE_URL": ""})
    assert cfg.database_url is None and cfg.is_sqlite


def test_database_url_selects_postgres(tmp_path):
    url = "postgresql://u@db.example:5432/relay"
    cfg = config.resolve(tmp_path / "d", {"DATABASE_URL": url})
    assert cfg.database_url == url
    assert not cfg.is_sqlite


def test_cli_data_dir_beats_relaydesk_home(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RELAYDESK_HOME", str(tmp_path / "home"))
    assert main(["--data-dir", str(tmp_path / "explicit"), "user", "list"]) == 0
    assert (tmp_path / "explicit" / "relaydesk.sqlite3").is_file()
    assert not (tmp_path / "home" / "relaydesk.sqlite3").exists()
    assert main(["user", "list"]) == 0
    assert (tmp_path / "home" / "relaydesk.sqlite3").is_file()
    assert "(no users)" in capsys.readouterr().out


def test_cli_uses_database_url(tmp_path, monkeypatch, postgres_url, capsys):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    assert main(["--data-dir", str(tmp_path / "d"), "user", "add", "pg", "--email",
                 "pg@example.com"]) == 0
    assert not (tmp_path / "d" / "relaydesk.sqlite3").exists()  # went to PostgreSQL
    capsys.readouterr()
    monkeypatch.delenv("DATABASE_URL")
    assert main(["--data-dir", str(tmp_path / "d"), "user", "list"]) == 0
    assert "(no users)" in capsys.readouterr().out  # the SQLite file knows nothing of it
