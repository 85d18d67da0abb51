"""The playground: an answer streamed from a provider through the relay's metered path,
billed to the user's own balance and logged like any request."""

import json
from collections.abc import AsyncIterator

import pytest

from app import accounts, apikeys, groups, pricing
from app.models import ApiKey, RequestLog
from tests.helpers.fake_upstream import FakeUpstream
from tests.relay.conftest import PRICE, add_provider
from tests.relay.portal.conftest import Browser, Portal, make_user

CHAT = "/portal/playground/chat"


@pytest.fixture
async def upstream(portal: Portal, monkeypatch: pytest.MonkeyPatch
                   ) -> AsyncIterator[FakeUpstream]:
    """A provider serving m1 and m2 (priced), behind the portal's relay."""
    up = await FakeUpstream(kind="deepseek", api_key="sk-up-deepseek").start()
    add_provider("deepseek-1", up, ["m1", "m2"], monkeypatch)
    pricing.set_price("m1", *PRICE)
    pricing.set_price("m2", *PRICE)
    try:
        yield up
    finally:
        await up.stop()


async def settled(portal: Portal) -> None:
    """Every request finished and its settlement written (no sleeping on a guess)."""
    state = portal.server.state
    while state.in_flight:
        await state.accountant.flush()
    await state.accountant.flush()


async def ask(browser: Browser, csrf: bool = True, **fields: str
              ) -> tuple[int, str, str]:
    """What the page's script sends: the form fields, the token in a header."""
    headers = {"X-CSRF-Token": await browser.csrf("/portal/playground")} if csrf else {}
    async with browser.session.post(browser.url(CHAT), data=fields, headers=headers) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.text()


def streamed_text(body: str) -> str:
    text = ""
    for line in body.splitlines():
        if line.startswith("data: ") and line != "data: [DONE]":
            chunk = json.loads(line[6:])
            assert chunk["object"] == "chat.completion.chunk"
            for choice in chunk["choices"]:
                text += choice["delta"].get("content") or ""
    return text


async def test_an_answer_streams_and_is_billed_and_logged(
        portal: Portal, browser: Browser, upstream: FakeUpstream) -> None:
    ann = make_user("ann", balance_micros=10_000_000)
    await browser.sign_in("ann")
    status, page = await browser.get("/portal/playground")
    assert status == 200 and '<option value="m1" selected>' in page
    status, kind, body = await ask(browser, model="m1", system="Be brief.", message="Hi")
    assert status == 200 and kind.startswith("text/event-stream")
    assert streamed_text(body) == "Hello there!"
    await settled(portal)
    (row,) = RequestLog.select()
    assert row.user_id == ann.id and row.model == "m1" and row.status == 200
    assert row.cost_micros > 0
    assert accounts.get_user("ann").balance_micros == 10_000_000 - row.cost_micros
    # The request the provider got is the form's, system prompt first.
    sent = upstream.requests[-1].json
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    # Billed through the user's own "Playground" key, listed like any other.
    key = ApiKey.get(ApiKey.id == row.api_key_id)
    assert key.name == apikeys.PLAYGROUND_KEY and key.user_id == ann.id
    _, keys_page = await browser.get("/portal/keys")
    assert "Playground" in keys_page


async def test_a_revoked_playground_key_is_replaced(
        portal: Portal, browser: Browser, upstream: FakeUpstream) -> None:
    make_user("ann", balance_micros=10_000_000)
    await browser.sign_in("ann")
    await ask(browser, model="m1", message="Hi")
    first = ApiKey.get(ApiKey.name == apikeys.PLAYGROUND_KEY)
    apikeys.revoke_key(first.id)
    status, _, body = await ask(browser, model="m1", message="Again")
    assert status == 200 and streamed_text(body) == "Hello there!"
    await settled(portal)
    keys = list(ApiKey.select().where(ApiKey.name == apikeys.PLAYGROUND_KEY)
                .order_by(ApiKey.id))
    assert [k.status for k in keys] == ["revoked", "active"]


