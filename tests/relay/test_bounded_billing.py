"""A balance never goes below zero: the hold is an upper bound of what a request may cost, and
whatever a provider reports beyond it is written off, visibly, never the user's debt.

The fake providers honour the completion limit they are sent, like real ones, unless a test
makes one ignore it or over-report its usage.
"""

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from app import audit, metering, pricing, runtime
from app.models import RequestLog, Reservation
from app.pricing import Price, cost_micros
from tests.helpers.fake_upstream import FakeUpstream
from tests.relay.conftest import Harness, relay_options
from tests.relay.test_billing import BalanceWatcher

PRICE = Price(2_000_000, 500_000, 8_000_000)
MESSAGES = [{"role": "user", "content": "hi"}]


async def chat(h: Harness, body: dict, **headers: str) -> tuple[int, dict[str, str], bytes]:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=body,
                                headers={"Authorization": f"Bearer {h.key}", **headers}) as resp:
            return resp.status, dict(resp.headers), await resp.read()


def events(raw: bytes) -> list[dict | str]:
    out: list[dict | str] = []
    for block in raw.decode().split("\n\n"):
        if block.startswith("data: "):
            data = block[6:]
            out.append(data if data == "[DONE]" else json.loads(data))
    return out


def reported_cost(row: RequestLog) -> int:
    return cost_micros(row.prompt_tokens, row.cached_tokens, row.completion_tokens, PRICE)


async def test_without_a_client_limit_the_models_cap_is_sent_and_held(make_relay) -> None:
    h = await make_relay(("deepseek", "openai"), priorities={"deepseek": 10, "openai": 0})
    pricing.set_price("m1", "2", "8", "0.5", max_output_tokens=77)
    body = {"model": "m1", "messages": MESSAGES}
    status, headers, _ = await chat(h, body)
    assert status == 200 and headers["X-RelayDesk-Max-Tokens"] == "77"
    assert h.upstreams["deepseek"].last_request.json["max_tokens"] == 77
    h.upstreams["deepseek"].scenario.fail_with = "server_error"  # failover: the same limit
    status, _, _ = await chat(h, body)
    assert status == 200
    assert h.upstreams["openai"].last_request.json["max_tokens"] == 77
    await h.settle()
    assert Reservation.select().count() == 0


async def test_a_client_limit_the_balance_cannot_pay_is_lowered_and_said(make_relay) -> None:
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 1000}
    bound = metering.prompt_upper_bound(body)
    affordable = 100  # completion tokens the balance pays for, on top of the prompt's bound
    balance = cost_micros(bound, 0, affordable, PRICE)
    h = await make_relay(("deepseek",), balance=f"{balance / 1_000_000:.6f}")
    h.upstreams["deepseek"].scenario.content = ["x"] * 5000
    status, headers, raw = await chat(h, body)
    assert status == 200
    assert headers["X-RelayDesk-Max-Tokens"] == str(affordable)
    assert h.upstreams["deepseek"].last_request.json["max_tokens"] == affordable
    assert json.loads(raw)["choices"][0]["finish_reason"] == "length"
    await h.settle()
    (row,) = h.logs()
    assert row.written_off_micros == 0 and 0 <= h.balance() == balance - row.cost_micros


@pytest.mark.parametrize("kind,field", [("deepseek", "max_tokens"), ("openai", "max_tokens")])
async def test_a_client_limit_the_balance_pays_goes_unchanged(make_relay, kind: str,
                                                              field: str) -> None:
    h = await make_relay((kind,))
    body = {"model": "m1", "messages": MESSAGES, field: 50}
    status, headers, _ = await chat(h, body)
    assert status == 200 and "X-RelayDesk-Max-Tokens" not in headers
    sent = h.upstreams[kind].last_request
    assert sent.json == body  # nothing added: the client's own limit stands


