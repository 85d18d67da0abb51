"""relay.probe: the provider "Test" and "Fetch models" buttons against fake providers of every
kind."""

import socket

import pytest
from aiohttp import ClientConnectionResetError, web

from app import keystore, providers
from app.errors import NotFound, ValidationError
from relay.outbound import Outbound
from relay.probe import (
    MAX_MODEL_LIST,
    ModelListError,
    ProbeResult,
    draft_models,
    model_ids,
    probe_provider,
    provider_models,
)
from tests.helpers.fake_upstream import KINDS, FakeUpstream
from tests.helpers.http_proxy import HttpProxy

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


async def test_an_answer_nested_too_deep_to_parse_is_explained(sqlite_db, monkeypatch):
    async def nested(request: web.Request) -> web.Response:
        return web.Response(body=b"[" * 100_000, content_type="application/json")

    runner = await serve(nested)
    try:
        register(monkeypatch, f"http://127.0.0.1:{runner.addresses[0][1]}/v1")
        result = await probe_provider("p1")
    finally:
        await runner.cleanup()
    assert (result.ok, result.status) == (False, 200)
    assert result.message.startswith("The server answered, but not like an AI provider")


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


# --- "Fetch models": the provider's /models, for a saved provider or one still being typed ----

LISTED = ["zeta-chat", "alpha-chat", "mid-embed"]


@pytest.mark.parametrize("kind", KINDS)
async def test_models_of_an_unsaved_provider_in_the_real_list_shape(sqlite_db, kind):
    async with FakeUpstream(kind=kind, api_key=KEY, models=LISTED) as up:
        models = await draft_models(kind, base_url=up.base_url, api_key=f"  {KEY}\n")
    assert models == ["alpha-chat", "mid-embed", "zeta-chat"]
    (sent,) = up.requests
    assert (sent.method, sent.path, sent.body) == ("GET", up.prefix + "/models", b"")
    assert sent.headers["Authorization"] == f"Bearer {KEY}"
    assert "Content-Type" not in sent.headers
    assert providers.list_providers() == []  # nothing saved


async def test_models_of_a_saved_provider_use_its_stored_key(sqlite_db, monkeypatch):
    async with FakeUpstream(kind="deepseek", api_key=KEY, models=LISTED) as up:
        register(monkeypatch, up.base_url)
        assert await provider_models("p1") == sorted(LISTED)
        # the dialog of the saved provider, key field left empty: the stored key goes
        assert await draft_models("deepseek", base_url=up.base_url, api_key="",
                                  existing="p1") == sorted(LISTED)
    assert [r.headers["Authorization"] for r in up.requests] == [f"Bearer {KEY}"] * 2


async def test_models_rejected_key_is_explained_without_the_key(sqlite_db):
    async with FakeUpstream(kind="openai", api_key="sk-the-right-one") as up:
        with pytest.raises(ModelListError) as caught:
            await draft_models("openai", base_url=up.base_url, api_key=KEY)
    assert (caught.value.status, caught.value.message) == (401,
                                                           "The provider rejected the API key")
    assert KEY not in str(caught.value) and KEY[-8:] not in caught.value.message


async def test_models_without_a_key_send_nothing(sqlite_db):
    async with FakeUpstream(kind="openai", api_key=KEY) as up:
        with pytest.raises(ModelListError, match="No API key for this provider"):
            await draft_models("openai", base_url=up.base_url, api_key="  ")
    assert up.requests == []


async def test_models_settings_a_save_would_refuse_are_refused_the_same_way(sqlite_db):
    with pytest.raises(ValidationError) as caught:
        await draft_models("openai", base_url="ftp://10.0.0.1/v1", api_key=KEY)
    assert caught.value.param == "base_url"
    with pytest.raises(ValidationError) as caught:
        await draft_models("openai", base_url="http://127.0.0.1:9/v1", api_key=KEY,
                           extra_headers="Authorization: Bearer x")
    assert caught.value.param == "headers"
    with pytest.raises(ValidationError) as caught:  # a masked password with none stored
        await draft_models("openai", base_url="http://127.0.0.1:9/v1", api_key=KEY,
                           proxy="http://user:***@127.0.0.1:3128")
    assert caught.value.param == "proxy"


