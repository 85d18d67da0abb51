"""A key revoked, a user disabled or a key expiring: refused from the next request on in the
relay that made the change, with the relay's usual key cache (1 s) in place."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import aiohttp
import pytest

from app import admintokens, apikeys, clock
from app.models import ApiKey
from tests.relay.admin.conftest import Admin
from tests.relay.conftest import relay_options

HAMMERS = 8
AFTER = 60  # requests each checked after the change took effect


@pytest.fixture
async def admin(make_relay) -> Admin:  # type: ignore[no-untyped-def]
    relay = await make_relay(options=relay_options(key_ttl=1.0))  # the shipped default
    token, plaintext = admintokens.create_token("ops")
    return Admin(relay=relay, token=plaintext, token_id=token.id)


async def _hammer_through(admin: Admin, change: Callable[[], Awaitable[None]]
                          ) -> list[tuple[float, int]]:
    """Clients send /v1/models with the key nonstop; ``change()`` runs once some have passed.
    Returns (sent at, status) of every request sent after ``change()`` returned."""
    loop = asyncio.get_running_loop()
    url = f"{admin.base}/v1/models"
    headers = {"Authorization": f"Bearer {admin.relay.key}"}
    served = asyncio.Event()
    changed_at: list[float] = []
    after: list[tuple[float, int]] = []

    async def hammer(session: aiohttp.ClientSession) -> None:
        while len(after) < AFTER:
            sent = loop.time()
            async with session.get(url, headers=headers) as response:
                await response.read()
            if response.status == 200:
                served.set()
            if changed_at and sent > changed_at[0]:
                after.append((sent, response.status))

    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.ensure_future(hammer(session)) for _ in range(HAMMERS)]
        try:
            async with asyncio.timeout(30):
                await served.wait()
                await asyncio.sleep(0.05)  # cache hits and fills under way
                await change()
                changed_at.append(loop.time())
                await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
    return after


async def test_a_key_revoked_through_the_admin_api_is_refused_at_once(admin) -> None:
    (key_id,) = [k.id for k in ApiKey.select()]

    async def revoke() -> None:
        await admin.ok("DELETE", f"/admin/api/keys/{key_id}")

    after = await _hammer_through(admin, revoke)
    assert len(after) >= AFTER and {status for _, status in after} == {401}


async def test_a_user_disabled_through_the_admin_api_is_refused_at_once(admin) -> None:
    async def disable() -> None:
        await admin.ok("PATCH", "/admin/api/users/alice", json_body={"status": "disabled"})

    after = await _hammer_through(admin, disable)
    assert len(after) >= AFTER and {status for _, status in after} == {403}


async def test_a_key_is_refused_the_moment_it_expires(fake_clock, admin) -> None:
    (key_id,) = [k.id for k in ApiKey.select()]
    apikeys.update_key(key_id, expires=(clock.now() + timedelta(days=1)).date())

    async def expire() -> None:
        fake_clock.advance(days=3)  # no event, no database change: only time passes

    after = await _hammer_through(admin, expire)
    assert len(after) >= AFTER and {status for _, status in after} == {401}
