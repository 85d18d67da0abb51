"""The desktop's relay runs on its own loop and thread (relay/thread.py): it keeps serving while
the window's loop is busy, reports a failed start to its caller, and stops cleanly."""

import asyncio
import socket
import threading
import urllib.request

import pytest

from relay.thread import RelayThread
from tests.relay.conftest import relay_options


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return int(resp.status)


async def test_it_serves_while_the_callers_loop_is_blocked(sqlite_db) -> None:
    relay = RelayThread("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
    await relay.start()
    try:
        assert relay.running and relay.urls() == [f"http://127.0.0.1:{relay.port}/v1"]
        answered: list[int] = []
        worker = threading.Thread(
            target=lambda: answered.append(_get(f"http://127.0.0.1:{relay.port}/healthz")))
        worker.start()
        # This loop now blocks (a window redrawing, say) until the answer came: a relay on this
        # loop could never answer, and the join would time out.
        worker.join(10)
        assert answered == [200]
    finally:
        await relay.stop()
    assert not relay.running
    assert not any(t.name == "relaydesk-relay" for t in threading.enumerate())


async def test_a_port_in_use_is_raised_to_the_caller_and_leaves_no_thread(sqlite_db) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        relay = RelayThread("127.0.0.1", taken.getsockname()[1], options=relay_options())
        with pytest.raises(OSError):
            await relay.start()
    assert not relay.running
    assert not any(t.name == "relaydesk-relay" for t in threading.enumerate())
    await relay.stop()  # harmless


async def test_stop_waits_for_its_loop(sqlite_db) -> None:
    relay = RelayThread("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
    await relay.start()
    loop_thread = next(t for t in threading.enumerate() if t.name == "relaydesk-relay")
    assert loop_thread is not threading.current_thread()
    await asyncio.wait_for(relay.stop(), 10)
    assert not loop_thread.is_alive()
