"""A running relay on a real PostgreSQL sees, within 1 s, what ANOTHER PROCESS changed (the
relaydesk CLI, or a second process using the service layer as another relay would).

The relay's caches live far longer than the test (keys and providers 60 s, the network guard
60 s), so only the change feed can explain what it sees; each test first shows the cache is
warm, then makes the change in a subprocess and polls the relay every 20 ms for up to 1 s,
counted from the moment that process exited.
"""

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from app import accounts, apikeys, changefeed, db, keystore, pricing, providers, runtime, settings
from relay.guard import Guard
from relay.server import RelayServer
from relay.state import STATE, RelayOptions
from tests.helpers import pg_sessions
from tests.helpers.waiting import until

pytestmark = pytest.mark.postgres

CLIENT = "203.0.113.7"  # the caller's address, as the trusted proxy on loopback reports it
WITHIN = 1.0  # what README promises for changes made elsewhere


@dataclass
class Relay:
    server: RelayServer
    session: aiohttp.ClientSession
    data_dir: Path
    url: str  # DATABASE_URL
    key: str
    key_id: int

    async def models(self) -> tuple[int, Any]:
        """GET /v1/models as alice from CLIENT: (status, JSON body)."""
        async with self.session.get(
                f"http://127.0.0.1:{self.server.port}/v1/models",
                headers={"Authorization": f"Bearer {self.key}",
                         "X-Forwarded-For": CLIENT}) as resp:
            return resp.status, await resp.json()

    async def model_ids(self) -> set[str]:
        status, body = await self.models()
        assert status == 200, body
        return {item["id"] for item in body["data"]}

    async def run(self, *argv: str) -> None:
        """Run ``argv`` (after the interpreter) in another process on the same database; an
        asyncio subprocess, since the relay under test shares this event loop."""
        env = {**os.environ, "DATABASE_URL": self.url,
               "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, *argv, env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT)
        output, _ = await proc.communicate()
        assert proc.returncode == 0, output.decode()

    async def cli(self, *args: str) -> None:
        await self.run("-m", "app", "--data-dir", str(self.data_dir), *args)

    async def service(self, modules: str, code: str) -> None:
        """Service-layer calls (``code``, using app's ``modules``) in another process."""
        await self.run("-c", f"from app import runtime, {modules}\n"
                             f"runtime.start({str(self.data_dir)!r})\n{code}")


async def within(check: Callable[[], Any], seconds: float = WITHIN) -> float:
    """Poll the async ``check`` every 20 ms until it returns true; how long that took.
    Fails when ``seconds`` pass first."""
    started = time.monotonic()
    while not await check():
        elapsed = time.monotonic() - started
        assert elapsed < seconds, f"not seen within {seconds} s"
        await asyncio.sleep(0.02)  # the polling interval of a bounded wait
    return time.monotonic() - started


@pytest.fixture
async def relay(postgres_url: str, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Relay]:
    data_dir = tmp_path / "data"
    runtime.start(data_dir, environ={"DATABASE_URL": postgres_url})
    accounts.add_user("alice", "alice@example.com")
    key, plaintext = apikeys.create_key("alice")
    for name, models in (("main", ["m1", "m2"]), ("spare", ["m3"])):
        providers.add_provider(name, "deepseek", models=models, base_url="http://127.0.0.1:9/v1")
        monkeypatch.setenv(keystore.env_var_name(name), f"sk-up-{name}")
    pricing.set_price("m1", "2", "8", "0.5")
    pricing.set_price("m3", "2", "8", "0.5")  # m2 has no price yet: not served
    settings.set("trusted_proxies", ["127.0.0.1/32"])

    server = RelayServer("127.0.0.1", 0, shutdown_timeout=1.0, options=RelayOptions(
        key_ttl=60.0, pool_ttl=60.0, connect_timeout=2.0, flush_interval=0.01))
    await server.start()
    try:
        assert server.app is not None
        state = server.app[STATE]
        # The network guard reloads every 2 s by default: make it as slow as the other caches.
        previous, state.guard = state.guard, Guard(state.dbx, ttl=60.0)
        previous.close()
        await until(lambda: listening_backends() != [])
        async with aiohttp.ClientSession() as session:
            relay = Relay(server, session, data_dir, postgres_url, plaintext, key.id)
            assert await relay.model_ids() == {"m1", "m3"}  # warm caches
            yield relay
    finally:
        await server.stop()
        db.close_database()


def listening_backends() -> list[int]:
    return pg_sessions.backends(changefeed.LISTENER_NAME, query_prefix="LISTEN")


async def test_a_key_revoked_by_the_cli_is_refused_within_1_s(relay: Relay) -> None:
    await relay.cli("key", "revoke", str(relay.key_id))

    async def refused() -> bool:
        status, body = await relay.models()
        return status == 401 and body["error"]["code"] == "invalid_api_key"

    await within(refused)


async def test_a_user_disabled_by_the_cli_is_refused_within_1_s(relay: Relay) -> None:
    await relay.cli("user", "disable", "alice")

    async def refused() -> bool:
        status, body = await relay.models()
        return status == 403 and body["error"]["code"] == "account_disabled"

    await within(refused)


async def test_a_provider_disabled_by_the_cli_stops_serving_within_1_s(relay: Relay) -> None:
    await relay.cli("provider", "edit", "spare", "--disable")

    async def gone() -> bool:
        return await relay.model_ids() == {"m1"}

    await within(gone)


async def test_a_price_set_by_the_cli_serves_the_model_within_1_s(relay: Relay) -> None:
    await relay.cli("price", "set", "m2", "--input", "1", "--output", "2")

    async def served() -> bool:
        return await relay.model_ids() == {"m1", "m2", "m3"}

    await within(served)


async def test_a_price_removed_by_the_cli_stops_the_model_within_1_s(relay: Relay) -> None:
    await relay.cli("price", "remove", "m1")

    async def gone() -> bool:
        return await relay.model_ids() == {"m3"}

    await within(gone)


async def test_a_narrower_allowlist_set_by_the_cli_refuses_within_1_s(relay: Relay) -> None:
    await relay.cli("settings", "set", "relay_allowed_cidrs", "10.0.0.0/8")

    async def refused() -> bool:
        status, body = await relay.models()
        return status == 403 and body["error"]["code"] == "ip_not_allowed"

    await within(refused)


async def test_a_ban_by_another_process_and_the_cli_unban_apply_within_1_s(relay: Relay) -> None:
    await relay.service("bans", f"bans.ban({CLIENT!r}, reason='invalid_api_key', actor='r2')")

    async def banned() -> bool:
        status, body = await relay.models()
        return status == 403 and body["error"]["code"] == "ip_banned"

    await within(banned)

    await relay.cli("bans", "unban", CLIENT)

    async def admitted() -> bool:
        status, _ = await relay.models()
        return status == 200

    await within(admitted)


async def test_after_its_listener_is_killed_it_reconnects_and_catches_up(relay: Relay) -> None:
    # A change whose notification is lost (as one sent while the relay was not listening):
    # the other process announces nothing, and the relay's warm cache does not know of it.
    await relay.service("events, pricing", "events.set_publisher(None)\n"
                                           "pricing.set_price('m2', '1', '2')")
    assert await relay.model_ids() == {"m1", "m3"}
    [backend] = listening_backends()

    pg_sessions.terminate(backend)

    async def served() -> bool:
        return await relay.model_ids() == {"m1", "m2", "m3"}

    await within(served)  # every topic re-applied once it listens again
    await until(lambda: listening_backends() not in ([], [backend]))

    # and what is announced from then on arrives as before
    await relay.cli("key", "revoke", str(relay.key_id))

    async def refused() -> bool:
        return (await relay.models())[0] == 401

    await within(refused)
