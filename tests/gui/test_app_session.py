"""The whole desktop app: sign in, the embedded relay serves the openai SDK while the window is
open, and closing the window mid-stream shuts down cleanly with the request billed."""

import asyncio
import socket
import threading
import urllib.request
from collections.abc import Callable
from typing import Any

import openai
from PySide6.QtWidgets import QApplication

from app import (
    accounts,
    adminauth,
    apikeys,
    keystore,
    ledger,
    pricing,
    providers,
    recharges,
    settings,
)
from app.models import RequestLog, Reservation
from tests.helpers.fake_upstream import FakeUpstream

PASSWORD = "correct horse battery"


async def wait_for(find: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll a condition on the running loop (bounded), returning its first truthy value."""
    async with asyncio.timeout(timeout):
        while True:
            found = find()
            if found:
                return found
            await asyncio.sleep(0.02)


def top_level(cls: type) -> Any:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, cls)
                 and w.isVisible()), None)


def _healthz(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:
        return int(resp.status)


async def test_app_serves_sdk_and_closes_mid_stream(gui_config, monkeypatch) -> None:
    from gui.dialogs.login import LoginDialog
    from gui.main import session
    from gui.main_window import MainWindow

    adminauth.create_admin(PASSWORD)
    settings.set("relay_host", "127.0.0.1")
    with socket.socket() as probe:  # a port free now, to call the relay before any window
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.set("relay_port", port)
    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", 5_000_000)
    pricing.set_price("m1", "2", "8")
    _, key = apikeys.create_key("alice")
    async with FakeUpstream(kind="deepseek", api_key="sk-up") as up:
        providers.add_provider("ds", "deepseek", models=["m1"], base_url=up.base_url)
        monkeypatch.setenv(keystore.env_var_name("ds"), up.api_key)
        gate = asyncio.Event()
        up.scenario.pause_before_event = {3: gate}
        app = QApplication.instance()
        running = asyncio.ensure_future(session(app, gui_config))

        login = await wait_for(lambda: top_level(LoginDialog))
        # Sign-in guards the admin views, not the LAN's service: the relay already answers.
        status = await asyncio.get_running_loop().run_in_executor(None, _healthz, port)
        assert status == 200
        login.password.setText("wrong password")
        login.accept()
        await wait_for(lambda: "Wrong password" in login.message.text() and login.isVisible())
        login.password.setText(PASSWORD)
        login.accept()

        window = await wait_for(lambda: top_level(MainWindow))
        await wait_for(lambda: window.backend.relay_urls())
        url = window.backend.relay_urls()[0]
        assert window.url_label.text() == url
        # The official SDK, sync, in a thread: the async client's anyio/sniffio cannot detect
        # the qasync loop, and a client on the GUI's own loop would not be a real outside client.
        first_seen, go_on = threading.Event(), threading.Event()

        def client_side() -> tuple[list[str], str, list[object]]:
            with openai.OpenAI(base_url=url, api_key=key, max_retries=0) as client:
                models = [m.id for m in client.models.list().data]
                stream = client.chat.completions.create(
                    model="m1", messages=[{"role": "user", "content": "hi"}], stream=True)
                chunks = iter(stream)
                first = next(chunks)
                first_seen.set()
                go_on.wait(30)
                rest: list[object] = []
                try:
                    rest.extend(chunks)
                except openai.APIError as exc:  # the relay ends open streams on shutdown
                    rest.append(exc)
                return models, first.choices[0].delta.content or "", rest

        outside = asyncio.get_running_loop().run_in_executor(None, client_side)
        await wait_for(first_seen.is_set)
        window.close()  # mid-stream: the upstream is still holding event 3
        assert await asyncio.wait_for(running, 20) == 0
        go_on.set()
        gate.set()
        models, _, rest = await outside
    assert models == ["m1"]
    assert rest and isinstance(rest[-1], openai.APIError)
    assert not window.isVisible()
    assert Reservation.select().count() == 0  # the open stream was settled on shutdown
    (log,) = RequestLog.select()
    assert log.cost_micros > 0
    assert ledger.mismatched_users() == []
