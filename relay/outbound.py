"""How the relay reaches providers: aiohttp's client, with each provider's proxy and trust.

One ``ClientSession`` carries every direct and HTTP(S)-proxied call (aiohttp keeps a keep-alive
pool per host, proxy and TLS context); each SOCKS proxy gets a session of its own, because
aiohttp-socks works as the session's connector. Real traffic, the provider Test button and
"Fetch models" (relay/probe.py) all come through here, so the buttons test what traffic uses.

What the session is told, and why:
- no cookies, no redirects: nothing of one user's request carries to the next, and a provider's
  base URL is where the operator said it is (a redirect is reported, relay/upstream.py);
- a POST is never sent twice (aiohttp retries a closed pooled connection for idempotent methods
  only): a provider may have done, and billed, the work;
- TLS trusts the operating system's store (truststore), so a company's TLS-inspection CA works,
  plus a provider's own CA bundle if the operator gave one;
- ``trust_env`` is off: environment proxies apply only to providers set to "system".
"""

import asyncio
import io
import ssl
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp
import truststore
from aiohttp_socks import ProxyConnector, ProxyType
from yarl import URL

from relay.pool import Upstream

# Under most servers' keep-alive timeout (nginx 75 s; uvicorn's 5 s is rare for providers).
IDLE_SECONDS = 15.0
SOCKS_SCHEMES = ("socks5", "socks5h")
# aiohttp warns that a bigger bytes body may block the loop; a file-like one is sent in pieces.
LARGE_BODY = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Route:
    """How one provider is reached: the session, and the HTTP(S) proxy to name per request."""

    session: aiohttp.ClientSession
    proxy: URL | None
    ssl: ssl.SSLContext
    # The proxy's credentials (UTF-8, as curl and browsers send them): aiohttp hands
    # ``proxy_headers`` to the proxy on CONNECT (https targets); a plain http target's request
    # goes to the proxy itself, so there they ride on the request.
    proxy_headers: Mapping[str, str] | None = None
    request_headers: Mapping[str, str] | None = None


@lru_cache(maxsize=512)
def provider_url(base_url: str, path: str) -> URL:
    """``path`` under the base URL's path, keeping its query string (``?api-version=…``)."""
    parts = urlsplit(base_url)
    query = f"?{parts.query}" if parts.query else ""
    return URL(f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}{path}{query}")


def system_proxy(url: URL) -> str | None:
    """The environment's proxy for ``url`` (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY), or ``None``."""
    host = url.host or ""
    if urllib.request.proxy_bypass(host):
        return None
    proxies = urllib.request.getproxies()
    return proxies.get(url.scheme) or proxies.get("all") or None


