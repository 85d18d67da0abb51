"""GET /metrics: Prometheus text that prometheus_client's parser reads, whose totals equal the
request log's exactly, protected exactly like the admin API, with no per-user label values."""

import asyncio
from collections import Counter

import aiohttp
import openai
import pytest

from app import admintokens, settings
from app.apikeys import KeyInfo
from app.models import IpBan
from relay.cluster.metrics import MAX_LABEL_SETS, Gauges, RelayMetrics
from relay.context import RequestContext
from tests.relay.admin.conftest import OTHER_HOST, Admin, denials
from tests.relay.cluster.metrics_scrape import Scrape, parse, scrape
from tests.relay.conftest import USER, Harness

HI = [{"role": "user", "content": "hi"}]


@pytest.fixture
async def admin(make_relay) -> Admin:  # type: ignore[no-untyped-def]
    relay = await make_relay(("openai",))
    token, plaintext = admintokens.create_token("ops")
    return Admin(relay=relay, token=plaintext, token_id=token.id)


async def traffic(h: Harness) -> None:
    """A chat, a stream, a /v1/messages call, an unknown model, an upstream failure, and a
    request refused before metering (a bad key: no log row, so no count either)."""
    up = h.upstreams["openai"]
    up.scenario.prompt_tokens, up.scenario.cached_tokens, up.scenario.completion_tokens = \
        1000, 200, 500
    async with h.client() as client:
        await client.chat.completions.create(model="m1", messages=HI)  # type: ignore[arg-type]
        stream = await client.chat.completions.create(
            model="m1", messages=HI, stream=True,  # type: ignore[arg-type]
            stream_options={"include_usage": True})
        async for _ in stream:
            pass
        with pytest.raises(openai.NotFoundError):
            await client.chat.completions.create(model="nope", messages=HI)  # type: ignore[arg-type]
        up.scenario.fail_with, up.scenario.fail_times = "server_error", 1
        with pytest.raises(openai.APIStatusError) as failed:
            await client.chat.completions.create(model="m1", messages=HI)  # type: ignore[arg-type]
        assert failed.value.status_code == 503
    async with h.client(api_key="sk-wrong") as stranger:
        with pytest.raises(openai.AuthenticationError):
            await stranger.chat.completions.create(model="m1", messages=HI)  # type: ignore[arg-type]
    async with aiohttp.ClientSession() as session, session.post(
            f"http://127.0.0.1:{h.server.port}/v1/messages",
            json={"model": "m1", "max_tokens": 50, "messages": HI},
            headers={"x-api-key": h.key, "anthropic-version": "2023-06-01"}) as resp:
        assert resp.status == 200, await resp.text()
    await h.settle()


async def test_totals_equal_the_request_log(admin: Admin) -> None:
    h = admin.relay
    await traffic(h)
    got = await scrape(admin)
    logs = h.logs()
    assert len(logs) == 5
    assert got.by("relaydesk_requests_total", "endpoint", "status") == Counter(
        (log.endpoint, str(log.status)) for log in logs)
    assert got.by("relaydesk_request_errors_total", "endpoint", "code") == Counter(
        (log.endpoint, log.error_code) for log in logs if log.status >= 400)
    assert {("/v1/chat/completions", "model_not_found"),
            ("/v1/chat/completions", "upstream_unavailable")} <= set(
        got.by("relaydesk_request_errors_total", "endpoint", "code"))
    for kind, column in (("prompt", "prompt_tokens"), ("cached", "cached_tokens"),
                         ("completion", "completion_tokens")):
        assert got.value("relaydesk_tokens_total", kind=kind) == sum(
            getattr(log, column) for log in logs)
    assert got.value("relaydesk_tokens_total", kind="completion") > 0
    spend = sum(log.cost_micros for log in logs)
    assert spend > 0 and got.value("relaydesk_spend_micros_total") == spend
    assert got.types["relaydesk_spend_micros"] == "counter"
    # the /v1/messages call's reported usage exceeds its hold (1000 prompt tokens for "hi"):
    # the excess is written off, as in its log row, not charged
    written_off = sum(log.written_off_micros for log in logs)
    assert written_off > 0 and got.value("relaydesk_written_off_micros_total") == written_off
    # the latency histogram: one observation per logged request, in every endpoint's +Inf
    per_endpoint = Counter(log.endpoint for log in logs)
    for endpoint, count in per_endpoint.items():
        assert got.value("relaydesk_request_duration_seconds_count", endpoint=endpoint) == count
        assert got.value("relaydesk_request_duration_seconds_bucket", endpoint=endpoint,
                         le="+Inf") == count
        assert got.value("relaydesk_request_duration_seconds_sum", endpoint=endpoint) > 0
    assert got.types["relaydesk_request_duration_seconds"] == "histogram"
    # nothing in flight now; the provider routes normally
    assert got.value("relaydesk_requests_in_flight") == 0
    assert got.value("relaydesk_holds_in_flight") == 0
    assert got.value("relaydesk_streams_open") == 0
    assert got.value("relaydesk_provider_healthy", provider="openai-1") == 1
    assert "relaydesk_redis_up" not in got.samples  # no REDIS_URL


async def test_no_per_user_value_reaches_the_metrics(admin: Admin) -> None:
    h = admin.relay
    await traffic(h)
    text = (await scrape(admin)).text
    log = h.logs()[0]
    for private in (USER, "alice@example.com", h.key, h.key[:12], log.request_id,
                    "127.0.0.1", admin.token, "sk-up-openai"):
        assert private not in text


