"""Which database the desktop app works on: this computer's own (SQLite, the relay runs here) or
a RelayDesk deployment on PostgreSQL, whose relays run as ``relaydesk serve`` on servers.

The choice is ``deployment.json`` in the data folder (owner-only, never the password: that is
in the OS keyring). :func:`app.config.resolve` reads it; a ``DATABASE_URL`` in the environment
still names the database. The connection test lives here too, so widgets only show its result.
"""

import json
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlencode, urlparse

from peewee import DatabaseError
from playhouse.db_url import parse as parse_url

from app import keystore
from app.errors import KeystoreUnavailable, ServiceError, ValidationError

FILENAME = "deployment.json"
SECRET_KIND = "database"
SSL_MODES = ("prefer", "require", "verify-ca", "verify-full", "disable")
DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 5  # libpq counts whole seconds, and at least 2
APPLICATION_NAME = "relaydesk-desktop"

_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?"
                   r"|\[?[0-9A-Fa-f:.]+\]?)$")
# What app/db.py's URL parsing reads back unchanged (it does not percent-decode the path).
_DATABASE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.$-]{0,62}$")
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@$-]{0,62}$")

Mode = Literal["local", "deployment"]


class DeploymentError(ServiceError):
    """The deployment cannot be used as given: unreachable, refused, or not RelayDesk's."""

    code = "deployment_unavailable"


@dataclass(frozen=True, slots=True)
class Target:
    """Where a deployment's PostgreSQL is; everything but the password."""

    host: str
    port: int = DEFAULT_PORT
    database: str = "relaydesk"
    user: str = "relaydesk"
    sslmode: str = "prefer"

    @property
    def label(self) -> str:
        """``database@host`` (and ``:port`` when not the default), as the window shows it."""
        return _label(self.database, self.host, self.port)

    @property
    def secret_name(self) -> str:
        """The keyring entry: one per server, database and user, so a password typed for one
        deployment is never sent to another."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True, slots=True)
class Choice:
    """What the operator chose. ``target`` is also kept while ``mode`` is local, so going
    back to the deployment needs no retyping."""

    mode: Mode = "local"
    target: Target | None = None

    @property
    def managed(self) -> bool:
        return self.mode == "deployment" and self.target is not None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A successful connection test. ``schema_version`` is None for an empty database."""

    server_version: str
    schema_version: int | None
    latest: int

    @property
    def state(self) -> Literal["empty", "current", "upgrade"]:
        if self.schema_version is None:
            return "empty"
        return "current" if self.schema_version == self.latest else "upgrade"


# --- the target and its URL -----------------------------------------------------------------


