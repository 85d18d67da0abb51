"""`python -m bench.gui_logs`: the Request logs page against a 1,000,000-row request_log.

Builds a temp SQLite database (users through the service layer, log rows bulk-inserted in one
transaction), then opens the real LogsPage offscreen and measures what the operator feels:
time until the first page is on screen, time per fetchMore (scrolling to the bottom), and the
process's memory. Prints the numbers; it checks correctness (a page per fetch, rows for each
filter) but asserts no timing targets.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gui.pages.logs import LogsPage

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent

# (model, provider, share of traffic in 1/1000, micros per 1k prompt / completion tokens)
MODELS = [("deepseek-chat", "deepseek", 380, 2_000, 8_000), ("glm-4-flash", "zhipu", 240, 100, 100),
          ("qwen-plus", "aliyun", 200, 800, 2_000),
          ("deepseek-reasoner", "deepseek", 100, 4_000, 16_000),
          ("qwen-turbo", "aliyun", 80, 300, 600)]
ERRORS = [(429, "rate_limit_exceeded"), (502, "upstream_error"), (503, "upstream_unavailable"),
          (401, "invalid_api_key"), (429, "insufficient_quota")]
USERNAMES = ["alice", "bob", "chen_wei", "li_na", "wang_fang", "zhang_min", "liu_yang", "dev-team",
             "ops-bot", "student01", "student02", "zhao_lei", "sun_li", "zhou_jie", "wu_hao",
             "qa-runner", "hu_jing", "lin_tao", "he_xin", "ma_rui"]
END = datetime(2026, 6, 1, 12, 0, 0)

# Rows are generated inside SQLite (a recursive CTE over small lookup tables): no Python per
# row. Each random draw is materialized once, so one row's fields agree with each other.
GENERATE = """
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < :n - 1),
r AS MATERIALIZED (
    SELECT i, abs(random()) % 1000 AS mr, abs(random()) % 1000 AS ur, abs(random()) % 10000 AS er,
           abs(random()) % 100 AS sr, abs(random()) % 1000 AS a, abs(random()) % 1000 AS b,
           abs(random()) % 1000 AS c FROM seq),
t AS (SELECT r.*, 20 + r.a * r.b / 250 AS prompt, 10 + r.c * r.c / 1500 AS completion FROM r)
INSERT INTO request_log (created_at, request_id, user_id, username, model, upstream_model,
    provider, stream, prompt_tokens, cached_tokens, completion_tokens, cost_micros, status,
    error_code, duration_ms, ttfb_ms, client_ip, user_agent, estimated, overrun, failover_count)
SELECT strftime('%Y-%m-%d %H:%M:%f', :start + (t.i + t.a / 1000.0) * :step, 'unixepoch'),
    printf('req_%010d', t.i), u.id, u.name, m.model, m.model, m.provider, t.sr < 60,
    iif(e.k IS NULL, t.prompt, 0), iif(e.k IS NULL AND t.sr < 30, t.prompt / 2, 0),
    iif(e.k IS NULL, t.completion, 0),
    iif(e.k IS NULL, (t.prompt * m.pin + t.completion * m.pout) / 1000, 0),
    coalesce(e.status, 200), e.code, iif(e.k IS NULL, 300 + t.c * 9, 20 + t.b * 3),
    iif(e.k IS NULL AND t.sr < 60, 120 + t.b * 3 / 4, NULL), u.ip, 'openai-python/1.82',
    t.sr < 2, 0, t.sr = 99 AND e.k IS NULL
FROM t JOIN temp.m ON t.mr BETWEEN m.lo AND m.hi JOIN temp.u ON t.ur BETWEEN u.lo AND u.hi
    LEFT JOIN temp.e ON t.er < :errors_per_10k AND e.k = t.er % :error_kinds