async def test_a_limit_in_a_field_the_provider_ignores_is_sent_in_its_own(make_relay) -> None:
    """DeepSeek reads max_tokens only: a client's max_completion_tokens (the newer OpenAI
    name) must reach it as max_tokens, or the answer is unbounded and the operator pays."""
    h = await make_relay(("deepseek",))
    up = h.upstreams["deepseek"]
    up.scenario.content = ["x"] * 500
    body = {"model": "m1", "messages": MESSAGES, "max_completion_tokens": 5}
    status, _, _ = await chat(h, body)
    assert status == 200
    assert up.last_request.json == dict(body, max_tokens=5)
    both = dict(body, max_completion_tokens=9, max_tokens=400)  # the smaller one is held
    status, _, _ = await chat(h, both)
    assert status == 200
    assert up.last_request.json == dict(both, max_completion_tokens=9, max_tokens=9)
    await h.settle()
    assert [r.written_off_micros for r in h.logs()] == [0, 0]


async def test_too_little_for_the_prompt_alone_is_refused_before_forwarding(make_relay) -> None:
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 10}
    prompt_only = cost_micros(metering.prompt_upper_bound(body), 0, 0, PRICE)
    h = await make_relay(("deepseek",), balance=f"{prompt_only / 1_000_000:.6f}")
    status, _, raw = await chat(h, body)
    assert status == 429 and json.loads(raw)["error"]["code"] == "insufficient_quota"
    assert h.upstreams["deepseek"].requests == []
    assert h.balance() == prompt_only


async def test_a_stream_past_max_tokens_ends_cleanly_at_its_hold(make_relay) -> None:
    """A provider that ignores max_tokens: the relay ends the stream once the delivered text
    costs the hold: a finish_reason "length" chunk, the usage chunk the client asked for, and
    [DONE]; the user pays at most the hold."""
    h = await make_relay(("zhipu",))
    up = h.upstreams["zhipu"]
    up.scenario.honour_max_tokens = False
    up.scenario.content = ["word "] * 2000
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 40, "stream": True,
            "stream_options": {"include_usage": True}}
    hold = cost_micros(metering.prompt_upper_bound(body), 0, 40, PRICE)
    before = h.balance()
    status, _, raw = await chat(h, body)
    assert status == 200
    got = events(raw)
    assert got[-1] == "[DONE]"
    finish, usage = got[-3], got[-2]
    assert isinstance(finish, dict) and finish["choices"][0]["finish_reason"] == "length"
    assert isinstance(usage, dict) and usage["choices"] == []
    assert usage["usage"]["completion_tokens"]
    deltas = [e["choices"][0]["delta"].get("content") for e in got[:-3]
              if isinstance(e, dict) and e["choices"]]
    # Every delta holds at least one token: the 41st proves the limit of 40 was ignored.
    assert [d for d in deltas if d] == ["word "] * 41
    await h.settle()
    (row,) = h.logs()
    assert row.estimated and 0 < row.cost_micros <= hold
    assert h.balance() == before - row.cost_micros
    h.assert_ledger_consistent()


@pytest.mark.parametrize("kind", ["zhipu", "deepseek", "openai"])
async def test_an_honest_stream_at_its_limit_is_not_cut(make_relay, kind: str) -> None:
    """Tokens longer than the billing estimate's ~3 bytes (" word" is one token, estimated 2)
    must not make the relay end an honest provider's stream early or bill it by estimate."""
    h = await make_relay((kind,))
    h.upstreams[kind].scenario.content = [" word"] * 2000
    h.upstreams[kind].scenario.reasoning = []
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 40, "stream": True}
    status, _, raw = await chat(h, body)
    assert status == 200
    got = events(raw)
    deltas = [e["choices"][0]["delta"].get("content") for e in got
              if isinstance(e, dict) and e["choices"]]
    assert [d for d in deltas if d] == [" word"] * 40
    assert got[-1] == "[DONE]"
    await h.settle()
    (row,) = h.logs()
    assert not row.estimated and row.completion_tokens == 40 and row.written_off_micros == 0


