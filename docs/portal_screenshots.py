"""A full-page PNG of every user-portal page, in English and Simplified Chinese, with demo
data, taken in Debian's headless Chromium; and the home page at phone width.

    python -m docs.portal_screenshots                 # into docs/screenshots/portal-*.png
    python -m docs.portal_screenshots --out /tmp/shots

The relay runs in this process on a free port over a temporary data folder; a fake provider
answers the playground, so its screenshot shows a real streamed answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
USERNAME, PASSWORD = "zhang.wei", "demo portal passphrase"
MODELS = {"deepseek-chat": ("2", "8", "0.5"), "glm-4-flash": ("0.1", "0.1", None),
          "qwen-plus": ("0.8", "2", "0.2")}
WIDE, PHONE = 1280, 390
LOCALES = {"en": "en-US", "zh_CN": "zh-CN"}  # the browser's own widgets (date fields) follow it
# The sign-in history shows the browser's name: an ordinary desktop Chrome, not "HeadlessChrome".
USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/142.0.0.0 Safari/537.36")


@dataclass
class Demo:
    key_id: int


def populate(upstream_url: str) -> Demo:
    """A portal user with a balance, keys, 30 days of requests, recharges and a refund, an
    announcement, and another user whose data must not appear."""
    from app import (
        accounts,
        announcements,
        apikeys,
        clock,
        keystore,
        passwords,
        policy,
        pricing,
        privacy,
        providers,
        recharges,
        requestlog,
        settings,
    )
    from app.models import User

    rng = random.Random(16)
    settings.set("registration_mode", "open")
    for model, (inp, out, cached) in MODELS.items():
        pricing.set_price(model, inp, out, cached)
    providers.add_provider("deepseek", "openai", models=list(MODELS), base_url=upstream_url)
    os.environ[keystore.env_var_name("deepseek")] = "sk-demo-upstream"
    version = policy.current().version
    users = {}
    for name, email, phone in ((USERNAME, "zhang.wei@lab.example.cn", "138 0013 8000"),
                               ("li.na", "li.na@lab.example.cn", None)):
        users[name] = accounts.add_user(name, email, phone=phone)
        User.update(password_hash=passwords.hash_password(PASSWORD)).where(
            User.username == name).execute()
        privacy.record_consent(name, version)
    first = recharges.recharge(USERNAME, 100_000_000, method="manual", note="月度充值")
    recharges.recharge(USERNAME, 50_000_000, method="bank")
    recharges.refund(first.order_no, 5_000_000, note="partial refund")
    recharges.recharge("li.na", 20_000_000)
    laptop, _ = apikeys.create_key(USERNAME, name="laptop")
    apikeys.create_key(USERNAME, name="cherry-studio", models=["deepseek-chat"])
    old, _ = apikeys.create_key(USERNAME, name="old-notebook")
    apikeys.revoke_key(old.id, actor=USERNAME)
    now = clock.now()
    rows: list[dict[str, Any]] = []
    for i in range(400):
        model = rng.choices(list(MODELS), weights=[5, 3, 2])[0]
        prompt, completion = rng.randint(50, 3000), rng.randint(20, 1500)
        failed = rng.random() < 0.04
        rows.append({
            "created_at": now - timedelta(days=rng.random() * 30), "request_id": f"req_p{i:05d}",
            "user": users[USERNAME].id, "api_key": laptop.id, "username": USERNAME,
            "model": model, "upstream_model": model, "provider": "deepseek",
            "stream": rng.random() < 0.7, "prompt_tokens": 0 if failed else prompt,
            "completion_tokens": 0 if failed else completion,
            "cost_micros": 0 if failed else prompt * 2 + completion * 8,
            "status": 503 if failed else 200,
            "error_code": "upstream_unavailable" if failed else None,
            "duration_ms": rng.randint(400, 9000), "ttfb_ms": rng.randint(150, 900),
            "client_ip": f"192.168.1.{rng.randint(10, 60)}", "user_agent": "OpenAI/Python 1.x"})
    rows.sort(key=lambda r: r["created_at"])
    requestlog.insert_many(rows)
    announcements.post("Maintenance on Sunday", "The relay restarts at 02:00 for an update; "
                       "requests during the minute it takes are refused.")
    return Demo(key_id=laptop.id)


async def shoot(out: Path) -> list[Path]:
    from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

    from app import policy
    from relay.portal.common import LANG_COOKIE
    from relay.server import RelayServer
    from tests.helpers.browser import launch
    from tests.helpers.fake_scenario import Scenario
    from tests.helpers.fake_upstream import FakeUpstream

    upstream = await FakeUpstream(kind="openai", api_key="sk-demo-upstream",
                                  models=list(MODELS)).start()
    upstream.scenario = Scenario(content=[
        "A relay ", "forwards ", "each request ", "to a provider ", "and bills ",
        "your balance ", "for the tokens used."])
    demo = populate(upstream.base_url)
    server = RelayServer("127.0.0.1", 0, shutdown_timeout=1.0)
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    written: list[Path] = []

    async def new_context(browser: Browser, lang: str) -> BrowserContext:
        context = await browser.new_context(viewport={"width": WIDE, "height": 800},
                                            locale=LOCALES[lang], user_agent=USER_AGENT)
        await context.add_cookies([{"name": LANG_COOKIE, "value": lang,
                                    "domain": "127.0.0.1", "path": "/portal/"}])
        return context

    async def sign_in(page: Page, username: str) -> None:
        await page.goto(f"{base}/portal/signin")
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", PASSWORD)
        await page.click("form[action='/portal/signin'] button[type=submit]")
        await page.wait_for_load_state("networkidle")

    async def save(page: Page, name: str, lang: str) -> None:
        await page.wait_for_load_state("networkidle")
        path = out / f"portal-{name}-{lang}.png"
        await page.screenshot(path=str(path), full_page=True)
        written.append(path)

    try:
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            for lang in ("en", "zh_CN"):
                context = await new_context(browser, lang)
                page = await context.new_page()
                for name, path in (("signin", "/portal/signin"),
                                   ("register", "/portal/register"),
                                   ("forgot", "/portal/forgot"),
                                   ("policy", "/portal/policy")):
                    await page.goto(base + path)
                    await save(page, name, lang)
                await sign_in(page, USERNAME)
                for name, path in (("home", "/portal/"), ("keys", "/portal/keys"),
                                   ("key-edit", f"/portal/keys/{demo.key_id}/edit"),
                                   ("key-revoke", f"/portal/keys/{demo.key_id}/revoke"),
                                   ("models", "/portal/models"), ("usage", "/portal/usage"),
                                   ("recharges", "/portal/recharges"),
                                   ("topup", "/portal/topup"), ("redeem", "/portal/redeem"),
                                   ("notifications", "/portal/notifications"),
                                   ("profile", "/portal/profile"),
                                   ("privacy", "/portal/privacy"),
                                   ("not-found", "/portal/keys/999999/edit")):
                    await page.goto(base + path)
                    await save(page, name, lang)
                await page.goto(f"{base}/portal/keys")
                await page.fill("form[action='/portal/keys'] input[name=name]", "new-tablet")
                await page.click("form[action='/portal/keys'] button[type=submit]")
                await page.wait_for_selector("#new-key")
                await save(page, "key-created", lang)
                await page.goto(f"{base}/portal/playground")
                await page.fill("textarea[name=message]", "What does a relay do?")
                await page.click("#playground-send")
                # a locator assertion, not wait_for_function: the page's CSP forbids eval
                await expect(page.locator("#playground-answer")).to_have_text(
                    re.compile(r"\.$"), timeout=30_000)
                await save(page, "playground", lang)
                await page.set_viewport_size({"width": PHONE, "height": 844})
                await page.goto(f"{base}/portal/")
                await save(page, "home-phone", lang)
                await context.close()
            # Last, as it asks everyone again: a major policy version and its consent page.
            policy.publish("2099-01-01", major=True)
            for lang in ("en", "zh_CN"):
                context = await new_context(browser, lang)
                page = await context.new_page()
                await sign_in(page, "li.na")
                await save(page, "consent", lang)
                await context.close()
            await browser.close()
    finally:
        await server.stop()
        await upstream.stop()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    from app import runtime
    from tests.helpers.browser import chromium_missing

    missing = chromium_missing()
    if missing:
        print(missing, file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RELAYDESK_HOME"] = tmp
        runtime.start(tmp)
        for path in asyncio.run(shoot(args.out)):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
