"""app.deployment: the desktop app's choice between this computer and a PostgreSQL deployment,
stored without its password (that goes to a real keyring), and the connection test against a
real PostgreSQL server: reachable or not, right password or not, schema current or not."""

import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import psycopg2
import pytest
from playhouse.db_url import parse as parse_url

from app import config, db, deployment, runtime
from app.errors import KeystoreUnavailable, ValidationError
from app.migrations import latest_version
from app.models import SchemaVersion
from tests.helpers.postgres import PostgresServer

# A role that signs in with a password (the suite's server trusts its own superuser). The
# password has characters a URL must escape, so it also proves the URL round trip.
PG_USER = "rd_deploy"
PG_PASSWORD = "Pg/pass?word#1%2F @:["


def password_login(server: PostgresServer) -> tuple[str, str]:
    """Make ``PG_USER`` a superuser that must give ``PG_PASSWORD`` over TCP (an hba line for
    that role only, so the suite's other connections keep their trust sign-in)."""
    hba = server.datadir / "pg_hba.conf"
    line = f"host all {PG_USER} 127.0.0.1/32 scram-sha-256\n"
    text = hba.read_text()
    if line not in text:
        hba.write_text(line + text)
    conn = psycopg2.connect(server.url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (PG_USER,))
            verb = "ALTER" if cur.fetchone() else "CREATE"
            cur.execute(f"{verb} ROLE {PG_USER} LOGIN SUPERUSER PASSWORD %s", (PG_PASSWORD,))
            cur.execute("SELECT pg_reload_conf()")
    finally:
        conn.close()
    deadline = time.monotonic() + 10
    while True:  # the reload is asynchronous: wait until a wrong password is refused
        try:
            psycopg2.connect(host="127.0.0.1", port=server.port, dbname="postgres",
                             user=PG_USER, password="not-it", connect_timeout=5).close()
        except psycopg2.OperationalError as exc:
            if "password authentication failed" in str(exc):
                return PG_USER, PG_PASSWORD
        assert time.monotonic() < deadline, "pg_hba.conf was not reloaded"


@pytest.fixture(scope="session")
def pg_login(postgres_server: PostgresServer) -> tuple[str, str]:
    return password_login(postgres_server)


def target_of(url: str, user: str | None = None, **changes: object) -> deployment.Target:
    parsed = parse_url(url)
    fields: dict[str, object] = {"host": parsed["host"], "port": parsed["port"],
                                 "database": parsed["database"], "user": user or parsed["user"]}
    fields.update(changes)
    return deployment.make_target(**fields)  # type: ignore[arg-type]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield probe.getsockname()[1]


# --- the target and its URL ----------------------------------------------------------------


@pytest.mark.parametrize(("fields", "words"), [
    ({"host": " "}, "enter the PostgreSQL server"),
    ({"host": "db host"}, "is not a host name"),
    ({"host": "db/x"}, "is not a host name"),
    ({"port": "0"}, "from 1 to 65535"),
    ({"port": "70000"}, "from 1 to 65535"),
    ({"port": "five"}, "from 1 to 65535"),
    ({"database": "my db"}, "not a valid database name"),
    ({"database": ""}, "not a valid database name"),
    ({"user": "a:b"}, "not a valid user name"),
    ({"sslmode": "always"}, "SSL mode must be one of"),
])
def test_a_bad_target_is_refused_in_plain_words(fields: dict[str, str], words: str) -> None:
    given = {"host": "db.example.com", "port": "5432", "database": "relaydesk",
             "user": "relaydesk", "sslmode": "prefer", **fields}
    with pytest.raises(ValidationError) as caught:
        deployment.make_target(**given)
    assert words in caught.value.message


def test_a_good_target_is_trimmed_and_labelled() -> None:
    target = deployment.make_target(" db.example.com ", " 5433 ", "prod", "ops@corp", "require")
    assert target == deployment.Target("db.example.com", 5433, "prod", "ops@corp", "require")
    assert target.label == "prod@db.example.com:5433"
    assert deployment.make_target("[::1]", 5432, "relaydesk", "r").label == "relaydesk@[::1]"


@pytest.mark.parametrize("password", [
    PG_PASSWORD, "plain", "true", "None", "007", "1.5", "+ %20&=;", "密码-パス", "", None])
