"""The API keys page: a key shown once that works with the openai SDK, revocation seen at
once, limits kept within the operator's, and nobody else's keys reachable."""

import asyncio
import html
import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import openai
import pytest

from app import apikeys, clock, pricing, providers, settings
from app.models import ApiKey
from relay.server import RelayServer
from tests.relay.conftest import PRICE, relay_options
from tests.relay.portal.conftest import Browser, HttpsPortal, Portal, make_user, new_browser

KEY = re.compile(r'id="new-key">(sk-rd-[A-Za-z0-9_\-]+)<')


@pytest.fixture
def served(portal: Portal) -> None:
    """One priced model that a provider serves (no call reaches it: /v1/models only)."""
    providers.add_provider("up-1", "openai", models=["m1", "m2"], base_url="http://127.0.0.1:9")
    pricing.set_price("m1", *PRICE)
    pricing.set_price("m2", *PRICE)


def sdk(portal: Portal, key: str) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=f"{portal.base}/v1", api_key=key, max_retries=0,
                              timeout=20.0)


async def create(browser: Browser, **fields: str) -> tuple[int, str]:
    data = {"name": "laptop", "expires": "", "rpm": "", "tpm": "", "concurrency": ""}
    data.update(fields)
    return await browser.post("/portal/keys", data, form_page="/portal/keys")


async def test_a_created_key_is_shown_once_and_works_with_the_sdk(
        portal: Portal, browser: Browser, served: None) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    status, page = await create(browser, name="laptop")
    assert status == 200
    found = KEY.search(page)
    assert found, page
    plaintext = found.group(1)
    # The snippets carry the real key and this relay's base URL.
    assert f'api_key=&#39;{plaintext}&#39;' in page and f"{portal.base}/v1" in page
    async with sdk(portal, plaintext) as client:
        models = await client.models.list()
    assert sorted(m.id for m in models.data) == ["m1", "m2"]
    status, listing = await browser.get("/portal/keys")
    assert status == 200 and "laptop" in listing and plaintext not in listing
    assert "YOUR_API_KEY" in listing and f"{portal.base}/v1" in listing
    assert apikeys.display_prefix(plaintext) in listing


async def test_the_key_page_is_never_stored(portal: Portal, browser: Browser) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    token = await browser.csrf("/portal/keys")
    async with browser.session.post(browser.url("/portal/keys"), allow_redirects=False,
                                    data={"name": "x", "csrf_token": token}) as resp:
        assert resp.status == 200  # the page itself, not a redirect to one
        assert resp.headers["Cache-Control"] == "no-store"
        assert KEY.search(await resp.text())


async def test_a_key_limited_to_one_model_lists_only_it(
        portal: Portal, browser: Browser, served: None) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    _, page = await browser.post("/portal/keys", {"name": "only m2", "models": "m2"},
                                 form_page="/portal/keys")
    plaintext = KEY.search(page).group(1)  # type: ignore[union-attr]
    async with sdk(portal, plaintext) as client:
        models = await client.models.list()
    assert [m.id for m in models.data] == ["m2"]


@pytest.fixture
async def caching_portal(portal: Portal) -> AsyncIterator[Portal]:
    """A second relay on the same database that caches keys for a minute, as a real one
    would for a few seconds: a revocation must reach it through the change event."""
    server = RelayServer("127.0.0.1", 0, options=relay_options(key_ttl=60.0),
                         shutdown_timeout=1.0)
    await server.start()
    try:
        yield Portal(server)
    finally:
        await server.stop()


async def test_a_revoked_key_is_refused_at_once(caching_portal: Portal, served: None) -> None:
    portal = caching_portal
    make_user("ann")
    async with new_browser(portal) as browser:
        await _revoke_through_the_page(portal, browser)


