"""app.announcements: post (checked, trimmed, audited), newest first, delete."""

import pytest

from app import announcements
from app.errors import NotFound, ValidationError
from app.models import AuditEvent


def test_post_trims_and_audits(any_db) -> None:
    row = announcements.post("  Maintenance ", "\nSunday 02:00\n", actor="ops")
    assert (row.title, row.body, row.created_by) == ("Maintenance", "Sunday 02:00", "ops")
    event = AuditEvent.get(AuditEvent.action == "announcement.post")
    assert (event.actor, event.target) == ("ops", str(row.id))


def test_recent_is_newest_first_and_limited(any_db) -> None:
    ids = [announcements.post(f"t{n}", "b").id for n in range(4)]
    assert [a.id for a in announcements.recent(3)] == ids[::-1][:3]


@pytest.mark.parametrize(("title", "body", "message"), [
    ("", "b", "Title is required"),
    ("t", "   ", "Body is required"),
    ("t\x00", "b", "Title must not contain NUL characters"),
    ("t", "b\x00", "Body must not contain NUL characters"),
    ("x" * (announcements.TITLE_MAX + 1), "b", "Title must be at most 200 characters"),
    ("t", "x" * (announcements.BODY_MAX + 1), "Body must be at most 10000 characters"),
])
def test_bad_text_is_refused(any_db, title: str, body: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        announcements.post(title, body)
    assert refused.value.message == message
    assert announcements.recent() == []


def test_delete(any_db) -> None:
    announcements.post("keep", "b")
    gone = announcements.post("gone", "b")
    announcements.delete(gone.id, actor="ops")
    assert [a.title for a in announcements.recent()] == ["keep"]
    assert AuditEvent.get(AuditEvent.action == "announcement.delete").target == str(gone.id)
    with pytest.raises(NotFound, match=f"no announcement with ID {gone.id}"):
        announcements.delete(gone.id)
