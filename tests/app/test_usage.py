"""app.usage: one user's request log as the portal pages it, sums it and charts it, on SQLite
and PostgreSQL, in the machine's time zone."""

import time
from datetime import date, datetime, timedelta

import pytest

from app import accounts, apikeys, requestlog, usage
from app.usage import DaySpend, UsageFilter

NOW = datetime(2026, 6, 1, 12, 0, 0)  # the fake clock's start


@pytest.fixture(autouse=True)
def zone(monkeypatch):
    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    use("UTC")
    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def users(any_db, fake_clock):
    return {name: accounts.add_user(name, f"{name}@example.com").id for name in ("amy", "ben")}


def log(at, user, model="m1", cost=1, prompt=1, completion=1, n=0, **extra):
    return {"created_at": at, "request_id": f"r{at.timestamp()}-{user}-{n}", "user": user,
            "model": model, "prompt_tokens": prompt, "completion_tokens": completion,
            "cost_micros": cost, **extra}


def ids(page):
    return [row.id for row in page.rows]


def test_pages_newest_first_by_time_then_id_and_back(users):
    amy, ben = users["amy"], users["ben"]
    same = NOW - timedelta(hours=1)
    # Five rows share one instant: the id breaks the tie, so none is skipped or repeated.
    requestlog.insert_many([log(same, amy, n=i) for i in range(5)]
                           + [log(NOW - timedelta(hours=2), amy, n=9),
                              log(NOW - timedelta(minutes=1), ben)])
    flt = UsageFilter(amy)
    first = usage.usage_page(flt, size=2)
    assert first.newer is None and first.older == first.rows[-1].id
    seen, page = ids(first), first
    while page.older is not None:
        page = usage.usage_page(flt, before=page.older, size=2)
        seen += ids(page)
    assert len(seen) == 6 == len(set(seen))
    assert seen[:5] == sorted(seen[:5], reverse=True)
    assert page.older is None and page.newer == page.rows[0].id
    # Newer from the last page leads back through the same rows.
    back = usage.usage_page(flt, after=page.rows[0].id, size=2)
    assert ids(back) == seen[-4:-2] and back.older == seen[-3] and back.newer == seen[-4]
    top = usage.usage_page(flt, after=seen[2], size=2)
    assert ids(top) == seen[:2] and top.newer is None
    # Newer from a page whose rows do not fill the top one gives the first page, full.
    assert usage.usage_page(flt, after=seen[1], size=2) == first


def test_exactly_a_page_has_no_older_link(users):
    requestlog.insert_many([log(NOW - timedelta(minutes=i), users["amy"], n=i)
                            for i in range(50)])
    page = usage.usage_page(UsageFilter(users["amy"]))
    assert len(page.rows) == 50 and page.older is None and page.newer is None


def test_another_users_id_is_no_anchor(users):
    requestlog.insert_many([log(NOW - timedelta(minutes=1), users["amy"]),
                            log(NOW - timedelta(minutes=2), users["ben"])])
    bens = usage.usage_page(UsageFilter(users["ben"])).rows[0].id
    page = usage.usage_page(UsageFilter(users["amy"]), before=bens)
    assert len(page.rows) == 1 and page.rows[0].user_id == users["amy"]
    assert page.newer is None


def test_filter_by_local_days_and_model(users, zone):
    zone("Asia/Shanghai")  # UTC+8: the local day starts at 16:00 UTC the day before
    amy = users["amy"]
    requestlog.insert_many([
        log(datetime(2026, 5, 30, 15, 59), amy, model="a", cost=1),  # May 30 local
        log(datetime(2026, 5, 30, 16, 0), amy, model="a", cost=10),  # May 31 local
        log(datetime(2026, 5, 31, 15, 59, 59), amy, model="b", cost=100),  # May 31 local
        log(datetime(2026, 5, 31, 16, 0), amy, model="b", cost=1000),  # June 1 local
    ])
    day = date(2026, 5, 31)
    assert usage.usage_totals(UsageFilter(amy, day, day)).cost_micros == 110
    assert usage.usage_totals(UsageFilter(amy, first=day)).cost_micros == 1110
    assert usage.usage_totals(UsageFilter(amy, last=day)).cost_micros == 111
    assert usage.usage_totals(UsageFilter(amy, day, day, "b")).cost_micros == 100
    totals = usage.usage_totals(UsageFilter(amy, model="a"))
    assert (totals.requests, totals.tokens, totals.cost_micros) == (2, 4, 11)
    assert usage.used_models(amy) == ["a", "b"] and usage.used_models(users["ben"]) == []


def test_daily_spend_counts_every_local_day_including_empty_ones(users, zone):
    zone("America/New_York")  # the clocks went forward on 2026-03-08
    amy = users["amy"]
    now = datetime(2026, 3, 9, 17, 0)  # 13:00 local
    requestlog.insert_many([
        log(datetime(2026, 3, 9, 4, 0), amy, cost=5),  # 00:00 local on March 9 (EDT)
        log(datetime(2026, 3, 9, 3, 59), amy, cost=7, n=1),  # 23:59 on March 8
        log(datetime(2026, 3, 8, 4, 59), amy, cost=11),  # 23:59 on March 7 (EST)
        log(datetime(2026, 3, 9, 5, 0), users["ben"], cost=1000),
    ])
    days = usage.daily_spend(amy, days=3, now=now)
    assert days == [DaySpend(date(2026, 3, 7), 1, 11), DaySpend(date(2026, 3, 8), 1, 7),
                    DaySpend(date(2026, 3, 9), 1, 5)]
    assert len(usage.daily_spend(amy, now=now)) == 30


def test_csv_row_is_exact_and_neutralises_formulas(users):
    key, _ = apikeys.create_key("amy", name="+key")
    requestlog.insert_many([log(NOW, users["amy"], model="@SUM(A1)", cost=1_234_567,
                                api_key=key.id, status=429, error_code="rate_limited",
                                client_ip="10.1.2.3", duration_ms=850)])
    row = usage.usage_page(UsageFilter(users["amy"])).rows[0]
    cells = dict(zip(usage.CSV_HEADER, usage.csv_row(row), strict=True))
    assert cells["time"] == "2026-06-01 12:00:00"
    assert cells["model"] == "'@SUM(A1)" and cells["api_key"] == "'+key"
    assert cells["cost"] == "1.234567" and cells["status"] == 429
    assert cells["error_code"] == "rate_limited" and cells["duration_ms"] == 850
