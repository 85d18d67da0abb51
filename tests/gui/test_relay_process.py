"""The desktop app's relay in a child process (gui/relay_process.py, relay/control.py): it
serves the official SDK, takes in the operator's changes at once, reports traffic and provider
health, refuses a busy port in words, and never outlives the app."""

import asyncio
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import openai
import psutil
import pytest

from app import accounts, apikeys, keystore, pricing, providers, recharges, settings
from app.config import Config
from gui.backend import Backend
from gui.relay_process import RelayProcess
from tests.helpers.fake_upstream import FakeUpstream

ROOT = Path(__file__).resolve().parents[2]


async def until(condition: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Wait (bounded) until ``condition()`` is truthy; the relay reports once a second."""
    async with asyncio.timeout(timeout):
        while not (found := condition()):
            await asyncio.sleep(0.05)
        return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def process_backend(gui_config: Config, monkeypatch) -> AsyncIterator[Backend]:
    # The child inherits the environment: never the developer's keyring.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", free_port())
    backend = Backend(gui_config, relay_process=True)
    yield backend
    await backend.close()


def chat(url: str, key: str) -> str:
    with openai.OpenAI(base_url=url, api_key=key, max_retries=0) as client:
        answer = client.chat.completions.create(
            model="m1", messages=[{"role": "user", "content": "hi"}])
        return answer.choices[0].message.content or ""


async def test_serves_reports_takes_changes_and_stops(process_backend: Backend,
                                                      monkeypatch) -> None:
    backend = process_backend
    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", 5_000_000)
    pricing.set_price("m1", "2", "8")
    info, key = apikeys.create_key("alice")
    async with FakeUpstream(kind="deepseek", api_key="sk-up") as up:
        providers.add_provider("ds", "deepseek", models=["m1"], base_url=up.base_url)
        monkeypatch.setenv(keystore.env_var_name("ds"), up.api_key)
        assert await backend.start_relay(), backend.relay_error
        relay = backend.relay
        assert isinstance(relay, RelayProcess) and relay.running
        url = backend.relay_urls()[0]
        loop = asyncio.get_running_loop()
        assert await loop.run_in_executor(None, chat, url, key)
        # traffic and provider health come back from the relay process
        await until(lambda: relay.state.requests_served == 1)
        topics: list[str] = []
        backend.changed.connect(topics.append)  # pages reload on the window's next sample
        await until(lambda: {"logs", "money", "providers"} <= set(topics))
        ds = providers.get_provider("ds").id
        assert backend.relay_health() == {ds: (0, 0.0)}

        # A key revoked in the window is refused on the very next request, although the
        # relay process cached it a moment ago.
        applied = relay.state.applied
        await backend.call(apikeys.revoke_key, info.id)
        await until(lambda: relay.state.applied > applied)
        with pytest.raises(openai.AuthenticationError):
            await loop.run_in_executor(None, chat, url, key)

        port = relay.port
        await backend.stop_relay()
    assert not relay.running and backend.relay_urls() == []
    with socket.socket() as sock:  # the port is free again: the process has gone
        sock.bind(("127.0.0.1", port))


async def test_a_busy_port_is_a_message(process_backend: Backend) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", settings.get("relay_port")))
        taken.listen()
        assert not await process_backend.start_relay()
    assert process_backend.relay_error is not None
    assert f"Port {settings.get('relay_port')} on 127.0.0.1 is not available" in \
        process_backend.relay_error
    assert process_backend.relay_status.startswith("error:")


async def test_unusable_https_files_are_a_translatable_refusal(process_backend: Backend,
                                                               tmp_path) -> None:
    settings.set("tls_mode", "on")
    settings.set("tls_cert_file", str(tmp_path / "missing.pem"))
    settings.set("tls_key_file", str(tmp_path / "missing-key.pem"))
    assert not await process_backend.start_relay()
    assert process_backend.relay_error == \
        f"HTTPS certificate file: {tmp_path / 'missing.pem'} was not found"


async def test_https_fingerprint_and_certificate_file(process_backend: Backend) -> None:
    settings.set("tls_mode", "on")
    assert await process_backend.start_relay(), process_backend.relay_error
    assert process_backend.relay_urls()[0].startswith("https://127.0.0.1:")
    assert process_backend.tls_fingerprint and len(process_backend.tls_fingerprint) == 95
    cert = process_backend.tls_cert_file
    assert cert is not None and cert.read_text().startswith("-----BEGIN CERTIFICATE-----")


PARENT = """
import asyncio, sys
from app import runtime
from gui.relay_process import RelayProcess

async def main():
    relay = RelayProcess(runtime.start(sys.argv[1]), "127.0.0.1", int(sys.argv[2]))
    await relay.start()
    print(relay.port, flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_the_relay_never_outlives_the_app(gui_config: Config, monkeypatch) -> None:
    """The app killed with -9: its end of the relay's input closes, and the relay stops."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    app = await asyncio.to_thread(
        subprocess.Popen, [sys.executable, "-c", PARENT, str(gui_config.data_dir),
                           str(free_port())], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    relay: psutil.Process | None = None
    try:
        assert app.stdout is not None
        port = int(await asyncio.to_thread(app.stdout.readline))
        (relay,) = psutil.Process(app.pid).children()
        app.kill()
        await asyncio.to_thread(app.wait)
        await asyncio.to_thread(relay.wait, 30)  # psutil.TimeoutExpired if it lingers
        assert not relay.is_running()
    finally:  # never leave either behind on the test machine
        if app.poll() is None:
            app.kill()
        if app.stdout is not None:
            app.stdout.close()
        if relay is not None and relay.is_running():
            relay.kill()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


async def test_a_relay_that_cannot_start_is_a_message(process_backend: Backend,
                                                      monkeypatch) -> None:
    """The relay process dies before it listens (here: its database is unreachable): the
    window says so and points at the log, where the relay's own words went."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert not await process_backend.start_relay()
    assert process_backend.relay_error == (
        "The relay could not start. The details are in relaydesk.log in the data folder.")
    assert process_backend.relay is None
    log = (process_backend.config.data_dir / "relaydesk.log").read_text()
    assert "127.0.0.1" in log  # the relay's report of what failed, in the app's log


async def test_a_relay_that_dies_is_reported_and_restarts(process_backend: Backend) -> None:
    states: list[str] = []
    process_backend.relay_state.connect(states.append)
    assert await process_backend.start_relay(), process_backend.relay_error
    (child,) = [p for p in psutil.Process().children() if "--control" in p.cmdline()]
    child.kill()  # an operator's `kill -9`, or a crash
    await until(lambda: any(s.startswith("error: The relay stopped unexpectedly") for s in states))
    assert process_backend.relay_status.startswith("error:")
    assert await process_backend.start_relay(), process_backend.relay_error
    assert process_backend.relay_status == "running"
    assert child.pid not in [p.pid for p in psutil.Process().children()]  # reaped
