"""One user's own usage, as the portal shows it to them: this month's totals and their most
recent requests. Always scoped to one user id, so a page cannot show someone else's rows."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import fn

from app import clock, localdays
from app.models import RequestLog


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
