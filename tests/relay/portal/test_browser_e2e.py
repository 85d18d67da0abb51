"""The portal in a real headless Chromium: a user's whole journey from registration to an
approved deletion, the language switch, and the core flows with JavaScript turned off.

The relay, the fake provider and the browser share this module's event loop, so the test can
hold the provider's stream half-way and watch the playground show the first words.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import openai
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, expect

from app import (
    accounts,
    apikeys,
    deletion_requests,
    policy,
    pricing,
    recharges,
    requestlog,
    settings,
)
from relay.server import RelayServer
from tests.helpers.browser import chromium  # noqa: F401 - the module's browser fixture
from tests.helpers.fake_scenario import Scenario
from tests.helpers.fake_upstream import FakeUpstream
from tests.relay.conftest import add_provider, relay_options
from tests.relay.portal.conftest import PASSWORD, make_user

pytestmark = pytest.mark.asyncio(loop_scope="module")

MODEL = "m1"
TIMEOUT_MS = 15_000  # generous for a loaded CI machine; a passing step takes milliseconds


@dataclass
class Site:
    server: RelayServer
    upstream: FakeUpstream

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    async def settle(self) -> None:
        """Every request finished and its log row written (bounded wait on a condition)."""
        state = self.server.state
        async with asyncio.timeout(30):
            while state.in_flight:
                await asyncio.sleep(0.005)
        await state.accountant.flush()


@pytest_asyncio.fixture(loop_scope="module")
async def site(sqlite_db, cheap_bcrypt,  # type: ignore[no-untyped-def]
               monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Site]:
    """A relay with open registration and one priced model on a fake OpenAI-style provider."""
    settings.set("registration_mode", "open")
    pricing.set_price(MODEL, "2", "8", "0.5")
    upstream = await FakeUpstream(kind="openai", api_key="sk-up-openai").start()
    add_provider("openai-1", upstream, [MODEL], monkeypatch)
    server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
    await server.start()
    try:
        yield Site(server, upstream)
    finally:
        await server.stop()
        await upstream.stop()


@pytest_asyncio.fixture(loop_scope="module")
async def context(chromium: Browser) -> AsyncIterator[BrowserContext]:  # noqa: F811
    ctx = await chromium.new_context()
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        await ctx.close()


async def register(page: Page, site: Site, username: str) -> None:
    await page.goto(f"{site.base}/portal/register")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=email]", f"{username}@example.com")
    await page.fill("input[name=password]", PASSWORD)
    await page.check("input[name=accept]")
    await page.click("button[type=submit].primary")
    await expect(page.locator(".notice")).to_contain_text("Your account is ready")


async def sign_in(page: Page, site: Site, username: str) -> None:
    if "/portal/signin" not in page.url:
        await page.goto(f"{site.base}/portal/signin")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("form[action='/portal/signin'] button[type=submit]")


async def create_key(page: Page, site: Site, name: str) -> str:
    await page.goto(f"{site.base}/portal/keys")
    await page.fill("form[action='/portal/keys'] input[name=name]", name)
    await page.click("form[action='/portal/keys'] button[type=submit]")
    key = (await page.locator("#new-key").inner_text()).strip()
    assert key.startswith("sk-"), key
    return key


async def test_a_users_whole_journey(site: Site, context: BrowserContext) -> None:
    # Another user's request, which must never show up in this user's pages or export.
    other = make_user("zoe", balance_micros=1_000_000)
    requestlog.insert_many([{"request_id": "req-of-zoe-only", "user": other.id,
                             "username": "zoe", "model": MODEL, "created_at": datetime.now()}])
    page = await context.new_page()

    await register(page, site, "eve")
    assert accounts.get_user("eve").consent_version == policy.current().version
    await sign_in(page, site, "eve")
    await expect(page.locator("h1")).to_contain_text("Hello, eve")

    # The operator tops the balance up, as the desktop's Recharge dialog does.
    recharges.recharge("eve", 10_000_000)
    key = await create_key(page, site, "laptop")

    # The key works with the official SDK.
    client = openai.AsyncOpenAI(base_url=f"{site.base}/v1", api_key=key, max_retries=0,
                                timeout=20.0)
    raw = await client.chat.completions.with_raw_response.create(
        model=MODEL, messages=[{"role": "user", "content": "Hi"}])
    request_id = raw.headers["x-request-id"]
    assert raw.parse().choices[0].message.content == "Hello there!"
    await client.close()
    await site.settle()

    await page.goto(f"{site.base}/portal/usage")
    rows = page.locator("table tbody tr", has_text="laptop")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(MODEL)
    assert "zoe" not in await page.content()

    # The playground streams: hold the provider before its last word and see the first ones.
    gate = asyncio.Event()
    site.upstream.scenario = Scenario(content=["Streaming", " works", "!"],
                                      pause_before_event={3: gate})
    await page.goto(f"{site.base}/portal/playground")
    await page.select_option("select[name=model]", MODEL)
    await page.fill("textarea[name=message]", "Say something")
    async with page.expect_response("**/portal/playground/chat") as streamed:
        await page.click("#playground-send")
    answer = page.locator("#playground-answer")
    await expect(answer).to_have_text("Streaming works")
    headers = await (await streamed.value).all_headers()
    assert headers["content-type"].startswith("text/event-stream")
    assert "access-control-allow-origin" not in headers  # for this page's script only
    gate.set()
    await expect(answer).to_have_text("Streaming works!")
    await expect(page.locator("#playground-error")).to_be_hidden()
    site.upstream.scenario = Scenario()
    await site.settle()

    # Export my data: the file holds this user's request and nothing of zoe's.
    await page.goto(f"{site.base}/portal/privacy")
    await page.select_option("form[action='/portal/privacy/export'] select[name=format]",
                             "json")
    async with page.expect_download() as info:
        await page.click("form[action='/portal/privacy/export'] button[type=submit]")
    download = await info.value
    path = await download.path()
    text = path.read_text(encoding="utf-8")
    exported = json.loads(text)
    assert request_id in text and "eve@example.com" in text
    assert "req-of-zoe-only" not in text and "zoe@example.com" not in text
    assert exported  # parsed as JSON, not an error page

    # Request deletion (behind the current password); the operator approves it.
    await page.fill("form[action='/portal/privacy/delete'] input[name=password]", PASSWORD)
    await page.click("form[action='/portal/privacy/delete'] button[type=submit]")
    await expect(page.locator(".notice")).to_contain_text("deletion request")
    (pending,) = [r for r in deletion_requests.list_requests() if r.user.username == "eve"]
    deletion_requests.approve(pending.id, actor="operator")

    # Signed out everywhere, and the account no longer signs in.
    await page.goto(f"{site.base}/portal/")
    await expect(page.locator("form[action='/portal/signin']")).to_be_visible()
    await sign_in(page, site, "eve")
    await expect(page.locator(".error")).to_contain_text("Wrong username or password")
    assert not accounts.list_users(search="eve")


async def test_the_language_switch_shows_chinese(site: Site, context: BrowserContext) -> None:
    page = await context.new_page()
    await page.goto(f"{site.base}/portal/signin")
    assert await page.get_attribute("html", "lang") == "en"
    await page.click("a.lang[hreflang=zh-CN]")
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator("h1")).to_have_text("登录")
    assert "/portal/signin" in page.url
    make_user("lin")
    await sign_in(page, site, "lin")
    await expect(page.locator("h1")).to_contain_text("你好，lin")
    await page.click("a.lang[hreflang=en]")
    await expect(page.locator("h1")).to_contain_text("Hello, lin")


async def test_core_flows_work_without_javascript(site: Site, chromium: Browser  # noqa: F811
                                                  ) -> None:
    ctx = await chromium.new_context(java_script_enabled=False)
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        page = await ctx.new_page()
        await register(page, site, "noscript")
        await sign_in(page, site, "noscript")
        await expect(page.locator("h1")).to_contain_text("Hello, noscript")
        key = await create_key(page, site, "plain")
        found = apikeys.lookup(key)
        assert found is not None and found.username == "noscript"
        # Without script the playground form posts and the page shows the whole answer.
        recharges.recharge("noscript", 1_000_000)
        await page.goto(f"{site.base}/portal/playground")
        await page.fill("textarea[name=message]", "Hi")
        await page.click("#playground-send")
        await expect(page.locator("#playground-answer")).to_have_text("Hello there!")
        await site.settle()
    finally:
        await ctx.close()

