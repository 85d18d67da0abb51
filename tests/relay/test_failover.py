"""Provider choice and failover: before the first byte reaches the client, any upstream failure
moves on to the next provider; after repeated failures a provider cools down."""

import json
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import openai
import pytest

from app import keystore, providers
from relay import pool as pool_mod
from tests.helpers.fake_upstream import KINDS, Failure, FakeUpstream, Scenario
from tests.relay.conftest import Harness, add_provider, relay_options

MESSAGES = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize("failure", ["auth", "balance", "rate_limit", "server_error",
                                     "model_not_found", "connection_reset"])
@pytest.mark.parametrize("first", ["deepseek", "zhipu", "dashscope"])
async def test_fails_over_to_next_provider(make_relay, first: str, failure: str) -> None:
    h = await make_relay((first, "openai"), priorities={first: 10, "openai": 0})
    h.upstreams[first].scenario.fail_with = failure
    async with h.client() as client:
        reply = await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert reply.choices[0].message.content == "Hello there!"
    assert len(h.upstreams[first].requests) == 1  # tried first (higher priority)
    await h.settle()
    (log,) = h.logs()
    assert log.provider == "openai-1" and log.failover_count == 1 and log.status == 200


@pytest.mark.parametrize("failure", ["auth", "balance"])
async def test_provider_account_trouble_is_neutral_to_client(make_relay, failure: str) -> None:
    h = await make_relay(("deepseek",))
    h.upstreams["deepseek"].scenario.fail_with = failure
    async with h.client() as client:
        with pytest.raises(openai.APIStatusError) as info:
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert info.value.status_code == 503
    text = info.value.response.text
    assert "sk-up-" not in text and "Insufficient" not in text and "Balance" not in text
    assert "Retry-After" not in info.value.response.headers  # waiting will not fix it
    assert info.value.body["code"] == "upstream_unavailable"  # type: ignore[index]


async def test_timeout_before_first_byte_fails_over(make_relay) -> None:
    from tests.relay.conftest import relay_options
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 5},
                         options=relay_options(read_timeout=0.3))
    h.upstreams["deepseek"].scenario.fail_with = "timeout"
    async with h.client() as client:
        reply = await client.chat.completions.create(model="m1", messages=MESSAGES, stream=False)
    assert reply.choices[0].message.content == "Hello there!"
    h.upstreams["deepseek"].scenario.release.set()


async def test_client_error_is_not_failed_over(make_relay) -> None:
    """A 400 about the request itself goes back to the client; other providers are not tried."""
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 5})
    h.upstreams["deepseek"].scenario.fail_with = "server_error"
    h.upstreams["deepseek"].scenario.fail_status = 400
    async with h.client() as client:
        with pytest.raises(openai.BadRequestError):
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    assert h.upstreams["openai"].requests == []


async def test_stream_broken_before_first_event_fails_over(make_relay) -> None:
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 5})
    h.upstreams["deepseek"].scenario.break_after_events = 0
    async with h.client() as client:
        stream = await client.chat.completions.create(model="m1", messages=MESSAGES, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "Hello there!"
    await h.settle()
    (log,) = h.logs()
    assert log.provider == "openai-1" and log.failover_count == 1


async def test_priority_tiers_and_weights(make_relay) -> None:
    h = await make_relay(("deepseek", "zhipu", "openai"),
                         priorities={"deepseek": 1, "zhipu": 1, "openai": 0})
    providers.update_provider("deepseek-1", weight=3)
    providers.update_provider("zhipu-1", weight=1)
    async with h.client() as client:
        for _ in range(80):
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    deep, zhipu = len(h.upstreams["deepseek"].requests), len(h.upstreams["zhipu"].requests)
    assert h.upstreams["openai"].requests == []  # lower tier never used while the top is healthy
    assert deep + zhipu == 80
    assert 40 <= deep <= 76  # weight 3:1 → expect ~60; bounds are > 4 sigma wide


async def test_cooldown_after_repeated_failures_and_visible_in_provider_list(make_relay
                                                                              ) -> None:
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 5})
    up = h.upstreams["deepseek"]
    up.scenario.fail_with = "server_error"
    async with h.client() as client:
        for _ in range(pool_mod.FAILURES_BEFORE_COOLDOWN + 2):
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    # after the threshold the cooling provider is tried last, so the healthy one answers first
    assert len(up.requests) == pool_mod.FAILURES_BEFORE_COOLDOWN
    await h.server.state.dbx.run(lambda: None)  # health write was queued on the same executor
    row = providers.get_provider("deepseek-1")
    assert row.health == "cooling" and row.cooldown_until is not None
    assert row.consecutive_failures == pool_mod.FAILURES_BEFORE_COOLDOWN
    assert "sk-up" not in (row.last_error or "")


