"""Request logs: written in batches by the relay, read by the CLI, GUI and exports."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from app.db import write_transaction
from app.models import RequestLog, User

BATCH = 500


def insert_many(rows: Iterable[dict[str, Any]]) -> int:
    """Insert log rows in one transaction (the relay's batched writer calls this)."""
    batch = list(rows)
    if not batch:
        return 0
    with write_transaction():
        for start in range(0, len(batch), BATCH):
            RequestLog.insert_many(batch[start:start + BATCH]).execute()
    return len(batch)


def query(*, username: str | None = None, model: str | None = None,
          since: datetime | None = None, until: datetime | None = None,
          status: int | None = None, limit: int = 100, before_id: int | None = None
          ) -> list[RequestLog]:
    """Newest first; ``before_id`` pages backwards without OFFSET (fast on big tables)."""
    q = RequestLog.select().order_by(RequestLog.id.desc()).limit(limit)
    if username:
        user = User.get_or_none(User.username == username)
        q = q.where(RequestLog.user == (user.id if user else -1))
    if model:
        q = q.where(RequestLog.model == model)
    if since:
        q = q.where(RequestLog.created_at >= since)
    if until:
        q = q.where(RequestLog.created_at < until)
    if status is not None:
        q = q.where(RequestLog.status == status)
    if before_id is not None:
        q = q.where(RequestLog.id < before_id)
    return list(q)
