"""Hand-written SQL for the few statements on the relay's hot path.

peewee spends longer *building* each query than SQLite spends running it (bench/README.md); the
relay runs a handful per request. These statements are written once in portable SQL (double-quoted
identifiers, ``RETURNING``: SQLite >= 3.35 and PostgreSQL) with ``?`` placeholders, translated
to the driver's style once per database. Everything else keeps using peewee.
"""

from datetime import datetime
from functools import cache
from typing import Any

from app.db import database, direct, is_postgres


@cache
def _for_postgres(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def execute(sql: str, params: tuple[Any, ...] = ()) -> Any:
    """Run one statement on the bound database (or app/quickwrite.py's open transaction);
    returns the DB-API cursor."""
    conn = direct.get()
    if conn is not None:
        return conn.execute(sql, params)
    return database.execute_sql(_for_postgres(sql) if is_postgres() else sql, params)


def one(sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    row = execute(sql, params).fetchone()
    return tuple(row) if row is not None else None


def timestamp(value: datetime) -> Any:
    """``value`` as a statement parameter, formatted once for a whole batch of rows.

    On SQLite this is the text its datetime adapter would make, row by row, through a Python
    call each (``isoformat(" ")``, what peewee reads back); PostgreSQL takes the datetime.
    """
    return value if is_postgres() else value.isoformat(" ")
