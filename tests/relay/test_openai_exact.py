"""Answers shaped exactly like OpenAI's, as the official openai SDK sees them: one
``x-request-id`` per request (also in its log row), insufficient balance as a 429 that SDKs
do not retry, a wrong method as OpenAI's ``Invalid URL``, Retry-After that says when to retry."""

import asyncio
import io
import re
from typing import Any

import aiohttp
import openai
import pytest

from app import apikeys, metering
from app.models import RequestLog
from relay import errors
from relay.lowlevel import MAX_FIELD_SIZE
from tests.relay.conftest import Harness, relay_options
from tests.relay.test_request_limits import raw_exchange, split_response, split_responses

BODY: dict[str, Any] = {"model": "m1", "messages": [{"role": "user", "content": "hi"}]}
REQUEST_ID = re.compile(r"req_[0-9a-f]{24}")


def row(request_id: str | None) -> RequestLog:
    assert request_id is not None and REQUEST_ID.fullmatch(request_id), request_id
    return RequestLog.get(RequestLog.request_id == request_id)


# --- x-request-id: the id the SDK shows is the log row's --------------------------------------


async def test_a_completions_request_id_is_its_log_rows(make_relay) -> None:
    h = await make_relay(("openai",))
    async with h.client() as client:
        reply = await client.chat.completions.create(**BODY)
    await h.settle()
    assert row(reply._request_id).status == 200


async def test_a_streams_request_id_is_its_log_rows(make_relay) -> None:
    h = await make_relay(("openai",))
    async with h.client() as client:
        stream = await client.chat.completions.create(**BODY, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "Hello there!"
    await h.settle()
    logged = row(stream.response.headers.get("x-request-id"))
    assert (logged.status, logged.stream) == (200, True)


async def test_refused_requests_ids_are_their_log_rows(make_relay) -> None:
    h = await make_relay(("openai",), balance="0")
    apikeys.update_key(apikeys.list_keys()[0].id, rpm=1)
    async with h.client() as client:
        refused = []
        for _ in range(2):  # too poor, then over the limit
            with pytest.raises(openai.RateLimitError) as info:
                await client.chat.completions.create(**BODY)
            refused.append(info.value)
        with pytest.raises(openai.BadRequestError) as bad:
            await client.chat.completions.create(model="m1", messages=[])
    await h.settle()
    assert [(row(exc.request_id).status, row(exc.request_id).error_code) for exc in refused] == [
        (429, "insufficient_quota"), (429, "rate_limit_exceeded")]
    assert REQUEST_ID.fullmatch(bad.value.request_id or "")  # refused before a row is made


async def test_a_wrong_key_gets_an_id_of_its_own(make_relay) -> None:
    h = await make_relay(("openai",))
    ids = []
    async with h.client(api_key="sk-rd-wrong") as client:
        for _ in range(2):
            with pytest.raises(openai.AuthenticationError) as info:
                await client.models.list()
            ids.append(info.value.request_id)
    assert all(REQUEST_ID.fullmatch(i or "") for i in ids) and ids[0] != ids[1]


async def raw(h: Harness, method: str, path: str, *, body: bytes | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, Any]:
    sent = {"Authorization": f"Bearer {h.key}", **(headers or {})}
    url = h.base_url.removesuffix("/v1") + path
    data = io.BytesIO(body) if body is not None and len(body) > 1024 * 1024 else body
    async with (aiohttp.ClientSession() as session,
                session.request(method, url, data=data, headers=sent) as resp):
        await resp.read()
        return resp.status, resp.headers


@pytest.mark.parametrize("method,path,body,status", [
    ("GET", "/healthz", None, 200),
    ("GET", "/v1/models", None, 200),
    ("GET", "/v1/nowhere", None, 404),
    ("GET", "/v1/chat/completions", None, 404),
    ("POST", "/v1/chat/completions", b"{nope", 400),
    ("POST", "/v1/chat/completions", b"x" * (2 * 1024 * 1024), 413),
    ("GET", "/admin/api/users", None, 403),  # the admin API too (no admin token here)
])
async def test_every_answer_carries_a_request_id(make_relay, method, path, body, status) -> None:
    h = await make_relay(("openai",), options=relay_options(max_body_bytes=1024 * 1024))
    got, headers = await raw(h, method, path, body=body,
                             headers={"Content-Type": "application/json"})
    assert got == status
    assert len(headers.getall("x-request-id")) == 1
    assert REQUEST_ID.fullmatch(headers["x-request-id"])


async def test_an_internal_error_carries_a_request_id(make_relay, monkeypatch) -> None:
    h = await make_relay(("openai",))

    def broken(body: Any) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(metering, "estimate_prompt_tokens", broken)
    async with h.client() as client:
        with pytest.raises(openai.InternalServerError) as info:
            await client.chat.completions.create(**BODY)
    await h.settle()
    assert row(info.value.request_id).error_code == "internal_error"


async def test_answers_before_the_app_carry_a_request_id(make_relay) -> None:
    """Parse errors, an unknown Expect and a connection over the per-address cap are answered
    by the connection handler, outside the app's signals."""
    h = await make_relay(options=relay_options(max_connections_per_ip=1))
    head = b"GET /v1/models HTTP/1.1\r\nHost: x\r\n"
    answers = [
        split_response(await raw_exchange(
            h, head + b"X-Big: " + b"b" * (MAX_FIELD_SIZE + 100) + b"\r\n\r\n")),
        split_response(await raw_exchange(h, head + b"Expect: bogus\r\nConnection: close\r\n\r\n")),
    ]
    reader, writer = await asyncio.open_connection("127.0.0.1", h.server.port)
    try:  # one connection open, and surely counted: it has been answered
        writer.write(head + f"Authorization: Bearer {h.key}\r\n\r\n".encode())
        assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
        answers += split_responses(await raw_exchange(h, head + b"\r\n"))
    finally:
        writer.close()
        await writer.wait_closed()
    assert [status for status, _, _ in answers] == [431, 417, 429]
    ids = [headers["x-request-id"] for _, headers, _ in answers]
    assert all(REQUEST_ID.fullmatch(i) for i in ids) and len(set(ids)) == 3


# --- insufficient balance: OpenAI's insufficient_quota 429, never retried ---------------------


async def test_insufficient_quota_is_a_rate_limit_error_the_sdk_does_not_retry(make_relay
                                                                               ) -> None:
    h = await make_relay(("openai",), balance="0")
    async with h.client(max_retries=2) as client:  # the SDK's default
        with pytest.raises(openai.RateLimitError) as info:
            await client.chat.completions.create(**BODY)
    exc = info.value
    assert (exc.status_code, exc.type, exc.code) == (429, "insufficient_quota",
                                                     "insufficient_quota")
    assert exc.response.headers["x-should-retry"] == "false"
    assert "Retry-After" not in exc.response.headers  # waiting adds no balance
    await h.settle()
    assert len(h.logs()) == 1  # asked once: no retries
    assert h.upstreams["openai"].requests == []


def test_errors_a_wait_cannot_fix_carry_no_retry_after() -> None:
    assert "Retry-After" not in errors.insufficient_quota("x").response().headers
    assert "Retry-After" not in errors.upstream_unavailable(retry_after=None).response().headers
    assert errors.upstream_unavailable().response().headers["Retry-After"] == "5"


@pytest.mark.parametrize("failure", ["auth", "balance", "model_not_found"])
async def test_no_provider_for_a_lasting_reason_is_a_503_the_sdk_does_not_retry(
        make_relay, failure: str) -> None:
    """Every provider failed for a reason only the operator can fix: waiting cannot help, so
    the 503 says no retry (a default openai-python client would ask three times)."""
    h = await make_relay(("openai", "deepseek"))
    for up in h.upstreams.values():
        up.scenario.fail_with = failure  # type: ignore[assignment]
    async with h.client(max_retries=2) as client:
        with pytest.raises(openai.InternalServerError) as info:
            await client.chat.completions.create(**BODY)
    headers = info.value.response.headers
    assert info.value.status_code == 503 and headers["x-should-retry"] == "false"
    assert "Retry-After" not in headers
    await h.settle()
    assert len(h.logs()) == 1 and all(len(up.requests) == 1 for up in h.upstreams.values())


async def test_no_provider_for_a_passing_reason_is_a_503_without_a_made_up_wait(
        make_relay) -> None:
    """A provider error may pass: the SDK retries with its own backoff, not a fixed 5 s."""
    h = await make_relay(("openai", "deepseek"))
    h.upstreams["openai"].scenario.fail_with = "auth"
    h.upstreams["deepseek"].scenario.fail_with = "server_error"
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=BODY,
                                headers={"Authorization": f"Bearer {h.key}"}) as reply:
            assert reply.status == 503
            assert "Retry-After" not in reply.headers
            assert "x-should-retry" not in reply.headers