async def test_without_the_csrf_header_it_is_refused(
        portal: Portal, browser: Browser, upstream: FakeUpstream) -> None:
    make_user("ann", balance_micros=10_000_000)
    await browser.sign_in("ann")
    status, _, _ = await ask(browser, csrf=False, model="m1", message="Hi")
    assert status == 403
    async with browser.session.post(browser.url(CHAT), data={"model": "m1", "message": "Hi"},
                                    headers={"X-CSRF-Token": "forged"}) as resp:
        assert resp.status == 403
    assert upstream.requests == [] and not RequestLog.select().exists()


async def test_a_user_without_balance_is_told(portal: Portal, browser: Browser,
                                              upstream: FakeUpstream) -> None:
    make_user("poor")
    await browser.sign_in("poor")
    status, kind, body = await ask(browser, model="m1", message="Hi")
    assert status == 429 and kind.startswith("application/json")
    error = json.loads(body)["error"]
    assert error["code"] == "insufficient_quota"
    assert "balance is too low" in error["message"]
    assert upstream.requests == []


async def test_a_model_outside_the_users_group_is_refused(
        portal: Portal, browser: Browser, upstream: FakeUpstream) -> None:
    groups.add_group("small", models=["m1"])
    make_user("ann", balance_micros=10_000_000)
    groups.assign_user("ann", "small")
    await browser.sign_in("ann")
    _, page = await browser.get("/portal/playground")
    assert '<option value="m2"' not in page
    status, _, body = await ask(browser, model="m2", message="Hi")
    assert status == 403 and json.loads(body)["error"]["code"] == "model_not_allowed"
    assert upstream.requests == []
    await settled(portal)
    assert accounts.get_user("ann").balance_micros == 10_000_000


async def test_without_script_the_page_shows_the_whole_answer(
        portal: Portal, browser: Browser, upstream: FakeUpstream) -> None:
    make_user("ann", balance_micros=10_000_000)
    await browser.sign_in("ann")
    status, page = await browser.post("/portal/playground", {"model": "m1", "message": "Hi",
                                                             "system": ""})
    assert status == 200 and "Hello there!" in page
    assert upstream.requests[-1].json["stream"] is False
    await settled(portal)
    (row,) = RequestLog.select()
    assert accounts.get_user("ann").balance_micros == 10_000_000 - row.cost_micros


async def test_without_script_a_refusal_shows_on_the_page(
        portal: Portal, browser: Browser, upstream: FakeUpstream) -> None:
    make_user("poor")
    await browser.sign_in("poor")
    status, page = await browser.post("/portal/playground", {"model": "m1", "message": "Hi"},
                                      headers={"Accept-Language": "zh-CN"})
    assert status == 429 and "你的余额不足以支付此请求" in page
    assert upstream.requests == []


async def test_the_stream_carries_the_portal_security_headers(
        portal: Portal, browser: Browser, upstream: FakeUpstream) -> None:
    make_user("sec", balance_micros=10_000_000)
    await browser.sign_in("sec")
    headers = {"X-CSRF-Token": await browser.csrf("/portal/playground")}
    async with browser.session.post(browser.url(CHAT), data={"model": "m1", "message": "Hi"},
                                    headers=headers) as resp:
        assert resp.status == 200 and resp.content_type == "text/event-stream"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
        assert "Access-Control-Allow-Origin" not in resp.headers
        await resp.read()
    await settled(portal)


async def test_the_playground_key_keeps_the_addresses_the_operator_allowed(
        portal: Portal, browser: Browser, upstream: FakeUpstream) -> None:
    """As the API refuses a key used from outside its allowed networks, so does the page:
    the test client comes from 127.0.0.1, outside 10.0.0.0/8."""
    make_user("ann", balance_micros=10_000_000)
    await browser.sign_in("ann")
    key = apikeys.playground_key(accounts.get_user("ann").id)
    apikeys.update_key(key, cidrs=["10.0.0.0/8"])
    status, _, body = await ask(browser, model="m1", message="Hi")
    assert status == 403 and json.loads(body)["error"]["code"] == "ip_not_allowed"
    status, page = await browser.post("/portal/playground", {"model": "m1", "message": "Hi"})
    assert status == 403 and "may not be used from your network address" in page
    assert upstream.requests == []
    # Allowed from here, it answers.
    apikeys.update_key(key, cidrs=["127.0.0.0/8"])
    status, _, body = await ask(browser, model="m1", message="Hi")
    assert status == 200 and streamed_text(body) == "Hello there!"
