"""Errors on the new routes: Anthropic-shaped on /v1/messages* (the anthropic SDK's classes, its
status codes), OpenAI-shaped on /v1/responses; per-key rate limits and address bans apply."""

import io
import json
from typing import Any

import aiohttp
import anthropic
import openai
import pytest

from app import apikeys, bans, settings
from tests.relay.conftest import relay_options
from tests.relay.protocols.conftest import MODEL, Rig

HI = [{"role": "user", "content": "hi"}]
BODY = {"model": MODEL, "max_tokens": 50, "messages": HI}
OTHER = "127.0.0.2"  # loopback, yet another address (the machine itself is never banned)
VERSION = {"anthropic-version": "2023-06-01"}


def anthropic_error(body: Any, error_type: str) -> str:
    """The message of an Anthropic error body of ``error_type``; fails on any other shape."""
    assert body["type"] == "error" and set(body) == {"type", "error"}
    assert body["error"]["type"] == error_type
    message = body["error"]["message"]
    assert isinstance(message, str) and message
    return message


async def call(r: Rig, method: str, path: str, *, local: str | None = None,
               **kwargs: Any) -> tuple[int, Any, Any]:
    """(status, JSON body, headers) of one request to the relay's root + ``path``."""
    connector = aiohttp.TCPConnector(local_addr=(local, 0)) if local else None
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.request(method, r.root + path, **kwargs) as resp:
            return resp.status, await resp.json(content_type=None), resp.headers


# ---- the anthropic SDK's error classes --------------------------------------------------------


async def test_bad_key_is_authentication_error(rig) -> None:
    r = await rig()
    for bearer in (False, True):
        async with r.anthropic(key="sk-not-a-key", bearer=bearer) as client:
            with pytest.raises(anthropic.AuthenticationError) as refused:
                await client.messages.create(**BODY)
        assert refused.value.status_code == 401
        anthropic_error(refused.value.body, "authentication_error")
    async with r.anthropic(key="sk-not-a-key") as client:
        with pytest.raises(anthropic.AuthenticationError):
            await client.messages.count_tokens(model=MODEL, messages=HI)
    assert r.chat.requests == []


async def test_unknown_model_is_not_found_error(rig) -> None:
    r = await rig(native=True)
    async with r.anthropic() as client:
        with pytest.raises(anthropic.NotFoundError) as refused:
            await client.messages.create(**dict(BODY, model="claude-opus-4-8"))
        with pytest.raises(anthropic.NotFoundError):
            await client.messages.count_tokens(model="claude-opus-4-8", messages=HI)
    assert "claude-opus-4-8" in anthropic_error(refused.value.body, "not_found_error")
    assert r.chat.requests == [] and r.native.requests == []


async def test_missing_max_tokens_is_bad_request_error(rig) -> None:
    r = await rig()
    async with r.anthropic() as client:
        with pytest.raises(anthropic.BadRequestError) as refused:
            await client.messages.create(model=MODEL, messages=HI, max_tokens=anthropic.omit)
    assert refused.value.status_code == 400
    assert "max_tokens" in anthropic_error(refused.value.body, "invalid_request_error")
    assert refused.value.response.headers["x-should-retry"] == "false"
    assert r.chat.requests == []


async def test_balance_too_low_is_a_402_billing_error(rig) -> None:
    r = await rig(native=True, balance="0.000001")
    async with r.anthropic() as client:
        with pytest.raises(anthropic.APIStatusError) as refused:
            await client.messages.create(**BODY)
    assert refused.value.status_code == 402
    assert isinstance(refused.value, anthropic.PaymentRequiredError)
    anthropic_error(refused.value.body, "billing_error")
    assert r.native.requests == [] and r.chat.requests == []
    assert r.h.balance() == 1
    row = await r.last_log()
    assert (row.endpoint, row.cost_micros) == ("/v1/messages", 0)


async def test_upstream_down_is_529_overloaded_without_retries(rig) -> None:
    r = await rig()
    r.chat.scenario.fail_with = "server_error"
    async with r.anthropic() as client:  # max_retries=0: one attempt reaches the relay
        with pytest.raises(anthropic.InternalServerError) as refused:
            await client.messages.create(**BODY)
    assert refused.value.status_code == 529
    assert isinstance(refused.value, anthropic.OverloadedError)
    anthropic_error(refused.value.body, "overloaded_error")
    assert len(r.chat.requests) == 1


async def test_a_native_providers_own_refusal_reaches_the_client_in_its_shape(rig) -> None:
    r = await rig(native=True, chat=False)
    async with r.anthropic() as client:  # the provider wants a budget of at least 1024
        with pytest.raises(anthropic.BadRequestError) as refused:
            await client.messages.create(**dict(BODY, max_tokens=4000),
                                         thinking={"type": "enabled", "budget_tokens": 500})
    assert "1024" in anthropic_error(refused.value.body, "invalid_request_error")
    assert r.native.last_request.status == 400  # the provider's refusal, not the relay's


async def test_a_key_limited_to_other_models_is_permission_error(rig) -> None:
    r = await rig(native=True)
    apikeys.update_key(apikeys.list_keys()[0].id, models=["deepseek-chat"])
    async with r.anthropic() as client:
        with pytest.raises(anthropic.PermissionDeniedError) as refused:
            await client.messages.create(**BODY)
        with pytest.raises(anthropic.PermissionDeniedError):
            await client.messages.count_tokens(model=MODEL, messages=HI)
    assert MODEL in anthropic_error(refused.value.body, "permission_error")
    assert r.native.requests == [] and r.chat.requests == []



