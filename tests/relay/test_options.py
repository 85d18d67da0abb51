"""relay.state.RelayOptions.from_settings: the operator's stored settings reach the relay that
`relaydesk serve` and the desktop app start."""

import io

import aiohttp

from app import settings
from relay.state import RelayOptions
from tests.relay.conftest import relay_options


def test_defaults_follow_the_settings_defaults(sqlite_db):
    opts = RelayOptions.from_settings(settings.all_settings())
    assert opts.max_body_bytes == 32 * 1024 * 1024
    assert opts.lease_seconds == 60.0


def test_stored_settings_are_used(sqlite_db):
    settings.set("max_body_mb", 2)
    settings.set("reservation_lease_seconds", 90)
    opts = RelayOptions.from_settings(settings.all_settings())
    assert (opts.max_body_bytes, opts.lease_seconds) == (2 * 1024 * 1024, 90.0)


async def test_a_body_over_the_configured_limit_gets_413(make_relay):
    settings.set("max_body_mb", 1)
    stored = RelayOptions.from_settings(settings.all_settings())
    relay = await make_relay(options=relay_options(max_body_bytes=stored.max_body_bytes))
    body = b'{"model": "m1", "messages": [{"role": "user", "content": "' + b"x" * (
        1024 * 1024) + b'"}]}'
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{relay.base_url}/chat/completions", data=io.BytesIO(body),
                                headers={"Authorization": f"Bearer {relay.key}",
                                         "Content-Type": "application/json"}) as resp:
            assert resp.status == 413
            error = (await resp.json())["error"]
    assert error["code"] == "request_too_large"
    assert "1 MB" in error["message"]
    assert relay.upstreams["deepseek"].requests == []
