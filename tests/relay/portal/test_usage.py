"""The Usage page: only the user's own requests, filters, Older/Newer paging, totals, the CSV
download and the daily-spend chart."""

import asyncio
import csv
import io
import re
import threading
from datetime import timedelta

import aiohttp
import pytest

from app import apikeys, clock, localdays, usage
from app.models import RequestLog, User
from relay.portal import usage as portal_usage
from relay.portal.common import PORTAL, SESSION_COOKIE
from relay.portal.downloads import Downloads
from tests.relay.portal.conftest import Browser, Portal, make_user, new_browser

ROW = re.compile(r'<tr class="usage-row">')


def log(user: User, *, ago: timedelta = timedelta(minutes=5), model: str = "m1",
        cost: int = 1000, prompt: int = 10, completion: int = 5, **extra: object) -> RequestLog:
    at = clock.now() - ago
    return RequestLog.create(created_at=at, request_id=f"r{at.timestamp()}-{user.id}-{model}",
                             user=user.id, username=user.username, model=model,
                             prompt_tokens=prompt, completion_tokens=completion,
                             cost_micros=cost, **extra)


def rows_in(page: str) -> int:
    return len(ROW.findall(page))


async def test_only_own_requests_with_totals(portal: Portal, browser: Browser) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    key, _ = apikeys.create_key("alice", name="laptop key")
    for minutes in (1, 2, 3):
        log(alice, ago=timedelta(minutes=minutes), cost=250_000, client_ip="10.0.0.7",
            api_key=key.id if minutes == 1 else None)
    log(bob, model="bobs-private-model", cost=9_000_000)
    await browser.sign_in("alice")
    status, page = await browser.get("/portal/usage")
    assert status == 200
    assert rows_in(page) == 3 and "10.0.0.7" in page
    assert page.count("<td>laptop key</td>") == 1
    assert "bobs-private-model" not in page
    assert 'id="usage-requests">3<' in page
    assert 'id="usage-tokens">45<' in page
    assert 'id="usage-cost">0.750000<' in page


async def test_another_users_row_id_in_the_paging_link_shows_nothing_of_theirs(
        portal: Portal, browser: Browser) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    mine = log(alice)
    theirs = log(bob, model="bobs-private-model", ago=timedelta(minutes=1))
    await browser.sign_in("alice")
    for query in (f"before={theirs.id}", f"after={theirs.id}", f"before={mine.id + 100}"):
        status, page = await browser.get(f"/portal/usage?{query}")
        assert status == 200 and "bobs-private-model" not in page
        assert rows_in(page) == 1


async def test_exactly_fifty_rows_fit_one_page(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice")
    for n in range(50):
        log(alice, ago=timedelta(minutes=n + 1))
    await browser.sign_in("alice")
    _, page = await browser.get("/portal/usage")
    assert rows_in(page) == 50
    assert ">Older<" not in page and ">Newer<" not in page


async def test_fifty_one_rows_page_older_and_back_newer(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice")
    oldest = log(alice, ago=timedelta(hours=5), model="the-oldest")
    for n in range(50):
        log(alice, ago=timedelta(minutes=n + 1))
    await browser.sign_in("alice")
    _, page = await browser.get("/portal/usage")
    assert rows_in(page) == 50 and "the-oldest</td>" not in page and ">Newer<" not in page
    older = re.search(r'href="(/portal/usage\?[^"]+)" rel="next">Older<', page)
    assert older
    _, page2 = await browser.get(older.group(1).replace("&amp;", "&"))
    assert rows_in(page2) == 1 and "the-oldest</td>" in page2 and ">Older<" not in page2
    newer = re.search(r'href="(/portal/usage\?[^"]+)" rel="prev">Newer<', page2)
    assert newer and f"after={oldest.id}" in newer.group(1)
    _, page3 = await browser.get(newer.group(1).replace("&amp;", "&"))
    assert rows_in(page3) == 50 and "the-oldest</td>" not in page3 and ">Newer<" not in page3


async def test_filters_by_local_days_and_model(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice")
    today = localdays.local_date(clock.now())
    log(alice, model="today-model", ago=timedelta(0))
    week_ago = localdays.day_start(today - timedelta(days=7)) + timedelta(hours=12)
    RequestLog.create(created_at=week_ago, request_id="old", user=alice.id, model="old-model",
                      cost_micros=5)
    await browser.sign_in("alice")
    day = (today - timedelta(days=7)).isoformat()
    _, page = await browser.get(f"/portal/usage?from={day}&to={day}")
    assert rows_in(page) == 1 and "old-model</td>" in page and "today-model</td>" not in page
    _, page = await browser.get(f"/portal/usage?from={today.isoformat()}")
    assert rows_in(page) == 1 and "today-model</td>" in page
    _, page = await browser.get("/portal/usage?model=old-model")
    assert rows_in(page) == 1 and "old-model</td>" in page
    assert '<option value="old-model" selected>' in page
    assert '<option value="today-model">' in page
    # A date that cannot be read is said so, and the page still answers.
    status, page = await browser.get("/portal/usage?from=2026-13-45")
    assert status == 200 and "could not be read" in page and rows_in(page) == 2
    _, page = await browser.get(f"/portal/usage?from={today.isoformat()}&to={day}")
    assert "before the start date" in page


async def test_csv_download(portal: Portal, browser: Browser) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    key, _ = apikeys.create_key("alice", name="@home")
    log(alice, model="通义千问-max", cost=1_234_567, ago=timedelta(minutes=2), api_key=key.id)
    log(alice, model="=HYPERLINK(\"http://x\")", cost=1, ago=timedelta(minutes=1),
        error_code="-bad", status=502)
    log(bob, model="bobs-private-model")
    await browser.sign_in("alice")
    async with browser.session.get(browser.url("/portal/usage.csv")) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/csv")
        assert resp.headers["Content-Disposition"].startswith("attachment")
        body = (await resp.read()).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:6] == ["time", "model", "prompt_tokens", "cached_tokens",
                           "completion_tokens", "cost"]
    assert len(rows) == 3
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")" and rows[1][7] == "'-bad"
    assert rows[1][6] == "502"
    assert rows[2][1] == "通义千问-max" and rows[2][5] == "1.234567"
    assert rows[2][10] == "'@home" and rows[1][10] == ""
    assert "bobs-private-model" not in body
    # The filter applies to the download too.
    async with browser.session.get(browser.url("/portal/usage.csv?model=nothing")) as resp:
        assert len(list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))) == 1


