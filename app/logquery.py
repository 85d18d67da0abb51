"""Paging through request logs for the GUI: filters, status classes and keyset pages.

The table may hold millions of rows, so every query here walks the primary key (newest first)
from a known id and stops after one page: no COUNT(*), no OFFSET, never the whole table.

Date ranges need care. ``created_at`` is when a request *started* and ``id`` follows when its
row was *written* (at the end, or much later by crash recovery), so the two orders mostly but
not always agree. Sorting a date range by id through the ``created_at`` index costs a sort of the
whole range per page; instead :func:`scope` finds, once per filter, the exact smallest and
largest id inside the range, and pages then walk the primary key between those two ids.
"""

import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from peewee import SQL, NodeList, fn

from app.db import is_postgres
from app.errors import ValidationError
from app.models import ModelPrice, Provider, RequestLog, User

STATUS_CLASSES = ("all", "success", "errors")
"""``errors`` are statuses >= 400 (as the dashboard counts them), ``success`` the rest."""


@dataclass(frozen=True, slots=True)
class LogFilter:
    """What the operator asked for. Empty text means "any"; ``until`` is exclusive."""

    username: str = ""
    model: str = ""
    status: str = "all"
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """A filter resolved against the database once, reused by every page.

    Attributes:
        user_id: the filtered user's id (-1 when no such user: nothing matches).
        id_min, id_max: every row in the date range has an id in [id_min, id_max];
            ``empty`` when no row is in the range at all.
    """

    filter: LogFilter
    user_id: int | None = None
    id_min: int | None = None
    id_max: int | None = None
    empty: bool = False


class LogRow(NamedTuple):
    """One row as the logs table shows it (a tuple: a million of them stay small)."""

    id: int
    created_at: datetime
    username: str | None
    model: str | None
    provider: str | None
    status: int
    error_code: str | None
    prompt_tokens: int
    cached_tokens: int
    completion_tokens: int
    cost_micros: int
    duration_ms: int
    ttfb_ms: int | None
    client_ip: str | None
    stream: bool
    estimated: bool
    request_id: str
    upstream_model: str | None
    user_agent: str | None
    failover_count: int
    written_off_micros: int  # reported beyond the hold: the operator's loss, not the user's
    endpoint: str | None  # the API route asked, e.g. "/v1/messages"; None before it was logged


_FIELDS = [getattr(RequestLog, name) for name in LogRow._fields]


def scope(flt: LogFilter) -> Scope:
    """Validate ``flt`` and resolve what every page query needs (user id, date-range ids)."""
    if flt.status not in STATUS_CLASSES:
        raise ValidationError("Status must be one of {choices}", param="status",
                              choices=", ".join(STATUS_CLASSES))
    if flt.since and flt.until and flt.since >= flt.until:
        raise ValidationError("the start of the date range must be before its end",
                              param="since")
    user_id = None
    if flt.username.strip():
        user = User.get_or_none(User.username == flt.username.strip())
        user_id = user.id if user else -1
    if flt.since is None and flt.until is None:
        return Scope(flt, user_id)
    bounds = _id_bounds(flt.since, flt.until)
    if bounds is None:
        return Scope(flt, user_id, empty=True)
    return Scope(flt, user_id, bounds[0], bounds[1])


def page(sc: Scope, *, before_id: int | None = None, limit: int = 500) -> list[LogRow]:
    """Up to ``limit`` rows older than ``before_id`` (or the newest ones), newest first."""
    return _rows(sc, before_id=before_id, after_id=None, limit=limit)


def newer(sc: Scope, after_id: int, *, limit: int = 500) -> list[LogRow]:
    """Up to ``limit`` rows newer than ``after_id`` (the newest ones first).

    New traffic lands above ``id_max``, so the upper bound of the scope does not apply here.
    """
    return _rows(sc, before_id=None, after_id=after_id, limit=limit)


def first_page(flt: LogFilter, *, limit: int = 500) -> tuple[Scope, list[LogRow]]:
    """:func:`scope` and the first :func:`page` in one call (one round trip from the GUI)."""
    sc = scope(flt)
    return sc, page(sc, limit=limit)


def filter_choices() -> tuple[list[str], list[str]]:
    """Usernames and model names to offer in the filter boxes (small tables only)."""
    users = [u.username for u in User.select(User.username).order_by(User.username)]
    models = {p.model for p in ModelPrice.select(ModelPrice.model)}
    for provider in Provider.select(Provider.models):
        models.update(m for m in provider.models or [] if isinstance(m, str))
    return users, sorted(models)


