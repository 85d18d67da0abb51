"""A throwaway PostgreSQL server for tests and benchmarks.

In a session-scoped pytest fixture::

    from tests.helpers.postgres import PostgresServer, postgres_available
    from tests.helpers.requirements import require

    @pytest.fixture(scope="session")
    def postgres_server():
        require(postgres_available())
        server = PostgresServer()
        server.start()
        yield server
        server.stop()

    @pytest.fixture
    def postgres_url(postgres_server):
        name = postgres_server.unique_name()
        url = postgres_server.create_database(name)
        yield url
        postgres_server.drop_database(name)

From a shell (prints the URL, stays up until SIGINT/SIGTERM)::

    python -m tests.helpers.postgres --start

The server runs from a temp dir with its own data directory, unix socket and a free TCP port on
127.0.0.1, with durability switched off (fsync, full_page_writes, synchronous_commit) for speed.
The temp dir is on /dev/shm (tmpfs) when possible, ~20x faster CREATE DATABASE than ext4 here;
set RELAYDESK_PG_TMPDIR to choose another parent dir.
``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` user (created by
Debian's ``postgresql`` package) through ``runuser``.
"""

from __future__ import annotations

import argparse
import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

__all__ = ["PostgresServer", "PostgresStartError", "find_bindir", "postgres_available"]

PG_SUPERUSER = "relaydesk"
RUN_AS_USER = "postgres"  # who runs initdb/postgres when we are root
_START_ATTEMPTS = 3  # a free port can be taken between picking it and binding it
_DB_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresStartError(RuntimeError):
    """initdb or pg_ctl failed; the message includes their output and the server log."""


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.name  # /usr/lib/postgresql/<version>/bin
    return tuple(int(p) for p in re.findall(r"\d+", version)) or (0,)


def find_bindir() -> Path | None:
    """Directory with initdb and pg_ctl: $RELAYDESK_PG_BINDIR, else the highest
    /usr/lib/postgresql/*/bin, else wherever pg_ctl is on PATH."""
    override = os.environ.get("RELAYDESK_PG_BINDIR")
    candidates = [override] if override else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for candidate in candidates:
        d = Path(candidate)
        if all(os.access(d / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return d
    return None


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _runuser() -> str | None:
    """runuser's path (it lives in /usr/sbin, which a non-login PATH may lack)."""
    return shutil.which("runuser") or next(
        (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.access(p, os.X_OK)), None
    )


def postgres_available() -> str | None:
    """None when a throwaway server can be started here, otherwise why not."""
    try:
        import psycopg2  # noqa: F401
    except ImportError as e:
        return f"psycopg2 is not importable ({e}); install psycopg2-binary"
    if find_bindir() is None:
        return (
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
            "/usr/lib/postgresql/*/bin, $RELAYDESK_PG_BINDIR or PATH; "
            "install the Debian package 'postgresql'"
        )
    if _running_as_root():
        if _runuser() is None:
            return ("running as root but 'runuser' (util-linux) is missing; initdb cannot run as "
                    "root")
        try:
            pwd.getpwnam(RUN_AS_USER)
        except KeyError:
            return (
                f"running as root but there is no '{RUN_AS_USER}' user to run the server as "
                "(the Debian 'postgresql' package creates it)"
            )
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _world_traversable(path: Path) -> bool:
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])


def _base_tempdir() -> str:
    """Where the server's temp dir goes: $RELAYDESK_PG_TMPDIR, else /dev/shm (tmpfs) when it is
    usable with >= 1 GiB free, else the usual temp dir. On this box's ext4 disk CREATE DATABASE
    takes ~250 ms and start-up ~1.8 s even with fsync=off; on tmpfs ~12 ms and ~0.7 s. The dir
    must be reachable by the postgres user when we are root (TMPDIR may be under 0700 /root)."""
    override = os.environ.get("RELAYDESK_PG_TMPDIR")
    if override:
        return override
    shm = Path("/dev/shm")
    try:
        st = os.statvfs(shm)
        if (shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) and _world_traversable(shm)
                and st.f_bavail * st.f_frsize >= 1 << 30):
            return str(shm)
    except OSError:
        pass
    base = Path(tempfile.gettempdir()).resolve()
    return str(base) if _world_traversable(base) else "/tmp"


