"""User accounts: create, look up, edit, enable/disable."""

import re

from peewee import JOIN, IntegrityError, fn

from app import audit, clock, events, groups, passwords, websessions
from app.db import database, is_postgres, write_transaction
from app.errors import Conflict, NotFound, ValidationError
from app.models import User, UserGroup

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{1,63}$")
# No quotes, brackets, commas or semicolons: legal in a quoted local part, but in a To: header
# they can turn one address into several recipients.
_EMAIL_CHAR = r"[^@\s,;<>\"()\[\]\\]"
EMAIL_RE = re.compile(rf"^{_EMAIL_CHAR}{{1,64}}@{_EMAIL_CHAR}+\.{_EMAIL_CHAR}+$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,30}$")
ROLES = ("user", "admin")


def validate_username(username: str) -> str:
    name = (username or "").strip()
    if not USERNAME_RE.match(name):
        raise ValidationError(
            "Username must be 2-64 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit", param="username")
    return name


def validate_email(email: str | None, *, required: bool = True) -> str | None:
    value = (email or "").strip()
    if not value:
        if required:
            raise ValidationError("Email is required", param="email")
        return None
    if len(value) > 254 or not EMAIL_RE.match(value):
        raise ValidationError("Email: {email!r} is not a valid email address", param="email",
                              email=email)
    return value


def validate_phone(phone: str | None) -> str | None:
    value = (phone or "").strip()
    if not value:
        return None
    if not PHONE_RE.match(value):
        raise ValidationError("Phone: {phone!r} is not a valid phone number", param="phone",
                              phone=phone)
    return value


def add_user(username: str, email: str | None, *, phone: str | None = None,
             password: str | None = None, role: str = "user", actor: str = "admin",
             consent_version: str | None = None, group: str | None = None) -> User:
    """Create a user, in the default group unless ``group`` names another. Everything is
    validated before anything is written."""
    name = validate_username(username)
    mail = validate_email(email)
    tel = validate_phone(phone)
    if role not in ROLES:
        raise ValidationError("the role must be one of {roles}", param="role",
                              roles=", ".join(ROLES))
    hashed = passwords.hash_password(password) if password is not None else None
    now = clock.now()
    with write_transaction():
        team = groups.get_group(group) if group is not None else groups.default_group()
        lock_registrations()
        check_username_free(name)
        try:
            user = User.create(username=name, email=mail, phone=tel, password_hash=hashed,
                               role=role, created_at=now, updated_at=now,
                               consent_version=consent_version,
                               consent_at=now if consent_version else None, group=team)
        except IntegrityError:
            raise Conflict("a user named {name!r} already exists", param="username",
                           name=name) from None
        audit.record("user.add", actor=actor, target=name,
                     detail={"group": team.name} if group is not None else None)
    return user


def check_username_free(name: str) -> None:
    """No user, deleted ones included, has ``name`` in any letter case: "ALICE" next to
    "alice" would be told apart by nobody reading the audit log or a bill."""
    taken = User.select(User.username).where(fn.LOWER(User.username) == name.lower()).first()
    if taken is not None:
        raise Conflict("a user named {name!r} already exists", param="username",
                       name=taken.username)


def check_email_free(mail: str | None, *, other_than: int | None = None) -> None:
    """No other live account has ``mail`` (in any letter case)."""
    if not mail:
        return
    query = User.select().where((fn.LOWER(User.email) == mail.lower())
                                & (User.status != "deleted"))
    if other_than is not None:
        query = query.where(User.id != other_than)
    if query.exists():
        raise Conflict("an account with that email already exists", param="email")


def get_user(username: str) -> User:
    user = User.get_or_none(User.username == (username or "").strip())
    if user is None or user.status == "deleted":
        raise NotFound("there is no user named {username!r}", param="username",
                       username=username)
    return user


