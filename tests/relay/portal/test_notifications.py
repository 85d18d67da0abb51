"""The Notifications page (opt-outs, own low-balance threshold), the unsubscribe link that
works without signing in, and the security alert a sign-in from a new browser queues."""

import re

from app import accounts, notify, recharges
from app.models import MailMessage
from tests.relay.portal.conftest import Browser, Portal, make_user, new_browser

UNSUBSCRIBE = re.compile(r"/portal/unsubscribe/[A-Za-z0-9_-]+\?kind=\w+")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
              " Chrome/126.0.0.0 Safari/537.36")


def kinds(kind: str) -> list[MailMessage]:
    return list(MailMessage.select().where(MailMessage.kind == kind).order_by(MailMessage.id))


async def test_page_saves_opt_outs_and_threshold(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice", email="alice@example.com")
    await browser.sign_in("alice")
    status, page = await browser.get("/portal/notifications")
    assert status == 200 and "alice@example.com" in page
    assert page.count('type="checkbox" name="receive"') == 3 and page.count("checked") == 3
    status, page = await browser.post("/portal/notifications",
                                      {"receive": "announcement", "threshold": "2.5"})
    assert status == 200 and 'id="notifications-saved"' in page
    assert notify.preferences(alice.id) == (["low_balance", "receipt"], 2_500_000)
    assert 'value="2.50"' in page
    status, page = await browser.post("/portal/notifications", {"threshold": "-1"})
    assert status == 400
    assert notify.preferences(alice.id) == (["low_balance", "receipt"], 2_500_000)
    status, page = await browser.post("/portal/notifications",
                                      {"receive": "receipt", "threshold": ""})
    assert notify.preferences(alice.id) == (["low_balance", "announcement"], None)
    recharges.recharge("alice", 1_000_000)
    assert len(kinds("receipt")) == 1


async def test_notifications_page_needs_sign_in(portal: Portal, browser: Browser) -> None:
    status, _ = await browser.get("/portal/notifications", allow_redirects=False)
    assert status == 303
    status, _ = await browser.post("/portal/notifications", {"threshold": "1"},
                                   form_page="/portal/signin", allow_redirects=False)
    assert status == 303


async def test_unsubscribe_link_works_without_sign_in(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice", email="alice@example.com", balance_micros=1_000_000)
    [receipt] = kinds("receipt")
    found = UNSUBSCRIBE.search(receipt.text_body)
    assert found and found.group(0) in (receipt.html_body or "")
    link = found.group(0)
    status, page = await browser.get(link)  # one click shows what it will do; nothing yet
    assert status == 200 and "alice" in page
    assert notify.preferences(alice.id)[0] == []
    status, page = await browser.post(link.split("?")[0], {"kind": "receipt"}, form_page=link)
    assert status == 200 and 'id="unsubscribed"' in page
    assert notify.preferences(alice.id)[0] == ["receipt"]
    recharges.recharge("alice", 1_000_000)
    assert len(kinds("receipt")) == 1  # no second receipt
    status, _ = await browser.get("/portal/unsubscribe/not-a-token")
    assert status == 404
    status, _ = await browser.post("/portal/unsubscribe/not-a-token", {},
                                   form_page="/portal/signin")
    assert status == 404


async def test_new_browser_sign_in_queues_an_alert(portal: Portal) -> None:
    make_user("alice", email="alice@example.com")
    async with new_browser(portal, **{"User-Agent": FIREFOX}) as first:
        await first.sign_in("alice")
    async with new_browser(portal, **{"User-Agent": FIREFOX}) as again:
        await again.sign_in("alice")
    assert kinds("security") == []  # the first sign-in, then the same browser and address
    async with new_browser(portal, **{"User-Agent": CHROME_WIN}) as other:
        await other.get("/portal/lang/zh_CN")
        await other.sign_in("alice")
    [alert] = kinds("security")
    assert alert.to_addr == "alice@example.com" and alert.lang == "zh_CN"
    assert "Chrome" in alert.text_body and "Windows" in alert.text_body
    assert accounts.get_user("alice").lang == "zh_CN"