async def _revoke_through_the_page(portal: Portal, browser: Browser) -> None:
    await browser.sign_in("ann")
    _, page = await create(browser)
    plaintext = KEY.search(page).group(1)  # type: ignore[union-attr]
    async with sdk(portal, plaintext) as client:
        await client.models.list()  # cached as valid by the relay
        key = ApiKey.get(ApiKey.name == "laptop")
        status, confirm = await browser.get(f"/portal/keys/{key.id}/revoke")
        assert status == 200 and "cannot be undone" in confirm
        status, page = await browser.post(f"/portal/keys/{key.id}/revoke", {},
                                          form_page=f"/portal/keys/{key.id}/revoke")
        assert status == 200 and "The key is revoked" in page
        with pytest.raises(openai.AuthenticationError):
            await client.models.list()


async def test_another_users_key_is_not_found(portal: Portal, browser: Browser) -> None:
    make_user("ann")
    make_user("ben")
    bens, _ = apikeys.create_key("ben", name="bens")
    await browser.sign_in("ann")
    for path in (f"/portal/keys/{bens.id}/edit", f"/portal/keys/{bens.id}/revoke"):
        status, _ = await browser.get(path)
        assert status == 404, path
        status, _ = await browser.post(path, {"name": "mine now", "rpm": "", "tpm": "",
                                              "concurrency": ""}, form_page="/portal/keys")
        assert status == 404, path
    after = apikeys.get_key(bens.id)
    assert after.status == "active" and after.name == "bens"
    status, _ = await browser.get("/portal/keys/99999999/edit")
    assert status == 404


async def test_limits_stay_within_the_operators(portal: Portal, browser: Browser) -> None:
    settings.set("rate_limit_rpm", 60)
    make_user("ann")
    await browser.sign_in("ann")
    status, page = await create(browser, rpm="61")
    assert status == 400 and "Requests per minute must be from 1 to 60" in page
    status, page = await create(browser, rpm="0")  # unlimited is above 60 too
    assert status == 400 and "Requests per minute must be from 1 to 60" in page
    assert not ApiKey.select().exists()
    status, page = await create(browser, rpm="30", tpm="5000")  # the operator's TPM: unlimited
    assert status == 200 and KEY.search(page)
    key = ApiKey.get()
    assert (key.rpm_limit, key.tpm_limit, key.concurrency_limit) == (30, 5000, None)
    edit = f"/portal/keys/{key.id}/edit"
    status, page = await browser.post(edit, {"name": "laptop", "rpm": "100", "tpm": "",
                                             "concurrency": ""})
    assert status == 400 and "Requests per minute must be from 1 to 60" in page
    assert apikeys.get_key(key.id).rpm_limit == 30


async def test_edit_renames_and_sets_limits(portal: Portal, browser: Browser) -> None:
    ann = make_user("ann")
    key, _ = apikeys.create_own_key(ann.id, name="old", rpm="5")
    await browser.sign_in("ann")
    status, page = await browser.get(f"/portal/keys/{key.id}/edit")
    assert status == 200 and 'value="old"' in page and 'value="5"' in page
    status, page = await browser.post(f"/portal/keys/{key.id}/edit", {
        "name": "new name", "rpm": "", "tpm": "1000", "concurrency": "2"})
    assert status == 200 and "The key is updated" in page and "new name" in page
    after = apikeys.get_key(key.id)
    assert (after.name, after.rpm_limit, after.tpm_limit, after.concurrency_limit) == (
        "new name", None, 1000, 2)


async def test_the_keys_page_shows_only_the_users_own_keys(portal: Portal,
                                                           browser: Browser) -> None:
    make_user("ann")
    make_user("ben")
    apikeys.create_key("ann", name="anns-key")
    apikeys.create_key("ben", name="bens-key")
    await browser.sign_in("ann")
    _, page = await browser.get("/portal/keys")
    assert "anns-key" in page and "bens-key" not in page
    async with new_browser(portal) as stranger:
        _, page = await stranger.get("/portal/keys")
        assert 'action="/portal/signin"' in page and "anns-key" not in page


async def test_under_https_the_page_shows_the_certificates_fingerprint(
        https_portal: HttpsPortal) -> None:
    make_user("ann")
    browser = https_portal.browser
    await browser.sign_in("ann")
    status, page = await browser.get("/portal/keys")
    assert status == 200
    assert f'<code id="fingerprint">{https_portal.plan.fingerprint}</code>' in page
    assert f"https://127.0.0.1:{https_portal.server.port}/v1" in page


