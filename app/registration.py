"""Self-service registration on the user portal, as the operator's ``registration_mode`` allows.

"closed" (the default, so nothing changes for an existing relay), "invite" (a valid invite code
is used up) or "open". A new user joins the default group with consent to the current privacy
policy recorded, or nothing is written at all.
"""

from app import accounts, audit, clock, invites, passwords, policy, privacy, settings
from app.db import write_transaction
from app.errors import Conflict, ValidationError
from app.models import Invite, User

# The most common leaked passwords of 8+ characters: a guesser tries these first, so the
# length rule alone lets them through.
COMMON_PASSWORDS = frozenset({
    "12345678", "123456789", "1234567890", "password", "password1", "password123",
    "qwertyuiop", "qwerty123", "11111111", "00000000", "88888888", "66666666", "12341234",
    "1q2w3e4r", "1qaz2wsx", "abc12345", "abcd1234", "iloveyou", "sunshine", "princess",
    "football", "baseball", "welcome1", "admin123", "letmein1", "passw0rd", "p@ssw0rd",
    "qwertyui", "asdfghjk", "zxcvbnm1", "a1234567", "aa123456", "woaini1314", "5201314520",
    "123123123", "987654321", "11223344", "147258369", "123qweasd", "qweasdzxc",
})


def check_password(password: str, username: str, email: str | None) -> None:
    """The length rules of :mod:`app.passwords`, and no common password or one that is the
    username or email (the first things a guesser tries)."""
    passwords.validate(password)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        raise ValidationError("that password is too common; choose another", param="password")
    names = {username.lower()}
    if email:
        names |= {email.lower(), email.split("@", 1)[0].lower()}
    if lowered in names:
        raise ValidationError("the password must not be your username or email",
                              param="password")


def _invite_usable(code: str) -> bool:
    """Whether ``code`` could be used now (a cheap read; :func:`app.invites.use_invite` decides
    in the write transaction)."""
    now = clock.now()
    return Invite.select().where(
        (Invite.code_hash == invites.hash_code(code)) & (Invite.status == "active")
        & (Invite.max_uses.is_null() | (Invite.uses < Invite.max_uses))
        & (Invite.expires_at.is_null() | (Invite.expires_at > now))).exists()


def register(username: str, email: str, password: str, *, phone: str | None = None,
             invite_code: str | None = None, consent_version: str, ip: str | None,
             user_agent: str | None) -> User:
    """Create a portal user; raises a ServiceError and writes nothing when refused.

    Everything that can refuse is checked before the password is hashed (bcrypt is slow, so a
    refused registration must stay cheap for the relay); the duplicate checks are repeated
    and the invite used up in the write transaction, serialised with any other registration
    (:func:`app.accounts.lock_registrations`)."""
    mode = settings.get("registration_mode")
    if mode == "closed":
        raise Conflict("registration is closed on this relay; ask its operator for an account")
    name = accounts.validate_username(username)
    mail = accounts.validate_email(email)
    accounts.validate_phone(phone)
    check_password(password, name, mail)
    current = policy.current().version
    if (consent_version or "").strip() != current:
        raise ValidationError("please accept the privacy policy (version {version})",
                              param="consent_version", version=current)
    if mode == "invite" and not (invite_code or "").strip():
        raise ValidationError("an invite code is needed to register", param="invite_code")
    accounts.check_username_free(name)
    accounts.check_email_free(mail)
    if mode == "invite" and not _invite_usable(invite_code or ""):
        raise ValidationError("that invite code is not valid, expired or used up",
                              param="invite_code")
    hashed = passwords.hash_password(password)  # slow: last, and before the write lock
    with write_transaction():
        accounts.lock_registrations()
        invite = invites.use_invite(invite_code) if mode == "invite" else None
        accounts.check_email_free(mail)
        user = accounts.add_user(name, mail, phone=phone, actor=name)
        User.update(password_hash=hashed).where(User.id == user.id).execute()
        user = privacy.record_consent(name, current, actor=name)
        audit.record("user.register", actor=name, target=name, ip=(ip or "")[:64] or None,
                     detail={"mode": mode, "invite_id": invite.id if invite else None,
                             "user_agent": (user_agent or "")[:300] or None})
    return user