# --- a wrong method on a known path ----------------------------------------------------------


async def test_a_wrong_method_is_openais_invalid_url(make_relay) -> None:
    h = await make_relay(("openai",))
    async with h.client() as client:
        with pytest.raises(openai.NotFoundError) as info:
            await client.get("/chat/completions", cast_to=object)
    assert info.value.body == {"message": "Invalid URL (GET /v1/chat/completions)",
                               "type": "invalid_request_error", "param": None, "code": None}


# --- Retry-After of the relay's own rate limits ----------------------------------------------


async def test_rate_limit_retry_after_is_when_the_window_frees(make_relay) -> None:
    h = await make_relay(("openai",))
    apikeys.update_key(apikeys.list_keys()[0].id, rpm=1)
    h.server.state.limiter.window = 2.0  # a short window keeps the test short
    async with h.client() as client:
        await client.chat.completions.create(**BODY)
        status, headers = await raw(h, "POST", "/v1/chat/completions",
                                    body=b'{"model": "m1", "messages": [{"role": "user", '
                                         b'"content": "hi"}]}',
                                    headers={"Content-Type": "application/json"})
        assert status == 429 and headers["Retry-After"] in ("1", "2")
        assert 0 < int(headers["retry-after-ms"]) <= 2000
        # The SDK waits what the relay said (not its own backoff) and the retry succeeds.
        retried = await client.with_options(max_retries=1).chat.completions.create(**BODY)
    assert retried.choices[0].message.content == "Hello there!"
    await h.settle()
    assert [r.status for r in h.logs()] == [200, 429, 429, 200]
