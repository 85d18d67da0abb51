"""app.stats: dashboard numbers from hand-made request logs, on SQLite and PostgreSQL."""

import time
from dataclasses import fields
from datetime import date, datetime, timedelta, timezone

import pytest

from app import accounts, requestlog, stats
from app.errors import ValidationError
from app.stats import DayModel, Today

NOW = datetime(2026, 6, 1, 12, 0, 0)  # the fake clock's start
TODAY = datetime(2026, 6, 1)
BIG = 3_000_000_000  # beyond 32 bits: sums must stay exact integers


@pytest.fixture(autouse=True)
def zone(monkeypatch):
    """Sets the machine's time zone (``TZ``) for one test; UTC unless a test picks another."""
    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    use("UTC")
    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def users(any_db, fake_clock):
    """Seven users; their ids by name."""
    return {name: accounts.add_user(name, f"{name}@example.com").id
            for name in ("u1", "u2", "u3", "u4", "u5", "u6", "u7")}


def log(at, user=None, model="m1", prompt=0, completion=0, cost=0, status=200):
    return {"created_at": at, "request_id": f"r{at.timestamp()}-{user}", "user": user,
            "model": model, "prompt_tokens": prompt, "completion_tokens": completion,
            "cost_micros": cost, "status": status, "client_ip": "10.0.0.9"}


def add(*rows):
    requestlog.insert_many(rows)


# --- today ----------------------------------------------------------------------------------


def test_today_counts_only_the_utc_day_containing_now(users):
    u = users
    add(log(TODAY - timedelta(microseconds=1), u["u1"], prompt=1000, cost=1000),  # yesterday
        log(TODAY, u["u1"], prompt=10, completion=5, cost=100),  # first instant of today
        log(TODAY + timedelta(hours=9, microseconds=123_456), u["u2"], prompt=20, completion=7,
            cost=BIG, status=400),
        log(TODAY + timedelta(hours=11), u["u2"], prompt=30, completion=0, cost=0, status=502),
        log(TODAY + timedelta(hours=11, minutes=30), None, prompt=4, completion=1, cost=3,
            status=429),  # erased user: counted, but not as an active user
        log(TODAY + timedelta(hours=11, minutes=59), u["u3"], status=399),
        log(TODAY + timedelta(days=1) - timedelta(microseconds=1), u["u4"], prompt=1,
            completion=1, cost=1),  # last instant of today (logged "later" than now)
        log(TODAY + timedelta(days=1), u["u5"], prompt=999, cost=999))  # tomorrow
    result = stats.today()
    assert result == Today(day=date(2026, 6, 1), requests=6, prompt_tokens=65,
                           completion_tokens=14, spend_micros=BIG + 104, active_users=4,
                           errors=3)
    assert all(type(getattr(result, f.name)) is int for f in fields(Today) if f.name != "day")


def test_today_of_an_empty_day_is_zeros(users):
    add(log(TODAY - timedelta(days=1), users["u1"], prompt=5, cost=5))
    assert stats.today() == Today(day=date(2026, 6, 1), requests=0, prompt_tokens=0,
                                  completion_tokens=0, spend_micros=0, active_users=0, errors=0)


def test_today_follows_the_clock_and_an_explicit_now(users, fake_clock):
    add(log(TODAY + timedelta(hours=1), users["u1"], prompt=3, cost=7),
        log(TODAY + timedelta(days=1, hours=1), users["u2"], prompt=4, cost=9))
    assert stats.today().spend_micros == 7
    fake_clock.advance(days=1)
    assert (stats.today().day, stats.today().spend_micros) == (date(2026, 6, 2), 9)
    assert stats.today(NOW).spend_micros == 7
    # an aware "now" is read in UTC: 01:30 on 2 June at UTC+08:00 is 17:30 on 1 June in UTC
    beijing = datetime(2026, 6, 2, 1, 30, tzinfo=timezone(timedelta(hours=8)))
    assert (stats.today(beijing).day, stats.today(beijing).spend_micros) == (date(2026, 6, 1), 7)


# --- daily_by_model -------------------------------------------------------------------------


@pytest.fixture
def fortnight(users):
    """Traffic over 16 days and three models (plus one request with no model)."""
    u = users
    add(log(TODAY - timedelta(days=14), u["u1"], "m1", 100, 100, 100),  # 15 days ago: outside
        log(TODAY - timedelta(days=13, microseconds=1), u["u1"], "m1", 50, 50, 50),  # outside
        log(TODAY - timedelta(days=13), u["u1"], "m1", 1, 2, 3),  # first instant of the window
        log(TODAY - timedelta(days=13, hours=-5), u["u2"], "m1", 10, 20, 30),
        log(TODAY - timedelta(days=13, hours=-6), u["u2"], "m2", 7, 0, BIG),
        log(TODAY - timedelta(days=2, hours=-23), u["u3"], "m2", 5, 5, 11, status=500),
        log(TODAY - timedelta(days=2, hours=-1), u["u3"], "m2", 5, 5, 11),
        log(TODAY - timedelta(days=2, hours=-2), u["u4"], "m3", 1, 1, 1),
        log(TODAY + timedelta(hours=3), u["u1"], "m3", 2, 3, 4),
        log(TODAY + timedelta(hours=4), u["u1"], None, 0, 0, 0, status=401),
        log(TODAY + timedelta(hours=5), u["u5"], "m1", 6, 6, 6),
        log(TODAY + timedelta(days=1), u["u1"], "m1", 9, 9, 9))  # tomorrow: outside
    return u


