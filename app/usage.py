"""One user's own usage, as the portal shows it to them: this month's totals, recent requests,
the filtered and paged request log with its totals and CSV rows, and daily spend. Always
scoped to one user id, so a page cannot show someone else's rows."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from peewee import JOIN, fn

from app import clock, localdays
from app.csvsafe import csv_text
from app.models import ApiKey, RequestLog
from app.money import format_cost


@dataclass(frozen=True, slots=True)
class MonthSummary:
    """Spend and tokens of one user since local midnight on the first of this month."""

    since: date
    requests: int
    cost_micros: int
    prompt_tokens: int
    completion_tokens: int

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def month_summary(user_id: int, now: datetime | None = None) -> MonthSummary:
    today = localdays.local_date(now or clock.now())
    first = today.replace(day=1)
    row: Any = (RequestLog.select(fn.COUNT(RequestLog.id), fn.SUM(RequestLog.cost_micros),
                                  fn.SUM(RequestLog.prompt_tokens),
                                  fn.SUM(RequestLog.completion_tokens))
                .where((RequestLog.user == user_id)
                       & (RequestLog.created_at >= localdays.day_start(first)))
                .tuples().get())
    count, cost, prompt, completion = (int(value or 0) for value in row)
    return MonthSummary(first, count, cost, prompt, completion)


def recent_requests(user_id: int, limit: int = 10) -> list[RequestLog]:
    """The user's newest requests first (metering facts only; there is no content to show)."""
    return list(RequestLog.select().where(RequestLog.user == user_id)
                .order_by(RequestLog.created_at.desc(), RequestLog.id.desc()).limit(limit))


PAGE_SIZE = 50
MAX_PAGE = 1000
CHART_DAYS = 30


@dataclass(frozen=True, slots=True)
class UsageFilter:
    """Which of one user's requests to list: local calendar days ``first``..``last``
    (inclusive, either open) and one model name (None: every model)."""

    user_id: int
    first: date | None = None
    last: date | None = None
    model: str | None = None

    def where(self) -> Any:
        condition = RequestLog.user == self.user_id
        if self.first is not None:
            condition &= RequestLog.created_at >= localdays.day_start(self.first)
        if self.last is not None:
            condition &= RequestLog.created_at < localdays.day_start(self.last + timedelta(1))
        if self.model is not None:
            condition &= RequestLog.model == self.model
        return condition


@dataclass(frozen=True, slots=True)
class UsagePage:
    """One page of requests, newest first, and the ids the Older/Newer links start from."""

    rows: list[RequestLog]
    older: int | None  # the last row's id when more rows follow
    newer: int | None  # the first row's id when newer rows exist


@dataclass(frozen=True, slots=True)
class UsageTotals:
    requests: int
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    cost_micros: int

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def _anchor(flt: UsageFilter, row_id: int | None) -> RequestLog | None:
    """The row a page starts after; only the user's own, so an id names nobody else's row."""
    if row_id is None:
        return None
    return RequestLog.get_or_none((RequestLog.id == row_id) & (RequestLog.user == flt.user_id))


def usage_page(flt: UsageFilter, *, before: int | None = None, after: int | None = None,
               size: int = PAGE_SIZE) -> UsagePage:
    """Keyset paging on (created_at, id), the order of the (user, created_at) index, so the
    thousandth page costs what the first does. ``before``: rows older than that id;
    ``after``: rows newer than it (the "Newer" link; reaching the newest gives the first
    page). An id not the user's starts at the top."""
    if isinstance(size, bool) or not 1 <= size <= MAX_PAGE:
        raise ValueError(f"page size {size!r} out of range")
    # The key's id too: without it peewee reads the joined key as missing.
    select = (RequestLog.select(RequestLog, ApiKey.id, ApiKey.name)
              .join(ApiKey, JOIN.LEFT_OUTER))
    condition = flt.where()
    newest_first = True
    if (mark := _anchor(flt, after)) is not None:
        # The outer bound on created_at alone lets the index seek straight to the anchor.
        condition &= ((RequestLog.created_at >= mark.created_at)
                      & ((RequestLog.created_at > mark.created_at) | (RequestLog.id > mark.id)))
        newest_first = False
    elif (mark := _anchor(flt, before)) is not None:
        condition &= ((RequestLog.created_at <= mark.created_at)
                      & ((RequestLog.created_at < mark.created_at) | (RequestLog.id < mark.id)))
    order = ((RequestLog.created_at.desc(), RequestLog.id.desc()) if newest_first
             else (RequestLog.created_at.asc(), RequestLog.id.asc()))
    rows = list(select.where(condition).order_by(*order).limit(size + 1))
    more = len(rows) > size
    rows = rows[:size]
    if newest_first:
        older = rows[-1].id if more else None
        newer = rows[0].id if rows and mark is not None else None
    elif not more:  # back at the newest rows: show the first page as it is, full
        return usage_page(flt, size=size)
    else:
        rows.reverse()
        older, newer = rows[-1].id, rows[0].id
    return UsagePage(rows, older, newer)


def usage_totals(flt: UsageFilter) -> UsageTotals:
    row: Any = (RequestLog.select(fn.COUNT(RequestLog.id), fn.SUM(RequestLog.prompt_tokens),
                                  fn.SUM(RequestLog.cached_tokens),
                                  fn.SUM(RequestLog.completion_tokens),
                                  fn.SUM(RequestLog.cost_micros))
                .where(flt.where()).tuples().get())
    return UsageTotals(*(int(value or 0) for value in row))


def used_models(user_id: int) -> list[str]:
    """The model names in the user's own log, for the filter's choices."""
    query: Any = (RequestLog.select(RequestLog.model).distinct()
             .where((RequestLog.user == user_id) & RequestLog.model.is_null(False))
             .order_by(RequestLog.model).tuples())
    return [model for (model,) in query]


@dataclass(frozen=True, slots=True)
class DaySpend:
    day: date
    requests: int
    cost_micros: int


def daily_spend(user_id: int, days: int = CHART_DAYS, now: datetime | None = None
                ) -> list[DaySpend]:
    """Spend per local day, oldest first, today last; days without requests count zero.
    One ranged sum per day on the (user, created_at) index keeps clock changes exact."""
    today = localdays.local_date(now or clock.now())
    found = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(back)
        start, end = localdays.day_range(day)
        row: Any = (RequestLog.select(fn.COUNT(RequestLog.id), fn.SUM(RequestLog.cost_micros))
                    .where((RequestLog.user == user_id) & (RequestLog.created_at >= start)
                           & (RequestLog.created_at < end)).tuples().get())
        found.append(DaySpend(day, int(row[0] or 0), int(row[1] or 0)))
    return found


CSV_HEADER = ("time", "model", "prompt_tokens", "cached_tokens", "completion_tokens", "cost",
              "status", "error_code", "duration_ms", "client_ip", "api_key", "endpoint")


def csv_row(row: RequestLog) -> tuple[Any, ...]:
    """One request as CSV cells: local time, money as exact decimal text, and the texts
    clients chose (model, key name) kept from being read as spreadsheet formulas."""
    key = row.api_key.name if row.api_key is not None else ""
    moment = row.created_at.replace(tzinfo=UTC).astimezone()
    return (moment.strftime("%Y-%m-%d %H:%M:%S"), csv_text(row.model or ""),
            row.prompt_tokens, row.cached_tokens, row.completion_tokens,
            format_cost(row.cost_micros), row.status, csv_text(row.error_code or ""),
            row.duration_ms, csv_text(row.client_ip or ""), csv_text(key or ""),
            csv_text(row.endpoint or ""))