# --- the next provider gets the client's request, whatever made the first one fail ------------

CAUSES = ["http_401", "http_402", "http_404", "http_429", "http_500", "http_3xx", "refused",
          "read_timeout", "reset", "wrong_path", "bad_host"]
MODES = ["chat", "stream", "embeddings"]
# Client bytes laid out as no encoder would (spaces, raw UTF-8, odd key order): re-encoding shows.
CLIENT_BODIES = {
    "chat": '{ "messages" : [ {"content": "héllo \\u00e9 \\"q\\"", "role": "user"} ], '
            '"temperature": 0.5, "model": "m1", "max_tokens": 64 }',
    "stream": '{"stream": true, "model": "m1", "stream_options": {"include_usage": true},\n'
              ' "messages": [{"role": "system", "content": "be brief"}, {"role": "user", '
              '"content": "你好"}], "max_tokens": 64}',
    "embeddings": '{ "input": ["one", "二"], "model": "m1", "encoding_format": "float" }',
}
# The same, leaving the relay to add what it adds on the client's behalf (usage, a limit).
BARE_BODIES = {
    "chat": '{ "messages" : [ {"content": "héllo", "role": "user"} ], "model": "m1" }',
    "stream": '{"stream": true, "model": "m1",\n'
              ' "messages": [{"role": "user", "content": "你好"}]}',
    "embeddings": CLIENT_BODIES["embeddings"],
}
# Members a relay may add upstream for a client that left them out.
RELAY_MEMBERS = {"stream_options", "max_tokens", "max_completion_tokens"}
NO_REQUEST = {"refused", "bad_host"}  # causes where the first provider never sees the request


@dataclass
class Pair:
    """A relay with a failing first provider (priority 10) and a healthy second one of the same
    kind (kinds may differ in what the relay adds, e.g. which completion limit they read)."""

    h: Harness
    first: FakeUpstream | None  # None when nothing listens where the first provider points
    second: FakeUpstream


@pytest.fixture
async def pair(make_relay,  # type: ignore[no-untyped-def]
               monkeypatch: pytest.MonkeyPatch) -> AsyncIterator:  # type: ignore[type-arg]
    """Factory for a ``Pair``; every fake and socket it opens is closed afterwards."""
    opened: list[FakeUpstream] = []
    sockets: list[socket.socket] = []

    async def factory(cause: str, *, first_map: dict[str, str] | None = None,
                      second_map: dict[str, str] | None = None) -> Pair:
        h = await make_relay((), options=relay_options(read_timeout=0.5))
        first_kind = "deepseek" if cause in ("http_402", "wrong_path") else "openai"
        first: FakeUpstream | None = None
        if cause == "refused":
            closed = socket.socket()  # bound, never listening: connections are refused
            closed.bind(("127.0.0.1", 0))
            sockets.append(closed)
            base_url = f"http://127.0.0.1:{closed.getsockname()[1]}/v1"
        elif cause == "bad_host":
            base_url = "http://bad..host/v1"  # passes the URL check, cannot be resolved
        else:
            first = await FakeUpstream(first_kind, "sk-up-first").start()
            opened.append(first)
            first.scenario.fail_with = FAILURE_OF[cause]
            base_url = first.base_url if cause != "wrong_path" else (
                f"http://127.0.0.1:{first.port}/wrong")
        providers.add_provider("first", first_kind, models=["m1"], base_url=base_url,
                               model_map=first_map, priority=10)
        monkeypatch.setenv(keystore.env_var_name("first"), "sk-up-first")
        second = await FakeUpstream(first_kind, "sk-up-second").start()
        opened.append(second)
        second.scenario = Scenario(content=["from ", "second"], reasoning=[], embedding_dim=3)
        add_provider("second", second, ["m1"], monkeypatch, model_map=second_map, priority=0)
        return Pair(h, first, second)

    yield factory
    for up in opened:
        up.scenario.release.set()
        await up.stop()
    for sock in sockets:
        sock.close()


