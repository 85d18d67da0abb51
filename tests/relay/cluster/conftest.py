"""Fixtures for the scale-out tests: a real Redis (tests/helpers/redis_server.py)."""

from collections.abc import Iterator

import pytest

from tests.helpers.redis_server import RedisServer, redis_available
from tests.helpers.requirements import require


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One Redis for the whole session; ``redis_url`` empties it for each test."""
    require(redis_available())
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, empty (FLUSHALL), restarted first if a test stopped it."""
    redis_server.start()
    redis_server.flushall()
    return redis_server.url


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A Redis of this test's own, for tests that stop and restart it mid-load."""
    require(redis_available())
    server = RedisServer()
    server.start()
    yield server
    server.cleanup()
