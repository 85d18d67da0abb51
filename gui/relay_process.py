"""The desktop app's relay as a child process (`relaydesk serve --control`, relay/control.py).

In a process of its own the relay shares neither the window's interpreter lock nor its event
loop: a table reset or a chart redraw cannot delay a LAN request, and LAN traffic cannot make
the window lag (bench/gui_relay.py, README "The desktop app"). The window keeps the same
read-only view of it that :class:`relay.thread.RelayThread` offers, fed by the status lines the
relay prints; changes the operator makes are passed on so the relay's caches drop them at once.
"""

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from app.config import Config
from app.errors import ValidationError

# How long the relay may take to start (imports, migrations check, TLS key generation).
START_TIMEOUT = 60.0


@dataclass(slots=True)
class RelayCounters:
    """What the window samples: the same names as relay.state.RelayState."""

    requests_served: int = 0
    in_flight: int = 0
    applied: int = 0  # changes passed on with forward() that the relay has taken in
    health: dict[int, tuple[int, float]] = field(default_factory=dict)


def command(data_dir: Path, host: str, port: int) -> list[str]:
    """The relay's command line: the frozen app is itself the CLI (packaging/relaydesk_entry)."""
    program = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "app"]
    return [*program, "--data-dir", str(data_dir), "serve", "--host", host, "--port", str(port),
            "--control"]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    if not getattr(sys, "frozen", False):  # `-m app` from wherever the window was started
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _start_error(error: dict[str, Any]) -> BaseException:
    if error.get("kind") == "service":
        return ValidationError(str(error.get("template", "")), param=error.get("param"),
                               **dict(error.get("values") or {}))
    if error.get("kind") == "os":
        return OSError(error.get("errno") or 0, str(error.get("message", "")))
    return RuntimeError(str(error.get("message", "the relay could not start")))


class RelayProcess:
    """The relay in a child process; ``running``, ``host``, ``port``, ``state``, ``urls()``,
    ``fingerprint``, ``cert_file`` and ``health()`` as :class:`relay.thread.RelayThread`.

    ``on_event`` is called (on the loop) with a topic the relay itself changed (bans, admin
    tokens); ``on_exit`` when the process has ended (asked to or not); :meth:`forward` tells
    the relay about a change made here.
    """

    def __init__(self, config: Config, host: str, port: int, *, shutdown_timeout: float = 3.0,
                 on_event: Callable[[str], None] | None = None,
                 on_exit: "Callable[[RelayProcess], None] | None" = None) -> None:
        self.config = config
        self.host, self.port = host, port
        self.shutdown_timeout = shutdown_timeout
        self.state = RelayCounters()
        self.fingerprint: str | None = None
        self.cert_file: Path | None = None
        self._urls: list[str] = []
        self._on_event = on_event
        self._on_exit_cb = on_exit
        self.served = False  # it listened at some point (so an exit now is news)
        self._stopping = False
        self._proc: subprocess.Popen[str] | None = None
        self._ready: asyncio.Future[None] | None = None
        self._exited = False
        self._write_lock = threading.Lock()

    @property
    def running(self) -> bool:
        return (self._proc is not None and not self._exited and self._ready is not None
                and self._ready.done() and self._ready.exception() is None)

    def urls(self) -> list[str]:
        return list(self._urls)

    def health(self) -> dict[int, tuple[int, float]]:
        return dict(self.state.health)

    async def start(self) -> None:
        """Start the relay and wait until it listens; raises ``OSError`` (a busy port) or
        ``ValidationError`` (unusable HTTPS files) as the in-process relay would."""
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        proc = await asyncio.to_thread(self._spawn)
        self._proc = proc
        assert proc.stdout is not None
        threading.Thread(target=self._read, args=(proc.stdout, loop), daemon=True,
                         name="relaydesk-relay-reader").start()
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), START_TIMEOUT)
        except BaseException:
            await self._end(proc)
            raise

    def _spawn(self) -> "subprocess.Popen[str]":
        # What the relay prints outside the protocol (a crash's traceback) goes to the log
        # file the window writes too: launched from a menu, nobody reads a stderr.
        with open(self.config.data_dir / "relaydesk.log", "a", encoding="utf-8") as errors:
            return subprocess.Popen(
                command(self.config.data_dir, self.host, self.port), stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8", bufsize=1,
                env=_environment(), creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))

    def forward(self, topic: str) -> None:
        """Tell the relay that ``topic`` changed here (it re-reads what it caches)."""
        self._send(f"emit {topic}")

    async def stop(self) -> None:
        """Ask the relay to stop (open requests get ``shutdown_timeout``), then wait for it."""
        self._stopping = True
        proc, self._proc = self._proc, None
        if proc is not None:
            await self._end(proc)

    async def _end(self, proc: "subprocess.Popen[str]") -> None:
        self._send_to(proc, "stop")
        try:
            await asyncio.to_thread(proc.wait, self.shutdown_timeout + 15.0)
        except subprocess.TimeoutExpired:
            proc.kill()
            await asyncio.to_thread(proc.wait)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass

    def _send(self, line: str) -> None:
        if self._proc is not None:
            self._send_to(self._proc, line)

    def _send_to(self, proc: "subprocess.Popen[str]", line: str) -> None:
        with self._write_lock:
            try:
                assert proc.stdin is not None
                proc.stdin.write(line + "\n")
                proc.stdin.flush()
            except (OSError, ValueError):  # it has exited (or is exiting) already
                pass

    def _read(self, stdout: IO[str], loop: asyncio.AbstractEventLoop) -> None:
        """On a thread of its own: hand each message to the loop, then the exit."""
        try:
            for line in stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # not ours (a library printing to stdout)
                if isinstance(message, dict):
                    self._call(loop, self._on_message, message)
        except (OSError, ValueError):
            pass
        self._call(loop, self._on_exit)

    @staticmethod
    def _call(loop: asyncio.AbstractEventLoop, fn: Callable[..., None], *args: Any) -> None:
        try:
            loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the window's loop has ended
            pass

    def _on_message(self, message: dict[str, Any]) -> None:
        ready = self._ready
        if "status" in message:
            status = message["status"]
            self.state.requests_served = int(status.get("served", 0))
            self.state.in_flight = int(status.get("in_flight", 0))
            self.state.health = {int(pid): (int(v[0]), float(v[1]))
                                 for pid, v in dict(status.get("health", {})).items()}
        elif "ready" in message:
            info = message["ready"]
            self.port = int(info["port"])
            self._urls = list(info.get("urls", []))
            self.fingerprint = info.get("fingerprint")
            self.cert_file = Path(info["cert_file"]) if info.get("cert_file") else None
            self.served = True
            if ready is not None and not ready.done():
                ready.set_result(None)
        elif "error" in message:
            if ready is not None and not ready.done():
                ready.set_exception(_start_error(dict(message["error"])))
        elif "applied" in message:
            self.state.applied += 1
        elif "event" in message and self._on_event is not None:
            self._on_event(str(message["event"]))

    def _on_exit(self) -> None:
        self._exited = True
        ready = self._ready
        if ready is not None and not ready.done():
            ready.set_exception(RuntimeError("the relay process ended before it could serve"))
        if self._on_exit_cb is not None and not self._stopping:
            self._on_exit_cb(self)