def test_the_url_gives_app_db_back_the_exact_password(password: str | None) -> None:
    """app/db.py opens the URL with playhouse's parser: whatever was typed is what it reads."""
    target = deployment.make_target("db.example.com", 5432, "relaydesk", "ops@corp", "require")
    parsed = parse_url(deployment.build_url(target, password))
    read = parsed.get("password")  # app/db.py hands an int on as its digits
    assert read is None if not password else (
        str(read) == password and type(read) in (str, int))
    assert (parsed["user"], parsed["host"], parsed["port"], parsed["database"],
            parsed["sslmode"]) == ("ops@corp", "db.example.com", 5432, "relaydesk", "require")
    if password and any(c in password for c in "/?#"):
        assert password not in deployment.describe(deployment.build_url(target, password))


def test_describe_names_database_and_host_only() -> None:
    target = deployment.make_target("10.0.0.5", 6432, "prod", "ops")
    assert deployment.describe(deployment.build_url(target, PG_PASSWORD)) == "prod@10.0.0.5:6432"
    assert deployment.describe("postgresql://u:pw@db.lan/relaydesk") == "relaydesk@db.lan"


# --- the stored choice --------------------------------------------------------------------


def test_no_file_means_this_computer(data_dir: Path) -> None:
    assert deployment.load(data_dir) == deployment.Choice("local", None)
    cfg = config.resolve(data_dir, {})
    assert (cfg.database_url, cfg.managed) == (None, False)


@pytest.mark.keyring
def test_the_choice_is_saved_and_read_back_with_the_password_only_in_the_keyring(
        real_keyring: object, data_dir: Path, postgres_url: str, pg_login: tuple[str, str]
) -> None:
    user, password = pg_login
    target = target_of(postgres_url, user, sslmode="disable")
    deployment.save(data_dir, deployment.Choice("deployment", target), password)

    path = data_dir / deployment.FILENAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert password.encode() not in path.read_bytes()
    assert deployment.load(data_dir) == deployment.Choice("deployment", target)
    assert keyring.get_password("RelayDesk", f"database:{target.secret_name}") == password
    assert not [p.name for p in data_dir.iterdir() if p.name != deployment.FILENAME]

    cfg = runtime.start(data_dir, environ={})  # opens and migrates the deployment
    try:
        assert cfg.managed and not cfg.is_sqlite
        assert password not in repr(cfg)
        assert db.is_postgres() and runtime.config_mod.resolve(data_dir, {}).managed
        assert SchemaVersion.select().first().version == latest_version()
    finally:
        db.close_database()
    # DATABASE_URL still names the database; the window still manages, with no relay
    env_cfg = config.resolve(data_dir, {"DATABASE_URL": postgres_url})
    assert (env_cfg.database_url, env_cfg.managed) == (postgres_url, True)


@pytest.mark.keyring
def test_going_back_to_this_computer_forgets_the_password_but_keeps_the_server(
        real_keyring: object, data_dir: Path) -> None:
    target = deployment.make_target("db.example.com", 5432, "relaydesk", "ops")
    deployment.save(data_dir, deployment.Choice("deployment", target), "first secret")
    other = deployment.make_target("db2.example.com", 5432, "relaydesk", "ops")
    deployment.save(data_dir, deployment.Choice("deployment", other), "second secret")
    assert deployment.password(target) is None  # a new server: the old password is gone
    deployment.save(data_dir, deployment.Choice("deployment", other))  # None keeps it
    assert deployment.password(other) == "second secret"

    deployment.save(data_dir, deployment.Choice("local", other))
    assert deployment.load(data_dir) == deployment.Choice("local", other)
    assert deployment.password(other) is None
    cfg = config.resolve(data_dir, {})
    assert (cfg.database_url, cfg.managed) == (None, False)


def test_without_a_keyring_the_password_is_refused_and_nothing_is_written(data_dir: Path
                                                                          ) -> None:
    target = deployment.make_target("db.example.com", 5432, "relaydesk", "ops")
    with pytest.raises(KeystoreUnavailable) as caught:
        deployment.save(data_dir, deployment.Choice("deployment", target), "a secret here")
    assert "DATABASE_URL" in caught.value.message and "plain text" in caught.value.message
    assert not (data_dir / deployment.FILENAME).exists()


