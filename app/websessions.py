"""Signed-in user-portal sessions: start (a fresh token each sign-in), check, end.

The session token is a 256-bit random value kept by the browser; only its SHA-256 is stored, so
a copy of the database signs no one in. A session ends after ``session_idle_minutes`` without
use or ``session_absolute_hours`` after sign-in, whichever comes first. Last-seen is written at
most once a minute, so reading pages costs no write each.

CSRF: each session's token is an HMAC of its session token, so the pages can render it on every
request without storing it, and no server secret has to be kept or shared between processes;
only its SHA-256 is stored, and :func:`check_csrf` needs nothing but the session row.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from app import clock, settings
from app.db import write_transaction
from app.models import User, WebSession

REFRESH = timedelta(minutes=1)  # last-seen is written at most this often
_CSRF_CONTEXT = b"relaydesk portal csrf"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def csrf_token_for(token: str) -> str:
    """The CSRF token of the session whose token is ``token`` (for forms on every page)."""
    return hmac.new(token.encode("utf-8"), _CSRF_CONTEXT, hashlib.sha256).hexdigest()


def _with_csrf(session: WebSession, token: str) -> WebSession:
    # Not a column: only callers holding the session token get the CSRF token to render.
    session.csrf_token = csrf_token_for(token)  # type: ignore[attr-defined]
    return session


def start_session(user: User, ip: str | None, user_agent: str | None, *,
                  previous_token: str | None = None) -> tuple[str, WebSession]:
    """A new session for ``user`` (after a successful sign-in); returns ``(token, session)``.

    A fresh token every sign-in, so a token planted before sign-in is worthless; the browser's
    ``previous_token``, if any, ends here.
    """
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with write_transaction():
        if previous_token:
            WebSession.delete().where(WebSession.token_hash == _digest(previous_token)).execute()
        session = WebSession.create(
            user=user.id, token_hash=_digest(token), csrf_hash=_digest(csrf_token_for(token)),
            created_at=now, last_seen_at=now, ip=(ip or "")[:64] or None,
            user_agent=(user_agent or "")[:300] or None)
    return token, _with_csrf(session, token)


def _expired(session: WebSession) -> bool:
    now = clock.now()
    idle = timedelta(minutes=settings.get("session_idle_minutes"))
    lifetime = timedelta(hours=settings.get("session_absolute_hours"))
    return now - session.last_seen_at >= idle or now - session.created_at >= lifetime


def check_session(token: str | None) -> WebSession | None:
    """The live session ``token`` names, or ``None`` (unknown, expired, or its user is no
    longer active). An expired session is deleted; a live one's last-seen is refreshed at most
    once a minute."""
    if not token:
        return None
    session = (WebSession.select(WebSession, User).join(User)
               .where(WebSession.token_hash == _digest(token)).get_or_none())
    if session is None:
        return None
    if _expired(session) or session.user.status != "active":
        with write_transaction():
            WebSession.delete().where(WebSession.id == session.id).execute()
        return None
    now = clock.now()
    if now - session.last_seen_at >= REFRESH:
        with write_transaction():
            WebSession.update(last_seen_at=now).where(WebSession.id == session.id).execute()
        session.last_seen_at = now
    return _with_csrf(session, token)


def check_csrf(session: WebSession, token: str | None) -> bool:
    """True when ``token`` is ``session``'s CSRF token (compared in constant time)."""
    if not token:
        return False
    return hmac.compare_digest(_digest(token), session.csrf_hash)


def live_sessions(user: User | int) -> list[WebSession]:
    """The user's unexpired sessions, most recently used first (the Profile page lists them)."""
    user_id = user if isinstance(user, int) else user.id
    query = (WebSession.select().where(WebSession.user == user_id)
             .order_by(WebSession.last_seen_at.desc(), WebSession.id.desc()))
    return [session for session in query if not _expired(session)]


def end_session(token: str | None) -> bool:
    """Sign out: the session ``token`` names ends. False when there was none."""
    if not token:
        return False
    with write_transaction():
        return bool(WebSession.delete().where(WebSession.token_hash == _digest(token)).execute())


def end_all_sessions(user: User | int) -> int:
    """End every session of ``user`` (password change, disabling, deletion); returns how many.
    Runs inside the caller's transaction when there is one."""
    user_id = user if isinstance(user, int) else user.id
    with write_transaction():
        deleted: int = WebSession.delete().where(WebSession.user == user_id).execute()
    return deleted


def purge_expired() -> int:
    """Delete sessions past either expiry (a housekeeping job's call); returns how many."""
    now = clock.now()
    idle = now - timedelta(minutes=settings.get("session_idle_minutes"))
    born = now - timedelta(hours=settings.get("session_absolute_hours"))
    with write_transaction():
        deleted: int = WebSession.delete().where((WebSession.last_seen_at <= idle)
                                                 | (WebSession.created_at <= born)).execute()
    return deleted
