"""User-portal sign-ins: check a password under a per-account lockout, and keep a record of
each attempt (time, address, browser and OS) for the user's sign-in history and new-device
notices.

After :data:`MAX_FAILURES` wrong passwords within :data:`WINDOW` (counted since the last
success), the account refuses every attempt for :data:`LOCKOUT` without checking the password,
as :mod:`app.adminauth` does for the operator. The count is kept in the records themselves, so
a restart resets nothing. Addresses: the portal's web layer also counts each failure toward an
address ban through the relay's guard (``guard.failure(ip, "login")``), as admin sign-in does;
those counts are in-memory per relay process, so they are not repeated here.
"""

from datetime import datetime, timedelta
from functools import cache

from ua_parser import parse_os, parse_user_agent

from app import clock, passwords
from app.adminauth import LockedOut
from app.db import is_postgres, write_transaction
from app.errors import Conflict, ValidationError
from app.models import SignIn, User

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
HISTORY_LIMIT = 1000
UNKNOWN = "Other"


@cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so that answer takes as long as a wrong password."""
    return passwords.hash_password("relaydesk-no-such-user")


def device(user_agent: str | None) -> tuple[str, str]:
    """(browser family, OS family) named by ``user_agent``; "Other" for what is not known."""
    text = (user_agent or "")[:300]
    if not text:
        return UNKNOWN, UNKNOWN
    browser, system = parse_user_agent(text), parse_os(text)
    return ((browser.family if browser else UNKNOWN)[:64],
            (system.family if system else UNKNOWN)[:64])


def record_signin(user: User | None, ip: str | None, user_agent: str | None,
                  ok: bool) -> SignIn:
    """Record one attempt (``user`` None: an unknown username) in the caller's transaction."""
    browser, system = device(user_agent)
    with write_transaction():
        return SignIn.create(user=user.id if user else None, created_at=clock.now(), ok=ok,
                             ip=(ip or "")[:64] or None,
                             user_agent=(user_agent or "")[:300] or None,
                             browser=browser, os=system)


def is_new_device(user: User, user_agent: str | None, *,
                  before: SignIn | None = None) -> bool:
    """True when no successful sign-in of ``user`` (before ``before``, when given: the one just
    recorded) came from this browser and OS family. Versions and addresses do not count: they
    change with every update and network."""
    browser, system = device(user_agent)
    query = SignIn.select().where((SignIn.user == user.id) & SignIn.ok
                                  & (SignIn.browser == browser) & (SignIn.os == system))
    if before is not None:
        query = query.where(SignIn.id < before.id)
    return not query.exists()


def signin_history(user: User, limit: int = 50) -> list[SignIn]:
    """The user's sign-in attempts, newest first."""
    if isinstance(limit, bool) or not 1 <= limit <= HISTORY_LIMIT:
        raise ValidationError("the limit must be between 1 and {maximum}", param="limit",
                              maximum=HISTORY_LIMIT)
    return list(SignIn.select().where(SignIn.user == user.id)
                .order_by(SignIn.created_at.desc(), SignIn.id.desc()).limit(limit))


def locked_until(user: User, now: datetime | None = None) -> datetime | None:
    """When the running lockout of ``user`` ends, or None.

    Locked while the latest failure is less than LOCKOUT old and it and the MAX_FAILURES-1
    failures before it (all since the last success) fell within WINDOW.
    """
    now = now or clock.now()
    last_ok = (SignIn.select(SignIn.id).where((SignIn.user == user.id) & SignIn.ok)
               .order_by(SignIn.id.desc()).first())
    failures = list(SignIn.select(SignIn.created_at)
                    .where((SignIn.user == user.id) & ~SignIn.ok
                           & (SignIn.id > (last_ok.id if last_ok else 0)))
                    .order_by(SignIn.id.desc()).limit(MAX_FAILURES))
    if len(failures) < MAX_FAILURES:
        return None
    newest, oldest = failures[0].created_at, failures[-1].created_at
    if newest - oldest >= WINDOW:
        return None
    until: datetime = newest + LOCKOUT
    return until if now < until else None


def sign_in(username: str, password: str, *, ip: str | None,
            user_agent: str | None) -> tuple[User, SignIn]:
    """Check a portal user's password; returns the user and the recorded sign-in.

    Refused alike for an unknown username, a wrong password or the operator's admin account
    (which signs in on the desktop): no hint which names exist. Raises LockedOut, unchecked,
    while a lockout runs. Blocking (bcrypt): async callers use an executor.
    """
    name = (username or "").strip()
    user = User.get_or_none((User.username == name) & (User.role == "user")
                            & (User.status != "deleted"))
    if user is None:
        passwords.verify_password(password, _dummy_hash())
        record_signin(None, ip, user_agent, False)
        raise ValidationError("wrong username or password", param="password")
    until = locked_until(user)
    if until is not None:
        raise LockedOut(until)
    # slow: outside the lock; an account without a portal password takes as long to refuse
    correct = (passwords.verify_password(password, user.password_hash or _dummy_hash())
               and user.password_hash is not None)
    with write_transaction():
        if is_postgres():
            # Serialise one account's attempts so that racing guesses cannot pass the count.
            User.select(User.id).where(User.id == user.id).for_update().execute()
        until = locked_until(user)
        if until is not None:
            raise LockedOut(until)
        attempt = record_signin(user, ip, user_agent, correct)
    if not correct:
        raise ValidationError("wrong username or password", param="password")
    if user.status != "active":
        raise Conflict("this account is disabled; ask the relay's operator")
    return user, attempt