async def test_a_non_stream_answer_past_max_tokens_costs_at_most_the_hold(make_relay) -> None:
    h = await make_relay(("deepseek",))
    up = h.upstreams["deepseek"]
    up.scenario.honour_max_tokens = False
    up.scenario.content = ["x"] * 3000
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 30}
    hold = cost_micros(metering.prompt_upper_bound(body), 0, 30, PRICE)
    status, _, _ = await chat(h, body)
    assert status == 200
    await h.settle()
    (row,) = h.logs()
    assert row.cost_micros == hold and row.written_off_micros == reported_cost(row) - hold > 0
    (event,) = audit.recent(action="billing.write_off")
    assert event.target == "deepseek-1"
    assert event.detail["request_id"] == row.request_id


@pytest.mark.parametrize("usage", [
    {"prompt_tokens": -5, "completion_tokens": 3, "total_tokens": -2},
    {"prompt_tokens": 12, "completion_tokens": 2.5, "total_tokens": 14.5},
    {"prompt_tokens": "12", "completion_tokens": "3", "total_tokens": "15"},
    {"prompt_tokens": 10 ** 12, "completion_tokens": 3, "total_tokens": 10 ** 12 + 3},
    {"prompt_tokens": True, "completion_tokens": 3, "total_tokens": 4},
], ids=["negative", "fractional", "strings", "absurd", "boolean"])
@pytest.mark.parametrize("stream", [False, True], ids=["non-stream", "stream"])
async def test_nonsense_usage_is_estimated_and_flagged_never_free(make_relay, usage: dict,
                                                                  stream: bool) -> None:
    h = await make_relay(("openai",))
    h.upstreams["openai"].scenario.usage_override = usage
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 50, "stream": stream}
    status, _, _ = await chat(h, body)
    assert status == 200
    await h.settle()
    (row,) = h.logs()
    assert row.estimated and row.cost_micros > 0 and row.written_off_micros == 0
    assert row.prompt_tokens == metering.estimate_prompt_tokens(body)


async def test_embeddings_on_a_tiny_balance_never_overdraw(make_relay) -> None:
    h = await make_relay(("openai",), balance="0.000002")
    h.upstreams["openai"].scenario.prompt_tokens = 5
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/embeddings", json={"model": "m1", "input": "hi"},
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            assert resp.status == 429  # "hi" may be 2 tokens: 4 micro-units, more than 2
    assert h.balance() == 2 and h.upstreams["openai"].requests == []


async def test_250_concurrent_over_reported_requests_never_go_negative(make_relay) -> None:
    """Every provider answer over-reports its usage 50 times: the balance stays >= 0 at every
    moment, and for each answer, charged + written off = the provider-reported cost."""
    # 250 connections at once to the fake overflow its accept queue: connects may take seconds
    h = await make_relay(("deepseek",), balance="0.05",
                         options=relay_options(connect_timeout=60.0, read_timeout=60.0))
    up = h.upstreams["deepseek"]
    up.scenario.over_report_factor = 50
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 20}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def one() -> int:
            async with session.post(f"{h.base_url}/chat/completions", json=body,
                                    headers={"Authorization": f"Bearer {h.key}"}) as resp:
                await resp.read()
                return resp.status
        with BalanceWatcher("alice") as watcher:
            statuses = await asyncio.gather(*(one() for _ in range(250)))
            await h.settle()
    assert set(statuses) <= {200, 429} and statuses.count(200) > 0
    assert watcher.minimum is not None and watcher.minimum >= 0
    rows = [r for r in h.logs() if r.status == 200]
    assert len(rows) == statuses.count(200) == len(up.requests)
    assert all(r.cost_micros + r.written_off_micros == reported_cost(r) for r in rows)
    assert sum(r.written_off_micros for r in rows) > 0
    assert h.balance() == 50_000 - sum(r.cost_micros for r in h.logs()) >= 0
    assert Reservation.select().count() == 0
    h.assert_ledger_consistent()