def get_user_by_id(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound("there is no user with ID {user_id}", user_id=user_id)
    return user


def list_users(search: str | None = None, *, include_deleted: bool = False,
               include_admins: bool = False) -> list[User]:
    """Relay users; the desktop operator's admin account is not one of them by default."""
    query = (User.select(User, UserGroup).join(UserGroup, JOIN.LEFT_OUTER)
             .order_by(User.username))
    if not include_admins:
        query = query.where(User.role != "admin")
    if not include_deleted:
        query = query.where(User.status != "deleted")
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(User.username.ilike(pattern) | User.email.ilike(pattern)
                            | User.phone.ilike(pattern))
    return list(query)


def update_user(username: str, *, email: str | None = None, phone: str | None = None,
                password: str | None = None, group: str | None = None,
                actor: str = "admin") -> User:
    """Change profile fields or the group; ``None`` leaves a field as it is, "" clears the
    phone."""
    user = get_user(username)
    changes: dict[str, object] = {}
    moved_to: str | None = None
    if group is not None:
        team = groups.get_group(group)  # checked again in the transaction, where it counts
        if team.id != (user.group_id or groups.default_group().id):
            changes["group"], moved_to = team.id, team.name
    if email is not None:
        changes["email"] = validate_email(email)
    if phone is not None:
        changes["phone"] = validate_phone(phone)
    if password is not None:
        changes["password_hash"] = passwords.hash_password(password)
    if not changes:
        return user
    with write_transaction():
        if moved_to is not None:  # removed meanwhile: "no such group", not a foreign-key error
            groups.get_group(moved_to)
        changes["updated_at"] = clock.now()
        User.update(**changes).where(User.id == user.id).execute()
        if "password_hash" in changes:  # a new password signs every portal session out
            websessions.end_all_sessions(user)
        detail: dict[str, object] = {"fields": sorted(k for k in changes if k != "updated_at")}
        if moved_to is not None:
            detail["group"] = moved_to
        audit.record("user.update", actor=actor, target=user.username, detail=detail)
    if moved_to is not None:
        events.emit(events.KEYS)  # the relay's cached key carries the group's prices
    return get_user_by_id(user.id)


def set_status(username: str, status: str, *, actor: str = "admin") -> User:
    if status not in ("active", "disabled"):
        raise ValidationError("the status must be active or disabled", param="status")
    user = get_user(username)
    with write_transaction():
        User.update(status=status, updated_at=clock.now()).where(User.id == user.id).execute()
        if status == "disabled":
            websessions.end_all_sessions(user)
        audit.record(f"user.{'enable' if status == 'active' else 'disable'}", actor=actor,
                     target=user.username)
    events.emit(events.KEYS)
    return get_user_by_id(user.id)


def _check_current(user: User, current_password: str | None) -> None:
    if not passwords.verify_password(current_password or "", user.password_hash):
        raise ValidationError("the current password is wrong", param="current_password")


def change_own_contact(user_id: int, *, email: str, phone: str,
                       current_password: str | None = None, ip: str | None = None) -> User:
    """A portal user's own email and phone. Either change needs the current password (a borrowed
    session must not move the account's mail or phone away) and no other live account may hold
    the new email, as at registration. Blocking (bcrypt) when anything changes."""
    user = get_user_by_id(user_id)
    mail, tel = validate_email(email), validate_phone(phone)
    changes: dict[str, object] = {}
    if mail != user.email:
        changes["email"] = mail
    if tel != user.phone:
        changes["phone"] = tel
    if not changes:
        return user
    _check_current(user, current_password)
    with write_transaction():
        if "email" in changes:
            lock_registrations()
            check_email_free(mail, other_than=user.id)
        User.update(**changes, updated_at=clock.now()).where(User.id == user.id).execute()
        audit.record("user.update", actor=user.username, target=user.username,
                     detail={"fields": sorted(changes), "via": "portal"}, ip=_ip(ip))
    return get_user_by_id(user.id)


# An arbitrary constant, not migrations' (app.migrations): serialises registrations and email
# changes on PostgreSQL, whose transactions do not see each other's uncommitted rows.
PG_REGISTRATION_LOCK_ID = 0x52445245474E


def lock_registrations() -> None:
    """Inside a write transaction: wait for any other transaction that may add an account or
    change an email, so "is this name or email free?" and the write that relies on it are one
    step. SQLite's write transaction (BEGIN IMMEDIATE) already is one; PostgreSQL's is not
    (there is no unique index on emails: deleted accounts keep theirs)."""
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PG_REGISTRATION_LOCK_ID,))


def change_own_password(user_id: int, current_password: str, new_password: str, *,
                        ip: str | None = None) -> User:
    """A portal user's own password: the current one first, the new one checked as at
    registration; every portal session of the user ends (the caller starts a fresh one for
    the browser that asked). Blocking (bcrypt)."""
    from app.registration import check_password  # registration builds on this module

    user = get_user_by_id(user_id)
    _check_current(user, current_password)
    check_password(new_password, user.username, user.email)
    hashed = passwords.hash_password(new_password)  # slow: before the write lock
    with write_transaction():
        User.update(password_hash=hashed, updated_at=clock.now()).where(
            User.id == user.id).execute()
        ended = websessions.end_all_sessions(user)
        audit.record("user.password_change", actor=user.username, target=user.username,
                     detail={"sessions_ended": ended, "via": "portal"}, ip=_ip(ip))
    return get_user_by_id(user.id)


def _ip(ip: str | None) -> str | None:
    return (ip or "")[:64] or None
