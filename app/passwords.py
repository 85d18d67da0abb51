"""bcrypt password hashing. bcrypt is deliberately slow (~0.2 s): call the ``*_async`` variants
from async code so the event loop (shared with the GUI) never stalls."""

import asyncio

import bcrypt

from app.errors import ValidationError

MIN_LENGTH = 8
MAX_BYTES = 72  # bcrypt ignores everything past 72 bytes; refuse rather than silently truncate
ROUNDS = 12


def validate(password: str) -> bytes:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise ValidationError("Password must be at least {minimum} characters",
                              param="password", minimum=MIN_LENGTH)
    raw = password.encode("utf-8")
    if len(raw) > MAX_BYTES:
        raise ValidationError(
            "Password is too long: {size} bytes, and at most {maximum} bytes can be used "
            "(a Chinese character takes 3), so choose a shorter one", param="password",
            size=len(raw), maximum=MAX_BYTES)
    return raw


def hash_password(password: str, rounds: int = ROUNDS) -> str:
    return bcrypt.hashpw(validate(password), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, hashed: str | None) -> bool:
    if not hashed or not isinstance(password, str):
        return False
    raw = password.encode("utf-8")
    if len(raw) > MAX_BYTES:
        return False
    try:
        return bcrypt.checkpw(raw, hashed.encode("ascii"))
    except ValueError:
        return False


async def hash_password_async(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(None, hash_password, password)


async def verify_password_async(password: str, hashed: str | None) -> bool:
    return await asyncio.get_running_loop().run_in_executor(None, verify_password, password,
                                                            hashed)