@pytest.mark.postgres
async def test_two_relays_on_postgres_never_go_negative_under_over_reporting(
        postgres_url: str, tmp_path: Path) -> None:
    from app import accounts, db, ledger
    from tests.relay.serve_process import ServeProcess, chat_status, provision

    runtime.start(tmp_path / "data", environ={"DATABASE_URL": postgres_url})
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 20}
    async with FakeUpstream(kind="openai", api_key="sk-up") as up:
        up.scenario.over_report_factor = 50
        key, env = provision(up, 50_000)
        env["DATABASE_URL"] = postgres_url
        relays = [await ServeProcess(tmp_path / f"r{i}", env=env).start() for i in range(2)]
        try:
            async with aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=0)) as session:
                with BalanceWatcher("alice") as watcher:
                    statuses = await asyncio.gather(*(
                        chat_status(session, relays[i % 2].base_url, key, body)
                        for i in range(250)))
        finally:
            for relay in relays:
                await relay.stop()  # a clean stop settles everything queued
    assert set(statuses) <= {200, 429} and statuses.count(200) > 0
    assert watcher.minimum is not None and watcher.minimum >= 0
    rows = [r for r in RequestLog.select() if r.status == 200]
    assert len(rows) == statuses.count(200)
    assert all(r.cost_micros + r.written_off_micros == reported_cost(r) for r in rows)
    assert sum(r.written_off_micros for r in rows) > 0
    assert 0 <= accounts.get_user("alice").balance_micros == 50_000 - sum(
        r.cost_micros for r in RequestLog.select())
    assert Reservation.select().count() == 0
    assert ledger.mismatched_users() == []
    db.close_database()


async def test_each_of_n_choices_is_held_for(make_relay) -> None:
    """``n: 3`` asks for three answers, each up to max_tokens: all three are held for."""
    from app.models import LedgerEntry
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 100, "n": 3}
    h = await make_relay(("deepseek",))
    status, headers, _ = await chat(h, body)
    assert status == 200 and "X-RelayDesk-Max-Tokens" not in headers
    (hold,) = LedgerEntry.select().where(LedgerEntry.kind == "hold")
    assert -hold.amount_micros == cost_micros(metering.prompt_upper_bound(body), 0, 300, PRICE)


async def test_a_limit_n_choices_cannot_pay_is_lowered_for_each(make_relay) -> None:
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 100, "n": 3}
    balance = cost_micros(metering.prompt_upper_bound(body), 0, 3 * 40, PRICE)
    h = await make_relay(("deepseek",), balance=f"{balance / 1_000_000:.6f}")
    status, headers, _ = await chat(h, body)
    assert status == 200 and headers["X-RelayDesk-Max-Tokens"] == "40"  # 40 tokens for each
    assert h.upstreams["deepseek"].last_request.json["max_tokens"] == 40


@pytest.mark.parametrize("raw", [
    b'{"model":"m1","messages":[{"role":"user","content":"hi"}],"max_tokens":100000,'
    b'"max_tokens":10}',
    # an escaped key is the same key
    b'{"model":"m1","messages":[{"role":"user","content":"hi"}],"max\\u005ftokens":100000,'
    b'"max_tokens":3}',
    b'{"model":"m1","messages":[{"role":"user","content":"a long prompt"}],'
    b'"messages":[{"role":"user","content":"hi"}]}',
    b'{"model":"m1","messages":[{"role":"user","content":"hi","role":"system"}]}',
], ids=["limit", "escaped limit", "messages", "nested"])
async def test_a_key_named_twice_is_refused(make_relay, raw: bytes) -> None:
    """The relay holds for the value its parser keeps (the last); a provider's may keep the
    first. What was held for must be what every provider reads: such a body is a 400."""
    h = await make_relay(("deepseek",))
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", data=raw,
                                headers={"Authorization": f"Bearer {h.key}",
                                         "Content-Type": "application/json"}) as resp:
            assert resp.status == 400
            error = (await resp.json())["error"]
    assert error["code"] == "invalid_json" and "repeats the key" in error["message"]
    assert h.upstreams["deepseek"].requests == []


