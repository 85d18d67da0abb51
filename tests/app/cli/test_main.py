"""The `relaydesk` entry point: help, version, JSON money, exit codes, and the real console
command run as a subprocess. (No command at all starts the desktop app: not tested here.)"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import bcrypt
import pytest

from app import __version__, db
from app.cli import main
from tests.app.support import assert_money_is_micros

REPO = Path(__file__).resolve().parents[3]


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: relaydesk")
    for command in ("user", "key", "provider", "price", "recharge", "refund", "adjust",
                    "ledger", "recharges", "logs", "settings"):
        assert command in out


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"RelayDesk {__version__}\n"


def test_unknown_command_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as info:
        main(["--data-dir", str(tmp_path), "frobnicate"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert not (tmp_path / "relaydesk.sqlite3").exists()  # refused before opening anything


def test_bad_database_url_is_one_error_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "mysql://u@localhost/relay")
    try:
        code = main(["--data-dir", str(tmp_path), "user", "list"])
    finally:
        db.close_database()
    lines = capsys.readouterr().err.splitlines()
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("relaydesk: error: "), lines
    assert "postgresql://" in lines[0]


def test_every_json_money_field_is_integer_micros(cli, fake_clock):
    documents = [
        cli.json("user", "add", "alice", "--email", "alice@example.com"),
        cli.json("price", "set", "m", "--input", "0.14", "--output", "0.28"),
        cli.json("provider", "add", "ds", "--kind", "deepseek", "--models", "m"),
        cli.json("key", "create", "alice", "--models", "m"),
        cli.json("recharge", "alice", "12.345678"),
    ]
    order = documents[-1]["order_no"]
    documents += [
        cli.json("refund", order, "--amount", "0.5"),
        cli.json("adjust", "alice", "-0.000001", "--reason", "rounding"),
        cli.json("user", "show", "alice"),
        cli.json("user", "list"),
        cli.json("key", "list"),
        cli.json("provider", "list"),
        cli.json("price", "list"),
        cli.json("ledger", "alice"),
        cli.json("recharges"),
        cli.json("logs"),
        cli.json("settings", "list"),
    ]
    for document in documents:
        assert_money_is_micros(document)
    assert documents[-4]["balance_micros"] == 12_345_678 - 500_000 - 1
    price = documents[1]
    assert (price["input_micros"], price["output_micros"]) == (140_000, 280_000)


# -- the real console command ---------------------------------------------------------------

@pytest.fixture
def run(tmp_path):
    """Run `python -m app ...` with RELAYDESK_HOME in tmp and no way to reach a real keyring."""
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("RELAYDESK_") and k != "DATABASE_URL"}
    env |= {"RELAYDESK_HOME": str(home),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}

    def runner(*argv: str, stdin: str = "", extra_env: dict[str, str] | None = None):
        return subprocess.run([sys.executable, "-m", "app", *argv], input=stdin,
                              capture_output=True, text=True, cwd=REPO, timeout=120,
                              env=env | (extra_env or {}))

    runner.home = home
    return runner


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("relaydesk: error: "), stderr
    return lines[0]


def test_subprocess_version_and_usage(run):
    version = run("--version")
    assert (version.returncode, version.stdout) == (0, f"RelayDesk {__version__}\n")
    bad = run("no-such-command")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    helped = run("--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: relaydesk")


def test_subprocess_password_from_stdin_and_exit_codes(run):
    created = run("user", "add", "alice", "--email", "a@example.com", "--password-stdin",
                  stdin="pw from stdin\n")
    assert (created.returncode, created.stderr) == (0, "")
    assert created.stdout == "created user alice (id 1)\n"
    database = run.home / "relaydesk.sqlite3"
    with sqlite3.connect(database) as conn:
        (hashed,) = conn.execute("SELECT password_hash FROM user").fetchone()
    conn.close()
    assert bcrypt.checkpw(b"pw from stdin", hashed.encode())
    duplicate = run("user", "add", "alice", "--email", "a@example.com")
    assert duplicate.returncode == 1
    assert one_error_line(duplicate.stderr) == ("relaydesk: error: a user named 'alice' already "
                                                "exists")
    empty = run("user", "add", "bob", "--email", "b@example.com", "--password-stdin")
    assert empty.returncode == 1
    assert one_error_line(empty.stderr) == "relaydesk: error: no password on standard input"
    bad_amount = run("recharge", "alice", "1.1234567")
    assert bad_amount.returncode == 1
    assert "6 decimal places" in one_error_line(bad_amount.stderr)
    users = run("--json", "user", "list")
    assert users.returncode == 0 and '"username": "bob"' not in users.stdout


def test_subprocess_provider_key_from_stdin(run):
    refused = run("provider", "add", "ds-main.1", "--kind", "deepseek", "--models", "m",
                  "--key-stdin", stdin="sk-secret-value\n")
    assert refused.returncode == 1
    line = one_error_line(refused.stderr)
    assert "RELAYDESK_PROVIDER_KEY_DS_MAIN_1" in line and "sk-secret-value" not in line
    assert run("--json", "provider", "list").stdout.strip() == "[]"
    added = run("provider", "add", "ds-main.1", "--kind", "deepseek", "--models", "m")
    assert added.returncode == 0
    listed = run("--json", "provider", "list",
                 extra_env={"RELAYDESK_PROVIDER_KEY_DS_MAIN_1": "sk-env"})
    assert '"has_key": true' in listed.stdout
    assert '"has_key": false' in run("--json", "provider", "list").stdout


def test_minimized_reaches_the_desktop_app(monkeypatch):
    """`relaydesk --minimized` (what the start-at-log-in entry runs) starts the app in the tray."""
    import gui.main
    from app.cli import main

    calls = []
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(gui.main, "run", lambda data_dir, *, minimized=False: calls.append(
        (data_dir, minimized)) or 0)
    assert main(["--data-dir", "/tmp/x", "--minimized"]) == 0
    assert main(["--data-dir", "/tmp/x"]) == 0
    assert calls == [("/tmp/x", True), ("/tmp/x", False)]
