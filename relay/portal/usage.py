"""The Usage page: the signed-in user's own request log, filtered by local days and model,
paged Older/Newer, with its totals, a CSV download and a chart of daily spend."""

import csv
import io
import logging
import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from app import usage
from app.money import format_amount
from relay.portal.common import (
    SECURITY_HEADERS,
    BadForm,
    Visitor,
    error_page,
    render,
    run_report,
    signed_in,
    signed_in_user,
    visitor,
)
from relay.portal.downloads import Downloads, Refused, refusal_page

log = logging.getLogger(__name__)

CSV_CHUNK = 1000
CSV_AT_ONCE = 4  # usage CSVs across all users
DOWNLOADS = web.AppKey("relaydesk_usage_downloads", Downloads)
_DECIMAL = re.compile(r"[0-9]{1,18}")  # ASCII only: str.isdigit takes "²", which int() refuses
CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 600, 160, 8


def _day(value: str | None) -> date | None:
    """A ``<input type="date">`` value; ValueError for anything else."""
    if not value:
        return None
    if len(value) != 10:  # fromisoformat also takes "20260601" and week dates
        raise ValueError(value[:20])
    return date.fromisoformat(value)


def _int(value: str | None) -> int | None:
    return int(value) if value and _DECIMAL.fullmatch(value) else None


UNREADABLE, REVERSED = "unreadable", "reversed"


def read_filter(request: web.Request, user_id: int) -> tuple[usage.UsageFilter, str | None]:
    """The filter in the query string, and what was wrong with its dates (``UNREADABLE``,
    ``REVERSED``; the dates are then dropped) or None. A NUL anywhere is a 400 page:
    PostgreSQL refuses NUL in text."""
    query = request.query
    if any("\x00" in key or "\x00" in value for key, value in query.items()):
        raise BadForm("NUL characters are not accepted")
    problem = None
    try:
        first, last = _day(query.get("from")), _day(query.get("to"))
    except ValueError:
        first = last = None
        problem = UNREADABLE
    if first is not None and last is not None and last < first:
        first = last = None
        problem = REVERSED
    model = query.get("model", "")[:128] or None
    return usage.UsageFilter(user_id, first, last, model), problem


def _filter_query(flt: usage.UsageFilter, **extra: Any) -> str:
    """The query string of ``flt`` (for paging and CSV links), plus ``extra``."""
    values = {"from": flt.first.isoformat() if flt.first else "",
              "to": flt.last.isoformat() if flt.last else "", "model": flt.model or ""}
    values.update({k: str(v) for k, v in extra.items()})
    return urlencode({k: v for k, v in values.items() if v})


def chart(days: list[usage.DaySpend], who: Visitor) -> dict[str, Any]:
    """Bar geometry for the inline SVG (no styles: the bars' colours come from classes)."""
    top = max((d.cost_micros for d in days), default=0)
    slot = CHART_WIDTH / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        height = round(day.cost_micros / top * CHART_HEIGHT, 1) if top else 0
        if day.cost_micros and height < 1:
            height = 1  # a spend too small to draw still shows
        bars.append({"x": round(index * slot + slot * 0.1, 1), "width": round(slot * 0.8, 1),
                     "y": round(CHART_TOP + CHART_HEIGHT - height, 1), "height": height,
                     "day": day, "title": who._("{day}: {amount} ({requests} requests)",
                                                day=day.day.isoformat(),
                                                amount=format_amount(day.cost_micros),
                                                requests=day.requests)})
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT + CHART_TOP + 2,
            "top": top, "total": sum(d.cost_micros for d in days)}


def _page_facts(flt: usage.UsageFilter, before: int | None, after: int | None
                ) -> dict[str, Any]:
    return {"page": usage.usage_page(flt, before=before, after=after),
            "totals": usage.usage_totals(flt),
            "models": usage.used_models(flt.user_id),
            "days": usage.daily_spend(flt.user_id)}


@signed_in
async def usage_page(request: web.Request) -> web.StreamResponse:
    user = signed_in_user(request)
    flt, problem = read_filter(request, user.id)
    who = visitor(request)
    error = (who._("A date could not be read; showing every day.") if problem == UNREADABLE
             else who._("The end date is before the start date; showing every day.")
             if problem == REVERSED else None)
    # totals, models and the chart read all the user's rows: off the relay's database thread
    facts = await run_report(_page_facts, flt, _int(request.query.get("before")),
                             _int(request.query.get("after")))
    page: usage.UsagePage = facts["page"]
    older = f"?{_filter_query(flt, before=page.older)}" if page.older else None
    newer = f"?{_filter_query(flt, after=page.newer)}" if page.newer else None
    return render(request, "usage.html", flt=flt, error=error, older=older, newer=newer,
                  csv_query=_filter_query(flt), chart=chart(facts["days"], visitor(request)),
                  **facts)


def _encode(rows: list[tuple[Any, ...]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8")


def _csv_chunk(flt: usage.UsageFilter, before: int | None
               ) -> tuple[list[tuple[Any, ...]], int | None]:
    page = usage.usage_page(flt, before=before, size=CSV_CHUNK)
    return [usage.csv_row(row) for row in page.rows], page.older


@signed_in
async def usage_csv(request: web.Request) -> web.StreamResponse:
    """The filtered rows as CSV, written a chunk at a time: a user's whole history never sits
    in memory. One download per user and a few across users run at once."""
    user = signed_in_user(request)
    flt, problem = read_filter(request, user.id)
    if problem is not None:  # never "every row" in place of the days asked for
        who = visitor(request)
        return error_page(request, 400, who._(
            "A date could not be read. Nothing was downloaded: go back and check the dates.")
            if problem == UNREADABLE else who._(
            "The end date is before the start date. Nothing was downloaded: go back and check "
            "the dates."))
    try:
        with request.config_dict[DOWNLOADS].slot(user.id):
            return await _send_csv(request, user.id, flt)
    except Refused as refused:
        return refusal_page(request, refused)


async def _send_csv(request: web.Request, user_id: int, flt: usage.UsageFilter
                    ) -> web.StreamResponse:
    response = web.StreamResponse(headers={
        **SECURITY_HEADERS, "Cache-Control": "no-store",
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="relaydesk-usage.csv"'})
    # Every chunk on the portal's report threads: the relay's database thread bills requests.
    rows, older = await run_report(_csv_chunk, flt, None)
    await response.prepare(request)
    # UTF-8 with a byte-order mark so spreadsheet programs read Chinese model names right.
    await response.write("\ufeff".encode() + _encode([usage.CSV_HEADER]))
    try:
        while True:
            await response.write(_encode(rows))
            if older is None:
                break
            rows, older = await run_report(_csv_chunk, flt, older)
    except Exception:
        log.exception("the usage CSV of user %s stopped part way", user_id)
        # The headers are sent: cut the connection, so the download fails instead of
        # looking complete.
        if request.transport is not None:
            request.transport.close()
        return response
    await response.write_eof()
    return response


def setup(portal: web.Application) -> None:
    portal[DOWNLOADS] = Downloads(CSV_AT_ONCE)
    portal.router.add_get("/usage", usage_page)
    portal.router.add_get("/usage.csv", usage_csv)
