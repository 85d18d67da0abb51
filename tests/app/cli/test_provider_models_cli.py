"""`relaydesk provider models NAME`: the provider's own model list, one per line, or the reason
it could not be had (exit 1)."""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from app import keystore
from tests.helpers.fake_upstream import FakeUpstream

KEY = "sk-cli-models-93b1f0"
LISTED = ["zeta-chat", "alpha-chat", "mid-embed"]


@contextmanager
def upstream(**kwargs: Any) -> Iterator[FakeUpstream]:
    """A fake provider on a loop of its own thread: the CLI runs its own loop (asyncio.run)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    up = FakeUpstream(**kwargs)
    try:
        asyncio.run_coroutine_threadsafe(up.start(), loop).result(10)
        try:
            yield up
        finally:
            up.scenario.release.set()
            asyncio.run_coroutine_threadsafe(up.stop(), loop).result(10)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def add(cli, up: FakeUpstream, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        key: str | None = KEY) -> None:
    cli.ok("provider", "add", "lab", "--kind", up.kind, "--base-url", up.base_url,
           "--models", "alpha-chat")
    if key is not None:
        monkeypatch.setenv(keystore.env_var_name("lab"), key)


def test_prints_the_providers_models_one_per_line(cli, monkeypatch):
    with upstream(kind="dashscope", api_key=KEY, models=LISTED) as up:
        add(cli, up, monkeypatch)
        assert cli.ok("provider", "models", "lab").out == "alpha-chat\nmid-embed\nzeta-chat\n"
        assert cli.json("provider", "models", "lab") == {
            "provider": "lab", "models": ["alpha-chat", "mid-embed", "zeta-chat"]}
    assert [(r.method, r.path) for r in up.requests] == [
        ("GET", "/compatible-mode/v1/models")] * 2
    assert all(r.headers["Authorization"] == f"Bearer {KEY}" for r in up.requests)


def test_a_rejected_key_exits_1_with_the_reason(cli, monkeypatch):
    with upstream(kind="openai", api_key="sk-the-right-one-55") as up:
        add(cli, up, monkeypatch)
        message = cli.fails("provider", "models", "lab")
    assert message == "The provider rejected the API key"
    assert KEY not in message


def test_no_key_and_unknown_provider_exit_1(cli, monkeypatch):
    with upstream(kind="openai", api_key=KEY) as up:
        add(cli, up, monkeypatch, key=None)
        assert cli.fails("provider", "models", "lab") == "No API key for this provider"
        assert "nope" in cli.fails("provider", "models", "nope")
    assert up.requests == []


def test_an_unreachable_provider_exits_1_with_the_reason(cli, monkeypatch):
    with upstream(kind="openai", api_key=KEY) as up:
        add(cli, up, monkeypatch)
    # stopped: nothing listens on its port any more
    message = cli.fails("provider", "models", "lab")
    assert message == f"Could not connect: Connection refused (127.0.0.1:{up.port})"