class PostgresServer:
    """A private PostgreSQL server in a temp dir. ``start()``, ``stop()``, ``url``,
    ``create_database(name) -> url``, ``drop_database(name)``. Also a context manager."""

    def __init__(self, *, max_connections: int = 200, start_timeout: float = 60.0) -> None:
        self.max_connections = max_connections
        self.start_timeout = start_timeout
        self.bindir: Path | None = None
        self.tmpdir: Path | None = None
        self.port: int | None = None
        self.startup_seconds: float | None = None
        self._server_version: int | None = None
        self._as_root = _running_as_root()

    # -- paths ---------------------------------------------------------------------------------
    @property
    def datadir(self) -> Path:
        assert self.tmpdir is not None, "server not started"
        return self.tmpdir / "data"

    @property
    def logfile(self) -> Path:
        assert self.tmpdir is not None, "server not started"
        return self.tmpdir / "postgres.log"

    @property
    def socket_dir(self) -> Path:
        assert self.tmpdir is not None, "server not started"
        return self.tmpdir

    @property
    def running(self) -> bool:
        return self.port is not None

    def url_for(self, dbname: str) -> str:
        if self.port is None:
            raise RuntimeError("PostgreSQL server is not running")
        return f"postgresql://{PG_SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    @property
    def url(self) -> str:
        """URL of the maintenance database ``postgres`` (user relaydesk, no password)."""
        return self.url_for("postgres")

    # -- lifecycle -----------------------------------------------------------------------------
    def _run(self, args: list[str], what: str, timeout: float) -> subprocess.CompletedProcess:
        assert self.bindir is not None and self.tmpdir is not None
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            cmd = [_runuser() or "runuser", "-u", RUN_AS_USER, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C.UTF-8"
        proc = subprocess.run(
            cmd,
            cwd=self.tmpdir,  # the postgres user may not be able to enter our cwd
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            raise PostgresStartError(
                f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}\n"
                f"--- server log ---\n{self._read_log()}"
            )
        return proc

    def _read_log(self) -> str:
        try:
            return self.logfile.read_text(errors="replace")[-4000:]
        except (OSError, AssertionError):
            return "(no log)"

    def start(self) -> PostgresServer:
        if self.running:
            return self
        reason = postgres_available()
        if reason is not None:
            raise PostgresStartError(reason)
        t0 = time.monotonic()
        self.bindir = find_bindir()
        self.tmpdir = Path(tempfile.mkdtemp(prefix="relaydesk-pg-", dir=_base_tempdir()))
        atexit.register(self.stop)
        try:
            if self._as_root:
                pw = pwd.getpwnam(RUN_AS_USER)
                os.chown(self.tmpdir, pw.pw_uid, pw.pw_gid)
            self._run(
                ["initdb", "-D", str(self.datadir), "-A", "trust", "-U", PG_SUPERUSER,
                 "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                "initdb",
                timeout=120,
            )
            last_error: Exception | None = None
            for _ in range(_START_ATTEMPTS):
                port = _free_port()
                opts = (
                    f"-k {self.socket_dir} -p {port} -c listen_addresses=127.0.0.1 "
                    "-c fsync=off -c full_page_writes=off -c synchronous_commit=off "
                    f"-c max_connections={self.max_connections}"
                )
                try:
                    self._run(
                        ["pg_ctl", "-D", str(self.datadir), "-o", opts, "-l", str(self.logfile),
                         "-w", "-t", str(int(self.start_timeout)), "start"],
                        "pg_ctl start",
                        timeout=self.start_timeout + 10,
                    )
                except PostgresStartError as e:  # e.g. the port was taken meanwhile: retry
                    last_error = e
                    continue
                self.port = port
                break
            else:
                raise last_error or PostgresStartError("pg_ctl start failed")
            self._wait_until_accepting(deadline=time.monotonic() + self.start_timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _wait_until_accepting(self, deadline: float) -> None:
        """pg_ctl -w already waits; this also proves TCP + auth work, polling with a deadline."""
        import psycopg2

        while True:
            try:
                conn = psycopg2.connect(self.url, connect_timeout=5)
            except psycopg2.OperationalError as e:
                if time.monotonic() > deadline:
                    raise PostgresStartError(
                        f"server on port {self.port} not accepting connections: {e}\n"
                        f"--- server log ---\n{self._read_log()}"
                    ) from e
                time.sleep(0.05)  # poll interval, not a timing assumption
                continue
            conn.close()
            return

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove the temp dir. Safe to call twice."""
        atexit.unregister(self.stop)
        if self.tmpdir is None:
            return
        try:
            if self.port is not None or (self.datadir / "postmaster.pid").exists():
                try:
                    self._run(["pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "-t", "30",
                               "stop"], "pg_ctl stop", timeout=40)
                except (PostgresStartError, subprocess.TimeoutExpired):
                    self._kill_postmaster()
        finally:
            self.port = None
            self._server_version = None
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def _kill_postmaster(self) -> None:
        try:
            pid = int((self.datadir / "postmaster.pid").read_text().split("\n", 1)[0])
            os.kill(pid, signal.SIGQUIT)  # immediate shutdown
        except (OSError, ValueError):
            pass

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases -----------------------------------------------------------------------------
    @staticmethod
    def unique_name(prefix: str = "test") -> str:
        return f"{prefix}_{uuid.uuid4().hex[:16]}"

    def _admin(self, statement) -> int:
        """Run one statement outside a transaction on the maintenance db; return the server
        version number (e.g. 150014)."""
        import psycopg2

        conn = psycopg2.connect(self.url)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(statement)
            return conn.server_version
        finally:
            conn.close()

    @staticmethod
    def _check_name(name: str) -> str:
        if not _DB_NAME_RE.match(name):
            raise ValueError(f"database name must match {_DB_NAME_RE.pattern}: {name!r}")
        return name

    def create_database(self, name: str | None = None) -> str:
        """CREATE DATABASE (a fresh, empty one) and return its URL. ``name`` defaults to a
        unique ``test_<hex>``."""
        from psycopg2 import sql

        name = self._check_name(name or self.unique_name())
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if self._server_version is None:
            self._server_version = self._admin("SELECT 1")
        if self._server_version >= 150000:
            # With fsync=off, FILE_COPY is ~2x faster than PG15's default WAL_LOG (~20 ms here).
            statement = sql.SQL("{} STRATEGY = FILE_COPY").format(statement)
        self._admin(statement)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE IF EXISTS, disconnecting any leftover sessions."""
        from psycopg2 import sql

        self._check_name(name)
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.helpers.postgres",
        description="Run a throwaway PostgreSQL server until SIGINT/SIGTERM.",
    )
    parser.add_argument("--start", action="store_true", required=True,
                        help="start the server, print its URL, stay up until SIGINT/SIGTERM")
    parser.add_argument("--database", metavar="NAME",
                        help="also create this database and print its URL instead")
    args = parser.parse_args(argv)

    reason = postgres_available()
    if reason is not None:
        print(f"postgres unavailable: {reason}", file=sys.stderr)
        return 2
    # Block the signals before starting so one that arrives early is not lost.
    signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    server = PostgresServer()
    try:
        server.start()
        url = server.create_database(args.database) if args.database else server.url
        print(url, flush=True)
        print(f"started in {server.startup_seconds:.2f}s; data in {server.tmpdir}; "
              "SIGINT/SIGTERM to stop", file=sys.stderr, flush=True)
        signal.sigwait(signals)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