# ---- the relay's own refusals, in the shape of the route --------------------------------------


@pytest.mark.parametrize("path", ["/v1/messages", "/v1/messages/count_tokens", "/messages"])
async def test_wrong_method_on_messages_is_anthropic_shaped(rig, path: str) -> None:
    r = await rig()
    status, body, _ = await call(r, "GET", path, headers=r.headers(**VERSION))
    assert status in (404, 405)
    anthropic_error(body, "not_found_error" if status == 404 else "invalid_request_error")


async def test_too_large_body_is_anthropic_shaped(rig) -> None:
    r = await rig(options=relay_options(max_body_bytes=1024 * 1024))
    big = dict(BODY, messages=[{"role": "user", "content": "x" * (2 * 1024 * 1024)}])
    headers = r.headers(**VERSION, **{"content-type": "application/json"})
    status, body, _ = await call(r, "POST", "/v1/messages", headers=headers,
                                 data=io.BytesIO(json.dumps(big).encode()))  # streamed out
    assert status == 413
    assert "1 MB" in anthropic_error(body, "request_too_large")
    assert r.chat.requests == []


async def test_responses_errors_are_openai_shaped(rig) -> None:
    r = await rig()
    async with r.openai(api_key="sk-not-a-key") as client:
        with pytest.raises(openai.AuthenticationError) as denied:
            await client.responses.create(model=MODEL, input="hi")
    assert denied.value.body["code"] == "invalid_api_key"  # type: ignore[index]
    async with r.openai() as client:
        with pytest.raises(openai.NotFoundError) as unknown:
            await client.responses.create(model="gpt-9", input="hi")
        r.chat.scenario.fail_with = "server_error"
        with pytest.raises(openai.InternalServerError) as down:
            await client.responses.create(model=MODEL, input="hi")
    assert unknown.value.code == "model_not_found"
    assert down.value.status_code == 503
    status, body, _ = await call(r, "GET", "/v1/responses", headers=r.headers())
    assert status in (404, 405) and set(body) == {"error"} and body["error"]["message"]


# ---- limits and bans on the new routes --------------------------------------------------------


async def test_rpm_limit_applies_to_messages_and_responses(rig) -> None:
    r = await rig()
    apikeys.update_key(apikeys.list_keys()[0].id, rpm=2)
    async with r.anthropic() as client:
        await client.messages.create(**BODY)
    async with r.openai() as client:
        await client.responses.create(model=MODEL, input="hi")
        with pytest.raises(openai.RateLimitError) as limited:
            await client.responses.create(model=MODEL, input="hi")
    assert limited.value.code == "rate_limit_exceeded"
    async with r.anthropic() as client:
        with pytest.raises(anthropic.RateLimitError) as refused:
            await client.messages.create(**BODY)
        with pytest.raises(anthropic.RateLimitError):  # a stream, refused before it starts
            await client.messages.create(**dict(BODY, stream=True))
        with pytest.raises(anthropic.RateLimitError):  # free, yet not unlimited
            await client.messages.count_tokens(model=MODEL, messages=HI)
    assert "2 requests per minute" in anthropic_error(refused.value.body, "rate_limit_error")
    assert 1 <= int(refused.value.response.headers["Retry-After"]) <= 60
    assert len(r.chat.requests) == 2  # the refused ones never reached the provider
    await r.h.settle()
    assert [(row.status, row.cost_micros > 0) for row in r.h.logs()] == [
        (200, True), (200, True), (429, False), (429, False), (429, False)]


async def test_bad_keys_on_messages_get_the_address_banned(rig) -> None:
    settings.set("ban_threshold", 3)
    r = await rig()
    for _ in range(3):
        status, body, _ = await call(r, "POST", "/v1/messages", local=OTHER, json=BODY,
                                     headers={"x-api-key": "sk-wrong", **VERSION})
        assert status == 401
        anthropic_error(body, "authentication_error")
    status, body, headers = await call(r, "POST", "/v1/messages", local=OTHER, json=BODY,
                                       headers={"x-api-key": r.h.key, **VERSION})
    assert status == 403  # banned now, even with a good key
    assert "blocked" in anthropic_error(body, "permission_error")
    assert 14 * 60 < int(headers["Retry-After"]) <= 15 * 60
    status, body, _ = await call(r, "POST", "/v1/responses", local=OTHER,
                                 json={"model": MODEL, "input": "hi"}, headers=r.headers())
    assert (status, body["error"]["code"]) == (403, "ip_banned")  # OpenAI's shape there
    bans.unban(OTHER)
    status, body, _ = await call(r, "POST", "/v1/messages", local=OTHER, json=BODY,
                                 headers={"x-api-key": r.h.key, **VERSION})
    assert status == 200 and body["content"][-1]["text"] == "Hello there!"
    assert len(r.chat.requests) == 1


# ---- unknown paths under /v1/messages/ ------------------------------------------------------
# relay/protocols/routes.py speaks_anthropic() matches only paths ending in /messages or
# /messages/count_tokens: any other path under /v1/messages/ gets OpenAI's error shape.


@pytest.mark.parametrize("path", ["/v1/messages/batches", "/v1/messages/count_tokens/x",
                                  "/v1/messages/msg_123"])
async def test_unknown_path_under_messages_is_anthropic_shaped(rig, path: str) -> None:
    r = await rig()
    status, body, _ = await call(r, "POST", path, json=BODY, headers=r.headers(**VERSION))
    assert status == 404
    anthropic_error(body, "not_found_error")
