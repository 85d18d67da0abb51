"""`relaydesk logs` shows which API each request called (ROUTE), on SQLite and PostgreSQL."""

from datetime import datetime

from app import accounts, requestlog


def test_logs_show_the_route_after_the_model(cli, fake_clock) -> None:  # type: ignore[no-untyped-def]
    with cli.bound():
        alice = accounts.add_user("alice", "alice@example.com")
        requestlog.insert_many([
            {"request_id": "old", "user": alice.id, "username": "alice", "model": "glm-4",
             "endpoint": None, "created_at": datetime(2026, 6, 1, 8)},  # before routes
            {"request_id": "cc", "user": alice.id, "username": "alice", "model": "glm-4",
             "endpoint": "/v1/messages", "created_at": datetime(2026, 6, 1, 9)},
            {"request_id": "codex", "user": alice.id, "username": "alice", "model": "glm-4",
             "endpoint": "/v1/responses", "created_at": datetime(2026, 6, 1, 10)}])
    rows = cli.json("logs")
    assert [(r["request_id"], r["endpoint"]) for r in rows] == [
        ("codex", "/v1/responses"), ("cc", "/v1/messages"), ("old", None)]
    lines = cli.ok("logs").out.splitlines()
    assert lines[0].split()[:5] == ["ID", "TIME", "USER", "MODEL", "ROUTE"]
    assert [line.split()[4] for line in lines[1:]] == ["/v1/responses", "/v1/messages", "-"]
