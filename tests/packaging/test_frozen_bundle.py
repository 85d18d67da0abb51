"""The PyInstaller bundle (build.spec) built and run for real: CLI, headless relay, desktop app.

A missing hidden import, data file or Qt plugin only shows up in a frozen build, so this test
builds one (into a temp folder; the checkout's build/ and dist/ are untouched) and drives the
`RelayDesk` executable the way an operator would. One build (~1 min) serves every test here.

(The folder is not called tests/build: pytest never looks inside folders named "build", so the
test silently did not run for a while, and a Qt update broke the build meanwhile.)
"""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import psutil
import pytest

from app import __version__
from tests.helpers.fake_upstream import FakeUpstream

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LISTEN_RE = re.compile(r"listening on (http://\S+)")
# The bundle is ~200 MB (Qt is most of it). A jump past this means something big came back in:
# a Qt module build.spec excludes, the system GTK, or a test-only package.
SIZE_BUDGET_MB = 240
# Never the developer's keyring; provider keys come from RELAYDESK_PROVIDER_KEY_<NAME>.
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@dataclass
class Bundle:
    folder: Path
    exe: Path
    seconds: float
    log: str

    def size_mb(self) -> float:
        total = sum(p.lstat().st_size for p in self.folder.rglob("*") if not p.is_dir())
        return total / 1e6


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    out = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"),
         str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - started
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, "PyInstaller failed:\n" + log[-6000:]
    folder = out / "dist" / "RelayDesk"
    exe = folder / ("RelayDesk.exe" if sys.platform == "win32" else "RelayDesk")
    assert exe.is_file(), log[-3000:]
    yield Bundle(folder, exe, seconds, log)


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, **NO_KEYRING, **extra}