def _rows(sc: Scope, *, before_id: int | None, after_id: int | None, limit: int
          ) -> list[LogRow]:
    if sc.empty or sc.user_id == -1:
        return []
    flt = sc.filter
    q = RequestLog.select(*_FIELDS).order_by(RequestLog.id.desc()).limit(limit)
    if sc.user_id is not None:
        q = q.where(RequestLog.user == sc.user_id)
    if flt.model.strip():
        q = q.where(RequestLog.model == flt.model.strip())
    if flt.status == "success":
        q = q.where(RequestLog.status < 400)
    elif flt.status == "errors":
        q = q.where(RequestLog.status >= 400)
    if flt.since is not None:
        q = q.where(_unindexed(RequestLog.created_at) >= flt.since)
    if flt.until is not None:
        q = q.where(_unindexed(RequestLog.created_at) < flt.until)
    if sc.id_min is not None:
        q = q.where(RequestLog.id >= sc.id_min)
    if sc.id_max is not None and after_id is None:
        q = q.where(RequestLog.id <= sc.id_max)
    if before_id is not None:
        q = q.where(RequestLog.id < before_id)
    if after_id is not None:
        q = q.where(RequestLog.id > after_id)
    return [_shared(row) for row in q.tuples().iterator()]


_REPEATED = [LogRow._fields.index(name) for name in
             ("username", "model", "provider", "client_ip", "upstream_model", "user_agent",
              "endpoint")]


def _shared(values: tuple[Any, ...]) -> LogRow:
    """A row whose often-repeated texts (user, model, IP...) are one shared string each:
    a GUI holding many pages keeps one copy of "deepseek-chat", not one per row."""
    row = list(values)
    for i in _REPEATED:
        if row[i] is not None:
            row[i] = sys.intern(row[i])
    return LogRow(*row)


def _unindexed(column: Any) -> Any:
    """On SQLite, ``+column`` keeps the planner off the column's index (it would sort)."""
    return column if is_postgres() else NodeList((SQL("+"), column), glue="")


def _id_bounds(since: datetime | None, until: datetime | None) -> tuple[int, int] | None:
    """Exact smallest and largest id of rows in [since, until); ``None`` if there are none.

    Two exact ways, picked by a cheap estimate of which reads fewer rows: min/max over the
    ``created_at`` index (reads the rows inside the range) or walking the primary key in from
    both ends until the first row inside the range (reads the rows outside it).
    """
    lowest, highest = _ids_at_ends()
    if lowest is None or highest is None:
        return None
    past_end = highest + 1
    start = lowest if since is None else _id_near(since, past_end)
    end = past_end if until is None else _id_near(until, past_end)
    inside = max(0, end - start)
    outside = (past_end - end) + (start - lowest)
    if inside <= outside:
        return _min_max(since, until)
    walk = RequestLog.select(RequestLog.id)
    if since is not None:
        walk = walk.where(_unindexed(RequestLog.created_at) >= since)
    if until is not None:
        walk = walk.where(_unindexed(RequestLog.created_at) < until)
    top = walk.order_by(RequestLog.id.desc()).limit(1).scalar()
    if top is None:
        return None
    bottom = walk.order_by(RequestLog.id.asc()).limit(1).scalar()
    return None if bottom is None else (int(bottom), int(top))


def _min_max(since: datetime | None, until: datetime | None) -> tuple[int, int] | None:
    q = RequestLog.select(fn.MIN(RequestLog.id), fn.MAX(RequestLog.id))
    if since is not None:
        q = q.where(RequestLog.created_at >= since)
    if until is not None:
        q = q.where(RequestLog.created_at < until)
    low, high = q.tuples().first() or (None, None)
    return None if low is None or high is None else (int(low), int(high))


def _ids_at_ends() -> tuple[int | None, int | None]:
    low = RequestLog.select(RequestLog.id).order_by(RequestLog.id.asc()).limit(1).scalar()
    high = RequestLog.select(RequestLog.id).order_by(RequestLog.id.desc()).limit(1).scalar()
    return low, high


def _id_near(at: datetime, default: int) -> int:
    """The id of the first row at or after ``at`` in time order (one index seek): an estimate
    of where ``at`` falls in id order; ``default`` when no row is that late."""
    found = (RequestLog.select(RequestLog.id).where(RequestLog.created_at >= at)
             .order_by(RequestLog.created_at.asc()).limit(1).scalar())
    return default if found is None else int(found)
