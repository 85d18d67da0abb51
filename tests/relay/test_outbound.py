"""Reaching providers from real networks (relay/outbound.py): traffic and the Test button go
through each provider's proxy — HTTP (plain and CONNECT), SOCKS5 with local or remote name
resolution, the environment's — trust a provider's own CA, send its extra headers, keep its
base URL's query string, and never send a POST twice."""

import asyncio
import gzip
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from app import keystore, providers, tls
from relay.probe import probe_provider
from tests.helpers.fake_upstream import FakeUpstream
from tests.helpers.http_proxy import HttpProxy
from tests.helpers.socks_proxy import Socks5Proxy
from tests.relay.conftest import add_provider, relay_options

MESSAGES = [{"role": "user", "content": "hi"}]


async def _chat(h: Any, *, stream: bool = False) -> str:
    async with h.client() as client:
        if not stream:
            reply = await client.chat.completions.create(model="m1", messages=MESSAGES)
            return str(reply.choices[0].message.content)
        chunks = await client.chat.completions.create(model="m1", messages=MESSAGES,
                                                      stream=True)
        return "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])


async def _chat_direct(h: Any) -> str:
    """A chat call that ignores the environment's proxy (set for the relay, not its clients)."""
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions",
                                json={"model": "m1", "messages": MESSAGES},
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            assert resp.status == 200, await resp.text()
            return str((await resp.json())["choices"][0]["message"]["content"])


def _use_proxy(h: Any, proxy: str, name: str = "openai-1") -> None:
    providers.update_provider(name, proxy=proxy)


@pytest.mark.parametrize("auth", [None, ("relay", "p@ss:wörd")])
async def test_traffic_and_the_test_button_go_through_an_http_proxy(make_relay, real_keyring,
                                                                    auth) -> None:
    h = await make_relay(("openai",))
    async with HttpProxy(auth=auth) as proxy:
        _use_proxy(h, proxy.url_with(userinfo=auth))
        assert await _chat(h) == "Hello there!"
        assert await _chat(h, stream=True) == "Hello there!"
        assert (await probe_provider("openai-1")).ok
    up = h.upstreams["openai"]
    assert [method for method, _ in proxy.requests] == ["POST"] * 3
    assert all(url == f"{up.base_url}/chat/completions" for _, url in proxy.requests)
    assert len(up.requests) == 3 and proxy.refused == 0


async def test_wrong_proxy_credentials_fail_over(make_relay, real_keyring) -> None:
    h = await make_relay(("openai", "deepseek"), priorities={"openai": 10, "deepseek": 0})
    async with HttpProxy(auth=("relay", "right")) as proxy:
        _use_proxy(h, proxy.url_with(userinfo=("relay", "wrong")))
        assert await _chat(h) == "Hello there!"
    assert proxy.refused == 1 and h.upstreams["openai"].requests == []
    await h.settle()
    assert h.logs()[-1].provider == "deepseek-1"


async def test_a_refusing_proxy_fails_over_to_the_next_provider(make_relay) -> None:
    h = await make_relay(("openai", "deepseek"), priorities={"openai": 10, "deepseek": 0})
    async with Socks5Proxy(refuse=True) as proxy:
        _use_proxy(h, proxy.url)
        assert await _chat(h) == "Hello there!"
        assert await _chat(h, stream=True) == "Hello there!"
        result = await probe_provider("openai-1")
    assert proxy.forbidden == 3 and h.upstreams["openai"].requests == []
    assert not result.ok and "proxy" in result.message
    await h.settle()
    assert [log.provider for log in h.logs()] == ["deepseek-1", "deepseek-1"]
    assert [log.failover_count for log in h.logs()] == [1, 1]


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
async def test_socks5_resolves_names_where_the_scheme_says(make_relay, monkeypatch, real_keyring,
                                                         scheme: str) -> None:
    """socks5:// resolves the provider's host name here; socks5h:// lets the proxy do it (the
    only way to reach names a firewall's DNS hides)."""
    async with FakeUpstream(kind="openai", api_key="sk-up", host_name="localhost") as up:
        h = await make_relay(())
        add_provider("named", up, ["m1"], monkeypatch)
        async with Socks5Proxy(auth=("u", "pw")) as proxy:
            providers.update_provider("named", proxy=proxy.url_with(scheme, ("u", "pw")))
            assert await _chat(h) == "Hello there!"
            assert await _chat(h, stream=True) == "Hello there!"
    assert len(up.requests) == 2
    if scheme == "socks5h":
        assert proxy.remote_dns == ["localhost"] and proxy.targets == [("localhost", up.port)]
    else:
        assert proxy.remote_dns == [] and proxy.targets[0] in (("127.0.0.1", up.port),
                                                               ("::1", up.port))


async def test_system_proxy_follows_the_environment_and_no_proxy(make_relay, monkeypatch) -> None:
    """"system": HTTP_PROXY for hosts NO_PROXY does not name; a provider without a proxy
    ignores the environment."""
    monkeypatch.setenv("NO_PROXY", "localhost")
    async with HttpProxy() as proxy, FakeUpstream(kind="openai", api_key="sk-up",
                                                  host_name="localhost") as near:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        h = await make_relay(("deepseek",), priorities={"deepseek": -10})
        add_provider("near", near, ["m1"], monkeypatch, proxy="system", priority=10)
        assert await _chat_direct(h) == "Hello there!"
        assert len(near.requests) == 1 and proxy.requests == []  # NO_PROXY: direct
        providers.update_provider("near", enabled=False)
        providers.update_provider("deepseek-1", proxy="system")
        assert await _chat_direct(h) == "Hello there!"
        assert len(proxy.requests) == 1  # 127.0.0.1 is not in NO_PROXY
        providers.update_provider("deepseek-1", proxy="none")
        assert await _chat_direct(h) == "Hello there!"
        assert len(proxy.requests) == 1
    assert len(h.upstreams["deepseek"].requests) == 2


