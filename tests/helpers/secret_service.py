"""A real, headless Secret Service (gnome-keyring on a private D-Bus session bus) for tests.

In pytest (session-scoped daemons, per-test keyring switch)::

    from tests.helpers.requirements import require
    from tests.helpers.secret_service import SecretService, secret_service_available

    @pytest.fixture(scope="session")
    def secret_service():
        require(secret_service_available())
        service = SecretService()
        service.start()
        yield service
        service.stop()

    @pytest.fixture
    def real_keyring(secret_service):
        with secret_service.using_keyring() as backend:   # activate() + keyring.set_keyring()
            yield backend                                 # restored afterwards

For a subprocess (the app itself), pass ``env={**os.environ, **service.env}``.

Everything lives in one temp dir: the bus socket, HOME (so the ``login`` keyring file is
``$XDG_DATA_HOME/keyrings/login.keyring``) and XDG_RUNTIME_DIR. The bus has no service
directories, so nothing is D-Bus-activated behind our back: only our unlocked gnome-keyring owns
``org.freedesktop.secrets``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import selectors
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "SecretService",
    "SecretServiceStartError",
    "secret_service_available",
    "secret_service_backend",
]

SECRETS_BUS_NAME = "org.freedesktop.secrets"
DEFAULT_PASSWORD = "relaydesk-test-keyring"

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

# Variables from the caller's environment that would point a client somewhere else.
_STRIP_FROM_CHILD_ENV = ("GNOME_KEYRING_CONTROL", "SSH_AUTH_SOCK", "DISPLAY", "WAYLAND_DISPLAY",
                         "DBUS_SYSTEM_BUS_ADDRESS")


class SecretServiceStartError(RuntimeError):
    """dbus-daemon or gnome-keyring-daemon failed to come up; the message has their logs."""


def secret_service_available() -> str | None:
    """None when a headless Secret Service can be started here, otherwise why not."""
    missing = [tool for tool in ("dbus-daemon", "gnome-keyring-daemon")
               if shutil.which(tool) is None]
    if missing:
        return (
            f"{' and '.join(missing)} not found on PATH; install the Debian packages "
            "'dbus-daemon' and 'gnome-keyring'"
        )
    for module in ("jeepney", "secretstorage", "keyring"):
        try:
            __import__(module)
        except ImportError as e:
            return f"Python module {module!r} is not importable ({e})"
    return None


def secret_service_backend():
    """A fresh ``keyring.backends.SecretService.Keyring`` (not keyring's cached default). It reads
    DBUS_SESSION_BUS_ADDRESS from os.environ on every call, so ``activate()`` first."""
    from keyring.backends import SecretService

    return SecretService.Keyring()


class SecretService:
    """Private ``dbus-daemon`` + ``gnome-keyring-daemon --unlock --components=secrets``.

    ``start()`` / ``stop()``; ``env`` (the variables a client needs); ``activate()`` /
    ``deactivate()`` put them into / take them out of this process's ``os.environ``;
    ``using_keyring()`` also switches the ``keyring`` library to a SecretService backend.
    """

    ENV_KEYS = ("DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                "XDG_CACHE_HOME", "XDG_RUNTIME_DIR")

    def __init__(self, password: str = DEFAULT_PASSWORD, *, start_timeout: float = 20.0) -> None:
        self.password = password
        self.start_timeout = start_timeout
        self.tmpdir: Path | None = None
        self.env: dict[str, str] = {}
        self.startup_seconds: float | None = None
        self._dbus: subprocess.Popen | None = None
        self._keyring: subprocess.Popen | None = None
        self._saved_environ: dict[str, str | None] | None = None

    # -- paths ---------------------------------------------------------------------------------
    @property
    def bus_address(self) -> str:
        if "DBUS_SESSION_BUS_ADDRESS" not in self.env:
            raise RuntimeError("Secret Service not started")
        return self.env["DBUS_SESSION_BUS_ADDRESS"]

    @property
    def keyrings_dir(self) -> Path:
        """Where gnome-keyring keeps its files (login.keyring lives here)."""
        return Path(self.env["XDG_DATA_HOME"]) / "keyrings"

    @property
    def running(self) -> bool:
        return self._keyring is not None and self._keyring.poll() is None

    def _log(self, name: str) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / f"{name}.log"

    def _read_logs(self) -> str:
        parts = []
        for name in ("dbus-daemon", "gnome-keyring"):
            try:
                text = self._log(name).read_text(errors="replace")[-3000:]
            except (OSError, AssertionError):
                text = "(no log)"
            parts.append(f"--- {name} log ---\n{text}")
        return "\n".join(parts)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> SecretService:
        if self.running:
            return self
        reason = secret_service_available()
        if reason is not None:
            raise SecretServiceStartError(reason)
        t0 = time.monotonic()
        deadline = t0 + self.start_timeout
        self.tmpdir = Path(tempfile.mkdtemp(prefix="relaydesk-keyring-"))
        atexit.register(self.stop)
        try:
            home = self.tmpdir / "home"
            runtime = self.tmpdir / "run"
            for d in (home / ".local" / "share", home / ".config", home / ".cache", runtime):
                d.mkdir(parents=True, mode=0o700)
            runtime.chmod(0o700)  # XDG_RUNTIME_DIR must be 0700 (mkdir's mode obeys umask)
            address = self._start_dbus(deadline)
            self.env = {
                "DBUS_SESSION_BUS_ADDRESS": address,
                "HOME": str(home),
                "XDG_DATA_HOME": str(home / ".local" / "share"),
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_CACHE_HOME": str(home / ".cache"),
                "XDG_RUNTIME_DIR": str(runtime),
            }
            self._start_keyring(deadline)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - t0
        return self

    def _child_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _STRIP_FROM_CHILD_ENV}
        env.update(self.env)
        return env

    def _start_dbus(self, deadline: float) -> str:
        assert self.tmpdir is not None
        socket_path = self.tmpdir / "bus"
        config = self.tmpdir / "bus.conf"
        config.write_text(_BUS_CONFIG.format(socket=socket_path))
        with open(self._log("dbus-daemon"), "wb") as log:
            self._dbus = subprocess.Popen(
                ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                cwd=self.tmpdir, start_new_session=True,
            )
        # Wait for the address line (printed once the bus listens), with a deadline.
        assert self._dbus.stdout is not None
        fd = self._dbus.stdout.fileno()
        buf = b""
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in buf:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SecretServiceStartError(
                        f"dbus-daemon printed no address in time\n{self._read_logs()}")
                if not sel.select(timeout=remaining):
                    continue
                chunk = os.read(fd, 4096)
                if not chunk:
                    raise SecretServiceStartError(
                        f"dbus-daemon exited (code {self._dbus.wait()}) before printing its "
                        f"address\n{self._read_logs()}")
                buf += chunk
        self._dbus.stdout.close()  # it prints nothing else
        return buf.split(b"\n", 1)[0].decode().strip()

    def _start_keyring(self, deadline: float) -> None:
        assert self.tmpdir is not None
        with open(self._log("gnome-keyring"), "ab") as log:
            self._keyring = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE, stdout=log, stderr=log,
                env=self._child_env(), cwd=self.tmpdir, start_new_session=True,
            )
        assert self._keyring.stdin is not None
        try:
            self._keyring.stdin.write(self.password.encode())
        finally:
            self._keyring.stdin.close()  # EOF ends the password
        self._wait_ready(deadline)

    def _wait_ready(self, deadline: float) -> None:
        """Poll until our gnome-keyring owns org.freedesktop.secrets and its default collection
        is there and unlocked."""
        import secretstorage
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection
        from secretstorage.exceptions import SecretStorageException

        last = "not polled yet"
        with contextlib.closing(open_dbus_connection(bus=self.bus_address)) as conn:
            bus = Proxy(message_bus, conn)
            while True:
                assert self._keyring is not None
                code = self._keyring.poll()
                if code is not None:
                    raise SecretServiceStartError(
                        f"gnome-keyring-daemon exited with code {code}\n{self._read_logs()}")
                try:
                    if bus.NameHasOwner(SECRETS_BUS_NAME)[0] != 1:
                        last = f"{SECRETS_BUS_NAME} not owned yet"
                    else:
                        # Collection(conn) = the 'default' alias; unlike get_default_collection
                        # it never tries to create one (which would need a prompt).
                        collection = secretstorage.Collection(conn)
                        if not collection.is_locked():
                            return
                        last = "default collection is locked (wrong password?)"
                except SecretStorageException as e:
                    last = f"{type(e).__name__}: {e}"
                if time.monotonic() > deadline:
                    raise SecretServiceStartError(
                        f"Secret Service not ready after {self.start_timeout}s: {last}\n"
                        f"{self._read_logs()}")
                time.sleep(0.02)  # poll interval, not a timing assumption

    @staticmethod
    def _end(proc: subprocess.Popen | None) -> None:
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    def restart_keyring(self) -> None:
        """Stop gnome-keyring and start it again on the same bus and files (e.g. to prove that a
        secret was persisted to disk)."""
        self._end(self._keyring)
        self._keyring = None
        self._start_keyring(time.monotonic() + self.start_timeout)

    def stop(self) -> None:
        """Restore os.environ if activated, kill both daemons, remove the temp dir. Idempotent."""
        atexit.unregister(self.stop)
        self.deactivate()
        try:
            self._end(self._keyring)
            self._end(self._dbus)
        finally:
            self._keyring = self._dbus = None
            self.env = {}
            if self.tmpdir is not None:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
                self.tmpdir = None

    def __enter__(self) -> SecretService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- this process ----------------------------------------------------------------------------
    def activate(self) -> None:
        """Point this process's os.environ at the private bus/HOME (saved for deactivate())."""
        if not self.env:
            raise RuntimeError("Secret Service not started")
        if self._saved_environ is None:
            self._saved_environ = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)

    def deactivate(self) -> None:
        """Restore the os.environ values saved by activate(). No-op when not active."""
        saved, self._saved_environ = self._saved_environ, None
        if saved is None:
            return
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    @contextlib.contextmanager
    def using_keyring(self) -> Iterator[object]:
        """activate(), make a fresh SecretService backend the ``keyring`` default, yield it;
        afterwards put back the previous backend and environment."""
        import keyring

        was_active = self._saved_environ is not None
        self.activate()
        try:
            previous = keyring.get_keyring()
            backend = secret_service_backend()
            keyring.set_keyring(backend)
            try:
                yield backend
            finally:
                keyring.set_keyring(previous)
        finally:
            if not was_active:
                self.deactivate()
