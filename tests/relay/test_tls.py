"""The relay over HTTPS with its self-signed certificate, driven by the official openai SDK:
clients that trust (pin) the certificate work and are billed; others are refused."""

import asyncio
import hashlib
import ssl
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
import openai
import pytest
from cryptography import x509

from app import tls
from app.models import RequestLog
from relay.server import RelayServer
from tests.relay.conftest import Harness

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.fixture
def plan(sqlite_db) -> tls.TlsPlan:  # type: ignore[no-untyped-def]
    """What `relaydesk serve --tls on` uses: the self-signed pair in the data folder."""
    result = tls.resolve(sqlite_db, "127.0.0.1", "on")
    assert result is not None and result.self_signed
    assert result.cert_file.parent == Path(sqlite_db.data_dir) / "tls"
    return result


def _trusting(plan: tls.TlsPlan) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(plan.cert_file))


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


async def test_urls_and_fingerprint(make_relay, plan: tls.TlsPlan) -> None:
    h: Harness = await make_relay(tls=plan)
    assert h.server.urls() == [f"https://127.0.0.1:{h.server.port}/v1"]
    assert h.server.fingerprint == plan.fingerprint == tls.fingerprint_sha256(plan.cert_file)
    # Pinning: the certificate the handshake presents hashes to the announced fingerprint.
    _reader, writer = await asyncio.open_connection(
        "127.0.0.1", h.server.port, ssl=_trusting(plan), server_hostname="127.0.0.1")
    try:
        der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        assert writer.get_extra_info("ssl_object").version() in ("TLSv1.2", "TLSv1.3")
    finally:
        writer.close()
        await writer.wait_closed()
    assert hashlib.sha256(der).digest().hex(":").upper() == h.server.fingerprint


async def test_sync_sdk_non_stream_over_https_bills(make_relay, plan: tls.TlsPlan) -> None:
    """The plain ``openai.OpenAI`` client (in a thread: the relay runs on this loop)."""
    h: Harness = await make_relay(tls=plan)
    before = h.balance()

    def call() -> str | None:
        with openai.OpenAI(base_url=h.base_url, api_key=h.key, max_retries=0, timeout=20.0,
                           http_client=httpx2.Client(verify=_trusting(plan))) as client:
            reply = client.chat.completions.create(model="m1", messages=MESSAGES)
        return reply.choices[0].message.content

    assert await asyncio.to_thread(call) == "Hello there!"
    await h.settle()
    assert h.balance() < before
    (log,) = h.logs()
    assert log.status == 200 and log.cost_micros == before - h.balance()
    h.assert_ledger_consistent()


async def test_async_sdk_stream_over_https_bills(make_relay, plan: tls.TlsPlan) -> None:
    h: Harness = await make_relay(tls=plan)
    before = h.balance()
    pieces = []
    async with h.client(http_client=httpx2.AsyncClient(verify=_trusting(plan))) as client:
        stream = await client.chat.completions.create(model="m1", messages=MESSAGES,
                                                      stream=True)
        async for chunk in stream:
            pieces.extend(choice.delta.content or "" for choice in chunk.choices)
    assert "".join(pieces) == "Hello there!"
    await h.settle()
    (log,) = h.logs()
    assert log.stream and log.status == 200 and log.cost_micros == before - h.balance() > 0
    h.assert_ledger_consistent()


async def test_client_that_does_not_trust_the_certificate_is_refused(
        make_relay, plan: tls.TlsPlan) -> None:
    h: Harness = await make_relay(tls=plan)
    before = h.balance()
    # the SDK's default client: the system's CAs, which never signed this certificate
    async with h.client() as client:
        with pytest.raises(openai.APIConnectionError) as caught:
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert any(isinstance(e, ssl.SSLCertVerificationError) for e in _causes(caught.value)), \
        _causes(caught.value)
    assert RequestLog.select().count() == 0 and h.balance() == before


async def test_plain_http_to_the_tls_port_fails(make_relay, plan: tls.TlsPlan) -> None:
    h: Harness = await make_relay(tls=plan)
    before = h.balance()
    plain = h.base_url.replace("https://", "http://")
    async with openai.AsyncOpenAI(base_url=plain, api_key=h.key, max_retries=0,
                                  timeout=20.0) as client:
        with pytest.raises(openai.APIConnectionError):
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert RequestLog.select().count() == 0 and h.balance() == before
    # and the relay still serves HTTPS afterwards
    async with h.client(http_client=httpx2.AsyncClient(verify=_trusting(plan))) as client:
        reply = await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert reply.choices[0].message.content == "Hello there!"
    await h.settle()


def test_every_announced_lan_url_is_covered_by_the_certificate(sqlite_db) -> None:
    """Bound to all interfaces, auto means HTTPS, and each URL shown to users verifies."""
    plan = tls.resolve(sqlite_db, "0.0.0.0", "auto")
    assert plan is not None
    server = RelayServer("0.0.0.0", 8765, tls=plan)
    cert = x509.load_pem_x509_certificate(plan.cert_file.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    ips = {str(a) for a in san.get_values_for_type(x509.IPAddress)}
    urls = server.urls()
    assert urls and all(url.startswith("https://") for url in urls)
    assert {urlsplit(url).hostname for url in urls} <= ips
    assert server.fingerprint == plan.fingerprint
