"""A running relay against fake upstream providers, driven with the official openai SDK."""

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import openai
import pytest

from app import accounts, apikeys, billing, keystore, ledger, pricing, providers, recharges
from app.billing import Hold
from app.errors import ServiceError
from app.models import RequestLog
from app.money import parse_amount
from app.tls import TlsPlan
from relay.server import RelayServer
from relay.state import RelayOptions
from tests.helpers.fake_upstream import FakeUpstream

USER = "alice"
# Hand-picked prices (micro-units per 1M tokens): 2 / 0.5 / 8 units per 1M tokens.
PRICE = ("2", "8", "0.5")


@dataclass
class Harness:
    """Everything a relay test touches."""

    server: RelayServer
    key: str
    user_id: int
    upstreams: dict[str, FakeUpstream] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        scheme = "https" if self.server.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.server.port}/v1"

    def client(self, **kwargs: object) -> openai.AsyncOpenAI:
        kwargs.setdefault("max_retries", 0)
        kwargs.setdefault("timeout", 20.0)
        return openai.AsyncOpenAI(base_url=self.base_url, api_key=kwargs.pop("api_key", self.key),
                                  **kwargs)  # type: ignore[arg-type]

    def balance(self, username: str = USER) -> int:
        return accounts.get_user(username).balance_micros

    async def settle(self) -> None:
        """Wait until no request is in flight and every settlement is written.

        A streaming client can see [DONE] a moment before the relay's handler returns, so this
        waits on that condition (bounded) rather than guessing with a sleep.
        """
        state = self.server.state
        async with asyncio.timeout(30):
            while state.in_flight:
                await asyncio.sleep(0.005)
        await state.accountant.flush()

    def logs(self) -> list[RequestLog]:
        return list(RequestLog.select().order_by(RequestLog.id))

    def assert_ledger_consistent(self) -> None:
        assert ledger.mismatched_users() == []


def add_provider(name: str, up: FakeUpstream, models: list[str], monkeypatch: pytest.MonkeyPatch,
                 **kwargs: object) -> None:
    providers.add_provider(name, up.kind, models=models, base_url=up.base_url,
                           **kwargs)  # type: ignore[arg-type]
    monkeypatch.setenv(keystore.env_var_name(name), up.api_key)


def relay_options(**overrides: object) -> RelayOptions:
    base: dict[str, object] = {
        "connect_timeout": 2.0, "read_timeout": 5.0, "disconnect_grace": 2.0,
        "lease_seconds": 30.0, "flush_interval": 0.01, "key_ttl": 0.0, "pool_ttl": 0.0}
    base.update(overrides)
    return RelayOptions(**base)  # type: ignore[arg-type]


@pytest.fixture
async def make_relay(sqlite_db, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
                     ) -> AsyncIterator:  # type: ignore[type-arg]
    """Factory: start fake upstreams (one per kind given) and a relay in front of them."""
    started: list[object] = []

    async def factory(kinds: tuple[str, ...] = ("deepseek",), *, balance: str = "10",
                      options: RelayOptions | None = None, model: str = "m1",
                      priorities: dict[str, int] | None = None,
                      tls: TlsPlan | None = None) -> Harness:
        user = accounts.add_user(USER, "alice@example.com")
        if parse_amount(balance, allow_zero=True):
            recharges.recharge(USER, parse_amount(balance))
        pricing.set_price(model, PRICE[0], PRICE[1], PRICE[2])
        ups: dict[str, FakeUpstream] = {}
        for kind in kinds:
            up = await FakeUpstream(kind=kind, api_key=f"sk-up-{kind}").start()  # type: ignore[arg-type]
            started.append(up)
            ups[kind] = up
            add_provider(f"{kind}-1", up, [model], monkeypatch,
                         priority=(priorities or {}).get(kind, 0))
        _, key = apikeys.create_key(USER)
        server = RelayServer("127.0.0.1", 0, options=options or relay_options(),
                             shutdown_timeout=1.0, tls=tls)
        await server.start()
        started.append(server)
        return Harness(server=server, key=key, user_id=user.id, upstreams=ups)

    yield factory
    for item in reversed(started):
        await item.stop()  # type: ignore[attr-defined]



@dataclass
class HoldWrite:
    """One call of app.billing.reserve_many, as it starts."""

    request_ids: list[str]
    on_loop: bool  # in place on the event loop (app/quickwrite.py), not on a database thread


@pytest.fixture
def hold_writes(monkeypatch: pytest.MonkeyPatch) -> list[HoldWrite]:
    """Each hold batch the relay starts writing: which holds, and where. A batch is recorded
    only once its writer has taken it, so a request cancelled after that finds it written."""
    writes: list[HoldWrite] = []
    original = billing.reserve_many

    def recording(holds: list[Hold], lease_seconds: float) -> list[ServiceError | None]:
        on_loop = threading.current_thread() is threading.main_thread()
        writes.append(HoldWrite([h.request_id for h in holds], on_loop))
        return original(holds, lease_seconds)

    monkeypatch.setattr(billing, "reserve_many", recording)
    return writes
