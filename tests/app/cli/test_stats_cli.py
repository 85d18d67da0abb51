"""`relaydesk stats --out FILE`: anonymized per-day, per-model CSV on SQLite and PostgreSQL."""

import csv
from datetime import datetime, timedelta

import pytest

from app import accounts, apikeys, requestlog

NOW = datetime(2026, 6, 1, 12, 0, 0)  # the fake clock's start
POPULAR, RARE = "gpt-popular", "gpt-rare"
IP = "192.168.7.77"


@pytest.fixture
def traffic(cli, fake_clock):
    """Today: 5 users on POPULAR (6 requests), 2 users on RARE; yesterday: 5 users on POPULAR.
    Returns the strings that must never appear in the output."""
    secrets = [IP, "10.1.2.3"]
    with cli.bound():
        users = {}
        for n in range(1, 6):
            name = f"person{n}"
            users[name] = accounts.add_user(name, f"{name}@example.com").id
            _, key = apikeys.create_key(name)
            secrets += [name, f"{name}@example.com", key, key[:12]]
        rows = []
        for i, (name, uid) in enumerate(users.items()):
            for day in (0, 1):
                rows.append(_log(NOW - timedelta(days=day, minutes=i), uid, name, POPULAR,
                                 prompt=100, completion=10 * (i + 1), cost=1_000))
        rows.append(_log(NOW - timedelta(minutes=30), users["person1"], "person1", POPULAR,
                         prompt=1, completion=1, cost=7))
        rows.append(_log(NOW - timedelta(minutes=40), users["person1"], "person1", RARE,
                         prompt=5, completion=5, cost=50, ip="10.1.2.3"))
        rows.append(_log(NOW - timedelta(minutes=41), users["person2"], "person2", RARE,
                         prompt=5, completion=5, cost=50, ip="10.1.2.3"))
        requestlog.insert_many(rows)
    return secrets


def _log(at, user, username, model, *, prompt, completion, cost, ip=IP):
    return {"created_at": at, "request_id": f"r-{at.timestamp()}-{user}-{model}", "user": user,
            "username": username, "model": model, "prompt_tokens": prompt,
            "completion_tokens": completion, "cost_micros": cost, "client_ip": ip,
            "user_agent": f"agent-of-{username}"}


def _read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_stats_writes_anonymized_rows_and_suppresses_small_groups(cli, traffic, tmp_path):
    out = tmp_path / "stats.csv"
    result = cli.ok("stats", "--out", str(out))
    assert result.out == (f"wrote 2 rows (30 days; groups with fewer than 5 users left out) "
                          f"to {out}\n")
    assert _read(out) == [
        ["date", "model", "requests", "tokens", "spend_micros"],
        ["2026-05-31", POPULAR, "5", str(5 * 100 + 150), "5000"],
        ["2026-06-01", POPULAR, "6", str(5 * 100 + 150 + 2), "5007"],
    ]  # RARE (2 users) is left out entirely
    text = out.read_text(encoding="utf-8")
    for secret in traffic:
        assert secret not in text
    assert "agent-of" not in text and RARE not in text


def test_min_group_and_days(cli, traffic, tmp_path):
    out = tmp_path / "stats.csv"
    doc = cli.json("stats", "--out", str(out), "--days", "1", "--min-group", "2")
    assert doc == {"path": str(out), "rows": 2, "days": 1, "min_group": 2}
    rows = _read(out)
    assert [(r[0], r[1]) for r in rows[1:]] == [("2026-06-01", POPULAR), ("2026-06-01", RARE)]
    assert rows[2][2:] == ["2", "20", "100"]
    for secret in traffic:
        assert secret not in out.read_text(encoding="utf-8")
    assert cli.json("stats", "--out", str(out), "--min-group", "6")["rows"] == 0
    assert _read(out) == [["date", "model", "requests", "tokens", "spend_micros"]]


def test_bad_numbers_are_refused_before_writing(cli, tmp_path):
    out = tmp_path / "stats.csv"
    assert "days" in cli.fails("stats", "--out", str(out), "--days", "0")
    assert "min_group" in cli.fails("stats", "--out", str(out), "--min-group", "0")
    assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "data"]
    assert cli("stats").code == 2  # --out is required


def test_model_names_cannot_become_spreadsheet_formulas(cli, fake_clock, tmp_path):
    with cli.bound():
        uid = accounts.add_user("solo", "solo@example.com").id
        requestlog.insert_many([_log(NOW, uid, "solo", "=HYPERLINK(\"http://x\")", prompt=1,
                                     completion=1, cost=1),
                                _log(NOW, uid, "solo", None, prompt=1, completion=0, cost=0)])
    out = tmp_path / "stats.csv"
    cli.ok("stats", "--out", str(out), "--min-group", "1")
    assert [r[1] for r in _read(out)[1:]] == ["'=HYPERLINK(\"http://x\")", ""]
