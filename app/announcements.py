"""The operator's announcements to the people who use the relay, shown on the portal's home
page (and, with notifications, emailed). Not personal data: no user is named in one."""

from app import audit, notify
from app.db import write_transaction
from app.errors import NotFound, ValidationError
from app.models import Announcement

TITLE_MAX = 200
BODY_MAX = 10_000


def _text(value: str | None, field: str, maximum: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError("{field} is required", param=field.lower(), field=field)
    if "\x00" in text:
        raise ValidationError("{field} must not contain NUL characters", param=field.lower(),
                              field=field)
    if len(text) > maximum:
        raise ValidationError("{field} must be at most {maximum} characters",
                              param=field.lower(), field=field, maximum=maximum)
    return text


def post(title: str, body: str, *, actor: str = "admin", email: bool = False) -> Announcement:
    """Publish an announcement; every portal user sees it on their home page, and with
    ``email`` it is also mailed to every user who has not opted out."""
    # field= by keyword: tests/gui/test_error_texts.py finds field names given that way.
    clean_title = _text(title, field="Title", maximum=TITLE_MAX)
    clean_body = _text(body, field="Body", maximum=BODY_MAX)
    with write_transaction():
        row = Announcement.create(title=clean_title, body=clean_body, created_by=actor[:64])
        audit.record("announcement.post", actor=actor, target=str(row.id),
                     detail={"title": clean_title})
        if email:
            notify.announcement(row)
    return row


def recent(limit: int = 5) -> list[Announcement]:
    """The newest announcements first."""
    return list(Announcement.select()
                .order_by(Announcement.created_at.desc(), Announcement.id.desc()).limit(limit))


def delete(announcement_id: int, *, actor: str = "admin") -> None:
    """Withdraw an announcement."""
    with write_transaction():
        if not Announcement.delete().where(Announcement.id == announcement_id).execute():
            raise NotFound("there is no announcement with ID {announcement_id}",
                           announcement_id=announcement_id)
        audit.record("announcement.delete", actor=actor, target=str(announcement_id))
