"""The `cli` fixture: run `relaydesk` in-process against SQLite or a real PostgreSQL.

``main()`` binds its own database from ``--data-dir`` and ``DATABASE_URL`` exactly as the real
console script does; the runner only feeds stdin and captures stdout / stderr.
"""

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app import db, runtime
from app.cli import main
from tests.app import support

ERROR_PREFIX = "relaydesk: error: "


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    def __init__(self, data_dir: Path, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
        self.data_dir = data_dir
        self.backend = backend
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, *argv: str, stdin: str | None = None) -> Result:
        """Run ``relaydesk --data-dir DIR *argv``; a SystemExit becomes its exit code."""
        self._capsys.readouterr()
        self._monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        try:
            code = main(["--data-dir", str(self.data_dir), *argv])
        except SystemExit as exc:  # what the interpreter would do with it
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
                code = 1
            else:
                code = exc.code or 0
        finally:
            db.close_database()
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *argv: str, stdin: str | None = None) -> Result:
        result = self(*argv, stdin=stdin)
        assert (result.code, result.err) == (0, ""), result
        return result

    def json(self, *argv: str, stdin: str | None = None) -> Any:
        return self.ok("--json", *argv, stdin=stdin).json()

    def fails(self, *argv: str, stdin: str | None = None) -> str:
        """Run a command that must be refused: exit 1, exactly one `relaydesk: error:` line on
        stderr, nothing on stdout, and every table exactly as before. Returns the message."""
        before = self.dump()
        result = self(*argv, stdin=stdin)
        lines = result.err.splitlines()
        assert result.code == 1, result
        assert len(lines) == 1 and lines[0].startswith(ERROR_PREFIX), result
        assert result.out == ""
        assert self.dump() == before, f"{argv} changed the database"
        return lines[0][len(ERROR_PREFIX):]

    @contextmanager
    def bound(self) -> Iterator[None]:
        """Bind the same database the CLI uses, for setup and inspection from the test."""
        runtime.start(self.data_dir)
        try:
            yield
        finally:
            db.close_database()

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        with self.bound():
            return support.dump()


@pytest.fixture(params=["sqlite", "postgres"])
def cli(request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    if request.param == "postgres":
        monkeypatch.setenv("DATABASE_URL", request.getfixturevalue("postgres_url"))
    yield Cli(tmp_path / "data", capsys, monkeypatch, request.param)
    db.close_database()

