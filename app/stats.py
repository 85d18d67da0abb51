"""Numbers for the desktop dashboard, computed by the database.

Every figure here is one aggregate query over ``request_log``: the table reaches millions of rows,
so nothing loads rows into Python. Each query is bounded by a ``created_at`` range, which the
index on that column serves, so the work grows with the rows in the window, not with the table.

Days are the machine's local days (:mod:`app.localdays`; the database stores naive UTC).
Tokens are prompt + completion tokens (cached tokens are already part of the prompt count).
Money stays integer micro-units.

SQLite sorts to GROUP BY, so a window holding most of a million rows takes seconds (timings:
bench/README.md); should that ever be normal traffic, a covering index on
``(date(created_at), model, user_id, tokens..., cost_micros)`` makes the grouping sort-free, at
the price of a larger table and one more index write per logged request.
"""

import csv
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from peewee import SQL, Case, fn

from app import clock
from app.csvsafe import csv_text
from app.db import is_postgres, tuples
from app.errors import ValidationError
from app.localdays import day_range, local_date, utc_offset_minutes
from app.models import RequestLog

MAX_DAYS = 3660  # ten years: more is a typo, and would scan the whole table


@dataclass(frozen=True, slots=True)
class Today:
    """Traffic of the local day so far.

    Attributes:
        day: the local date these numbers are for.
        requests: logged requests, failed ones included.
        prompt_tokens, completion_tokens: summed over those requests.
        spend_micros: what users were charged (sum of ``cost_micros``).
        active_users: distinct users with at least one request (erased users, whose rows no
            longer name them, are not counted).
        errors: requests answered with status >= 400.
    """

    day: date
    requests: int
    prompt_tokens: int
    completion_tokens: int
    spend_micros: int
    active_users: int
    errors: int


@dataclass(frozen=True, slots=True)
class DayModel:
    """One bar segment of the stacked daily chart: one model's traffic on one local day.

    ``model`` is ``None`` for requests that failed before naming one.
    """

    date: date
    model: str | None
    requests: int
    tokens: int
    spend_micros: int


def _now(now: datetime | None) -> datetime:
    """``now`` as naive UTC (an aware value is converted), defaulting to the app clock."""
    if now is None:
        return clock.now()
    if now.tzinfo is not None:
        return now.astimezone(UTC).replace(tzinfo=None)
    return now


def _day_expr(offset_minutes: int) -> Any:
    """The date of ``created_at`` shifted by a UTC offset, per backend.

    SQLite stores datetimes as ISO text, which ``date()`` reads and shifts; PostgreSQL has a
    real ``timestamp`` to shift and cast. The two return ``'YYYY-MM-DD'`` text and a ``date``
    respectively: :func:`_as_date` evens that out.
    """
    minutes = int(offset_minutes)
    if is_postgres():
        shifted = RequestLog.created_at + SQL(f"interval '{minutes} minutes'")
        return shifted.cast("date")
    # SQLite keeps milliseconds: 23:59:59.9999 would round into the next day. Whole seconds.
    return fn.date(fn.substr(RequestLog.created_at, 1, 19), f"{minutes:+d} minutes")


Segment = tuple[datetime, datetime, int | date]


def _segments(first: date, last: date) -> list[Segment]:
    """Split the local days ``first``..``last`` into ``[start, end)`` UTC ranges, each with the
    UTC offset that turns its times into local dates, or with its one date.

    Within a run of 24-hour days starting at the same offset, shifting ``created_at`` by that
    offset gives the local date exactly. A day of 23 or 25 hours (a clock change) is a range of
    its own whose rows all belong to that day: no fixed shift maps 25 hours onto one date.
    """
    runs: list[Segment] = []
    day = first
    while day <= last:
        start, end = day_range(day)
        offset = utc_offset_minutes(start)
        if end - start != timedelta(days=1):
            runs.append((start, end, day))
        elif runs and runs[-1][1] == start and runs[-1][2] == offset \
                and not isinstance(runs[-1][2], date):
            runs[-1] = (runs[-1][0], end, offset)
        else:
            runs.append((start, end, offset))
        day += timedelta(days=1)
    return runs


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _window(days: int, now: datetime | None) -> tuple[date, date]:
    """The first and last local dates of the last ``days`` local days, today included."""
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError("the number of days must be a whole number from 1 to {maximum}",
                              param="days", maximum=MAX_DAYS)
    today = local_date(_now(now))
    return today - timedelta(days=days - 1), today


def _int(value: Any) -> int:
    """SUM over no rows is NULL, and PostgreSQL returns SUM of integers as Decimal."""
    return 0 if value is None else int(value)


_TOKENS = RequestLog.prompt_tokens + RequestLog.completion_tokens