def make_target(host: str, port: int | str, database: str, user: str,
                sslmode: str = "prefer") -> Target:
    """A checked :class:`Target` from what the operator typed."""
    host, database, user = host.strip(), database.strip(), user.strip()
    if not host:
        raise ValidationError("Host: enter the PostgreSQL server's name or address",
                              param="host")
    if not _HOST.match(host) or host.count("[") != host.count("]"):
        raise ValidationError("Host: {host!r} is not a host name or IP address", param="host",
                              host=host)
    try:
        number = int(str(port).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise ValidationError("Port must be a number from 1 to 65535", param="port")
    if not _DATABASE.match(database):
        raise ValidationError(
            "Database: {name!r} is not a valid database name (letters, digits, '_', '-', '.' "
            "and '$', at most 63 characters)", param="database", name=database)
    if not _USER.match(user):
        raise ValidationError(
            "User: {name!r} is not a valid user name (letters, digits, '_', '-', '.', '@' and "
            "'$', at most 63 characters)", param="user", name=user)
    if sslmode not in SSL_MODES:
        raise ValidationError("SSL mode must be one of {modes}", param="sslmode",
                              modes=", ".join(SSL_MODES))
    return Target(host.strip("[]"), number, database, user, sslmode)


def build_url(target: Target, password: str | None) -> str:
    """The ``postgresql://`` URL app/db.py opens, with ``password`` in a form its parser reads
    back exactly (checked here with that same parser)."""
    host = f"[{target.host}]" if ":" in target.host else target.host
    base = f"postgresql://{target.user}@{host}:{target.port}/{target.database}"
    params = {"sslmode": target.sslmode, "connect_timeout": str(CONNECT_TIMEOUT_S),
              "application_name": APPLICATION_NAME}
    if not password:
        return f"{base}?{urlencode(params)}"
    # In the query it is percent-decoded (any character works), but the parser turns words
    # like "true" or "007" into other values; those few are plain enough for the user part.
    candidates = [f"{base}?{urlencode({**params, 'password': password}, quote_via=quote)}",
                  f"postgresql://{target.user}:{password}@{host}:{target.port}/"
                  f"{target.database}?{urlencode(params)}"]
    for url in candidates:
        try:
            parsed = parse_url(url)
        except ValueError:
            continue
        read = parsed.get("password")  # an int is passed on as its digits; None is dropped
        if (read == password or (type(read) is int and str(read) == password)) \
                and parsed.get("user") == target.user \
                and parsed.get("database") == target.database:
            return url
    raise ValidationError("the password cannot be passed to PostgreSQL in a connection URL; "
                          "choose another password", param="password")


def describe(url: str) -> str:
    """``database@host`` of a PostgreSQL URL, without the user or any secret."""
    parsed = urlparse(url)
    return _label(parsed.path.lstrip("/"), parsed.hostname or "localhost",
                  parsed.port or DEFAULT_PORT)


def _label(database: str, host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{database}@{shown}" + ("" if port == DEFAULT_PORT else f":{port}")


# --- the stored choice ----------------------------------------------------------------------


def choice_path(data_dir: Path) -> Path:
    return data_dir / FILENAME


def load(data_dir: Path) -> Choice:
    """The saved choice; local when there is no file. A file that is not ours raises (the
    operator chooses again or deletes it) rather than silently starting a relay here."""
    path = choice_path(data_dir)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Choice()
    except OSError as exc:
        raise _bad_file(path, exc.strerror or str(exc)) from None
    try:
        data = json.loads(raw)
        mode = data["mode"]
        if mode not in ("local", "deployment"):
            raise ValueError(f"unknown mode {mode!r}")
        fields = data.get("target")
        target = None if fields is None else make_target(
            fields["host"], fields["port"], fields["database"], fields["user"],
            fields.get("sslmode", "prefer"))
    except ServiceError as exc:
        raise _bad_file(path, exc.message) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _bad_file(path, str(exc) or type(exc).__name__) from None
    if mode == "deployment" and target is None:
        raise _bad_file(path, "no server is named")
    return Choice(mode, target)


def _bad_file(path: Path, reason: str) -> ValidationError:
    return ValidationError("{path} is not a valid deployment choice ({reason}); choose again in "
                           "Settings or delete the file", path=str(path), reason=reason)


def save(data_dir: Path, choice: Choice, password: str | None = None) -> None:
    """Write the choice (owner-only, atomically). ``password``: stored in the keyring for the
    target; None keeps the stored one. Going local forgets the stored password."""
    previous = _previous(data_dir)
    target = choice.target
    if choice.managed and password:
        assert target is not None
        set_password(target, password)
    for old in {previous, target}:
        if old is not None and not (choice.managed and old == target):
            keystore.delete_secret(SECRET_KIND, old.secret_name)
    data: dict[str, Any] = {"mode": choice.mode,
                            "target": None if target is None else asdict(target)}
    path = choice_path(data_dir)
    temporary = path.with_name(f".{FILENAME}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
        out.write("\n")
    os.replace(temporary, path)
    try:
        path.chmod(0o600)
    except OSError:
        pass


def _previous(data_dir: Path) -> Target | None:
    try:
        return load(data_dir).target
    except ServiceError:
        return None  # a damaged file is being replaced


def set_password(target: Target, password: str) -> None:
    """Into the OS keyring, or refused: there is no plain-text fallback."""
    if not keystore.backend_usable():
        raise KeystoreUnavailable(
            "no usable OS keyring was found for the database password, and RelayDesk never "
            "stores secrets in plain text. Unlock or install a keyring (GNOME Keyring, KWallet, "
            "macOS Keychain, Windows Credential Manager), or start RelayDesk with DATABASE_URL "
            "set instead")
    try:
        keystore.set_secret(SECRET_KIND, target.secret_name, password)
    except KeystoreUnavailable:
        raise KeystoreUnavailable(
            "the OS keyring refused to store the database password; unlock it, or start "
            "RelayDesk with DATABASE_URL set instead") from None


def password(target: Target) -> str | None:
    """The stored password (a keyring call), or None."""
    return keystore.get_secret(SECRET_KIND, target.secret_name)


def url(choice: Choice) -> str | None:
    """The URL of the chosen deployment, with its stored password; None when local."""
    if not choice.managed:
        return None
    assert choice.target is not None
    return build_url(choice.target, password(choice.target))


# --- the connection test --------------------------------------------------------------------


def check(target: Target, secret: str | None, timeout: int = CONNECT_TIMEOUT_S) -> CheckResult:
    """Connect as the app will, and read the schema version: current, or one the app migrates
    (empty, or older). Raises :class:`DeploymentError` in plain words. Blocking."""
    import psycopg2  # type: ignore[import-untyped]

    from app.migrations import latest_version
    from app.models import SchemaVersion

    address = build_url(target, secret)
    params = parse_url(address)
    params["connect_timeout"] = max(2, timeout)
    try:
        conn = psycopg2.connect(**params)
    except psycopg2.Error as exc:
        raise explain(exc, target, timeout) from None
    latest = latest_version()
    try:
        with conn.cursor() as cur:
            table = SchemaVersion._meta.table_name
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
            row = cur.fetchone()
            if row is not None and row[0]:
                cur.execute(f'SELECT max(version) FROM "{table}"')  # our own table name
                found = cur.fetchone()
                version: int | None = int(found[0]) if found and found[0] is not None else 0
            else:
                cur.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_schema = current_schema()")
                others = cur.fetchone()
                if others is not None and others[0]:
                    raise DeploymentError(
                        "the database {database!r} holds other tables but no RelayDesk data; "
                        "choose an empty database or one of RelayDesk's",
                        database=target.database)
                version = None
        server = int(conn.server_version)
    except psycopg2.Error as exc:
        raise DeploymentError("PostgreSQL refused to read the database {database!r}: {reason}",
                              database=target.database, reason=_first_line(exc)) from None
    finally:
        conn.close()
    if version is not None and version > latest:
        raise DeploymentError(
            "the database {database!r} was made by a newer RelayDesk (schema version {found}; "
            "this app knows up to {latest}); update this app first",
            database=target.database, found=version, latest=latest)
    return CheckResult(f"{server // 10000}.{server % 10000}", version, latest)


def explain(exc: BaseException, target: Target, timeout: int = CONNECT_TIMEOUT_S
            ) -> DeploymentError:
    """A failed connection (psycopg2's or peewee's error) in words the operator can act on."""
    text = str(exc)
    lower = text.lower()
    if "password authentication failed" in lower:
        return DeploymentError("PostgreSQL refused the password for the user {user!r}",
                               user=target.user)
    if "no password supplied" in lower:
        return DeploymentError("PostgreSQL asks for a password for the user {user!r}, and none "
                               "was given or stored in the keyring", user=target.user)
    if "no pg_hba.conf entry" in lower:
        return DeploymentError("PostgreSQL does not let the user {user!r} connect from this "
                               "computer (no pg_hba.conf entry allows it)", user=target.user)
    if 'role "' in lower and "does not exist" in lower:
        return DeploymentError("PostgreSQL has no user {user!r}", user=target.user)
    if "database" in lower and "does not exist" in lower:
        return DeploymentError("the database {database!r} does not exist on {host}",
                               database=target.database, host=target.host)
    if "does not support ssl" in lower:
        return DeploymentError("the server does not offer SSL, but the SSL mode {sslmode} "
                               "requires it", sslmode=target.sslmode)
    if "could not translate host name" in lower or "name or service not known" in lower:
        return DeploymentError("the server name {host!r} was not found", host=target.host)
    if "connection refused" in lower:
        return DeploymentError("could not reach PostgreSQL at {host}:{port}: the connection was "
                               "refused (is the server running and listening there?)",
                               host=target.host, port=target.port)
    if "timeout expired" in lower or "timed out" in lower:
        return DeploymentError("could not reach PostgreSQL at {host}:{port}: no answer within "
                               "{seconds} seconds", host=target.host, port=target.port,
                               seconds=max(2, timeout))
    return DeploymentError("could not connect to PostgreSQL at {host}:{port}: {reason}",
                           host=target.host, port=target.port, reason=_first_line(exc))


def _first_line(exc: BaseException) -> str:
    """libpq's reason without its "connection to server at ... failed:" preamble."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0].rpartition("failed: ")[2] if lines else type(exc).__name__


def start_problem(data_dir: Path, exc: BaseException,
                  environ: Mapping[str, str] | None = None) -> ServiceError | None:
    """Why the deployment chosen here could not be opened at start-up, in plain words; None
    when ``exc`` is about another database (this computer's, or ``DATABASE_URL``'s)."""
    env = os.environ if environ is None else environ
    if env.get("DATABASE_URL"):
        return None
    try:
        choice = load(data_dir)
    except ServiceError as bad:
        return bad
    if not choice.managed:
        return None
    assert choice.target is not None
    if isinstance(exc, ServiceError):
        return exc
    if isinstance(exc, DatabaseError) or type(exc).__module__.startswith("psycopg2"):
        return explain(exc, choice.target)
    return None
