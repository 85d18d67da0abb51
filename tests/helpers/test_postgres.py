"""The throwaway PostgreSQL helper works: server, per-test databases, peewee, the shell entry."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from peewee import CharField, IntegerField, Model, PostgresqlDatabase
from playhouse.db_url import connect as db_url_connect

from .postgres import PostgresServer, postgres_available
from .requirements import require

pytestmark = pytest.mark.postgres

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pg_server():
    require(postgres_available())
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fresh_db(pg_server):
    name = pg_server.unique_name()
    url = pg_server.create_database(name)
    yield name, url
    pg_server.drop_database(name)


def _database_names(server: PostgresServer) -> set[str]:
    conn = psycopg2.connect(server.url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT datname FROM pg_database")
            return {row[0] for row in cur.fetchall()}
    finally:
        conn.close()


def test_server_is_up_on_loopback_with_fast_settings(pg_server):
    assert pg_server.url == f"postgresql://relaydesk@127.0.0.1:{pg_server.port}/postgres"
    print(f"PostgreSQL started in {pg_server.startup_seconds:.2f}s")
    conn = psycopg2.connect(pg_server.url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user, version()")
            user, version = cur.fetchone()
            cur.execute("SHOW fsync")
            fsync = cur.fetchone()[0]
            cur.execute("SHOW max_connections")
            max_connections = int(cur.fetchone()[0])
    finally:
        conn.close()
    assert user == "relaydesk"
    assert version.startswith("PostgreSQL")
    assert fsync == "off"
    assert max_connections == 200


def test_create_database_and_use_it_with_peewee_db_url(pg_server, fresh_db):
    name, url = fresh_db
    assert url == pg_server.url_for(name)
    assert name in _database_names(pg_server)

    db = db_url_connect(url)
    assert isinstance(db, PostgresqlDatabase)

    class Account(Model):
        name = CharField(unique=True)
        balance = IntegerField(default=0)

        class Meta:
            database = db

    try:
        db.connect()
        db.create_tables([Account])
        Account.create(name="alice", balance=100)
        Account.create(name="bob")
        assert [(a.name, a.balance) for a in Account.select().order_by(Account.name)] == [
            ("alice", 100),
            ("bob", 0),
        ]
        assert db.execute_sql("SELECT current_database()").fetchone()[0] == name
    finally:
        db.close()


def test_peewee_postgresqldatabase_with_explicit_parameters(pg_server, fresh_db):
    name, _ = fresh_db
    db = PostgresqlDatabase(name, user="relaydesk", host="127.0.0.1", port=pg_server.port)
    try:
        with db.connection_context():
            assert db.execute_sql("SELECT 40 + 2").fetchone()[0] == 42
    finally:
        db.close()


def test_databases_are_isolated_and_drop_works_with_open_connections(pg_server):
    first = pg_server.create_database()
    second_name = pg_server.unique_name()
    second = pg_server.create_database(second_name)
    conn1 = psycopg2.connect(first)
    conn2 = psycopg2.connect(second)
    try:
        with conn1, conn1.cursor() as cur:
            cur.execute("CREATE TABLE only_here (x int)")
        with conn2.cursor() as cur:
            cur.execute("SELECT to_regclass('only_here')")
            assert cur.fetchone()[0] is None
        conn2.rollback()
        # conn2 is still open: WITH (FORCE) disconnects it.
        pg_server.drop_database(second_name)
        assert second_name not in _database_names(pg_server)
        pg_server.drop_database(second_name)  # IF EXISTS: dropping twice is fine
    finally:
        conn1.close()
        conn2.close()
        pg_server.drop_database(first.rsplit("/", 1)[1])


def test_database_names_are_checked(pg_server):
    with pytest.raises(ValueError):
        pg_server.create_database('x"; DROP DATABASE postgres; --')


def test_stop_removes_everything_and_is_idempotent():
    require(postgres_available())
    server = PostgresServer()
    server.start()
    tmpdir, url = server.tmpdir, server.url
    assert tmpdir is not None and (tmpdir / "data" / "postmaster.pid").exists()
    server.stop()
    assert not tmpdir.exists()
    assert not server.running
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(url, connect_timeout=2).close()
    server.stop()


def _read_line(stream, deadline: float) -> str:
    fd = stream.fileno()
    buf = b""
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while b"\n" not in buf:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no line in time; got {buf!r}"
            if sel.select(timeout=remaining):
                chunk = os.read(fd, 4096)
                assert chunk, f"stream closed; got {buf!r}"
                buf += chunk
    return buf.decode().split("\n", 1)[0]


def test_shell_entry_point_prints_url_and_stops_on_sigterm():
    require(postgres_available())
    with subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.postgres", "--start"],
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        try:
            url = _read_line(proc.stdout, time.monotonic() + 60)
            assert url.startswith("postgresql://relaydesk@127.0.0.1:")
            conn = psycopg2.connect(url)
            try:
                with conn.cursor() as cur:
                    cur.execute("SELECT 1")
                    assert cur.fetchone() == (1,)
            finally:
                conn.close()
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err.decode()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(url, connect_timeout=2).close()


# The skip-or-fail rule used by every test that needs a system part.
def test_require_skips_normally_and_fails_under_ci(monkeypatch):
    from .requirements import require as require_fn

    require_fn(None)  # available: nothing happens
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="MISSING SYSTEM PART: no frobnicator"):
        require_fn("no frobnicator")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI=true.*no frobnicator"):
        require_fn("no frobnicator")
