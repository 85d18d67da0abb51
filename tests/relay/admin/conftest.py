"""A running relay plus an admin token, and a client for /admin/api that can connect from
another loopback address (127.0.0.2 plays "another host": only 127.0.0.1 and ::1 are always
admitted)."""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from app import admintokens, settings
from app.models import ALL_MODELS, AuditEvent
from tests.relay.conftest import Harness

OTHER_HOST = "127.0.0.2"


@dataclass
class Reply:
    status: int
    body: Any
    text: str
    headers: dict[str, str]

    @property
    def code(self) -> str | None:
        return self.body["error"]["code"] if isinstance(self.body, dict) and "error" in \
            self.body else None


@dataclass
class Admin:
    relay: Harness
    token: str
    token_id: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.relay.server.port}"

    async def call(self, method: str, path: str, *, json_body: Any = None,
                   data: bytes | None = None, token: str | None = "default",
                   headers: dict[str, str] | None = None, local: str | None = None) -> Reply:
        """One request; ``token=None`` sends no Authorization header."""
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {self.token if token == 'default' else token}"
        connector = aiohttp.TCPConnector(local_addr=(local, 0) if local else None)
        async with aiohttp.ClientSession(connector=connector) as session, session.request(
                method, self.base + path, json=json_body, data=data, headers=sent) as response:
            raw = await response.read()
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        return Reply(response.status, body, text, dict(response.headers))

    async def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        reply = await self.call(method, path, **kwargs)
        assert reply.status == status, reply
        return reply.body

    async def refresh(self) -> None:
        await self.relay.server.state.guard.refresh()

    async def set(self, key: str, value: Any) -> None:
        """Change a setting in the database, as the GUI or CLI would, and let the relay see it."""
        settings.set(key, value)
        await self.refresh()


def denials() -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == "admin_api.denied")
                .order_by(AuditEvent.id))


def snapshot(skip: tuple[str, ...] = ("audit_event", "admin_token")) -> dict[str, list]:
    """Every table but the audit trail and the token's last-use columns (refusals write those
    by design)."""
    return {m._meta.table_name: list(m.select().order_by(m._meta.primary_key).tuples())
            for m in ALL_MODELS if m._meta.table_name not in skip}


@pytest.fixture
async def admin(make_relay) -> Admin:  # type: ignore[no-untyped-def]
    relay = await make_relay()
    token, plaintext = admintokens.create_token("ops")
    return Admin(relay=relay, token=plaintext, token_id=token.id)


AdminFactory = Callable[..., Awaitable[Admin]]