async def test_n_beyond_openais_limit_is_refused_and_never_fails_others(make_relay) -> None:
    h = await make_relay(("deepseek",))
    status, _, raw = await chat(h, {"model": "m1", "messages": MESSAGES, "n": 10**30})
    assert status == 400 and json.loads(raw)["error"]["param"] == "n"
    huge = {"model": "m1", "messages": MESSAGES, "n": 128, "max_tokens": 2**31 - 1}
    results = await asyncio.gather(*(chat(h, huge if i % 3 == 0 else dict(
        huge, n=1, max_tokens=5)) for i in range(30)))
    # lowered to the balance, or refused once others spent it; never a 500 for anyone
    assert {status for status, _, _ in results} <= {200, 429}
    await h.settle()
    assert Reservation.select().count() == 0


async def test_a_provider_refusing_the_relays_own_limit_is_told_to_the_client(
        make_relay) -> None:
    h = await make_relay(("openai",))
    # e.g. "max_tokens is too large: 4096. This model supports at most 2048 completion tokens"
    h.upstreams["openai"].scenario.fail_with = "server_error"
    h.upstreams["openai"].scenario.fail_status = 400
    status, _, raw = await chat(h, {"model": "m1", "messages": MESSAGES})
    assert status == 400
    message = json.loads(raw)["error"]["message"]
    assert "RelayDesk sent a completion limit of 4096 tokens" in message
    status, _, raw = await chat(h, {"model": "m1", "messages": MESSAGES, "max_tokens": 9})
    assert status == 400 and "RelayDesk" not in json.loads(raw)["error"]["message"]


async def test_a_cached_price_above_the_input_price_is_held_for(make_relay) -> None:
    from app.models import LedgerEntry
    h = await make_relay(("deepseek",))
    pricing.set_price("m1", "2", "8", "5")  # cached input dearer than input (odd, but allowed)
    body = {"model": "m1", "messages": MESSAGES, "max_tokens": 10}
    status, _, _ = await chat(h, body)
    assert status == 200
    (hold,) = LedgerEntry.select().where(LedgerEntry.kind == "hold")
    bound = metering.prompt_upper_bound(body)
    assert -hold.amount_micros == bound * 5 + 10 * 8


@pytest.mark.parametrize("delta", [{"reasoning": "think "}, {"refusal": "no "},
                                   {"function_call": {"arguments": "{\"a\": 1}"}}],
                         ids=["reasoning", "refusal", "function_call"])
async def test_text_in_any_completion_field_counts_toward_the_cut(sqlite_db, monkeypatch,
                                                                  delta: dict) -> None:
    """A provider ignoring max_tokens with text in ``reasoning`` (vLLM, OpenRouter),
    ``refusal`` or a function call is cut like one writing ``content``, and billed for it."""
    from aiohttp import web

    from app import accounts, apikeys, keystore, providers, recharges
    from relay.server import RelayServer

    async def endless(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        for _ in range(500):
            chunk = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m1",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            await resp.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
        await resp.write(b"data: [DONE]\n\n")
        return resp

    app = web.Application()
    app.router.add_post("/v1/chat/completions", endless)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", 10_000_000)
    pricing.set_price("m1", "2", "8", "0.5")
    providers.add_provider("odd", "openai", models=["m1"], base_url=f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv(keystore.env_var_name("odd"), "sk-odd")
    _, key = apikeys.create_key("alice")
    server = RelayServer("127.0.0.1", 0, options=relay_options())
    await server.start()
    try:
        h = Harness(server=server, key=key, user_id=accounts.get_user("alice").id)
        status, _, raw = await chat(h, {"model": "m1", "messages": MESSAGES, "max_tokens": 5,
                                        "stream": True})
        assert status == 200
        got = events(raw)
        assert got[-1] == "[DONE]" and got[-2]["choices"][0]["finish_reason"] == "length"
        assert len([e for e in got if isinstance(e, dict) and e["choices"][0]["delta"]]) == 6
        await h.settle()
        (row,) = h.logs()
        assert row.estimated and row.completion_tokens > 0
    finally:
        await server.stop()
        await runner.cleanup()