async def test_csv_streams_past_one_chunk(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice")
    RequestLog.insert_many([
        {"created_at": clock.now() - timedelta(seconds=n), "request_id": f"r{n}",
         "user": alice.id, "model": "m", "cost_micros": 1} for n in range(2_345)]).execute()
    await browser.sign_in("alice")
    async with browser.session.get(browser.url("/portal/usage.csv")) as resp:
        rows = list(csv.reader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert len(rows) == 2_346


async def test_chart_shows_each_days_spend(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice")
    today = localdays.local_date(clock.now())
    noon = localdays.day_start(today) + timedelta(hours=12)
    yesterday = localdays.day_start(today - timedelta(days=1)) + timedelta(hours=12)
    for at, cost, rid in ((min(noon, clock.now()), 1_500_000, "a"),
                          (localdays.day_start(today), 500_000, "b"),
                          (yesterday, 250_000, "c")):
        RequestLog.create(created_at=at, request_id=rid, user=alice.id, model="m",
                          cost_micros=cost)
    await browser.sign_in("alice")
    _, page = await browser.get("/portal/usage")
    assert page.count('class="usage-chart-bar"') == 30
    assert f"<title>{today.isoformat()}: 2.00 (2 requests)</title>" in page
    assert f"<title>{(today - timedelta(days=1)).isoformat()}: 0.25 (1 requests)</title>" in page
    table = page[page.index('class="usage-days"'):]
    assert (f"<tr><td>{today.isoformat()}</td><td class=\"num\">2</td>"
            f"<td class=\"num\">2.00</td></tr>") in table
    assert "2.25 in all" in page and "Highest day: 2.00" in page
    assert 'style="' not in page  # CSP: no inline styles


async def test_html_in_a_model_name_is_escaped(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice")
    log(alice, model="<script>alert(1)</script>")
    await browser.sign_in("alice")
    _, page = await browser.get("/portal/usage")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_signed_out_goes_to_sign_in(portal: Portal, browser: Browser) -> None:
    for path in ("/portal/usage", "/portal/usage.csv"):
        async with browser.session.get(browser.url(path), allow_redirects=False) as resp:
            assert resp.status == 303 and "/portal/signin" in resp.headers["Location"]


async def test_in_chinese(portal: Portal) -> None:
    alice = make_user("alice")
    log(alice, cost=2_000_000)
    async with new_browser(portal, **{"Accept-Language": "zh-CN"}) as b:
        await b.sign_in("alice")
        _, page = await b.get("/portal/usage")
    assert "最近 30 天每日花费" in page and "（1 次请求）</title>" in page
    assert "下载这些记录（CSV）" in page


async def test_a_csv_that_fails_part_way_is_not_a_complete_download(
        portal: Portal, browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    alice = make_user("alice")
    RequestLog.insert_many([
        {"created_at": clock.now() - timedelta(seconds=n), "request_id": f"r{n}",
         "user": alice.id, "model": "m", "cost_micros": 1} for n in range(1_500)]).execute()
    await browser.sign_in("alice")
    real = portal_usage._csv_chunk

    def failing(flt: object, before: int | None) -> object:
        if before is not None:
            raise RuntimeError("database gone")
        return real(flt, before)  # type: ignore[arg-type]

    monkeypatch.setattr(portal_usage, "_csv_chunk", failing)
    with pytest.raises(aiohttp.ClientPayloadError):
        async with browser.session.get(browser.url("/portal/usage.csv")) as resp:
            assert resp.status == 200
            await resp.read()


async def test_paging_ids_that_are_not_plain_decimals_show_the_first_page(
        portal: Portal, browser: Browser) -> None:
    alice = make_user("alice")
    log(alice)
    await browser.sign_in("alice")
    # "²" and "١" are digits to str.isdigit, not to int(): they used to be a 500.
    for query in ("before=%C2%B2", "after=%C2%B2", "before=%D9%A1", "after=+1", "before=1_0"):
        status, page = await browser.get(f"/portal/usage?{query}")
        assert status == 200 and rows_in(page) == 1, query


async def test_a_nul_in_the_query_is_a_400_page(portal: Portal, browser: Browser) -> None:
    alice = make_user("alice")
    log(alice)
    await browser.sign_in("alice")
    for path in ("/portal/usage?model=%00", "/portal/usage.csv?model=m%001",
                 "/portal/usage?from=2026-01-01&to=%00"):
        async with browser.session.get(browser.url(path)) as resp:
            assert resp.status == 400, path
            assert resp.headers["Content-Type"].startswith("text/html")
            assert "characters that are not text" in await resp.text()


async def test_a_csv_with_a_date_it_cannot_read_is_refused_not_everything(
        portal: Portal, browser: Browser) -> None:
    alice = make_user("alice")
    log(alice, model="secretly-everything")
    await browser.sign_in("alice")
    for query in ("from=2026-13-01", "to=yesterday", "from=2026-06-02&to=2026-06-01"):
        async with browser.session.get(browser.url(f"/portal/usage.csv?{query}")) as resp:
            body = await resp.text()
            assert resp.status == 400, query
            assert resp.headers["Content-Type"].startswith("text/html")
            assert "Nothing was downloaded" in body and "secretly-everything" not in body


def _downloads(portal: Portal) -> Downloads:
    assert portal.server.app is not None
    return portal.server.app[PORTAL][portal_usage.DOWNLOADS]


class _Held:
    """``_csv_chunk`` that waits, for one user, until the test lets it go: a download that is
    still running, without sleeping."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, user_id: int) -> None:
        self.entered, self.release = threading.Event(), threading.Event()
        real = portal_usage._csv_chunk

        def chunk(flt: usage.UsageFilter, before: int | None) -> object:
            if flt.user_id == user_id:
                self.entered.set()
                self.release.wait(10)
            return real(flt, before)

        monkeypatch.setattr(portal_usage, "_csv_chunk", chunk)

    async def running(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, 10)


async def test_one_csv_per_user_and_a_few_across_users(
        portal: Portal, browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    alice, bob, _ = make_user("alice"), make_user("bob"), make_user("carol")
    log(alice)
    log(bob, model="bobs-model")
    held = _Held(monkeypatch, alice.id)
    await browser.sign_in("alice")
    first = asyncio.ensure_future(browser.get("/portal/usage.csv"))
    try:
        await held.running()
        async with new_browser(portal) as again:  # the same user from another browser too
            await again.sign_in("alice")
            for who in (browser, again):
                async with who.session.get(who.url("/portal/usage.csv")) as resp:
                    assert resp.status == 429 and resp.headers["Retry-After"]
                    assert "already running" in await resp.text()
        async with new_browser(portal) as other:  # someone else is not held up
            await other.sign_in("bob")
            status, body = await other.get("/portal/usage.csv")
            assert status == 200 and "bobs-model" in body
        _downloads(portal).most = 1
        async with new_browser(portal) as third:
            await third.sign_in("carol")
            async with third.session.get(third.url("/portal/usage.csv")) as resp:
                assert resp.status == 503 and "busy" in await resp.text()
    finally:
        held.release.set()
    status, body = await first
    assert status == 200 and body.count("\n") == 2
    status, _ = await browser.get("/portal/usage.csv")  # the slot was given back
    assert status == 200


async def test_a_client_that_hangs_up_gives_its_csv_slot_back(
        portal: Portal, browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    alice = make_user("alice")
    log(alice)
    held = _Held(monkeypatch, alice.id)
    await browser.sign_in("alice")
    _, writer = await asyncio.open_connection("127.0.0.1", portal.server.port)
    try:
        writer.write(f"GET /portal/usage.csv HTTP/1.1\r\nHost: relay\r\nCookie: "
                     f"{SESSION_COOKIE}={browser.cookie(SESSION_COOKIE)}\r\n\r\n".encode())
        await writer.drain()
        await held.running()
        assert _downloads(portal).running == 1
        writer.close()
        await writer.wait_closed()
        await asyncio.wait_for(_downloads(portal).idle(), 10)
    finally:
        held.release.set()
    status, _ = await browser.get("/portal/usage.csv")
    assert status == 200
