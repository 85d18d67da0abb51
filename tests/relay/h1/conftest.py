"""A client per test, and the servers a test starts, stopped after it."""

from collections.abc import AsyncIterator

import pytest

from relay.h1 import H1Client


@pytest.fixture
async def client() -> AsyncIterator[H1Client]:
    c = H1Client()
    yield c
    await c.close()


@pytest.fixture
async def servers() -> AsyncIterator[list]:  # type: ignore[type-arg]
    started: list = []  # type: ignore[type-arg]
    yield started
    for server in reversed(started):
        await server.stop()
