"""Configured gateways backed by the local simulators (a real Secret Service holds the keys)."""

from collections.abc import AsyncIterator

import pytest

from app import settings
from app.payments import gateways
from tests.helpers.gateways import EpaySimulator, HupijiaoSimulator


def configure_epay(sim: EpaySimulator) -> None:
    settings.set("payments_epay_url", sim.url)
    settings.set("payments_epay_pid", sim.pid)
    gateways.set_key("epay", sim.key)


def configure_hupijiao(sim: HupijiaoSimulator) -> None:
    settings.set("payments_hupijiao_url", sim.url)
    settings.set("payments_hupijiao_appid", sim.appid)
    gateways.set_key("hupijiao", sim.secret)


@pytest.fixture
async def epay_sim() -> AsyncIterator[EpaySimulator]:
    async with EpaySimulator() as sim:
        yield sim
    assert not sim.errors, sim.errors


@pytest.fixture
async def hupijiao_sim() -> AsyncIterator[HupijiaoSimulator]:
    async with HupijiaoSimulator() as sim:
        yield sim
    assert not sim.errors, sim.errors
