"""The route each request called (``RequestLog.endpoint``) reaches every reader of the log:
the GUI's pages, the JSON views, the user's data export (JSON and CSV) and the usage CSV.
Rows logged before the route was recorded read as empty, never as a made-up route."""

import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

from app import accounts, export, logquery, requestlog, usage, views
from app.models import RequestLog, User

ROUTES = ["/v1/chat/completions", "/v1/messages", "/v1/responses", None]


def seed() -> User:
    """alice's four requests, oldest first: one per route, the last logged before routes."""
    alice = accounts.add_user("alice", "alice@example.com")
    requestlog.insert_many([
        {"request_id": f"r{n}", "user": alice.id, "username": "alice", "model": "m1",
         "endpoint": route, "created_at": datetime(2026, 6, 1, 9, n)}
        for n, route in enumerate(ROUTES)])
    return alice


def test_log_pages_and_views_carry_the_route(any_db) -> None:
    seed()
    _, rows = logquery.first_page(logquery.LogFilter())
    assert [r.endpoint for r in rows] == ROUTES[::-1]
    logged = RequestLog.select().order_by(RequestLog.id)
    assert [views.request_log(r)["endpoint"] for r in logged] == ROUTES


def test_the_export_holds_the_route_in_json_and_csv(sqlite_db, tmp_path: Path) -> None:
    seed()
    doc = json.loads(export.export_user("alice", tmp_path / "a.json").path.read_text())
    assert [r["endpoint"] for r in doc["request_logs"]] == ROUTES
    result = export.export_user("alice", tmp_path / "a.zip", "csv")
    with zipfile.ZipFile(result.path) as archive:
        table = list(csv.DictReader(io.StringIO(
            archive.read("request_logs.csv").decode("utf-8-sig"))))
        readme = archive.read("README.txt").decode()
    assert [r["endpoint"] for r in table] == [route or "" for route in ROUTES]
    assert "failover_count, endpoint" in readme


def test_the_usage_csv_has_a_route_column(sqlite_db) -> None:
    alice = seed()
    page = usage.usage_page(usage.UsageFilter(alice.id))
    cells = [dict(zip(usage.CSV_HEADER, usage.csv_row(row), strict=True)) for row in page.rows]
    assert [c["endpoint"] for c in cells] == [route or "" for route in ROUTES[::-1]]
    assert cells[0]["model"] == "m1"
