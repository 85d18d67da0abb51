"""A damaged SQLite database: every command says so in one line naming the file and the restore
command, and `relaydesk restore FILE --yes` brings a backup back without opening the damaged
file first."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import SQLITE_FILENAME

REPO = Path(__file__).resolve().parents[3]
DAMAGE_BYTES = 64 * 1024


@pytest.fixture
def run(tmp_path):  # type: ignore[no-untyped-def]
    """`python -m app --data-dir DIR ...` as a user runs it, with no keyring reachable."""
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("RELAYDESK_") and k != "DATABASE_URL"}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

    def runner(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data), *argv],
                              capture_output=True, text=True, cwd=REPO, timeout=120, env=env)

    runner.data = data  # type: ignore[attr-defined]
    return runner


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert (result.returncode, result.stderr) == (0, ""), result
    return result.stdout


def money_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Users (with balances), keys, recharges and the ledger, read straight from a file."""
    conn = sqlite3.connect(str(path))
    try:
        return {table: conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
                for table in ("user", "api_key", "recharge_record", "ledger_entry")}
    finally:
        conn.close()


def damage(database: Path) -> None:
    """64 KB of random bytes over the start of the file, and no WAL to repair it from."""
    with open(database, "r+b") as handle:
        handle.write(os.urandom(DAMAGE_BYTES))
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def test_restore_brings_back_a_damaged_database(run) -> None:
    ok(run("user", "add", "alice", "--email", "alice@example.com"))
    ok(run("user", "add", "bob", "--email", "bob@example.com"))
    ok(run("recharge", "alice", "12.50"))
    ok(run("recharge", "bob", "3"))
    ok(run("adjust", "alice", "-1.25", "--reason", "goodwill reversal"))
    ok(run("key", "create", "alice"))
    backup = Path(ok(run("backup")).strip())
    expected = money_tables(backup)
    assert [len(expected[t]) for t in ("user", "api_key", "ledger_entry")] == [2, 1, 3]
    ok(run("recharge", "bob", "7"))  # after the backup: lost with the damage
    database = run.data / SQLITE_FILENAME
    damage(database)
    damaged = database.read_bytes()

    for argv in (["user", "list"], ["recharge", "alice", "1"], ["backup", "now"], ["serve"]):
        failed = run(*argv)
        lines = failed.stderr.splitlines()
        assert failed.returncode == 1 and failed.stdout == "", (argv, failed)
        assert len(lines) == 1, (argv, failed.stderr)
        assert lines[0] == (
            f"relaydesk: error: the database {database} is damaged (file is not a database); "
            "restore a backup with: relaydesk restore FILE --yes  (relaydesk backup list "
            "shows them)")
    assert backup.name in ok(run("backup", "list"))  # listing needs no database

    restored = ok(run("restore", backup.name, "--yes"))
    assert restored.startswith(f"restored {backup.name} into {database}")
    assert money_tables(database) == expected
    assert "alice" in ok(run("user", "list"))
    aside = sorted((run.data / "backups").glob("before-restore-*.sqlite3"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged  # kept aside byte for byte
    assert aside[0].stat().st_mode & 0o777 == 0o600


sqlite_only = pytest.mark.parametrize("cli", ["sqlite"], indirect=True)


@sqlite_only
def test_damage_past_the_first_page_is_named_too(cli) -> None:
    """The header intact, every table page after it garbage: SQLite reports the file as
    malformed only when a command reads those pages."""
    cli.ok("user", "add", "alice", "--email", "alice@example.com")
    backup = Path(cli.ok("backup").out.strip())
    database = cli.data_dir / SQLITE_FILENAME
    size = database.stat().st_size
    with open(database, "r+b") as handle:
        handle.seek(4096)  # RelayDesk's page size: page 1 (header and schema) stays
        handle.write(os.urandom(size - 4096))
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    failed = cli("user", "list")
    assert failed.code == 1 and failed.out == "", failed
    assert failed.err.startswith(f"relaydesk: error: the database {database} is damaged (")
    assert failed.err.endswith("; restore a backup with: relaydesk restore FILE --yes  "
                               "(relaydesk backup list shows them)\n")
    assert len(failed.err.splitlines()) == 1
    cli.ok("restore", backup.name, "--yes")
    assert "alice" in cli.ok("user", "list").out
