"""The Usage page and its CSV show which API each request called (Claude Code's
/v1/messages, Codex's /v1/responses...), in English and Chinese; older rows show none."""

import csv
import io
from datetime import timedelta

from tests.relay.portal.conftest import Browser, Portal, make_user, new_browser
from tests.relay.portal.test_usage import log

ROUTES = {3: "/v1/chat/completions", 2: "/v1/messages", 1: "/v1/responses"}  # minutes ago


async def test_the_usage_page_and_csv_show_each_request_s_route(
        portal: Portal, browser: Browser) -> None:
    ann = make_user("ann")
    for minutes, route in ROUTES.items():
        log(ann, ago=timedelta(minutes=minutes), endpoint=route)
    log(ann, ago=timedelta(minutes=4))  # logged before routes were recorded
    await browser.sign_in("ann")
    status, page = await browser.get("/portal/usage")
    assert status == 200 and "<th>Route</th>" in page
    shown = [cell.split("</td>")[0] for cell in page.split('<td class="usage-route">')[1:]]
    assert shown == ["/v1/responses", "/v1/messages", "/v1/chat/completions", ""]
    async with browser.session.get(browser.url("/portal/usage.csv")) as resp:
        assert resp.status == 200
        rows = list(csv.DictReader(io.StringIO((await resp.read()).decode("utf-8-sig"))))
    assert [r["endpoint"] for r in rows] == shown


async def test_the_route_column_is_translated(portal: Portal) -> None:
    ann = make_user("ann")
    log(ann, endpoint="/v1/messages")
    async with new_browser(portal, **{"Accept-Language": "zh-CN"}) as chinese:
        await chinese.sign_in("ann")
        status, page = await chinese.get("/portal/usage")
    assert status == 200 and "<th>接口</th>" in page
    assert '<td class="usage-route">/v1/messages</td>' in page