async def test_holds_and_streams_in_flight_while_a_stream_is_open(admin: Admin) -> None:
    h = admin.relay
    gate = asyncio.Event()
    h.upstreams["openai"].scenario.pause_before_event = {2: gate}  # after "Hello"
    async with h.client() as client:
        stream = await client.chat.completions.create(model="m1", messages=HI, stream=True)  # type: ignore[arg-type]
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                break
        assert chunk.choices[0].delta.content == "Hello"
        during = await scrape(admin)
        gate.set()
        async for _ in stream:
            pass
    await h.settle()
    assert during.value("relaydesk_requests_in_flight") == 1
    assert during.value("relaydesk_holds_in_flight") == 1
    assert during.value("relaydesk_streams_open") == 1
    after = await scrape(admin)
    assert after.value("relaydesk_holds_in_flight") == 0
    assert after.value("relaydesk_streams_open") == 0
    assert after.value("relaydesk_requests_total", endpoint="/v1/chat/completions",
                       status="200") == 1


async def test_a_cooling_provider_shows_in_the_metrics(admin: Admin) -> None:
    h = admin.relay
    h.upstreams["openai"].scenario.fail_with = "server_error"
    async with h.client() as client:
        for _ in range(3):  # the pool's failures before a cool-down
            with pytest.raises(openai.APIStatusError):
                await client.chat.completions.create(model="m1", messages=HI)  # type: ignore[arg-type]
    got = await scrape(admin)
    assert got.value("relaydesk_provider_healthy", provider="openai-1") == 0
    assert got.value("relaydesk_request_errors_total", endpoint="/v1/chat/completions",
                     code="upstream_unavailable") == 3


@pytest.mark.parametrize("token", [None, "rdadm-wrong", "api_key"])
async def test_without_a_valid_admin_token_it_is_refused_like_the_admin_api(
        admin: Admin, token: str | None) -> None:
    sent = admin.relay.key if token == "api_key" else token
    reply = await admin.call("GET", "/metrics", token=sent)
    admin_reply = await admin.call("GET", "/admin/api/users", token=sent)
    assert (reply.status, reply.code) == (admin_reply.status, admin_reply.code) == (
        403, "invalid_admin_token")
    assert "relaydesk_" not in reply.text
    assert [e.detail["path"] for e in denials()][:1] == ["/metrics"]


async def test_wrong_tokens_count_toward_the_admin_ban(admin: Admin) -> None:
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32", f"{OTHER_HOST}/32"])
    await admin.set("ban_threshold", 3)
    for _ in range(3):
        reply = await admin.call("GET", "/metrics", token="rdadm-guess", local=OTHER_HOST)
        assert reply.code == "invalid_admin_token"
    assert IpBan.get(IpBan.ip == OTHER_HOST).reason == "admin_auth"
    reply = await admin.call("GET", "/metrics", local=OTHER_HOST)  # now even a valid token
    assert (reply.status, reply.code) == (403, "ip_banned")


async def test_outside_the_admin_whitelist_even_a_valid_token_is_refused(admin: Admin) -> None:
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32"])
    reply = await admin.call("GET", "/metrics", local=OTHER_HOST)
    assert (reply.status, reply.code) == (403, "ip_not_allowed")
    assert denials()[-1].detail["reason"] == "address"
    assert (await admin.call("GET", "/admin/api/users", local=OTHER_HOST)).status == 403
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32", f"{OTHER_HOST}/32"])
    await scrape(admin, local=OTHER_HOST)


async def test_the_relay_allowlist_does_not_apply_the_admin_whitelist_does(admin: Admin) -> None:
    """Like the admin API: a Prometheus server outside the relay's clients may scrape."""
    settings.set("relay_allowed_cidrs", ["10.0.0.0/8"])
    await admin.refresh()
    await scrape(admin)
    async with admin.relay.client() as client:
        with pytest.raises(openai.PermissionDeniedError):
            await client.models.list()


def test_each_app_counts_alone_and_label_sets_stay_bounded() -> None:
    """Per-app registries (many apps in one test process); a provider's own error codes are
    any strings, so their number and length are capped."""
    key = KeyInfo(key_id=1, user_id=1, username="bob", user_active=True, key_active=True,
                  expires_at=None, allowed_models=None, allowed_cidrs=None)
    one, two = RelayMetrics(), RelayMetrics()
    for i in range(MAX_LABEL_SETS + 50):
        ctx = RequestContext(request_id=f"r{i}", key=key, model="m", stream=False,
                             client_ip=None, user_agent=None)
        ctx.status, ctx.error_code = 400, f"code_{i}"
        one.observe(ctx)
    ctx.error_code = "x" * 500
    one.observe(ctx)
    idle = Gauges(requests_in_flight=0, holds_in_flight=0, streams_open=0, redis_up=None)
    got: Scrape = parse(one.render(idle).decode())
    codes = got.by("relaydesk_request_errors_total", "code")
    assert len(codes) <= MAX_LABEL_SETS + 1 and codes[("other",)] == 51
    assert sum(codes.values()) == MAX_LABEL_SETS + 51
    assert got.value("relaydesk_requests_total", status="400") == MAX_LABEL_SETS + 51
    assert parse(two.render(idle).decode()).by("relaydesk_requests_total", "status") == {}
