"""Request logs page: newest first, lazy pages through the view, exact filters, auto-refresh."""

import time
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from app import accounts, pricing, requestlog
from gui.pages.logs import LogsPage
from gui.pages.logs_model import ID_ROLE
from tests.gui.conftest import grab, settle_page

BASE = datetime(2026, 5, 20, 0, 0, 0)
MODELS = ["deepseek-chat", "glm-4-flash", "qwen-plus"]
USERS = ["alice", "bob", "carol"]


def spec(i: int) -> dict:
    """Row ``i`` (id i + 1 in a fresh database): one every 10 minutes, patterns that cross."""
    status = 429 if i % 10 == 3 else 502 if i % 17 == 5 else 200
    return {"created_at": BASE + timedelta(minutes=10 * i), "request_id": f"req-{i}",
            "username": USERS[i % 3], "model": MODELS[(i // 2) % 3],
            "provider": MODELS[(i // 2) % 3].split("-")[0], "status": status,
            "error_code": None if status == 200 else "upstream_error",
            "prompt_tokens": 100 + i, "completion_tokens": 20, "cost_micros": 1234 + i,
            "duration_ms": 800, "ttfb_ms": 150 if i % 2 else None, "stream": bool(i % 2),
            "client_ip": "10.0.0.7"}


def seed(n: int, *, extra: list[dict] | None = None) -> list[dict]:
    """``n`` rows by :func:`spec` (plus ``extra`` after them); returns them with their ids."""
    ids = {name: accounts.add_user(name, f"{name}@example.com").id for name in USERS}
    for model in MODELS:
        pricing.set_price(model, "1", "2")
    rows = [spec(i) for i in range(n)] + (extra or [])
    for row in rows:
        row["user"] = ids.get(row["username"])
    requestlog.insert_many(rows)
    for number, row in enumerate(rows, start=1):
        row["id"] = number
    return rows


def ids_where(rows: list[dict], keep) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted((r["id"] for r in rows if keep(r)), reverse=True)


@pytest.fixture
async def page(backend):  # type: ignore[no-untyped-def]
    p = LogsPage(backend)
    p.resize(1100, 600)
    yield p
    p.close()
    await settle_page(p)


async def open_page(page: LogsPage) -> None:
    page.show()
    await settle_page(page)
    await page.model.wait_idle()


async def scroll_to_bottom(page: LogsPage) -> None:
    bar = page.view.verticalScrollBar()
    bar.setValue(bar.maximum())  # the view calls fetchMore itself when it reaches the bottom
    await page.model.wait_idle()
    await settle_page(page)


def set_dates(page: LogsPage, since: date | None, until: date | None) -> None:
    for check, edit, day in ((page.from_check, page.from_date, since),
                             (page.to_check, page.to_date, until)):
        if day is not None:
            edit.setDate(QDate(day.year, day.month, day.day))
        check.setChecked(day is not None)


async def test_newest_rows_first_and_one_page(page: LogsPage) -> None:
    seed(1234)
    await open_page(page)
    model = page.model
    assert model.rowCount() == 500
    assert model.row_ids() == list(range(1234, 734, -1))
    first = [model.index(0, c).data() for c in range(model.columnCount())]
    newest = spec(1233)
    assert first[0] == (newest["created_at"]).isoformat(" ", "seconds")
    assert first[1:5] == [newest["username"], newest["model"], newest["provider"],
                          "429 upstream_error"]
    assert first[5] == "1,333" and first[8] == "0.002467"  # tokens with separators, cost exact
    assert model.index(0, 0).data(ID_ROLE) == 1234
    assert model.headerData(5, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert "Scroll down" in page.status_label.text()
    grab(page, page.backend.config.data_dir / "logs.png")


async def test_scrolling_to_the_bottom_fetches_the_next_page(page: LogsPage) -> None:
    seed(1234)
    await open_page(page)
    model = page.model
    await scroll_to_bottom(page)
    assert model.rowCount() == 1000 and model.fetch_count == 2
    assert model.row_ids() == list(range(1234, 234, -1))  # no duplicates, no gaps
    await scroll_to_bottom(page)
    assert model.row_ids() == list(range(1234, 0, -1))
    assert model.exhausted and not model.canFetchMore(QModelIndex())
    await scroll_to_bottom(page)
    assert model.fetch_count == 3  # nothing left: no more queries
    assert page.status_label.text() == "All 1,234 matching requests shown, newest first."


async def test_only_the_pages_scrolled_to_are_fetched(page: LogsPage) -> None:
    seed(20_000)
    await open_page(page)
    model = page.model
    assert model.fetch_count == 1 and model.rowCount() == 500
    for pages in (2, 3, 4):
        await scroll_to_bottom(page)
        assert model.fetch_count == pages and model.rowCount() == 500 * pages
    assert model.row_ids() == list(range(20_000, 18_000, -1))
    # repeated requests while a page is on its way load it once
    for _ in range(5):
        model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex())
    await model.wait_idle()
    assert model.fetch_count == 5 and model.row_ids() == list(range(20_000, 17_500, -1))


async def test_filters_give_exactly_the_matching_rows(page: LogsPage) -> None:
    rows = seed(900)
    await open_page(page)
    model = page.model

    # user: typed, applied with Enter
    page.user_filter.lineEdit().setText("bob")
    QTest.keyClick(page.user_filter.lineEdit(), Qt.Key.Key_Return)
    await model.wait_idle()
    assert model.row_ids() == ids_where(rows, lambda r: r["username"] == "bob")

    # user and model: the model picked from the list
    page.model_filter.setCurrentIndex(page.model_filter.findText("glm-4-flash"))
    page.model_filter.activated.emit(page.model_filter.currentIndex())
    await model.wait_idle()
    assert model.row_ids() == ids_where(
        rows, lambda r: r["username"] == "bob" and r["model"] == "glm-4-flash")

    # errors only, every user and model
    page.clear_filters()
    page.status_filter.setCurrentIndex(page.status_filter.findData("errors"))
    await model.wait_idle()
    errors = ids_where(rows, lambda r: r["status"] != 200)
    assert model.row_ids() == errors and len(errors) > 100
    page.status_filter.setCurrentIndex(page.status_filter.findData("success"))
    await model.wait_idle()
    await scroll_to_bottom(page)
    assert model.row_ids() == ids_where(rows, lambda r: r["status"] == 200)

    # a date range: both days included, UTC
    page.clear_filters()
    set_dates(page, date(2026, 5, 22), date(2026, 5, 23))
    await model.wait_idle()
    in_range = ids_where(rows, lambda r: datetime(2026, 5, 22) <= r["created_at"]
                         < datetime(2026, 5, 24))
    assert model.row_ids() == in_range and len(in_range) == 288

    # everything at once
    page.user_filter.setCurrentText("carol")
    page.status_filter.setCurrentIndex(page.status_filter.findData("errors"))
    await page.apply_filters()
    assert model.row_ids() == ids_where(
        rows, lambda r: r["id"] in in_range and r["username"] == "carol"
        and r["status"] != 200)

    # nobody by that name
    page.clear_filters()
    page.user_filter.setCurrentText("nobody")
    await page.apply_filters()
    assert model.row_ids() == []
    assert page.status_label.text() == "No requests match these filters."


async def test_date_range_is_exact_when_ids_and_times_disagree(page: LogsPage) -> None:
    # crash recovery writes a row long after its request started: high id, old time
    late = [{**spec(50), "request_id": "recovered-1", "status": 500,
             "error_code": "relay_interrupted"},
            {**spec(700), "request_id": "recovered-2"}]
    rows = seed(1500, extra=late)
    await open_page(page)
    for since, until in ((date(2026, 5, 20), date(2026, 5, 20)),  # narrow: min/max of ids
                         (date(2026, 1, 1), date(2026, 5, 29)),  # wide: walks in from the ends
                         (date(2026, 5, 24), None), (None, date(2026, 5, 21))):
        set_dates(page, since, until)
        await page.apply_filters()
        while page.model.canFetchMore(QModelIndex()):
            await scroll_to_bottom(page)
        low = datetime.combine(since, datetime.min.time()) if since else datetime.min
        high = (datetime.combine(until, datetime.min.time()) + timedelta(days=1)
                if until else datetime.max)
        assert page.model.row_ids() == ids_where(
            rows, lambda r, low=low, high=high: low <= r["created_at"] < high), (since, until)
    assert 1501 in page.model.row_ids()


async def test_new_traffic_prepends_only_at_the_top(page: LogsPage, backend) -> None:  # type: ignore[no-untyped-def]
    rows = seed(1200)
    await open_page(page)
    model = page.model
    users = {u.username: u.id for u in accounts.list_users()}

    def arrive(count: int) -> list[int]:
        start = len(rows)
        new = [{**spec(start + k), "user": users["alice"]} for k in range(count)]
        requestlog.insert_many(new)
        rows.extend(new)
        return list(range(len(rows), start, -1))

    # at the top: new rows appear above, the view stays at the top
    new_ids = arrive(3)
    backend.changed.emit("logs")
    await settle_page(page)
    assert model.row_ids()[:4] == [*new_ids, 1200] and model.rowCount() == 503
    assert page.at_top()

    # scrolled down: nothing moves, a note says there is more
    bar = page.view.verticalScrollBar()
    bar.setValue(40)
    first_visible = page.view.indexAt(page.view.viewport().rect().topLeft()).data(ID_ROLE)
    waiting = arrive(2)
    backend.changed.emit("logs")
    await settle_page(page)
    assert model.rowCount() == 503 and bar.value() == 40
    assert page.view.indexAt(page.view.viewport().rect().topLeft()).data(ID_ROLE) \
        == first_visible
    assert page.newer_pending and not page.newer_label.isHidden()

    # back at the top: the waiting rows come in
    bar.setValue(0)
    await model.wait_idle()
    assert model.row_ids()[:3] == [*waiting, new_ids[0]] and page.newer_label.isHidden()

    # a burst of change signals makes at most one check plus one queued after it
    before = model.newer_count
    for _ in range(5):
        backend.changed.emit("logs")
    await settle_page(page)
    await model.wait_idle()
    assert model.newer_count - before <= 2

    # more than a page arrived: start again from the newest
    arrive(600)
    backend.changed.emit("logs")
    await settle_page(page)
    await model.wait_idle()
    assert model.row_ids() == list(range(len(rows), len(rows) - 500, -1))


async def test_refresh_shortcut_and_copy(page: LogsPage) -> None:
    seed(30)
    await open_page(page)
    page.view.selectRow(0)
    page.copy_selection()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].startswith("Time (local)\tUser\tModel")
    assert lines[1].split("\t")[1] == spec(29)["username"]
    fetched = page.model.fetch_count
    page.reload_from_top()
    await settle_page(page)
    assert page.model.fetch_count == fetched + 1 and page.model.rowCount() == 30


async def test_an_empty_filter_fills_when_matching_traffic_arrives(page: LogsPage, backend) -> None:  # type: ignore[no-untyped-def]
    rows = seed(10)
    await open_page(page)
    set_dates(page, date(2026, 5, 21), None)  # nothing on or after that day yet
    await page.apply_filters()
    assert page.model.row_ids() == []
    late = {**spec(500), "user": rows[0]["user"]}
    requestlog.insert_many([late])
    backend.changed.emit("logs")
    await settle_page(page)
    await page.model.wait_idle()
    assert page.model.row_ids() == [11]


@pytest.fixture
def shanghai(monkeypatch):  # type: ignore[no-untyped-def]
    """The computer's time zone is China's (UTC+8) for one test."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_times_and_date_filters_are_local_days(page: LogsPage, shanghai: None) -> None:
    """Issue 15: days are local everywhere. In China a request at 23:30 UTC on 21 May happened
    at 07:30 on 22 May, and the filter "22 May" means 16:00 UTC on 21 May to 16:00 on the 22nd."""
    rows = seed(600)
    await open_page(page)
    newest = rows[-1]["created_at"]  # stored in UTC
    assert page.model.index(0, 0).data() == (newest + timedelta(hours=8)).strftime(
        "%Y-%m-%d %H:%M:%S")
    set_dates(page, date(2026, 5, 22), date(2026, 5, 22))
    await page.model.wait_idle()
    await scroll_to_bottom(page)
    local_day = ids_where(rows, lambda r: datetime(2026, 5, 21, 16) <= r["created_at"]
                          < datetime(2026, 5, 22, 16))
    assert page.model.row_ids() == local_day and len(local_day) == 144