async def test_plain_http_shows_no_fingerprint(portal: Portal, browser: Browser) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    _, page = await browser.get("/portal/keys")
    assert 'id="fingerprint"' not in page and f"{portal.base}/v1" in page


async def test_an_expiry_date_is_kept_and_shown(portal: Portal, browser: Browser) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    day = (clock.now() + timedelta(days=30)).date().isoformat()
    status, _ = await create(browser, name="temp", expires=day)
    assert status == 200
    _, page = await browser.get("/portal/keys")
    assert f"<td>{day}</td>" in page
    status, page = await create(browser, name="old", expires="2001-01-01")
    assert status == 400 and "Expiry: that date is in the past" in page


async def test_limits_the_operator_set_are_a_ceiling_the_user_cannot_change(
        portal: Portal, browser: Browser) -> None:
    """The operator's limits on a key show read-only; an edit that clears or raises them (say,
    with a crafted form) is refused and changes nothing, while the name still changes."""
    make_user("ann")
    key, _ = apikeys.create_key("ann", name="metered", rpm=5, concurrency=1)
    await browser.sign_in("ann")
    status, page = await browser.get(f"/portal/keys/{key.id}/edit")
    assert status == 200 and "set by the operator" in page
    assert 'name="rpm"' not in page and 'name="concurrency"' not in page
    edit = f"/portal/keys/{key.id}/edit"
    for limits in ({"rpm": "", "tpm": "", "concurrency": ""}, {"rpm": "500"},
                   {"concurrency": "0"}):
        status, page = await browser.post(edit, {"name": "metered", **limits})
        assert status == 400 and "operator set this key&#39;s limits" in page, limits
    after = apikeys.get_key(key.id)
    assert (after.rpm_limit, after.tpm_limit, after.concurrency_limit) == (5, None, 1)
    # The page's own form (no limit fields) renames it and keeps the limits.
    status, page = await browser.post(edit, {"name": "renamed"})
    assert status == 200 and "The key is updated" in page
    after = apikeys.get_key(key.id)
    assert (after.name, after.rpm_limit, after.concurrency_limit) == ("renamed", 5, 1)
    status, page = await browser.get("/portal/keys")
    assert "set by the operator" in page


async def test_the_curl_snippet_quotes_a_hostile_model_name(
        portal: Portal, browser: Browser, tmp_path: Path) -> None:
    """A priced model name with a quote and a command in it stays one argument when the
    snippet is pasted into a shell: bash runs one curl (a fake that records its arguments)
    and nothing else."""
    hostile = "m1'\";touch${IFS}pwned;'"
    providers.add_provider("up-1", "openai", models=[hostile], base_url="http://127.0.0.1:9")
    pricing.set_price(hostile, *PRICE)
    make_user("ann")
    await browser.sign_in("ann")
    status, page = await create(browser, name="laptop")
    assert status == 200
    found = KEY.search(page)
    assert found
    snippet = re.search(r'id="snippet-curl">(.*?)</pre>', page, re.DOTALL)
    assert snippet, page
    fake = tmp_path / "bin" / "curl"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nprintf \'%s\\0\' "$@" >> "$CALLS"\n')
    fake.chmod(0o755)
    calls = tmp_path / "calls"
    shell = await asyncio.create_subprocess_exec(
        "bash", "-c", html.unescape(snippet.group(1)), cwd=tmp_path,
        env={"PATH": f"{fake.parent}:/usr/bin:/bin", "CALLS": str(calls)})
    assert await shell.wait() == 0
    argv = calls.read_bytes().decode().split("\0")[:-1]
    calls.unlink()  # it holds the key: the end-of-run secret scan must not find it
    assert argv[:5] == [f"{portal.base}/v1/chat/completions",
                        "-H", f"Authorization: Bearer {found.group(1)}",
                        "-H", "Content-Type: application/json"]
    assert argv[5] == "-d" and len(argv) == 7 and json.loads(argv[6])["model"] == hostile
    assert not (tmp_path / "pwned").exists()
