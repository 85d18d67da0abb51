"""The desktop operator's admin password, with a lockout against guessing.

The admin is a :class:`~app.models.User` row with role ``admin`` (``admin`` by default) whose
``password_hash`` is bcrypt (:mod:`app.passwords`). After :data:`MAX_FAILURES` wrong passwords
within :data:`WINDOW`, every attempt is refused for :data:`LOCKOUT` -- even one with the right
password, or guessing would simply continue and stop at the first success.

Attempts are kept as audit events (``admin.login``, ``admin.login_failed``, ``admin.lockout``),
not in memory, so quitting and restarting the app does not reset the count, and the audit trail
shows every attempt. Failures count from the last success or lockout, and only within the window.

bcrypt is deliberately slow (~0.2 s per check). Async callers -- the GUI, on the event loop it
shares with the relay -- run :func:`verify_admin`, :func:`create_admin` and
:func:`change_admin_password` through ``loop.run_in_executor`` so the loop never stalls.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from peewee import IntegrityError

from app import audit, clock, passwords
from app.accounts import validate_username
from app.db import is_postgres, write_transaction
from app.errors import Conflict, NotFound, ServiceError, ValidationError
from app.models import AuditEvent, User

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
ACTOR = "admin"

LOGIN = "admin.login"
LOGIN_FAILED = "admin.login_failed"
LOCKED = "admin.lockout"
PASSWORD_CHANGED = "admin.password_change"
CREATED = "admin.create"
# A correct password proves the operator is present: it restarts the failure count.
SUCCESSES = (LOGIN, PASSWORD_CHANGED)


class LockedOut(ServiceError):
    """Too many wrong passwords: no attempt is checked until ``until`` (naive UTC)."""

    code = "locked_out"

    def __init__(self, until: datetime) -> None:
        super().__init__("too many wrong passwords; try again after {until} UTC",
                         until=until.replace(microsecond=0).isoformat(sep=" "))
        self.until = until


def _admin() -> User | None:
    """The desktop admin: the first-created user with role ``admin`` that is not deleted."""
    return (User.select()
            .where(User.role == "admin", User.status != "deleted")
            .order_by(User.id).get_or_none())


def admin_exists() -> bool:
    """Whether first-run setup already created the admin."""
    return _admin() is not None


def create_admin(password: str, username: str = "admin") -> User:
    """Create the admin (the first-run wizard). Raises Conflict when there already is one."""
    name = validate_username(username)
    hashed = passwords.hash_password(password)  # validates; slow, so before taking the lock
    now = clock.now()
    with write_transaction():
        if admin_exists():
            raise Conflict("an admin account already exists")
        if User.select().where(User.username == name).exists():
            raise Conflict("a user named {name!r} already exists", param="username", name=name)
        try:
            user = User.create(username=name, password_hash=hashed, role="admin",
                               created_at=now, updated_at=now)
        except IntegrityError:
            raise Conflict("a user named {name!r} already exists", param="username",
                           name=name) from None
        audit.record(CREATED, actor=ACTOR, target=name)
    return user


def _last_id(username: str, actions: tuple[str, ...]) -> int:
    row = (AuditEvent.select(AuditEvent.id)
           .where(AuditEvent.action.in_(actions), AuditEvent.target == username)
           .order_by(AuditEvent.id.desc()).first())
    return row.id if row else 0


def _lock_end(username: str, now: datetime) -> datetime | None:
    """End of the running lockout of ``username``, if one is running at ``now``."""
    last = (AuditEvent.select(AuditEvent.created_at)
            .where(AuditEvent.action == LOCKED, AuditEvent.target == username)
            .order_by(AuditEvent.id.desc()).first())
    if last is None:
        return None
    until: datetime = last.created_at + LOCKOUT
    return until if now < until else None


def _recent_failures(username: str, now: datetime) -> int:
    """Failures after the last success and the last lockout, and within the window."""
    since_id = max(_last_id(username, SUCCESSES), _last_id(username, (LOCKED,)))
    return (AuditEvent.select()
            .where(AuditEvent.action == LOGIN_FAILED, AuditEvent.target == username,
                   AuditEvent.id > since_id, AuditEvent.created_at > now - WINDOW)
            .count())


def locked_until() -> datetime | None:
    """When the running lockout ends (naive UTC), or ``None``: for the login dialog."""
    admin = _admin()
    return None if admin is None else _lock_end(admin.username, clock.now())


def _check(password: str, source: str, success: str,
           on_success: Callable[[User], None] | None = None) -> bool:
    """Check ``password`` against the admin's hash and record the outcome under the lockout.

    On success, records ``success`` and runs ``on_success`` in the same transaction. Raises
    LockedOut before checking anything while a lockout runs, NotFound when there is no admin.
    """
    admin = _admin()
    if admin is None:
        raise NotFound("there is no admin account yet; run first-time setup")
    name, ip = admin.username, (source or "")[:64] or None
    until = _lock_end(name, clock.now())
    if until is not None:
        raise LockedOut(until)
    correct = passwords.verify_password(password, admin.password_hash)  # slow: outside the lock
    with write_transaction():
        if is_postgres():
            # Serialise concurrent attempts (two app windows) so the count cannot be raced past.
            User.select(User.id).where(User.id == admin.id).for_update().execute()
        now = clock.now()
        until = _lock_end(name, now)  # a concurrent attempt may have locked meanwhile
        if until is not None:
            raise LockedOut(until)
        if correct:
            audit.record(success, actor=ACTOR, target=name, ip=ip)
            if on_success is not None:
                on_success(admin)
            return True
        audit.record(LOGIN_FAILED, actor=ACTOR, target=name, ip=ip)
        failures = _recent_failures(name, now)
        if failures >= MAX_FAILURES:
            audit.record(LOCKED, actor=ACTOR, target=name, ip=ip,
                         detail={"failures": failures,
                                 "until": (now + LOCKOUT).isoformat(timespec="seconds")})
    return False


def verify_admin(password: str, *, source: str = "gui") -> bool:
    """True when ``password`` is the admin's; every attempt is audited with ``ip=source``.

    The attempt that makes :data:`MAX_FAILURES` failures within :data:`WINDOW` still returns
    False and starts the lockout; attempts during it raise :class:`LockedOut` (password
    unchecked). Raises NotFound when there is no admin yet. Blocking (bcrypt): see module doc.
    """
    return _check(password, source, LOGIN)


def change_admin_password(old: str, new: str, *, source: str = "gui") -> None:
    """Replace the admin password.

    ``old`` is checked like a login, under the same lockout, so this cannot be used to guess
    around it; a wrong one raises ValidationError. ``new`` is validated first, so a typo in it
    costs no attempt. Blocking (bcrypt, twice): see the module doc.
    """
    hashed = passwords.hash_password(new)

    def store(admin: User) -> None:
        User.update(password_hash=hashed, updated_at=clock.now()).where(
            User.id == admin.id).execute()

    if not _check(old, source, PASSWORD_CHANGED, store):
        raise ValidationError("the current password is wrong", param="old")