"""


def make_users(names: list[str]) -> dict[str, int]:
    """Users through the service layer (so the rows look like the real thing); name -> id."""
    from app import accounts

    return {name: accounts.add_user(name, f"{name.replace('_', '.')}@example.com").id
            for name in names}


def fill_logs(path: Path, rows: int, users: dict[str, int], *, end: datetime = END,
              days: float = 90.0, error_rate: float = 0.03) -> float:
    """Bulk-insert ``rows`` plausible request_log rows spread over ``days`` before ``end``.

    Indexes are dropped for the insert and rebuilt after (much faster than updating five
    B-trees row by row). Returns the seconds taken. Nothing else may have the file open.
    """
    started = time.perf_counter()
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name = 'request_log' AND sql IS NOT NULL").fetchall()
        conn.execute("BEGIN")
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        _lookup_tables(conn, users)
        span = days * 86400.0
        conn.execute(GENERATE, {"n": rows, "start": _epoch(end) - span, "step": span / rows,
                                "errors_per_10k": int(error_rate * 10_000),
                                "error_kinds": len(ERRORS)})
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()
    return time.perf_counter() - started


def _epoch(naive_utc: datetime) -> float:
    return (naive_utc - datetime(1970, 1, 1)).total_seconds()


def _lookup_tables(conn: sqlite3.Connection, users: dict[str, int]) -> None:
    conn.execute("CREATE TEMP TABLE m (lo, hi, model, provider, pin, pout)")
    low = 0
    for model, provider, share, pin, pout in MODELS:
        conn.execute("INSERT INTO temp.m VALUES (?, ?, ?, ?, ?, ?)",
                     (low, low + share - 1, model, provider, pin, pout))
        low += share
    conn.execute("CREATE TEMP TABLE u (lo, hi, id, name, ip)")
    weights = [1.0 / (i + 1) for i in range(len(users))]  # a few heavy users, a long tail
    total, low = sum(weights), 0
    for i, (name, user_id) in enumerate(users.items()):
        high = 999 if i == len(users) - 1 else low + max(1, int(1000 * weights[i] / total)) - 1
        conn.execute("INSERT INTO temp.u VALUES (?, ?, ?, ?, ?)",
                     (low, high, user_id, name, f"192.168.1.{10 + i}"))
        low = high + 1
    conn.execute("CREATE TEMP TABLE e (k, status, code)")
    conn.executemany("INSERT INTO temp.e VALUES (?, ?, ?)",
                     [(k, status, code) for k, (status, code) in enumerate(ERRORS)])


def build(data_dir: Path, rows: int, *, days: float = 90.0, end: datetime = END) -> float:
    """A migrated SQLite database in ``data_dir`` with ``rows`` request_log rows."""
    from app import db, runtime

    cfg = runtime.start(data_dir, environ={})
    users = make_users(USERNAMES)
    db.close_database()
    return fill_logs(cfg.sqlite_path, rows, users, end=end, days=days)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


async def measure(data_dir: Path, fetches: int) -> dict[str, float]:
    """Open the page on the database in ``data_dir`` and time what the operator waits for."""
    from app import runtime
    from gui.backend import Backend
    from gui.pages.logs import LogsPage

    cfg = runtime.start(data_dir, environ={})
    backend = Backend(cfg)
    page = LogsPage(backend)
    page.resize(1000, 700)
    r: dict[str, float] = {"rss_before_mb": rss_mb()}
    started = time.perf_counter()
    page.show()
    await page.reload()
    page.view.viewport().repaint()  # painted, not just loaded
    r["first_page_s"] = time.perf_counter() - started
    model = page.model
    assert model.rowCount() == model.PAGE, model.rowCount()
    bar = page.view.verticalScrollBar()
    times = []
    for _ in range(fetches):
        before = model.rowCount()
        t0 = time.perf_counter()
        bar.setValue(bar.maximum())  # the view itself calls fetchMore at the bottom
        await model.wait_idle()
        page.view.viewport().repaint()
        times.append(time.perf_counter() - t0)
        assert model.rowCount() == before + model.PAGE, (before, model.rowCount())
    r["fetch_mean_s"], r["fetch_max_s"] = sum(times) / len(times), max(times)
    r["rows_loaded"] = float(model.rowCount())
    r["fetches"] = float(model.fetch_count)
    r["rss_loaded_mb"] = rss_mb()
    today = END.date()
    cases = {
        "user (a light one)": lambda: page.user_filter.setCurrentText(USERNAMES[-1]),
        "model (8% of traffic)": lambda: page.model_filter.setCurrentText("qwen-turbo"),
        "errors only (3%)": lambda: page.status_filter.setCurrentIndex(2),
        "one week, a month ago": lambda: _date_range(page, today - timedelta(days=37),
                                                      today - timedelta(days=31)),
        "the whole 90 days": lambda: _date_range(page, today - timedelta(days=100), today),
    }
    for label, apply in cases.items():
        page.clear_filters()
        await model.wait_idle()
        apply()
        t0 = time.perf_counter()
        await page.apply_filters()
        r[f"filter: {label}"] = time.perf_counter() - t0
        assert model.rowCount() > 0, label
    r["peak_rss_mb"] = peak_rss_mb()
    page.close()
    await backend.close()
    return r


def _date_range(page: LogsPage, since: date, until: date) -> None:
    from PySide6.QtCore import QDate

    page.from_date.setDate(QDate(since.year, since.month, since.day))
    page.to_date.setDate(QDate(until.year, until.month, until.day))
    page.from_check.setChecked(True)
    page.to_check.setChecked(True)


def main() -> int:
    parser = argparse.ArgumentParser(description="Request logs page on a big request_log")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--fetches", type=int, default=20, help="pages to scroll through")
    parser.add_argument("--keep", metavar="DIR", help="build (or reuse) the database here")
    parser.add_argument("--build-only", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        print(f"{build(Path(args.build_only), args.rows):.1f}")
        return 0

    import qasync
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory(prefix="relaydesk-bench-") as tmp:
        data_dir = Path(args.keep) if args.keep else Path(tmp)
        if not (data_dir / "relaydesk.sqlite3").exists():
            # in a child process, so its memory does not count as the page's peak
            out = subprocess.run([sys.executable, "-m", "bench.gui_logs", "--rows",
                                  str(args.rows), "--build-only", str(data_dir)],
                                 cwd=ROOT, check=True, capture_output=True, text=True)
            print(f"built {args.rows:,} request_log rows in {float(out.stdout):.1f} s")
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)  # closing the page must not stop the loop
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            r = runner.run(measure(data_dir, args.fetches))
    report(r, args.fetches)
    return 0


def report(r: dict[str, float], fetches: int) -> None:
    print(f"first page shown:          {r['first_page_s'] * 1000:8.1f} ms")
    print(f"fetchMore (500 rows):      {r['fetch_mean_s'] * 1000:8.1f} ms mean, "
          f"{r['fetch_max_s'] * 1000:.1f} ms max over {fetches}")
    print(f"rows loaded / pages asked: {r['rows_loaded']:8.0f} / {r['fetches']:.0f}")
    for key, value in r.items():
        if key.startswith("filter: "):
            print(f"{key + ' first page:':44}{value * 1000:8.1f} ms")
    print(f"RSS: {r['rss_before_mb']:.1f} MB before the first page, "
          f"{r['rss_loaded_mb']:.1f} MB with {r['rows_loaded']:.0f} rows loaded, "
          f"peak {r['peak_rss_mb']:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
