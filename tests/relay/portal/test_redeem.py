"""The Redeem page: a code credits its exact amount once (recharge record, ledger entry, audit
event), wrong, used, expired and disabled codes read alike and count toward an address ban,
concurrent redemptions of one code credit exactly one user (SQLite and PostgreSQL), and the
page after redeeming shows only the user's own order."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from app import accounts, audit, clock, ledger, redemption, settings
from app.models import IpBan, RechargeRecord
from relay.server import RelayServer
from tests.relay.conftest import relay_options
from tests.relay.portal.conftest import Browser, Portal, make_user, new_browser

NOT_VALID = "That code is not valid."


def one_code(amount_micros: int = 5_000_000, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return redemption.generate(1, amount_micros, **kwargs)[0].code


async def redeem(browser: Browser, code: str) -> tuple[int, str]:
    return await browser.post("/portal/redeem", {"code": code})


async def test_a_code_credits_its_exact_amount_once(portal: Portal, browser: Browser) -> None:
    make_user("ann", balance_micros=1_000_000)
    code = one_code(12_345_678)
    await browser.sign_in("ann")
    status, page = await browser.get("/portal/recharges")
    assert 'href="/portal/redeem"' in page
    status, page = await redeem(browser, f" {code} ")
    assert status == 200 and 'id="credited"' in page and "12.345678" in page
    [record] = RechargeRecord.select().where(RechargeRecord.method == "code")
    assert record.order_no in page and record.amount_micros == 12_345_678
    assert accounts.get_user("ann").balance_micros == 13_345_678
    assert ledger.mismatched_users() == []
    assert audit.recent(1, "code.redeem")[0].actor == "ann"
    _, recharges_page = await browser.get("/portal/recharges")
    assert record.order_no in recharges_page and "Redemption code" in recharges_page
    status, page = await redeem(browser, code)  # again: it is used up
    assert status == 400 and NOT_VALID in page and 'id="credited"' not in page
    assert accounts.get_user("ann").balance_micros == 13_345_678


async def test_every_refusal_reads_the_same(portal: Portal, browser: Browser,
                                            fake_clock) -> None:  # type: ignore[no-untyped-def]
    make_user("ann")
    make_user("bob")
    used = one_code()
    redemption.redeem(accounts.get_user("bob").id, used)
    expired = one_code(expires_at=clock.now() + timedelta(hours=1))
    disabled = redemption.generate(1, 1_000_000)[0]
    redemption.disable(disabled.row.id)
    fake_clock.advance(hours=2)
    await browser.sign_in("ann")
    pages = []
    for code in ("rc-nonsense", used, expired, disabled.code, ""):
        status, page = await redeem(browser, code)
        assert status == 400 and NOT_VALID in page
        pages.append(page.replace(code, "") if code else page)
    assert len(set(pages)) == 1  # the answer is the same page whatever the reason
    assert accounts.get_user("ann").balance_micros == 0


async def test_wrong_codes_count_toward_an_address_ban(portal: Portal,
                                                       browser: Browser) -> None:
    settings.set("trusted_proxies", ["127.0.0.0/8"])
    settings.set("ban_threshold", 3)
    await portal.server.state.guard.refresh()
    make_user("ann")
    async with new_browser(portal, **{"X-Forwarded-For": "192.0.2.77"}) as guesser:
        await guesser.sign_in("ann")
        for _ in range(3):
            status, _ = await redeem(guesser, "rc-guess")
        assert status == 400
        status, _ = await guesser.get("/portal/redeem")
        assert status == 403
    assert IpBan.select().where(IpBan.ip == "192.0.2.77").exists()
    assert IpBan.get(IpBan.ip == "192.0.2.77").reason == "redeem"


async def test_the_credited_page_shows_only_the_users_own_order(portal: Portal,
                                                                browser: Browser) -> None:
    make_user("ann")
    make_user("bob")
    record = redemption.redeem(accounts.get_user("bob").id, one_code())
    await browser.sign_in("ann")
    for order in (record.order_no, "RD-made-up", "x\x00y"):
        status, _ = await browser.get("/portal/redeem", params={"order": order})
        assert status == 404, order
    status, page = await browser.get("/portal/redeem")
    assert status == 200 and 'id="credited"' not in page


async def test_signed_out_visitors_are_sent_to_sign_in(portal: Portal,
                                                       browser: Browser) -> None:
    code = one_code()
    _, page = await browser.get("/portal/redeem")
    assert 'action="/portal/signin"' in page
    _, page = await browser.post("/portal/redeem", {"code": code}, form_page="/portal/signin")
    assert 'action="/portal/signin"' in page
    assert RechargeRecord.select().count() == 0


async def test_a_chinese_page(portal: Portal, browser: Browser) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    status, page = await browser.get("/portal/redeem", headers={"Accept-Language": "zh-CN"})
    assert status == 200 and "兑换码" in page


@pytest.fixture
async def any_portal(any_db, cheap_bcrypt) -> AsyncIterator[Portal]:  # type: ignore[no-untyped-def]
    """The portal on SQLite and on a real PostgreSQL."""
    server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
    await server.start()
    try:
        yield Portal(server)
    finally:
        await server.stop()


async def test_users_racing_for_one_code_one_is_credited(any_portal: Portal) -> None:
    names = [f"user{i}" for i in range(6)]
    for name in names:
        make_user(name)
    code = one_code(2_500_000)
    contexts = [new_browser(any_portal) for _ in names]
    browsers = [await c.__aenter__() for c in contexts]
    try:
        for name, b in zip(names, browsers, strict=True):
            await b.sign_in(name)
        tokens = [await b.csrf("/portal/redeem") for b in browsers]
        results = await asyncio.gather(*(
            b.post("/portal/redeem", {"code": code}, csrf=t)
            for b, t in zip(browsers, tokens, strict=True)))
    finally:
        for c in contexts:
            await c.__aexit__(None, None, None)
    assert sorted(status for status, _ in results) == [200] + [400] * 5
    assert sum(NOT_VALID in page for _, page in results) == 5
    assert RechargeRecord.select().count() == 1
    assert sum(accounts.get_user(n).balance_micros for n in names) == 2_500_000
    assert ledger.mismatched_users() == []
