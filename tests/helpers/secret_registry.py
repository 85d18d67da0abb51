"""Every secret the test suite creates, and a scanner that looks for them where they must never
be: databases, log files, exports (zip members and gzip streams included).

``install()`` wraps the functions that create or hand out secrets so their values are recorded
(recording only: arguments and results pass through unchanged). ``tests/conftest.py`` installs
it for the whole session, keeps a log file of every record the suite logs, and dumps each
PostgreSQL test database to text before it is dropped, so the final scan
(``tests/test_secret_hygiene.py``) sees all of it under the pytest base temp directory.

Subprocesses (``relaydesk serve`` in tests/relay/test_serve.py, the frozen bundle) are not
recorded: their secrets are not in the registry.
"""

from __future__ import annotations

import functools
import gzip
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

MIN_LENGTH = 8  # shorter test "secrets" ("sk-up", "bad") would match innocent bytes
MAX_MEMBER_BYTES = 256 * 1024 * 1024  # a member bigger than this is not an export of ours


@dataclass
class SecretRegistry:
    secrets: dict[str, str] = field(default_factory=dict)  # value -> kind

    def add(self, kind: str, value: Any) -> None:
        if isinstance(value, str) and len(value.strip()) >= MIN_LENGTH:
            self.secrets.setdefault(value.strip(), kind)

    def counts(self) -> Counter[str]:
        return Counter(self.secrets.values())

    def __repr__(self) -> str:  # pytest prints fixtures on failure: never the values
        return f"SecretRegistry({dict(self.counts())})"


REGISTRY = SecretRegistry()


def _record_result(fn: Callable[..., Any], kind: str, pick: Callable[[Any], Any]
                   ) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        REGISTRY.add(kind, pick(result))
        return result
    return wrapper


def _record_arg(fn: Callable[..., Any], kind: str, index: int, name: str) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        REGISTRY.add(kind, args[index] if len(args) > index else kwargs.get(name))
        return fn(*args, **kwargs)
    return wrapper


def install(mp: pytest.MonkeyPatch) -> None:
    """Wrap the secret factories (module attributes, which every caller looks up at call
    time: ``from app.apikeys import create_key`` would bypass this, and nothing does it)."""
    from app import admintokens, apikeys, invites, keystore, passwords, websessions
    from tests.helpers import fake_upstream, upstream_client

    mp.setattr(apikeys, "create_key", _record_result(apikeys.create_key, "api_key",
                                                     lambda r: r[1]))
    mp.setattr(admintokens, "create_token", _record_result(admintokens.create_token,
                                                           "admin_token", lambda r: r[1]))
    # The user portal's invite codes and session tokens (issue 16) are stored only hashed.
    mp.setattr(invites, "create_invite", _record_result(invites.create_invite, "invite_code",
                                                        lambda r: r[0]))
    mp.setattr(websessions, "start_session", _record_result(
        websessions.start_session, "session_token", lambda r: r[0]))
    mp.setattr(passwords, "hash_password", _record_arg(passwords.hash_password, "password",
                                                       0, "password"))
    mp.setattr(keystore, "set_secret", _record_arg(keystore.set_secret, "provider_key", 2,
                                                   "secret"))
    # a proxy's "user:password" is kept percent-encoded: its password counts, in both forms
    recorded_set = keystore.set_secret

    def set_secret(kind: str, name: str, secret: str) -> None:
        if kind == "provider-proxy":
            from urllib.parse import unquote
            encoded = secret.partition(":")[2]
            REGISTRY.add("proxy_password", encoded)
            REGISTRY.add("proxy_password", unquote(encoded))
        recorded_set(kind, name, secret)

    mp.setattr(keystore, "set_secret", set_secret)
    # read side too: keys supplied through RELAYDESK_PROVIDER_KEY_* never pass set_secret
    mp.setattr(keystore, "get_secret", _record_result(keystore.get_secret, "provider_key",
                                                      lambda r: r))
    original_init = fake_upstream.FakeUpstream.__init__

    @functools.wraps(original_init)
    def upstream_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        REGISTRY.add("provider_key", self.api_key)

    mp.setattr(fake_upstream.FakeUpstream, "__init__", upstream_init)
    REGISTRY.add("provider_key", upstream_client.KEY)


# --- PostgreSQL: dump before drop -------------------------------------------------------------


def dump_postgres(url: str, out: Path) -> None:
    """All rows of every table in ``public`` as COPY text, so a dropped database can still be
    scanned afterwards."""
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur, out.open("wb") as fh:
            cur.execute("SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
            for (table,) in cur.fetchall():
                fh.write(f"-- {table}\n".encode())
                cur.copy_expert(f'COPY "{table}" TO STDOUT', fh)
    finally:
        conn.close()


# --- scanning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    where: str  # file path, plus "!member" inside an archive
    offset: int
    kind: str
    secret_hint: str  # never the whole secret: the report itself goes to a log

    def __str__(self) -> str:
        return f"{self.kind} {self.secret_hint} at {self.where} offset {self.offset}"


def hint(secret: str) -> str:
    return f"{secret[:4]}…{secret[-2:]} ({len(secret)} chars)"


def _pattern(secrets: dict[str, str]) -> re.Pattern[bytes] | None:
    if not secrets:
        return None
    alternatives = sorted({s.encode("utf-8") for s in secrets}, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(a) for a in alternatives))


def scan_bytes(data: bytes, where: str, secrets: dict[str, str],
               pattern: re.Pattern[bytes] | None = None) -> Iterator[Finding]:
    """Secrets in ``data``, and inside it when it is a zip archive or a gzip stream."""
    pattern = pattern or _pattern(secrets)
    if pattern is None:
        return
    by_bytes = {s.encode("utf-8"): s for s in secrets}
    for match in pattern.finditer(data):
        secret = by_bytes[match.group()]
        yield Finding(where, match.start(), secrets[secret], hint(secret))
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    if info.file_size <= MAX_MEMBER_BYTES:
                        yield from scan_bytes(archive.read(info), f"{where}!{info.filename}",
                                              secrets, pattern)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            pass  # not really a zip (or encrypted): its raw bytes were scanned above
    elif data[:2] == b"\x1f\x8b":
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError):
            return
        yield from scan_bytes(inner, f"{where}!gunzip", secrets, pattern)


def scan_tree(root: Path, secrets: dict[str, str], skip: tuple[Path, ...] = ()
              ) -> list[Finding]:
    """Every regular file under ``root`` (symlinks not followed), except under ``skip``."""
    pattern = _pattern(secrets)
    found: list[Finding] = []
    if pattern is None or not root.exists():
        return found
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if any(path.is_relative_to(folder) for folder in skip):
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue  # a socket or a file removed meanwhile
        found.extend(scan_bytes(data, str(path), secrets, pattern))
    return found
