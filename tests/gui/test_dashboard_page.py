"""Dashboard: today's cards, the 14-day stacked chart by model, top models, calm refreshing."""

from datetime import datetime

import pytest

from app import accounts, requestlog
from gui.pages.dashboard import MIN_INTERVAL_S, DashboardPage, nice_step
from tests.gui.conftest import grab, settle_page

NOW = datetime(2026, 6, 1, 12, 0, 0)  # the fake_clock fixture's "now"


def log(username: str, model: str, at: datetime, *, status: int = 200, prompt: int = 0,
        completion: int = 0, cost: int = 0) -> dict:
    return {"created_at": at, "request_id": f"r{at.isoformat()}{username}{model}",
            "username": username, "model": model, "status": status, "prompt_tokens": prompt,
            "completion_tokens": completion, "cost_micros": cost,
            "error_code": None if status < 400 else "upstream_error"}


def seed(rows: list[dict]) -> None:
    ids = {u.username: u.id for u in accounts.list_users()}
    for name in {r["username"] for r in rows} - set(ids):
        ids[name] = accounts.add_user(name, f"{name}@example.com").id
    requestlog.insert_many([{**r, "user": ids[r["username"]]} for r in rows])


TODAY = [
    log("alice", "deepseek-chat", datetime(2026, 6, 1, 9), prompt=1000, completion=200,
        cost=2_500_000),
    log("alice", "deepseek-chat", datetime(2026, 6, 1, 10), prompt=500, completion=100,
        cost=1_250_000),
    log("bob", "glm-4-flash", datetime(2026, 6, 1, 11), prompt=300, completion=300, cost=60_000),
    log("bob", "glm-4-flash", datetime(2026, 6, 1, 11, 30), status=429),
    log("carol", "qwen-plus", datetime(2026, 6, 1, 11, 45), status=502),
    log("alice", "qwen-plus", datetime(2026, 6, 1, 0, 0, 0), prompt=2000, completion=1000,
        cost=3_000_001),
]
EARLIER = [
    log("bob", "deepseek-chat", datetime(2026, 5, 31, 23, 59, 59), prompt=100, completion=10,
        cost=100_000),
    *[log("alice", "glm-4-flash", datetime(2026, 5, 25, 8, k), cost=10_000) for k in range(3)],
    log("carol", "qwen-plus", datetime(2026, 5, 19, 0, 0, 1), cost=5),  # first day shown
    log("carol", "deepseek-reasoner", datetime(2026, 5, 18, 23, 59), cost=7),  # too old
]


@pytest.fixture
async def page(backend, fake_clock):  # type: ignore[no-untyped-def]
    p = DashboardPage(backend)
    p.resize(990, 720)
    yield p
    p.close()
    await settle_page(p)


def bar_sets(page: DashboardPage) -> dict[str, list[int]]:
    return {s.label(): [int(s.at(i)) for i in range(s.count())] for s in page.series.barSets()}


def zeros_except(**at: int) -> list[int]:
    values = [0] * 14
    for key, value in at.items():
        values[int(key[1:])] = value
    return values


async def test_cards_chart_and_top_models_show_the_hand_computed_numbers(page) -> None:  # type: ignore[no-untyped-def]
    seed(TODAY + EARLIER)
    page.show()
    await settle_page(page)

    assert page.requests_card.value.text() == "6"
    assert page.tokens_card.value.text() == "5,400"  # (1000+500+300+2000) + (200+100+300+1000)
    assert page.tokens_card.detail.text() == "3,800 prompt, 1,600 completion"
    assert "6.810001" in page.spend_card.value.text() and "CNY" in page.spend_card.value.text()
    assert page.users_card.value.text() == "3"
    assert page.errors_card.value.text() == "2"
    assert page.errors_card.detail.text() == "33.3% of requests"

    categories = page.x_axis.categories()
    assert len(categories) == 14 and categories[0] == "5/19" and categories[-1] == "6/1"
    # one set per model seen in the window, most requests first; empty days are zeros
    assert bar_sets(page) == {
        "glm-4-flash": zeros_except(d6=3, d13=2),
        "deepseek-chat": zeros_except(d12=1, d13=2),
        "qwen-plus": zeros_except(d0=1, d13=2),
    }
    assert [s.label() for s in page.series.barSets()] == ["glm-4-flash", "deepseek-chat",
                                                          "qwen-plus"]
    assert page.y_axis.categoriesLabels() == ["0", "2", "4", "6"]

    page.spend_button.click()
    assert page.chart_mode == "spend"
    assert bar_sets(page) == {
        "glm-4-flash": zeros_except(d6=30_000, d13=60_000),
        "deepseek-chat": zeros_except(d12=100_000, d13=3_750_000),
        "qwen-plus": zeros_except(d0=5, d13=3_000_001),
    }
    assert page.y_axis.categoriesLabels() == ["0.00", "2.00", "4.00", "6.00", "8.00"]
    assert "CNY" in page.chart_heading.text()

    top = [[page.top_model.item(r, c).text() for c in range(5)]
           for r in range(page.top_model.rowCount())]
    assert top == [["deepseek-chat", "2", "1,800", "3.75", "33%"],
                   ["qwen-plus", "2", "3,000", "3.000001", "33%"],
                   ["glm-4-flash", "2", "600", "0.06", "33%"]]
    assert page.top_model.horizontalHeaderItem(3).text() == "Spend (CNY)"
    grab(page, page.backend.config.data_dir / "dashboard.png")


