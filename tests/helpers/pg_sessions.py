"""PostgreSQL's own view of sessions and roles, for tests that kill a connection or refuse a
login on purpose (the relay's change feed and job locks must survive both). Plain SQL on the
bound database's connection: server administration, not RelayDesk data."""

import uuid

import psycopg2

from app import db
from app.models import RechargeRecord, User


def backends(application_name: str, query_prefix: str | None = None) -> list[int]:
    """Backend pids of the sessions named ``application_name`` (whose current query starts
    with ``query_prefix``, if given)."""
    rows = db.database.execute_sql(
        "SELECT pid, query FROM pg_stat_activity WHERE application_name = %s",
        (application_name,)).fetchall()
    return [pid for pid, query in rows
            if query_prefix is None or (query or "").startswith(query_prefix)]


def session(pid: int | None) -> list[tuple[str, str]]:
    """(query, state) of the session with backend ``pid``."""
    return db.database.execute_sql("SELECT query, state FROM pg_stat_activity WHERE pid = %s",
                                   (pid,)).fetchall()


def own_pid() -> int:
    """The backend pid of this thread's own database connection."""
    return int(db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0])


def terminate(pid: int | None) -> None:
    db.database.execute_sql("SELECT pg_terminate_backend(%s, 5000)", (pid,))


def create_login_role() -> str:
    role = f"feed_{uuid.uuid4().hex[:12]}"  # roles are per server: a name of its own
    db.database.execute_sql(f"CREATE ROLE {role} LOGIN")
    return role


def drop_role(role: str) -> None:
    db.database.execute_sql(f"DROP ROLE {role}")


def set_login(role: str, allowed: bool) -> None:
    db.database.execute_sql(f"ALTER ROLE {role} {'LOGIN' if allowed else 'NOLOGIN'}")


def recharges_in(url: str) -> list[tuple[str, int]]:
    """(username, amount) of every recharge, read straight from the server at ``url`` on a
    connection of its own, not through the app's."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            recharges, users = RechargeRecord._meta.table_name, User._meta.table_name
            cur.execute(f'SELECT u.username, r.amount_micros FROM "{recharges}" r '
                        f'JOIN "{users}" u ON u.id = r.user_id ORDER BY r.id')
            return [(name, int(amount)) for name, amount in cur.fetchall()]
    finally:
        conn.close()