def test_daily_by_model_groups_the_last_days_including_today(fortnight):
    assert stats.daily_by_model() == [
        DayModel(date(2026, 5, 19), "m1", requests=2, tokens=33, spend_micros=33),
        DayModel(date(2026, 5, 19), "m2", requests=1, tokens=7, spend_micros=BIG),
        # 20-29 May: no traffic, no rows
        DayModel(date(2026, 5, 30), "m2", requests=2, tokens=20, spend_micros=22),
        DayModel(date(2026, 5, 30), "m3", requests=1, tokens=2, spend_micros=1),
        DayModel(date(2026, 6, 1), "m1", requests=1, tokens=12, spend_micros=6),
        DayModel(date(2026, 6, 1), "m3", requests=1, tokens=5, spend_micros=4),
        DayModel(date(2026, 6, 1), None, requests=1, tokens=0, spend_micros=0),
    ]


def test_daily_by_model_window_length(fortnight):
    assert [(r.date, r.model) for r in stats.daily_by_model(days=1)] == [
        (date(2026, 6, 1), "m1"), (date(2026, 6, 1), "m3"), (date(2026, 6, 1), None)]
    assert [r.date for r in stats.daily_by_model(days=3)] == [date(2026, 5, 30)] * 2 + [
        date(2026, 6, 1)] * 3
    assert stats.daily_by_model(days=16)[0] == DayModel(date(2026, 5, 18), "m1", requests=2,
                                                        tokens=300, spend_micros=150)
    later = stats.daily_by_model(days=1, now=NOW + timedelta(days=1))
    assert later == [DayModel(date(2026, 6, 2), "m1", requests=1, tokens=18, spend_micros=9)]


def test_daily_by_model_with_no_traffic_is_empty(users):
    assert stats.daily_by_model() == []


@pytest.mark.parametrize("days", [0, -1, stats.MAX_DAYS + 1, 1.5, True, "7"])
def test_bad_day_counts_are_refused(users, days):
    with pytest.raises(ValidationError):
        stats.daily_by_model(days=days)
    with pytest.raises(ValidationError):
        stats.anonymized_daily(days)


# --- requests_per_minute --------------------------------------------------------------------


def test_requests_per_minute_counts_the_last_sixty_seconds(users, fake_clock):
    u = users["u1"]
    add(log(NOW - timedelta(seconds=60), u),  # exactly a minute ago: outside
        log(NOW - timedelta(seconds=59, microseconds=999_999), u),
        log(NOW - timedelta(seconds=30), u, status=500),
        log(NOW, u),
        log(NOW + timedelta(seconds=1), u))  # not yet
    assert stats.requests_per_minute() == 3
    fake_clock.advance(seconds=30)  # (11:59:30, 12:00:30]
    assert stats.requests_per_minute() == 2
    fake_clock.advance(seconds=30)  # (12:00:00, 12:01:00]
    assert stats.requests_per_minute() == 1
    assert stats.requests_per_minute(now=NOW - timedelta(hours=1)) == 0


# --- anonymized_daily -----------------------------------------------------------------------


def test_anonymized_daily_suppresses_groups_of_few_users(users):
    u = users
    day1, day2 = TODAY - timedelta(days=1), TODAY
    rows = [log(day1 + timedelta(hours=i), u[f"u{i}"], "big", 10, 1, 100) for i in range(1, 6)]
    rows.append(log(day1 + timedelta(hours=6), None, "big", 1, 1, 1))  # erased user's request
    # four distinct users but many requests: still suppressed
    rows += [log(day1 + timedelta(hours=7, minutes=i), u[f"u{i % 4 + 1}"], "small", 1000, 0, 9)
             for i in range(40)]
    # the same model the next day with one user fewer than enough
    rows += [log(day2 + timedelta(hours=i), u[f"u{i}"], "big", 1, 1, 1) for i in range(1, 5)]
    # a model whose requests all come from erased users: no known users, suppressed
    rows += [log(day2 + timedelta(minutes=i), None, "ghost", 1, 1, 1) for i in range(9)]
    add(*rows)
    assert stats.anonymized_daily(7) == [
        DayModel(date(2026, 5, 31), "big", requests=6, tokens=57, spend_micros=501)]
    assert stats.anonymized_daily(7, min_group=4) == [
        DayModel(date(2026, 5, 31), "big", requests=6, tokens=57, spend_micros=501),
        DayModel(date(2026, 5, 31), "small", requests=40, tokens=40_000, spend_micros=360),
        DayModel(date(2026, 6, 1), "big", requests=4, tokens=8, spend_micros=4)]
    assert [r.model for r in stats.anonymized_daily(7, min_group=1)] == ["big", "small", "big"]
    assert stats.anonymized_daily(1, min_group=1) == [
        DayModel(date(2026, 6, 1), "big", requests=4, tokens=8, spend_micros=4)]