async def test_no_traffic_shows_zeros_and_an_empty_chart(page) -> None:  # type: ignore[no-untyped-def]
    page.show()
    await settle_page(page)
    assert page.requests_card.value.text() == "0"
    assert page.errors_card.detail.text() == "no requests yet"
    assert page.series.barSets() == [] and len(page.x_axis.categories()) == 14
    assert "No requests" in page.chart.title()
    assert page.top_view.isHidden() and not page.top_empty.isHidden()


async def test_many_models_fold_into_other(page) -> None:  # type: ignore[no-untyped-def]
    seed([log("alice", f"model-{k}", datetime(2026, 6, 1, 9, k)) for k in range(9)
          for _ in range(k + 1)])
    page.show()
    await settle_page(page)
    sets = bar_sets(page)
    assert list(sets) == [f"model-{k}" for k in range(8, 2, -1)] + ["Other"]
    assert sets["Other"][13] == 1 + 2 + 3  # model-0, model-1 and model-2


async def test_refreshes_on_changes_at_most_every_few_seconds(page, backend) -> None:  # type: ignore[no-untyped-def]
    seed(TODAY)
    now = [1000.0]
    page.clock = lambda: now[0]
    page.show()
    await settle_page(page)
    assert page.refresh_count == 1 and page.requests_card.value.text() == "6"

    seed([log("dave", "glm-4-flash", datetime(2026, 6, 1, 11, 59))])
    for topic in ("logs", "money", "users", "logs"):
        backend.changed.emit(topic)
    await settle_page(page)
    assert page.refresh_count == 1  # too soon: one refresh is scheduled instead
    assert page.deferred.isActive() and page.deferred.interval() <= MIN_INTERVAL_S * 1000 + 1

    now[0] += MIN_INTERVAL_S
    page.deferred.timeout.emit()  # the interval is over
    await settle_page(page)
    assert page.refresh_count == 2
    assert page.requests_card.value.text() == "7" and page.users_card.value.text() == "4"

    backend.changed.emit("prices")  # not a topic of this page
    await settle_page(page)
    assert page.refresh_count == 2 and not page.deferred.isActive()


def test_nice_steps() -> None:
    assert [nice_step(v) for v in (1, 5, 6, 10, 11, 49, 51, 6_810_001)] == \
        [1, 1, 2, 2, 5, 10, 20, 2_000_000]


@pytest.mark.parametrize(("cost", "text"), [(256, "0.000256"), (0, "0.00"),
                                            (12_500_000, "12.50"), (12_345_678, "12.345678")])
async def test_the_spend_card_and_the_top_models_show_the_same_text(page, cost, text) -> None:  # type: ignore[no-untyped-def]
    """One amount, one text: the card once said 0.00026 where the table said 0.000256."""
    seed([log("alice", "deepseek-chat", datetime(2026, 6, 1, 9), prompt=1, cost=cost)])
    page.show()
    await settle_page(page)
    assert page.spend_card.shown == text
    assert page.top_model.item(0, 3).text() == text


async def test_today_and_the_chart_follow_local_days(page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """In Shanghai a request at 23:30 UTC on 31 May is spent on 1 June, local time."""
    import time
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        seed([log("alice", "deepseek-chat", datetime(2026, 5, 31, 23, 30), cost=1_000_000),
              log("alice", "deepseek-chat", datetime(2026, 5, 31, 15, 30), cost=7)])
        page.show()
        await settle_page(page)
        assert page.spend_card.shown == "1.00"
        assert "local time" in page.spend_card.caption.text()
        assert "local time" in page.chart_heading.text()
        assert bar_sets(page) == {"deepseek-chat": zeros_except(d12=1, d13=1)}
    finally:
        monkeypatch.undo()
        time.tzset()