@pytest.fixture
def provider_tls(tmp_path: Path) -> tuple[Path, Any]:
    cert, key = tls.ensure_self_signed(tmp_path / "tls", ["localhost"], ["127.0.0.1"])
    plan = tls.TlsPlan(cert, key, tls.fingerprint_sha256(cert), self_signed=True)
    return cert, tls.ssl_context(plan)


async def test_https_provider_through_connect_trusts_its_ca_bundle(make_relay, monkeypatch,
                                                                     real_keyring,
                                                                     provider_tls) -> None:
    cert, context = provider_tls
    async with FakeUpstream(kind="openai", api_key="sk-up", ssl_context=context) as up:
        h = await make_relay(("deepseek",), priorities={"deepseek": -10})
        add_provider("tls", up, ["m1"], monkeypatch, priority=10)
        async with HttpProxy(auth=("lab", "sécret")) as proxy:
            providers.update_provider("tls", proxy=proxy.url_with(userinfo=("lab", "sécret")))
            # Not trusted yet (a self-signed certificate): the next provider answers.
            assert await _chat(h) == "Hello there!"
            assert up.requests == [] and len(h.upstreams["deepseek"].requests) == 1
            providers.update_provider("tls", ca_bundle=str(cert))
            assert await _chat(h) == "Hello there!"
            assert await _chat(h, stream=True) == "Hello there!"
            assert (await probe_provider("tls")).ok
    assert len(up.requests) == 3 and len(h.upstreams["deepseek"].requests) == 1
    assert proxy.connects == [f"127.0.0.1:{up.port}"] * len(proxy.connects)
    assert proxy.requests == []  # https goes through a tunnel: the proxy never sees the request


async def test_extra_headers_and_the_base_urls_query_string_reach_the_provider(
        make_relay, monkeypatch) -> None:
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        h = await make_relay(())
        providers.add_provider("azure", "openai", models=["m1"],
                               base_url=up.base_url + "?api-version=2024-10-21",
                               extra_headers={"OpenAI-Organization": "org-lab"})
        monkeypatch.setenv(keystore.env_var_name("azure"), up.api_key)
        assert await _chat(h) == "Hello there!"
        assert (await probe_provider("azure")).ok
    for rec in up.requests:
        assert rec.path.endswith("/chat/completions") and rec.query == "api-version=2024-10-21"
        assert rec.headers["OpenAI-Organization"] == "org-lab"
        assert rec.headers["Authorization"] == "Bearer sk-up"


async def test_a_post_is_never_sent_twice(make_relay, monkeypatch) -> None:
    """A pooled connection the provider closes right after receiving a request (no answer) may
    have done the work: the relay fails over instead of sending the POST again."""
    received: list[bytes] = []

    async def provider(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            received.append(await reader.readexactly(length))
            if len(received) > 1:  # the second request: read, then hang up without a word
                writer.close()
                return
            body = (b'{"id":"x","object":"chat.completion","created":1,"model":"m1","choices":'
                    b'[{"index":0,"message":{"role":"assistant","content":"ok"},'
                    b'"finish_reason":"stop"}],"usage":{"prompt_tokens":1,'
                    b'"completion_tokens":1,"total_tokens":2}}')
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()

    server = await asyncio.start_server(provider, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        h = await make_relay(("deepseek",), priorities={"deepseek": -10})
        providers.add_provider("flaky", "openai", models=["m1"], priority=10,
                               base_url=f"http://127.0.0.1:{port}/v1")
        monkeypatch.setenv(keystore.env_var_name("flaky"), "sk-flaky")
        assert await _chat(h) == "ok"
        assert await _chat(h) == "Hello there!"  # the next provider, not a resend
    finally:
        server.close()
        await server.wait_closed()
    assert len(received) == 2
    assert len(h.upstreams["deepseek"].requests) == 1


async def test_a_huge_gzip_answer_is_refused_within_bounds(make_relay, monkeypatch) -> None:
    """A provider answering with a compressed bomb: the relay reads at most its limit."""
    bomb = gzip.compress(b" " * (256 * 1024 * 1024), compresslevel=9)

    async def provider(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Encoding: gzip\r\nContent-Length: " + str(len(bomb)).encode()
                     + b"\r\n\r\n" + bomb)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(provider, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        h = await make_relay((), options=relay_options(max_upstream_body=1024 * 1024))
        providers.add_provider("bomb", "openai", models=["m1"],
                               base_url=f"http://127.0.0.1:{port}/v1")
        monkeypatch.setenv(keystore.env_var_name("bomb"), "sk-bomb")
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{h.base_url}/chat/completions",
                                    json={"model": "m1", "messages": MESSAGES},
                                    headers={"Authorization": f"Bearer {h.key}"}) as resp:
                assert resp.status == 503
    finally:
        server.close()
        await server.wait_closed()