async def serve_models(handler) -> web.AppRunner:  # type: ignore[no-untyped-def]
    app = web.Application()
    app.router.add_get("/v1/models", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner


@pytest.mark.parametrize(("body", "content_type"), [
    (b"<html>router login</html>", "text/html"),
    (b'{"object": "list", "models": ["a"]}', "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),  # nesting deeper than json can parse
])
async def test_models_answer_that_is_not_a_model_list(sqlite_db, body, content_type):
    async def answer(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type=content_type)

    runner = await serve_models(answer)
    try:
        with pytest.raises(ModelListError) as caught:
            await draft_models("openai", base_url=f"http://127.0.0.1:{runner.addresses[0][1]}/v1",
                               api_key=KEY)
    finally:
        await runner.cleanup()
    assert (caught.value.status, caught.value.message) == (
        200, "The server answered, but not with a model list; check the base URL")


async def test_models_not_listed_at_this_address(sqlite_db):
    async with FakeUpstream(kind="zhipu", api_key=KEY) as up:
        with pytest.raises(ModelListError) as caught:  # /v1 where Zhipu has /api/paas/v4
            await draft_models("zhipu", base_url=f"http://127.0.0.1:{up.port}/v1", api_key=KEY)
    assert caught.value.status == 404
    assert caught.value.message.startswith("The provider does not list its models at this "
                                           "address (HTTP 404)")


async def test_models_huge_answer_is_bounded(sqlite_db):
    """A provider streaming without end: reading stops at the bound and the connection is
    dropped, so the server cannot write much past it."""
    piece = b'{"id": "m", "object": "model"},' * 2048
    sent = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal sent
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        await resp.prepare(request)
        await resp.write(b'{"object": "list", "data": [')
        for _ in range(64 * 2**20 // len(piece)):  # at most 64 MiB, then give up
            try:
                await resp.write(piece)
            except (ConnectionResetError, ClientConnectionResetError):
                break
            sent += len(piece)
        return resp

    runner = await serve_models(endless)
    try:
        with pytest.raises(ModelListError) as caught:
            await draft_models("openai", base_url=f"http://127.0.0.1:{runner.addresses[0][1]}/v1",
                               api_key=KEY)
    finally:
        await runner.cleanup()
    assert caught.value.message == ("The provider's model list is over 8 MB; type the model "
                                    "names instead")
    assert MAX_MODEL_LIST <= sent < MAX_MODEL_LIST + 16 * 2**20


async def test_models_timeout(sqlite_db):
    async with FakeUpstream(kind="dashscope", api_key=KEY) as up:
        up.scenario.fail_with = "timeout"
        try:
            with pytest.raises(ModelListError) as caught:
                await draft_models("dashscope", base_url=up.base_url, api_key=KEY, timeout=0.2)
        finally:
            up.scenario.release.set()
    assert (caught.value.status, caught.value.message) == (None, "Timed out after 0.2 s")


async def test_models_connection_refused(sqlite_db):
    port = closed_port()
    with pytest.raises(ModelListError) as caught:
        await draft_models("openai", base_url=f"http://127.0.0.1:{port}/v1", api_key=KEY)
    assert caught.value.message == f"Could not connect: Connection refused (127.0.0.1:{port})"


@pytest.mark.parametrize("auth", [None, ("lab", "p@ss:wörd")])
async def test_models_of_an_unsaved_provider_go_through_its_http_proxy(sqlite_db, auth):
    async with HttpProxy(auth=auth) as proxy, \
            FakeUpstream(kind="openai", api_key=KEY, models=LISTED) as up:
        models = await draft_models("openai", base_url=up.base_url + "?api-version=1",
                                    api_key=KEY, proxy=proxy.url_with(userinfo=auth),
                                    extra_headers="OpenAI-Organization: org-7")
    assert models == sorted(LISTED)
    assert proxy.requests == [("GET", f"{up.base_url}/models?api-version=1")]
    assert proxy.refused == 0
    (sent,) = up.requests
    assert sent.headers["OpenAI-Organization"] == "org-7" and sent.query == "api-version=1"


async def test_models_a_wrong_proxy_password_is_explained(sqlite_db):
    async with HttpProxy(auth=("lab", "right")) as proxy, \
            FakeUpstream(kind="openai", api_key=KEY) as up:
        with pytest.raises(ModelListError) as caught:
            await draft_models("openai", base_url=up.base_url, api_key=KEY,
                               proxy=proxy.url_with(userinfo=("lab", "wrong")))
    assert proxy.refused == 1 and up.requests == []
    assert caught.value.status == 407 and "wrong" not in caught.value.message


def test_model_ids_reads_the_list_shape_only() -> None:
    assert model_ids(b'{"object":"list","data":[{"id":"b"},{"id":"a"},{"id":"b"},'
                     b'{"id":" "},{"id":7},"c",{"object":"model"}]}') == ["a", "b"]
    assert model_ids(b'{"object":"list","data":[]}') == []
    assert model_ids(b'{"data": {"id": "a"}}') is None
    assert model_ids(b"\xff\xfe") is None