@pytest.mark.parametrize("content", ["{not json", '{"mode": "cloud"}', '{"mode": "deployment"}',
                                     '{"mode": "deployment", "target": {"host": "a b"}}'])
def test_a_damaged_choice_file_is_named_not_ignored(data_dir: Path, content: str) -> None:
    (data_dir / deployment.FILENAME).write_text(content)
    with pytest.raises(ValidationError) as caught:
        config.resolve(data_dir, {})
    assert deployment.FILENAME in caught.value.message
    assert "delete the file" in caught.value.message


# --- the connection test -------------------------------------------------------------------


def test_an_empty_database_is_reported_as_ready_to_set_up(postgres_url: str) -> None:
    result = deployment.check(target_of(postgres_url), None)
    assert (result.state, result.schema_version, result.latest) == (
        "empty", None, latest_version())
    assert result.server_version[0].isdigit()


def test_a_current_and_an_older_schema_are_usable(postgres_url: str, data_dir: Path) -> None:
    runtime.start(data_dir, environ={"DATABASE_URL": postgres_url})
    try:
        assert deployment.check(target_of(postgres_url), None).state == "current"
        SchemaVersion.update(version=latest_version() - 1).execute()
        result = deployment.check(target_of(postgres_url), None)
        assert (result.state, result.schema_version) == ("upgrade", latest_version() - 1)
        SchemaVersion.update(version=latest_version() + 1).execute()
        with pytest.raises(deployment.DeploymentError) as caught:
            deployment.check(target_of(postgres_url), None)
        assert "newer RelayDesk" in caught.value.message
    finally:
        db.close_database()


def test_a_database_of_something_else_is_refused(postgres_url: str) -> None:
    conn = psycopg2.connect(postgres_url)
    with conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE invoices (id int)")
    conn.close()
    with pytest.raises(deployment.DeploymentError) as caught:
        deployment.check(target_of(postgres_url), None)
    assert "other tables but no RelayDesk data" in caught.value.message


def test_the_right_password_connects(postgres_url: str, pg_login: tuple[str, str]) -> None:
    user, password = pg_login
    assert deployment.check(target_of(postgres_url, user), password).state == "empty"


def test_a_wrong_or_missing_password_is_said_plainly(postgres_url: str,
                                                     pg_login: tuple[str, str]) -> None:
    user, _ = pg_login
    target = target_of(postgres_url, user)
    with pytest.raises(deployment.DeploymentError) as wrong:
        deployment.check(target, "not the password")
    assert wrong.value.message == f"PostgreSQL refused the password for the user {user!r}"
    with pytest.raises(deployment.DeploymentError) as missing:
        deployment.check(target, None)
    assert "asks for a password" in missing.value.message


def test_an_unknown_user_or_database_is_named(postgres_url: str) -> None:
    with pytest.raises(deployment.DeploymentError) as user:
        deployment.check(target_of(postgres_url, "nobody_here"), None)
    assert user.value.message == "PostgreSQL has no user 'nobody_here'"
    with pytest.raises(deployment.DeploymentError) as database:
        deployment.check(target_of(postgres_url, database="no_such_db"), None)
    assert database.value.message == "the database 'no_such_db' does not exist on 127.0.0.1"


def test_a_server_that_is_not_there_is_unreachable(closed_port: int) -> None:
    target = deployment.make_target("127.0.0.1", closed_port, "relaydesk", "relaydesk")
    with pytest.raises(deployment.DeploymentError) as caught:
        deployment.check(target, None)
    assert caught.value.message.startswith(
        f"could not reach PostgreSQL at 127.0.0.1:{closed_port}: the connection was refused")


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:  # accepts (the kernel does), never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        target = deployment.make_target("127.0.0.1", silent.getsockname()[1], "relaydesk",
                                        "relaydesk", "disable")
        with pytest.raises(deployment.DeploymentError) as caught:
            deployment.check(target, None, timeout=2)
    assert caught.value.message.endswith("no answer within 2 seconds")


def test_ssl_required_from_a_server_without_it(postgres_url: str) -> None:
    with pytest.raises(deployment.DeploymentError) as caught:
        deployment.check(target_of(postgres_url, sslmode="require"), None)
    assert "does not offer SSL" in caught.value.message