FAILURE_OF: dict[str, Failure | None] = {
    "http_401": "auth", "http_402": "balance", "http_404": "model_not_found",
    "http_429": "rate_limit", "http_500": "server_error", "http_3xx": "redirect",
    "read_timeout": "timeout", "reset": "connection_reset", "wrong_path": None,
}


async def _send(h: Harness, mode: str, body: str) -> tuple[int, str]:
    path = "/embeddings" if mode == "embeddings" else "/chat/completions"
    headers = {"Authorization": f"Bearer {h.key}", "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session:
        async with session.post(h.base_url + path, data=body.encode(), headers=headers) as resp:
            return resp.status, await resp.text()


def _answer_text(mode: str, text: str) -> str | int:
    """What the client got: the chat text, or the length of the first embedding vector."""
    if mode == "embeddings":
        return len(json.loads(text)["data"][0]["embedding"])
    if mode == "chat":
        return json.loads(text)["choices"][0]["message"]["content"]
    chunks = [json.loads(line[6:]) for line in text.splitlines()
              if line.startswith("data: {")]
    assert text.rstrip().endswith("data: [DONE]")
    return "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])


async def _health(h: Harness) -> dict[str, tuple[int, bool]]:
    """Each provider's (consecutive failures, cooling down now) as the relay's pool sees them."""
    snap = await h.server.state.pool.snapshot()
    now = time.monotonic()
    return {u.name: (u.failures, u.cooldown_until > now) for u in snap.upstreams}


async def _check_answered_by_second(p: Pair, mode: str, status: int, text: str) -> None:
    assert status == 200, text
    assert _answer_text(mode, text) == (3 if mode == "embeddings" else "from second")
    assert len(p.second.requests) == 1 and p.second.last_request.rejected is None
    health = await _health(p.h)
    assert health["second"] == (0, False)  # never counted as failing
    assert health["first"] == (1, False)  # one failure: below the cool-down threshold
    await p.h.settle()
    (log,) = p.h.logs()
    assert (log.provider, log.failover_count, log.status) == ("second", 1, 200)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cause", CAUSES)
async def test_next_provider_gets_the_clients_bytes(pair, cause: str, mode: str) -> None:
    """Byte for byte what the client sent (it left the relay nothing to add), for every cause."""
    p = await pair(cause)
    status, text = await _send(p.h, mode, CLIENT_BODIES[mode])
    await _check_answered_by_second(p, mode, status, text)
    sent = CLIENT_BODIES[mode].encode()
    assert p.second.last_request.body == sent
    if p.first is not None:
        assert [r.body for r in p.first.requests] == [sent]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cause", CAUSES)
async def test_next_provider_gets_what_the_first_got(pair, cause: str, mode: str) -> None:
    """When the relay adds members (usage reporting, a completion limit), both providers get the
    same bytes, and nothing of the client's request is lost or changed."""
    p = await pair(cause)
    status, text = await _send(p.h, mode, BARE_BODIES[mode])
    await _check_answered_by_second(p, mode, status, text)
    got = p.second.last_request
    if p.first is not None:
        assert got.body == p.first.last_request.body
    client = json.loads(BARE_BODIES[mode])
    assert {k: v for k, v in got.json.items() if k in client} == client
    assert set(got.json) - set(client) <= RELAY_MEMBERS


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("cause", sorted(set(CAUSES) - NO_REQUEST))
async def test_bodies_differ_only_in_the_mapped_model(pair, cause: str, mode: str) -> None:
    p = await pair(cause, first_map={"m1": "first-model"}, second_map={"m1": "second-model"})
    status, text = await _send(p.h, mode, CLIENT_BODIES[mode])
    await _check_answered_by_second(p, mode, status, text)
    assert p.first is not None
    first, second = p.first.last_request, p.second.last_request
    assert second.body == first.body.replace(b'"first-model"', b'"second-model"')
    assert first.body.count(b'"first-model"') == 1
    assert second.json == dict(json.loads(CLIENT_BODIES[mode]), model="second-model")


async def test_wrong_base_url_never_cools_down_the_healthy_provider(pair) -> None:
    """The desktop report: a wrong base URL at priority 10, a healthy provider at 0. Every
    request is answered, the healthy provider is never counted as failing, the wrong one cools."""
    p = await pair("wrong_path")
    rounds = pool_mod.FAILURES_BEFORE_COOLDOWN + 3
    for i in range(rounds):
        mode = MODES[i % len(MODES)]
        status, text = await _send(p.h, mode, BARE_BODIES[mode])
        assert status == 200, text
        assert (await _health(p.h))["second"] == (0, False)
    assert len(p.second.requests) == rounds
    assert all(r.rejected is None for r in p.second.requests)
    health = await _health(p.h)
    assert health["first"] == (pool_mod.FAILURES_BEFORE_COOLDOWN, True)
    await p.h.server.state.dbx.run(lambda: None)  # the health write was queued on this executor
    assert providers.get_provider("second").health != "cooling"
    assert providers.get_provider("first").health == "cooling"


# --- a request the provider rejects as malformed is the client's answer, not a failure --------

MALFORMED = {
    # the relay passes any role string on; providers know their roles
    "role": '{"model": "m1", "messages": [{"role": "narrator", "content": "hi"}]}',
    "stream_options": '{"model": "m1", "messages": [{"role": "user", "content": "hi"}], '
                      '"stream_options": {"include_usage": true}}',
}


@pytest.mark.parametrize("what", sorted(MALFORMED))
@pytest.mark.parametrize("kind", KINDS)
async def test_malformed_request_is_not_failed_over_nor_a_provider_failure(
        make_relay, kind: str, what: str) -> None:
    h = await make_relay((kind, "openai") if kind != "openai" else ("openai",),
                         priorities={kind: 10})
    rejecting = h.upstreams[kind]
    for _ in range(pool_mod.FAILURES_BEFORE_COOLDOWN + 1):
        status, text = await _send(h, "chat", MALFORMED[what])
        assert status == 400, text
        error = json.loads(text)["error"]
        assert set(error) >= {"message", "type", "param", "code"}
        assert error["type"] == "invalid_request_error" and error["message"]
    assert len(rejecting.requests) == pool_mod.FAILURES_BEFORE_COOLDOWN + 1
    assert all(r.rejected for r in rejecting.requests)  # the fake refused it as malformed
    if kind != "openai":
        assert h.upstreams["openai"].requests == []  # no failover
    assert set((await _health(h)).values()) == {(0, False)}
    await h.server.state.dbx.run(lambda: None)
    assert all(p.health != "cooling" for p in providers.list_providers())


async def test_a_provider_that_serves_is_recorded_healthy_at_once(make_relay) -> None:
    """Its health shows "healthy" after its first success, not "not used yet" until a failure."""
    h = await make_relay(("deepseek",))
    assert providers.get_provider("deepseek-1").health == "unknown"
    async with h.client() as client:
        for _ in range(3):
            await client.chat.completions.create(model="m1", messages=MESSAGES)
    await h.server.state.dbx.run(lambda: None)  # the health write was queued on the executor
    row = providers.get_provider("deepseek-1")
    assert (row.health, row.consecutive_failures) == ("healthy", 0)
    assert row.last_checked_at is not None