def test_anonymized_rows_carry_no_identifying_fields(users):
    add(*(log(TODAY + timedelta(minutes=i), users[f"u{i}"]) for i in range(1, 8)))
    (row,) = stats.anonymized_daily(1)
    assert {f.name for f in fields(row)} == {"date", "model", "requests", "tokens",
                                             "spend_micros"}
    assert "10.0.0.9" not in repr(row) and "u1" not in repr(row)


@pytest.mark.parametrize("min_group", [0, -3, 2.5, True])
def test_bad_min_group_is_refused(users, min_group):
    with pytest.raises(ValidationError):
        stats.anonymized_daily(7, min_group=min_group)


# --- local days -----------------------------------------------------------------------------


def test_today_is_the_local_day_in_shanghai(users, zone):
    """In China the day starts at 16:00 UTC: a request at 23:30 UTC is the next day's."""
    zone("Asia/Shanghai")
    u = users
    add(log(datetime(2026, 5, 31, 15, 59, 59), u["u1"], cost=1),  # 23:59:59 on 31 May
        log(datetime(2026, 5, 31, 16, 0), u["u1"], cost=10),  # local midnight, 1 June
        log(datetime(2026, 5, 31, 23, 30), u["u2"], cost=100),  # 07:30 on 1 June
        log(datetime(2026, 6, 1, 15, 59, 59), u["u3"], cost=1000),  # 23:59:59 on 1 June
        log(datetime(2026, 6, 1, 16, 0), u["u4"], cost=10_000))  # 2 June
    result = stats.today()  # the clock: 12:00 UTC, 20:00 in Shanghai
    assert (result.day, result.requests, result.spend_micros) == (date(2026, 6, 1), 3, 1110)
    days = stats.daily_by_model(days=2)
    assert [(r.date, r.requests, r.spend_micros) for r in days] == [
        (date(2026, 5, 31), 1, 1), (date(2026, 6, 1), 3, 1110)]


def test_a_half_hour_zone_splits_days_at_18_30_utc(users, zone):
    zone("Asia/Kolkata")
    u = users
    add(log(datetime(2026, 5, 30, 18, 29, 59, 999_999), u["u1"], cost=1),
        log(datetime(2026, 5, 30, 18, 30), u["u1"], cost=10),
        log(datetime(2026, 5, 31, 18, 29, 59, 999_999), u["u2"], cost=100),
        log(datetime(2026, 5, 31, 18, 30), u["u2"], cost=1000))
    assert stats.today().spend_micros == 1000  # 1 June 17:30 in India
    days = stats.daily_by_model(days=3)
    assert [(r.date, r.spend_micros) for r in days] == [
        (date(2026, 5, 30), 1), (date(2026, 5, 31), 110), (date(2026, 6, 1), 1000)]


@pytest.mark.parametrize(("day", "first", "last"), [
    # Berlin: the clocks go back on 25 October 2026 (a 25-hour day) ...
    (date(2026, 10, 25), datetime(2026, 10, 24, 22, 0), datetime(2026, 10, 25, 23, 0)),
    # ... and forward on 29 March 2026 (23 hours).
    (date(2026, 3, 29), datetime(2026, 3, 28, 23, 0), datetime(2026, 3, 29, 22, 0)),
])
def test_days_with_a_clock_change_keep_every_hour(users, zone, day, first, last):
    zone("Europe/Berlin")
    u = users
    tick = timedelta(microseconds=1)
    add(log(first - tick, u["u1"], cost=1), log(first, u["u1"], cost=10),
        log(last - tick, u["u2"], cost=100), log(last, u["u2"], cost=1000))
    now = last + timedelta(days=1)
    days = stats.daily_by_model(days=4, now=now)
    assert [(r.date, r.spend_micros) for r in days] == [
        (day - timedelta(days=1), 1), (day, 110), (day + timedelta(days=1), 1000)]
    assert stats.today(now=first).spend_micros == 110
    assert stats.today(now=last).spend_micros == 1000


def test_anonymized_csv_dates_are_local(users, zone, tmp_path):
    zone("Asia/Shanghai")
    add(*(log(datetime(2026, 5, 31, 23, 30), u, cost=5) for u in users.values()))
    out = tmp_path / "stats.csv"
    assert stats.write_anonymized_csv(out, days=2) == 1
    assert out.read_text().splitlines()[1] == "2026-06-01,m1,7,0,35"
