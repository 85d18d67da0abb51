"""A throwaway Redis server (Debian's redis-server) for tests and benchmarks.

In a pytest fixture (tests/relay/cluster/conftest.py has ``redis_server`` and ``redis_url``)::

    require(redis_available())
    server = RedisServer()
    server.start()
    ...  # server.url
    server.stop()

From a shell (prints the URL, stays up until SIGINT/SIGTERM)::

    python -m tests.helpers.redis_server --start

The server listens on a free loopback port, persists nothing (``--save ''``, no AOF) and runs in
the foreground as our child, stopped by its PID. ``stop()`` then ``start()`` again brings it
back on the same port: what an outage and a recovery look like to the relay.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["RedisServer", "RedisStartError", "redis_available"]

_START_ATTEMPTS = 3  # a free port can be taken between picking it and binding it


class RedisStartError(RuntimeError):
    """redis-server did not come up; the message includes its log."""


def find_redis_server() -> str | None:
    """$RELAYDESK_REDIS_SERVER, else redis-server on PATH, else Debian's /usr/bin one."""
    override = os.environ.get("RELAYDESK_REDIS_SERVER")
    for candidate in ([override] if override else []) + [shutil.which("redis-server"),
                                                          "/usr/bin/redis-server"]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def redis_available() -> str | None:
    """None when a throwaway server can be started here, otherwise why not."""
    try:
        import redis  # noqa: F401
    except ImportError as e:
        return f"redis-py is not importable ({e})"
    if find_redis_server() is None:
        return "redis-server not found ($RELAYDESK_REDIS_SERVER, PATH, /usr/bin); install the " \
               "Debian package 'redis-server'"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A private redis-server child process. ``start()``, ``stop()``, ``url``; also a context
    manager. After the first start the port is kept, so a restart looks like a recovery."""

    def __init__(self, *, start_timeout: float = 10.0) -> None:
        self.start_timeout = start_timeout
        self.port: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.tmpdir: Path | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("Redis server was never started")
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def logfile(self) -> Path:
        assert self.tmpdir is not None, "server not started"
        return self.tmpdir / "redis.log"

    def _read_log(self) -> str:
        try:
            return self.logfile.read_text(errors="replace")[-4000:]
        except (OSError, AssertionError):
            return "(no log)"

    def start(self) -> RedisServer:
        if self.running:
            return self
        binary = find_redis_server()
        if binary is None:
            raise RedisStartError(redis_available() or "redis-server not found")
        if self.tmpdir is None:
            self.tmpdir = Path(tempfile.mkdtemp(prefix="relaydesk-redis-"))
            atexit.register(self.cleanup)
        fixed = self.port is not None  # a restart: the relay must find it where it was
        for _ in range(1 if fixed else _START_ATTEMPTS):
            port = self.port if fixed else _free_port()
            assert port is not None
            self.process = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no", "--dir", str(self.tmpdir),
                 "--logfile", str(self.logfile)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + self.start_timeout
            while self.process.poll() is None and time.monotonic() < deadline:
                if _answers_ping(port):
                    self.port = port
                    return self
                time.sleep(0.02)  # poll interval while the server binds, not a timing guess
            self._stop_process()
        raise RedisStartError(f"redis-server did not answer on 127.0.0.1:{port}\n"
                              f"--- log ---\n{self._read_log()}")

    def _stop_process(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server (by its PID); ``start()`` brings it back on the same port."""
        self._stop_process()

    def cleanup(self) -> None:
        """Stop the server and remove its temp dir. Safe to call twice."""
        atexit.unregister(self.cleanup)
        self._stop_process()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def flushall(self) -> None:
        """Forget every key (between tests sharing one server)."""
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=5)
        try:
            client.flushall()
        finally:
            client.close()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.helpers.redis_server",
                                     description="Run a throwaway Redis until SIGINT/SIGTERM.")
    parser.add_argument("--start", action="store_true", required=True,
                        help="start the server, print its URL, stay up until SIGINT/SIGTERM")
    parser.parse_args(argv)
    reason = redis_available()
    if reason is not None:
        print(f"redis unavailable: {reason}", file=sys.stderr)
        return 2
    signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)  # none is lost before we wait for it
    with RedisServer() as server:
        print(server.url, flush=True)
        signal.sigwait(signals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
