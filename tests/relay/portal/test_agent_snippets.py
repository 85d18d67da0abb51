"""The keys pages hand out Claude Code and Codex CLI settings that work as pasted, with copy
buttons, in English and Chinese, and over HTTPS say how to trust the relay's certificate."""

import html
import re
import tomllib
from pathlib import Path

import pytest

from app import pricing, providers, snippets
from tests.helpers.pasted import run_pasted
from tests.relay.conftest import PRICE
from tests.relay.portal.conftest import Browser, HttpsPortal, Portal, make_user, new_browser
from tests.relay.portal.test_keys import KEY, create

SNIPPET_IDS = ("snippet-claude-code", "snippet-codex-config", "snippet-codex-env")


@pytest.fixture
def served(portal: Portal) -> None:
    providers.add_provider("up-1", "openai", models=["m1", "m2"], base_url="http://127.0.0.1:9")
    pricing.set_price("m1", *PRICE)
    pricing.set_price("m2", *PRICE)


def snippet(page: str, element_id: str) -> str:
    found = re.search(rf'<pre id="{element_id}">(.*?)</pre>', page, re.DOTALL)
    assert found, page
    return html.unescape(found.group(1))


def ran_anything(folder: Path) -> list[Path]:
    """The files a command hidden in a model name would have made."""
    return list(folder.glob("pwned*"))


async def test_a_new_key_s_agent_settings_reach_this_relay_with_its_model(
        portal: Portal, browser: Browser, served: None, tmp_path: Path) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    status, page = await create(browser, name="agents", models="m2")
    assert status == 200
    found = KEY.search(page)
    assert found
    key = found.group(1)
    claude = run_pasted(tmp_path, snippet(page, "snippet-claude-code"), "claude",
                        ("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_MODEL",
                         "NODE_EXTRA_CA_CERTS"))
    assert claude == {"ANTHROPIC_BASE_URL": portal.base, "ANTHROPIC_AUTH_TOKEN": key,
                      "ANTHROPIC_MODEL": "m2", "NODE_EXTRA_CA_CERTS": None}
    config = tomllib.loads(snippet(page, "snippet-codex-config"))
    assert config["model"] == "m2" and config["model_provider"] == "relaydesk"
    assert config["model_providers"]["relaydesk"]["base_url"] == f"{portal.base}/v1"
    assert config["model_providers"]["relaydesk"]["wire_api"] == "responses"
    codex = run_pasted(tmp_path, snippet(page, "snippet-codex-env"), "codex",
                       ("RELAYDESK_API_KEY", "SSL_CERT_FILE"))
    assert codex == {"RELAYDESK_API_KEY": key, "SSL_CERT_FILE": None}
    for element_id in SNIPPET_IDS:
        assert f'data-copy="{element_id}"' in page
    assert "Claude Code" in page and "Codex CLI" in page
    assert "Put this in ~/.codex/config.toml:" in page


async def test_the_keys_page_shows_them_with_the_placeholder_key_in_chinese(
        portal: Portal, served: None) -> None:
    make_user("ann")
    async with new_browser(portal, **{"Accept-Language": "zh-CN"}) as chinese:
        await chinese.sign_in("ann")
        status, page = await chinese.get("/portal/keys")
    assert status == 200 and 'lang="zh-CN"' in page
    assert "把以下内容写入 ~/.codex/config.toml：" in page
    assert "然后把密钥交给 Codex 并启动它：" in page
    assert "export ANTHROPIC_AUTH_TOKEN=YOUR_API_KEY" in snippet(page, "snippet-claude-code")
    assert "export RELAYDESK_API_KEY=YOUR_API_KEY" in snippet(page, "snippet-codex-env")
    assert "NODE_EXTRA_CA_CERTS" not in page  # plain HTTP: no certificate to trust
    for element_id in SNIPPET_IDS:
        assert f'data-copy="{element_id}"' in page


async def test_with_no_model_to_offer_the_agents_keep_their_own_default(
        portal: Portal, browser: Browser) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    _, page = await browser.get("/portal/keys")
    assert "ANTHROPIC_MODEL" not in snippet(page, "snippet-claude-code")
    assert "model" not in tomllib.loads(snippet(page, "snippet-codex-config"))


async def test_under_https_the_agents_trust_the_relay_s_certificate(
        https_portal: HttpsPortal) -> None:
    make_user("ann")
    server, browser = https_portal.server, https_portal.browser
    await browser.sign_in("ann")
    status, page = await browser.get("/portal/keys")
    assert status == 200
    placeholder = snippets.CERT_PLACEHOLDER
    claude = snippet(page, "snippet-claude-code")
    assert f"export ANTHROPIC_BASE_URL=https://127.0.0.1:{server.port}\n" in claude
    assert f"export NODE_EXTRA_CA_CERTS={placeholder}" in claude
    codex = snippet(page, "snippet-codex-env")
    assert f"export CODEX_CA_CERTIFICATE={placeholder}" in codex
    assert f"export SSL_CERT_FILE={placeholder}" in codex
    assert "check that its fingerprint matches the one above" in page
    assert placeholder in page.split("check that its fingerprint")[1][:200]


async def test_a_hostile_model_name_stays_one_value_in_both_agents(
        portal: Portal, browser: Browser, tmp_path: Path) -> None:
    """A priced model name with quotes and commands in it reaches Claude Code and the Codex
    config as itself, through the page's HTML, and runs nothing."""
    hostile = "m1'\";touch${IFS}pwned;'$(touch${IFS}pwned2)`id`\\"
    providers.add_provider("up-1", "openai", models=[hostile], base_url="http://127.0.0.1:9")
    pricing.set_price(hostile, *PRICE)
    make_user("ann")
    await browser.sign_in("ann")
    status, page = await create(browser, name="agents")
    assert status == 200
    claude = run_pasted(tmp_path, snippet(page, "snippet-claude-code"), "claude",
                        ("ANTHROPIC_MODEL",))
    assert claude == {"ANTHROPIC_MODEL": hostile}
    assert tomllib.loads(snippet(page, "snippet-codex-config"))["model"] == hostile
    assert not ran_anything(tmp_path)