def today(now: datetime | None = None) -> Today:
    """Totals for the local day containing ``now`` (default: the app clock)."""
    day = local_date(_now(now))
    start, end = day_range(day)
    failed = Case(None, [(RequestLog.status >= 400, 1)], 0)
    query = (RequestLog
             .select(fn.COUNT(RequestLog.id), fn.SUM(RequestLog.prompt_tokens),
                     fn.SUM(RequestLog.completion_tokens), fn.SUM(RequestLog.cost_micros),
                     fn.COUNT(RequestLog.user.distinct()), fn.SUM(failed))
             .where(RequestLog.created_at >= start, RequestLog.created_at < end))
    row = cast(tuple[Any, ...], query.tuples().get())  # peewee's stubs say a RequestLog
    requests, prompt, completion, spend, users, errors = (_int(v) for v in row)
    return Today(day=day, requests=requests, prompt_tokens=prompt,
                 completion_tokens=completion, spend_micros=spend, active_users=users,
                 errors=errors)


def _per_day_model(days: int, now: datetime | None, min_users: int | None) -> list[DayModel]:
    first, last = _window(days, now)
    rows: list[DayModel] = []
    for start, end, shift in _segments(first, last):
        # A day of its own is grouped by model only; its date is known.
        keys = [RequestLog.model] if isinstance(shift, date) else [_day_expr(shift),
                                                                    RequestLog.model]
        query = (RequestLog
                 .select(*keys, fn.COUNT(RequestLog.id), fn.SUM(_TOKENS),
                         fn.SUM(RequestLog.cost_micros))
                 .where(RequestLog.created_at >= start, RequestLog.created_at < end)
                 .group_by(*keys))
        if min_users is not None:
            query = query.having(fn.COUNT(RequestLog.user.distinct()) >= min_users)
        for values in tuples(query):
            *day, model, requests, tokens, spend = values
            rows.append(DayModel(date=shift if isinstance(shift, date) else _as_date(day[0]),
                                 model=model, requests=_int(requests), tokens=_int(tokens),
                                 spend_micros=_int(spend)))
    # NULL models sort differently on the two backends: order in Python (a few hundred rows).
    rows.sort(key=lambda r: (r.date, r.model is None, r.model or ""))
    return rows


def daily_by_model(days: int = 14, now: datetime | None = None) -> list[DayModel]:
    """Per local day and model, for the last ``days`` days including today, oldest first.

    Days (and models) without traffic are absent rather than zero rows: the chart knows its own
    axis and fills the gaps, and the query stays a plain GROUP BY.
    """
    return _per_day_model(days, now, None)


def requests_per_minute(now: datetime | None = None) -> int:
    """Requests logged in the 60 seconds up to ``now``: ``(now - 60 s, now]``.

    Rows are written when a request is settled, so this counts finished requests.
    """
    moment = _now(now)
    return _int(RequestLog.select(fn.COUNT(RequestLog.id))
                .where(RequestLog.created_at > moment - timedelta(seconds=60),
                       RequestLog.created_at <= moment)
                .scalar())


def anonymized_daily(days: int, min_group: int = 5, now: datetime | None = None
                     ) -> list[DayModel]:
    """Per local day and model totals with no user ids, names, addresses or keys in them.

    A group (one model on one day) used by fewer than ``min_group`` distinct users is left out
    entirely: with one or two users, "model X, 40 requests" is a statement about those people.
    Do not publish totals next to these rows that also count the left-out groups, or the
    difference gives the suppressed numbers back. Requests whose user was erased count towards
    the totals but not towards ``min_group``, so their groups are suppressed sooner, not later.
    """
    if not isinstance(min_group, int) or isinstance(min_group, bool) or min_group < 1:
        raise ValidationError("min_group must be a whole number of at least 1",
                              param="min_group")
    return _per_day_model(days, now, min_group)


ANONYMIZED_COLUMNS = ("date", "model", "requests", "tokens", "spend_micros")


def write_anonymized_csv(path: str | os.PathLike[str], days: int = 30, min_group: int = 5,
                         now: datetime | None = None) -> int:
    """Write :func:`anonymized_daily` as CSV to ``path``; returns the number of data rows.

    Columns: date (local, ``YYYY-MM-DD``), model (empty for requests that named none), requests,
    tokens, spend_micros. Nothing about users, addresses or keys is in the query, so nothing
    can leak into the file; groups with fewer than ``min_group`` users are left out. The file
    is written beside ``path`` and renamed into place, so a failure leaves no half file.
    """
    rows = anonymized_daily(days, min_group, now)  # validates before any file is touched
    target = Path(path)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temp, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(ANONYMIZED_COLUMNS)
            for row in rows:
                writer.writerow((row.date.isoformat(), csv_text(row.model or ""), row.requests,
                                 row.tokens, row.spend_micros))
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return len(rows)