class Outbound:
    """The relay's client for provider calls; :meth:`close` when the relay stops."""

    def __init__(self, *, connect_timeout: float = 10.0) -> None:
        self._connect_timeout = connect_timeout
        self._direct: aiohttp.ClientSession | None = None
        self._socks: dict[str, aiohttp.ClientSession] = {}
        self._contexts: dict[str | None, ssl.SSLContext] = {}
        self._routes: dict[tuple[str, str | None, str | None], Route] = {}
        self._closed = False

    async def post(self, up: Upstream, path: str, data: bytes, headers: Mapping[str, str], *,
                   read_timeout: float) -> aiohttp.ClientResponse:
        """POST ``data`` to the provider; returns once status and headers arrived.

        ``read_timeout`` bounds each wait for bytes (a stream may last longer in total).
        Raises ``aiohttp.ClientError``, ``TimeoutError`` or ``OSError`` when the provider (or
        its proxy) cannot be reached or breaks the exchange; ``ValueError`` for a proxy or CA
        bundle the operator must fix."""
        body: bytes | io.BytesIO = io.BytesIO(data) if len(data) > LARGE_BODY else data
        return await self._request("POST", up, path, body, headers, read_timeout)

    async def get(self, up: Upstream, path: str, headers: Mapping[str, str], *,
                  read_timeout: float) -> aiohttp.ClientResponse:
        """GET from the provider (its model list), the way :meth:`post` goes."""
        return await self._request("GET", up, path, None, headers, read_timeout)

    async def _request(self, method: str, up: Upstream, path: str,
                       body: bytes | io.BytesIO | None, headers: Mapping[str, str],
                       read_timeout: float) -> aiohttp.ClientResponse:
        route = self.route(up)
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self._connect_timeout,
                                        connect=self._connect_timeout, sock_read=read_timeout)
        if route.request_headers:
            headers = {**headers, **route.request_headers}
        return await route.session.request(
            method, provider_url(up.base_url, path), data=body, headers=headers, ssl=route.ssl,
            proxy=route.proxy, proxy_headers=route.proxy_headers, timeout=timeout,
            allow_redirects=False)

    def route(self, up: Upstream) -> Route:
        key = (up.base_url, up.proxy, up.ca_bundle)
        route = self._routes.get(key)
        if route is None:
            route = self._routes[key] = self._new_route(up)
        return route

    def _new_route(self, up: Upstream) -> Route:
        if self._closed:
            raise RuntimeError("the relay is shutting down")
        context = self._context(up.ca_bundle)
        proxy = up.proxy
        if proxy == "system":
            proxy = system_proxy(provider_url(up.base_url, ""))
        if not proxy:
            return Route(self._direct_session(), None, context)
        parts = urlsplit(proxy)
        if parts.scheme in SOCKS_SCHEMES:
            return Route(self._socks_session(proxy), None, context)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"unsupported proxy {parts.scheme}://{parts.hostname}")
        bare = URL.build(scheme=parts.scheme, host=parts.hostname, port=parts.port)
        if parts.username is None:
            return Route(self._direct_session(), bare, context)
        login = {"Proxy-Authorization": aiohttp.encode_basic_auth(
            unquote(parts.username), unquote(parts.password or ""), encoding="utf-8")}
        plain = urlsplit(up.base_url).scheme == "http"
        return Route(self._direct_session(), bare, context, proxy_headers=login,
                     request_headers=login if plain else None)

    def _context(self, ca_bundle: str | None) -> ssl.SSLContext:
        context = self._contexts.get(ca_bundle)
        if context is None:
            context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            if ca_bundle:
                context.load_verify_locations(cafile=ca_bundle)  # in addition to the system's
            self._contexts[ca_bundle] = context
        return context

    def _session(self, connector: aiohttp.BaseConnector) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                     trust_env=False, auto_decompress=True)

    def _connector_options(self) -> dict[str, Any]:
        return {"limit": 0, "keepalive_timeout": IDLE_SECONDS, "ttl_dns_cache": 60}

    def _direct_session(self) -> aiohttp.ClientSession:
        if self._direct is None:
            self._direct = self._session(aiohttp.TCPConnector(**self._connector_options()))
        return self._direct

    def _socks_session(self, proxy: str) -> aiohttp.ClientSession:
        session = self._socks.get(proxy)
        if session is None:
            parts = urlsplit(proxy)
            connector = ProxyConnector(
                host=parts.hostname or "", port=parts.port or 1080, proxy_type=ProxyType.SOCKS5,
                username=unquote(parts.username) if parts.username is not None else None,
                password=unquote(parts.password) if parts.password is not None else None,
                rdns=parts.scheme == "socks5h", **self._connector_options())
            session = self._socks[proxy] = self._session(connector)
        return session

    async def close(self) -> None:
        """Close every session; calls still running end with an error."""
        self._closed = True
        sessions = [s for s in (self._direct, *self._socks.values()) if s is not None]
        self._direct, self._socks, self._routes = None, {}, {}
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)


async def read_upto(resp: aiohttp.ClientResponse, limit: int) -> tuple[bytes, bool]:
    """The body's first ``limit`` bytes, and whether that was all of it."""
    buf = bytearray()
    async for piece in resp.content.iter_any():
        buf += piece
        if len(buf) > limit:
            return bytes(buf[:limit]), False
    return bytes(buf), True
