"""A running relay with its portal on SQLite or PostgreSQL, and the gateway simulators
configured as its Epay and HupiJiao (keys in a real Secret Service)."""

from collections.abc import AsyncIterator

import pytest

from app import settings
from relay.server import RelayServer
from tests.app.payments.conftest import configure_epay, configure_hupijiao
from tests.helpers.gateways import EpaySimulator, HupijiaoSimulator
from tests.relay.conftest import relay_options
from tests.relay.portal.conftest import Browser, Portal, new_browser


@pytest.fixture
async def pay_relay(any_db, cheap_bcrypt, real_keyring) -> AsyncIterator[Portal]:  # type: ignore[no-untyped-def]
    settings.set("registration_mode", "open")
    server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
    await server.start()
    try:
        yield Portal(server)
    finally:
        await server.stop()


@pytest.fixture
async def epay_sim(pay_relay: Portal) -> AsyncIterator[EpaySimulator]:
    async with EpaySimulator() as sim:
        configure_epay(sim)
        yield sim
    assert not sim.errors, sim.errors


@pytest.fixture
async def hupijiao_sim(pay_relay: Portal) -> AsyncIterator[HupijiaoSimulator]:
    async with HupijiaoSimulator() as sim:
        configure_hupijiao(sim)
        yield sim
    assert not sim.errors, sim.errors


@pytest.fixture
async def payer(pay_relay: Portal) -> AsyncIterator[Browser]:
    async with new_browser(pay_relay) as b:
        yield b