def _run(bundle: Bundle, *args: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run([str(bundle.exe), *args], capture_output=True, text=True, timeout=60,
                          env=env or _env())
    assert proc.returncode == 0, f"RelayDesk {' '.join(args)}: exit {proc.returncode}\n" \
                                 f"{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def test_version_resources_and_size(bundle: Bundle, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(bundle, "--version").strip() == f"RelayDesk {__version__}"
    internal = bundle.folder / "_internal"  # sys._MEIPASS of a onedir bundle
    assert (internal / "resources" / "privacy_policy.md").read_text(encoding="utf-8").strip()
    assert (internal / "resources" / "icons" / "relaydesk.svg").is_file()
    names = {p.name for p in bundle.folder.rglob("*")}
    unwanted = [n for n in names if re.match(
        r"(lib)?Qt6?(WebEngine|Quick|Qml|Pdf|3D|Multimedia)|libgtk-3|libgdk-3|pydantic|hypothesis"
        r"|openai|_?pytest", n)]
    assert unwanted == [], "build.spec excludes these, yet they were bundled"
    # What must stay: charts for the dashboard, SVG for the icon, the platform plugins.
    for needed in ("libQt6Charts.so.6", "libQt6Svg.so.6", "libqsvg.so", "libqsvgicon.so",
                   "libqxcb.so", "libqwayland.so", "libqoffscreen.so"):
        assert needed in names, f"{needed} missing from the bundle"
    size = bundle.size_mb()
    with capsys.disabled():
        print(f"\nfrozen bundle: {size:.0f} MB, built in {bundle.seconds:.0f} s")
    assert size < SIZE_BUDGET_MB


async def _cli(bundle: Bundle, *args: str, env: dict[str, str]) -> str:
    """The CLI as a child process; asyncio's, so the fake upstream on this loop keeps serving."""
    proc = await asyncio.create_subprocess_exec(
        str(bundle.exe), *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, f"RelayDesk {' '.join(args)}: exit {proc.returncode}\n" \
                                 f"{out.decode()}\n{err.decode()}"
    return out.decode()


async def _read_until_listening(proc: asyncio.subprocess.Process, seen: list[str]) -> str:
    assert proc.stdout is not None
    while True:
        line = (await proc.stdout.readline()).decode()
        if not line:
            raise AssertionError("serve exited before listening:\n" + "".join(seen))
        seen.append(line)
        match = LISTEN_RE.search(line)
        if match:
            return match.group(1)


async def test_cli_setup_then_serve(bundle: Bundle, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        env = _env(RELAYDESK_PROVIDER_KEY_UP=up.api_key)
        await _cli(bundle, "--data-dir", data, "user", "add", "alice",
                   "--email", "alice@example.com", env=env)
        await _cli(bundle, "--data-dir", data, "recharge", "alice", "10", env=env)
        await _cli(bundle, "--data-dir", data, "price", "set", "m1", "--input", "2",
                   "--output", "8", env=env)
        await _cli(bundle, "--data-dir", data, "provider", "add", "up", "--kind", "openai",
                   "--models", "m1", "--base-url", up.base_url, env=env)
        key = json.loads(await _cli(bundle, "--data-dir", data, "--json", "key", "create",
                                    "alice", env=env))["key"]

        proc = await asyncio.create_subprocess_exec(
            str(bundle.exe), "--data-dir", data, "serve", "--host", "127.0.0.1", "--port", "0",
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output: list[str] = []
        try:
            base = await asyncio.wait_for(_read_until_listening(proc, output), timeout=30)
            auth = {"Authorization": f"Bearer {key}"}
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{base}/models", headers=auth) as resp:
                    assert resp.status == 200, await resp.text()
                    listing = await resp.json()
                # One real round trip through the frozen proxy to the upstream, key from env.
                async with session.post(f"{base}/chat/completions", headers=auth, json={
                        "model": "m1", "messages": [{"role": "user", "content": "hi"}]}) as resp:
                    assert resp.status == 200, await resp.text()
                    reply = await resp.json()
            proc.send_signal(signal.SIGTERM)
            assert proc.stdout is not None
            rest, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
            output.append(rest.decode())
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert listing["object"] == "list"
    assert [(m["id"], m["object"]) for m in listing["data"]] == [("m1", "model")]
    assert reply["choices"][0]["message"]["content"] == "Hello there!"
    assert up.last_request.headers["Authorization"] == "Bearer sk-up"
    assert proc.returncode == 0, "".join(output)


def _settled(proc: subprocess.Popen[bytes], ready: Path, timeout: float = 90) -> bool:
    """Wait until ``proc`` has taken its lock file and gone idle (no CPU time used for a second,
    i.e. waiting for the user), and at least 3 s have passed. False if it exited first.

    Idleness instead of a fixed sleep: on a loaded 2-core machine the frozen app can take several
    seconds just to import Qt, and a fixed wait would pass while it is still starting up."""
    ps = psutil.Process(proc.pid)
    started = time.monotonic()
    last_cpu, quiet_since = -1.0, None
    while time.monotonic() - started < timeout:
        if proc.poll() is not None:
            return False
        try:
            cpu = sum(ps.cpu_times()[:2])
        except psutil.NoSuchProcess:  # exited (or a zombie) since poll(): seen on the next turn
            continue
        now = time.monotonic()
        if ready.exists() and cpu == last_cpu:
            quiet_since = quiet_since or now
            if now - quiet_since >= 1.0 and now - started >= 3.0:
                return True
        else:
            quiet_since = None
        last_cpu = cpu
        time.sleep(0.1)
    raise AssertionError(f"the desktop app neither settled nor exited within {timeout:.0f} s")


def test_desktop_app_starts_to_first_run_wizard(bundle: Bundle, tmp_path: Path) -> None:
    """A fresh data folder opens the first-run wizard and waits there. A module or Qt plugin
    missing from the bundle ends the process at once with a traceback or an error line instead
    (or, inside a Qt slot, prints a traceback and carries on: stderr is checked too)."""
    data = tmp_path / "fresh"
    stderr_file = tmp_path / "gui-stderr.txt"
    with open(stderr_file, "wb") as stderr:
        proc = subprocess.Popen([str(bundle.exe), "--data-dir", str(data)],
                                env=_env(QT_QPA_PLATFORM="offscreen"),
                                stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            # the single-instance lock is taken after the database is opened and Qt is up
            settled = _settled(proc, data / "relaydesk.lock")
        finally:
            proc.kill()
            proc.wait(timeout=30)
    errors = stderr_file.read_text(errors="replace")
    assert settled, f"the desktop app exited with {proc.returncode}:\n{errors}"
    assert "Traceback" not in errors, errors
    assert (data / "relaydesk.sqlite3").is_file()
