"""A running relay with its portal, and a browser-like HTTP client (cookie jar, form posts,
CSRF tokens read from the page as a browser's form would send them)."""

import re
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
import pytest

from app import accounts, passwords, policy, privacy, settings, tls
from app.models import User
from relay.server import RelayServer
from tests.relay.conftest import relay_options

if TYPE_CHECKING:
    from tests.relay.portal.hostile import Owner

PASSWORD = "correct horse battery"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Browser:
    """One visitor: its own cookies, like one browser profile."""

    session: aiohttp.ClientSession
    base: str

    def url(self, path: str) -> str:
        return self.base + path

    async def get(self, path: str, **kwargs: object) -> tuple[int, str]:
        async with self.session.get(self.url(path), **kwargs) as resp:  # type: ignore[arg-type]
            return resp.status, await resp.text()

    async def csrf(self, path: str = "/portal/signin") -> str:
        """The CSRF token a form on ``path`` carries."""
        status, page = await self.get(path)
        found = CSRF_INPUT.search(page)
        assert found, f"no CSRF field on {path} ({status})"
        return found.group(1)

    async def post(self, path: str, data: dict[str, str], *, form_page: str | None = None,
                   csrf: str | None = None, **kwargs: object) -> tuple[int, str]:
        """Submit a form as the page at ``form_page`` (default ``path``) renders it."""
        fields = dict(data)
        if "csrf_token" not in fields:
            fields["csrf_token"] = csrf or await self.csrf(form_page or path)
        async with self.session.post(self.url(path), data=fields,
                                     **kwargs) as resp:  # type: ignore[arg-type]
            return resp.status, await resp.text()

    async def sign_in(self, username: str, password: str = PASSWORD) -> tuple[int, str]:
        return await self.post("/portal/signin", {"username": username, "password": password})

    def cookie(self, name: str) -> str | None:
        for cookie in self.session.cookie_jar:
            if cookie.key == name:
                return cookie.value
        return None


@dataclass
class Portal:
    server: RelayServer

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"


def make_user(username: str, *, email: str | None = None, balance_micros: int = 0,
              consent: bool = True) -> User:
    """A portal user with :data:`PASSWORD` (consented to the current policy unless told)."""
    accounts.add_user(username, email or f"{username}@example.com")
    User.update(password_hash=passwords.hash_password(PASSWORD)).where(
        User.username == username).execute()
    if balance_micros:
        from app import recharges
        recharges.recharge(username, balance_micros)
    if consent:
        privacy.record_consent(username, policy.current().version)
    return accounts.get_user(username)


@pytest.fixture
async def portal(sqlite_db, cheap_bcrypt) -> AsyncIterator[Portal]:  # type: ignore[no-untyped-def]
    settings.set("registration_mode", "open")
    server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
    await server.start()
    try:
        yield Portal(server)
    finally:
        await server.stop()


@dataclass
class HttpsPortal:
    """The portal over the relay's own HTTPS, and a browser that trusts its certificate."""

    server: RelayServer
    plan: tls.TlsPlan
    browser: Browser


@pytest.fixture
async def https_portal(sqlite_db, cheap_bcrypt) -> AsyncIterator[HttpsPortal]:  # type: ignore[no-untyped-def]
    plan = tls.resolve(sqlite_db, "127.0.0.1", "on")
    assert plan is not None
    server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0,
                         tls=plan)
    await server.start()
    trusting = ssl.create_default_context(cafile=str(plan.cert_file))
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                    connector=aiohttp.TCPConnector(ssl=trusting))
    try:
        yield HttpsPortal(server, plan, Browser(session, f"https://127.0.0.1:{server.port}"))
    finally:
        await session.close()
        await server.stop()


@pytest.fixture
async def browser(portal: Portal) -> AsyncIterator[Browser]:
    """A fresh visitor; make more with :func:`new_browser`."""
    async with new_browser(portal) as b:
        yield b


def new_browser(portal: Portal, **headers: str) -> "_BrowserContext":
    return _BrowserContext(portal, headers)


class _BrowserContext:
    def __init__(self, portal: Portal, headers: dict[str, str]) -> None:
        self.portal, self.headers = portal, headers

    async def __aenter__(self) -> Browser:
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
        self.session = aiohttp.ClientSession(cookie_jar=jar, headers=self.headers)
        return Browser(self.session, self.portal.base)

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()


@pytest.fixture
async def pair(portal: Portal) -> "tuple[Owner, Owner]":
    """anna and boris, each with a key, a request, recharges and a deletion request; boris
    also with a live session from a browser anna never uses (his sign-in history)."""
    from tests.relay.portal.hostile import FIREFOX, own_things
    anna, boris = own_things("anna"), own_things("boris")
    async with new_browser(portal, **{"User-Agent": FIREFOX}) as b:
        status, page = await b.sign_in("boris")
        assert status == 200 and "Hello, boris" in page
    boris.secrets_.append("Firefox")
    return anna, boris
