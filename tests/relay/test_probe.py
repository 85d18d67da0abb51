"""relay.probe: the provider "Test" button against fake providers of every kind."""

import socket

import pytest
from aiohttp import web

from app import keystore, providers
from app.errors import NotFound
from relay.outbound import Outbound
from relay.probe import ProbeResult, probe_provider
from tests.helpers.fake_upstream import KINDS, FakeUpstream

KEY = "sk-up-secret-0123456789"


def register(monkeypatch, base_url, kind="deepseek", *, key=KEY, name="p1",
             models=("m1",), model_map=None):
    providers.add_provider(name, kind, models=list(models), base_url=base_url,
                           model_map=model_map)
    if key is not None:
        monkeypatch.setenv(keystore.env_var_name(name), key)


def assert_no_key(result: ProbeResult) -> None:
    assert KEY not in result.message and KEY[-8:] not in result.message


@pytest.mark.parametrize("kind", KINDS)
async def test_ok_sends_one_minimal_mapped_request(sqlite_db, monkeypatch, kind):
    async with FakeUpstream(kind=kind, api_key=KEY, models=["upstream-m1"]) as up:
        register(monkeypatch, up.base_url, kind, models=("m1", "m2"),
                 model_map={"m1": "upstream-m1"})
        result = await probe_provider("p1")
    assert (result.ok, result.status, result.message) == (True, 200, "OK")
    assert isinstance(result.latency_ms, int) and 0 <= result.latency_ms < 15_000
    (sent,) = up.requests
    assert (sent.method, sent.path) == ("POST", up.prefix + "/chat/completions")
    assert sent.json == {"model": "upstream-m1", "max_tokens": 1, "stream": False,
                         "messages": [{"role": "user", "content": "ping"}]}
    assert sent.headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("kind", KINDS)
async def test_rejected_key(sqlite_db, monkeypatch, kind):
    async with FakeUpstream(kind=kind, api_key="sk-the-right-one") as up:
        register(monkeypatch, up.base_url, kind)  # stores KEY, which the provider rejects
        result = await probe_provider("p1")
    assert result == ProbeResult(False, result.latency_ms, 401,
                                 "The provider rejected the API key")
    assert_no_key(result)


@pytest.mark.parametrize("kind", KINDS)
async def test_out_of_balance(sqlite_db, monkeypatch, kind):
    async with FakeUpstream(kind=kind, api_key=KEY) as up:
        up.scenario.fail_with = "balance"
        register(monkeypatch, up.base_url, kind)
        result = await probe_provider("p1")
    assert (result.ok, result.message) == (False, "The provider account is out of balance")
    assert result.status in (400, 402, 429)
    assert_no_key(result)


@pytest.mark.parametrize(("failure", "status", "message"), [
    ("server_error", 500, "The provider had an error (HTTP 500) (provider said: "
                          "Internal Server Error)"),
    ("rate_limit", 429, "The provider is limiting requests right now (HTTP 429) (provider "
                        "said: Rate Limit Reached)"),
    ("model_not_found", 400, "The provider does not serve the model 'm1' (provider said: "
                             "Model Not Exist)"),
])
async def test_other_provider_errors_are_explained(sqlite_db, monkeypatch, failure, status,
                                                   message):
    async with FakeUpstream(kind="deepseek", api_key=KEY) as up:
        up.scenario.fail_with = failure
        register(monkeypatch, up.base_url)
        result = await probe_provider("p1")
    assert (result.ok, result.status, result.message) == (False, status, message)


async def test_wrong_base_url_path(sqlite_db, monkeypatch):
    async with FakeUpstream(kind="zhipu", api_key=KEY) as up:
        register(monkeypatch, f"http://127.0.0.1:{up.port}/v1", "zhipu")  # not /api/paas/v4
        result = await probe_provider("p1")
    assert (result.ok, result.status, result.message) == (
        False, 404, "Nothing answers at this address (HTTP 404); check the base URL")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_connection_refused(sqlite_db, monkeypatch):
    port = closed_port()
    register(monkeypatch, f"http://127.0.0.1:{port}/v1")
    result = await probe_provider("p1")
    assert result == ProbeResult(False, result.latency_ms, None,
                                 f"Could not connect: Connection refused (127.0.0.1:{port})")


async def test_timeout(sqlite_db, monkeypatch):
    async with FakeUpstream(kind="dashscope", api_key=KEY) as up:
        up.scenario.fail_with = "timeout"
        register(monkeypatch, up.base_url, "dashscope")
        try:
            result = await probe_provider("p1", timeout=0.2)
        finally:
            up.scenario.release.set()
    assert (result.ok, result.status, result.message) == (False, None, "Timed out after 0.2 s")
    assert result.latency_ms >= 200


async def test_missing_key_sends_nothing(sqlite_db, monkeypatch):
    async with FakeUpstream(kind="deepseek", api_key=KEY) as up:
        register(monkeypatch, up.base_url, key=None)  # the test keyring holds nothing
        result = await probe_provider("p1")
    assert result == ProbeResult(False, 0, None, "No API key stored for this provider")
    assert up.requests == []


async def test_unknown_provider(sqlite_db):
    with pytest.raises(NotFound):
        await probe_provider("nope")


async def test_a_given_client_is_used_and_left_open(sqlite_db, monkeypatch):
    async with FakeUpstream(kind="openai", api_key=KEY) as up:
        register(monkeypatch, up.base_url, "openai")
        client = Outbound()
        try:
            assert (await probe_provider("p1", client=client)).ok
            assert (await probe_provider("p1", client=client)).ok  # still open
        finally:
            await client.close()
    assert len(up.requests) == 2


async def serve(handler) -> web.AppRunner:  # type: ignore[no-untyped-def]
    app = web.Application()
    app.router.add_post("/v1/chat/completions", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


async def test_a_server_that_is_not_a_provider(sqlite_db, monkeypatch):
    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>router login</html>", content_type="text/html")

    runner = await serve(html)
    try:
        register(monkeypatch, f"http://127.0.0.1:{runner.addresses[0][1]}/v1")
        result = await probe_provider("p1")
    finally:
        await runner.cleanup()
    assert (result.ok, result.status) == (False, 200)
    assert result.message == ("The server answered, but not like an AI provider; "
                              "check the base URL")


async def test_a_provider_echoing_the_key_does_not_leak_it(sqlite_db, monkeypatch):
    async def echo(request: web.Request) -> web.Response:
        key = request.headers["Authorization"].removeprefix("Bearer ")
        return web.json_response({"error": {"message": f"bad request from {key}",
                                            "code": "invalid_request"}}, status=400)

    runner = await serve(echo)
    try:
        register(monkeypatch, f"http://127.0.0.1:{runner.addresses[0][1]}/v1")
        result = await probe_provider("p1")
    finally:
        await runner.cleanup()
    assert result.message == ("The provider refused the test request (HTTP 400) "
                              "(provider said: bad request from [key])")
    assert_no_key(result)
