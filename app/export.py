"""A user's own data, exported on request (privacy policy: "request export of your usage data").

One service for the CLI, the GUI and later the portal. A user may have millions of request-log
and ledger rows, so nothing is ever loaded whole: every table is read in keyset-paginated pages
(``WHERE key > last ORDER BY key LIMIT 1000``) as raw rows and streamed into the output, so memory
stays flat whatever the size. All reads happen in one read snapshot, so the balance matches the
ledger even while the relay keeps billing.

Two formats: one versioned JSON document, or a zip of CSV files (one per table, plus a
README.txt). Files are written owner-only (0600) under a temporary name and renamed into place
when complete, so a cancelled or failed export never leaves a partial file behind. Nothing secret
is exported: no password hash, no API key or key hash.
"""

import contextlib
import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from peewee import BooleanField, DateTimeField, Expression, Field, Tuple

from app import accounts, audit, clock, privacy, sql, views
from app.csvsafe import csv_text
from app.db import database, is_postgres, write_transaction
from app.errors import ValidationError
from app.models import (
    ApiKey,
    AuditEvent,
    BaseModel,
    DeletionRequest,
    JSONField,
    LedgerEntry,
    RechargeRecord,
    RequestLog,
    SignIn,
    User,
)

FORMAT = "relaydesk-user-export"
VERSION = 1
FORMATS = ("json", "csv")
PAGE = 1000
# `make bench` measures a 1,000,000-request-log export (bench/export.py); tests/app/test_export.py
# proves flat memory on a smaller table under tracemalloc.

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What was written. ``cancelled`` means nothing was left on disk."""

    path: Path
    fmt: str
    rows: int  # rows written, all sections together (the profile counts as one)
    size_bytes: int
    cancelled: bool = False
    counts: dict[str, int] = field(default_factory=dict)  # rows per section


@dataclass(frozen=True, slots=True)
class Section:
    """One exported table: output keys, the columns they come from, and which rows."""

    name: str
    model: type[BaseModel]
    columns: tuple[tuple[str, Field], ...]
    keyset: tuple[Field, ...]  # pagination key, unique (ends with the primary key)
    description: str

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self.columns]


SECTIONS = (
    Section("api_keys", ApiKey, (
        ("id", ApiKey.id), ("name", ApiKey.name), ("prefix", ApiKey.prefix),
        ("status", ApiKey.status), ("allowed_models", ApiKey.allowed_models),
        ("allowed_cidrs", ApiKey.allowed_cidrs), ("expires_at", ApiKey.expires_at),
        ("created_at", ApiKey.created_at), ("last_used_at", ApiKey.last_used_at),
        ("revoked_at", ApiKey.revoked_at)), (ApiKey.id,),
        "your API keys; the keys themselves are never stored, so never exported"),
    Section("ledger", LedgerEntry, (
        ("id", LedgerEntry.id), ("kind", LedgerEntry.kind),
        ("amount_micros", LedgerEntry.amount_micros),
        ("balance_after_micros", LedgerEntry.balance_after_micros),
        ("reason", LedgerEntry.reason), ("ref", LedgerEntry.ref), ("actor", LedgerEntry.actor),
        ("created_at", LedgerEntry.created_at)), (LedgerEntry.id,),
        "every change to your balance, oldest first"),
    Section("recharges", RechargeRecord, (
        ("order_no", RechargeRecord.order_no), ("amount_micros", RechargeRecord.amount_micros),
        ("method", RechargeRecord.method), ("status", RechargeRecord.status),
        ("created_at", RechargeRecord.created_at), ("paid_at", RechargeRecord.paid_at),
        ("refunded_micros", RechargeRecord.refunded_micros),
        ("refunded_at", RechargeRecord.refunded_at), ("note", RechargeRecord.note),
        ("gateway", RechargeRecord.gateway), ("gateway_trade_no", RechargeRecord.trade_no),
        ("pay_type", RechargeRecord.pay_type), ("expires_at", RechargeRecord.expires_at)),
        (RechargeRecord.id,), "your payments (online ones with the gateway's trade number) and "
                              "their refunds"),
    # Ordered by (created_at, id): the (user, created_at) index serves that order on SQLite and
    # PostgreSQL alike, so each page is an index range scan however big the table is.
    Section("request_logs", RequestLog, tuple((key, getattr(RequestLog, name)) for key, name in (
        ("id", "id"), ("created_at", "created_at"), ("request_id", "request_id"),
        ("username", "username"), ("api_key_id", "api_key"), ("model", "model"),
        ("upstream_model", "upstream_model"), ("provider", "provider"), ("stream", "stream"),
        ("prompt_tokens", "prompt_tokens"), ("cached_tokens", "cached_tokens"),
        ("completion_tokens", "completion_tokens"), ("cost_micros", "cost_micros"),
        ("status", "status"), ("error_code", "error_code"), ("duration_ms", "duration_ms"),
        ("ttfb_ms", "ttfb_ms"), ("client_ip", "client_ip"), ("user_agent", "user_agent"),
        ("estimated", "estimated"), ("overrun", "overrun"),
        ("failover_count", "failover_count"), ("endpoint", "endpoint"))),
        (RequestLog.created_at, RequestLog.id),
        "your requests that are still retained; prompts and replies are never stored"),
    Section("login_history", AuditEvent, (
        ("id", AuditEvent.id), ("created_at", AuditEvent.created_at),
        ("action", AuditEvent.action), ("ip", AuditEvent.ip), ("detail", AuditEvent.detail)),
        (AuditEvent.id,), "sign-ins to your account; empty until you sign in to the user portal"),
    Section("sign_ins", SignIn, (
        ("id", SignIn.id), ("created_at", SignIn.created_at), ("ok", SignIn.ok),
        ("ip", SignIn.ip), ("browser", SignIn.browser), ("os", SignIn.os),
        ("user_agent", SignIn.user_agent)), (SignIn.id,),
        "your sign-ins to the user portal that are still retained, failed ones too"),
    Section("deletion_requests", DeletionRequest, (
        ("id", DeletionRequest.id), ("status", DeletionRequest.status),
        ("reason", DeletionRequest.reason), ("created_at", DeletionRequest.created_at),
        ("decided_at", DeletionRequest.decided_at)), (DeletionRequest.id,),
        "your requests to delete your account and the operator's answers"),
)
PROFILE_KEYS = ("id", "username", "email", "phone", "role", "status", "balance_micros",
                "created_at", "consent_version", "consent_at", "has_password", "group")


def _scope(section: Section, user: User) -> Expression:
    if section.model is AuditEvent:
        return privacy.login_history(user.username)
    model: Any = section.model  # every other section's model has a user column
    condition: Expression = model.user == user.id
    return condition


def _time(value: datetime | str | None) -> str | None:
    if isinstance(value, str):  # SQLite hands back the stored text
        value = datetime.fromisoformat(value)
    return views.iso(value)


def _converter(column: Field) -> Callable[[Any], Any] | None:
    """Raw driver value -> exported value; ``None`` when it is already right."""
    if isinstance(column, DateTimeField):
        return _time
    if isinstance(column, BooleanField):
        return lambda v: None if v is None else bool(v)
    if isinstance(column, JSONField):
        return column.python_value
    return None


def pages(section: Section, user: User) -> Iterator[list[dict[str, Any]]]:
    """The user's rows of ``section`` as exported dicts, one page at a time, in keyset order.

    Raw rows and precomputed converters instead of model instances: building a peewee model per
    row costs several times the query itself on big tables.
    """
    keys = section.keys
    converters = [_converter(column) for _, column in section.columns]
    scope = _scope(section, user)
    width = len(section.keyset)
    last: tuple[Any, ...] | None = None
    while True:
        query = (section.model.select(*section.keyset, *(c for _, c in section.columns))
                 .where(scope).order_by(*section.keyset).limit(PAGE))
        if last is not None:  # raw key values go back as they came: exact comparisons
            if width == 1:
                query = query.where(section.keyset[0] > last[0])
            else:
                query = query.where(Tuple(*section.keyset) > Tuple(*last))
        raw = database.execute_sql(*query.sql()).fetchall()
        if not raw:
            return
        page = []
        for row in raw:
            values = row[width:]
            page.append({key: value if convert is None else convert(value)
                         for key, convert, value in zip(keys, converters, values, strict=True)})
        yield page
        if len(raw) < PAGE:
            return
        last = tuple(raw[-1][:width])


def count(section: Section, user: User) -> int:
    return section.model.select().where(_scope(section, user)).count()


@contextlib.contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent read view for the whole export (SQLite WAL readers never block writers)."""
    if database.in_transaction():
        yield
        return
    with database.atomic():
        if is_postgres():
            sql.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class _Cancelled(Exception):
    pass


class _Writer:
    """Counts rows, reports progress and honours cancel between pages."""

    def __init__(self, total: int, progress: Progress | None, cancel: Cancel | None) -> None:
        self.total, self.done = total, 0
        self.counts: dict[str, int] = {}
        self._progress, self._cancel = progress, cancel
        self._reported: tuple[int, int] | None = None
        self.report()

    def report(self) -> None:
        if self._progress is not None and self._reported != (self.done, self.total):
            self._reported = (self.done, self.total)
            self._progress(self.done, self.total)

    def profile(self) -> None:
        self.done += 1
        self.report()

    def check(self) -> None:
        if self._cancel is not None and self._cancel():
            raise _Cancelled

    def rows(self, section: Section, user: User) -> Iterator[list[dict[str, Any]]]:
        self.counts[section.name] = 0
        self.check()
        for page in pages(section, user):
            yield page
            self.done += len(page)
            self.counts[section.name] += len(page)
            self.total = max(self.total, self.done)
            self.report()
            self.check()


_dump = json.JSONEncoder(ensure_ascii=False).encode  # one encoder, not one per row


def write_json(stream: IO[str], user: User, writer: _Writer) -> None:
    """The versioned document, one row per line, written as it is read."""
    profile = views.user(user)
    head = {"format": FORMAT, "version": VERSION, "generated_at": views.iso(clock.now()),
            "user": profile}
    stream.write("{\n" + "".join(f"{_dump(k)}: {_dump(v)},\n" for k, v in head.items()))
    writer.profile()
    for section in SECTIONS:
        stream.write(f"{_dump(section.name)}: [")
        empty = True
        for page in writer.rows(section, user):
            stream.write(("\n" if empty else ",\n") + ",\n".join(_dump(row) for row in page))
            empty = False
        stream.write("]" if empty else "\n]")
        if section.name == "api_keys":
            stream.write(f',\n"balance_micros": {int(user.balance_micros)}')
        stream.write(",\n" if section is not SECTIONS[-1] else "\n}\n")


def _cell(value: Any) -> Any:
    """One CSV cell; texts others chose (a stranger's user agent) never become formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return csv_text(";".join(map(str, value)))
    if isinstance(value, dict):
        return _dump(value)
    if isinstance(value, str):
        return csv_text(value)
    return value


@contextlib.contextmanager
def _csv_member(archive: zipfile.ZipFile, name: str) -> Iterator[Any]:
    # UTF-8 with a BOM so spreadsheet programs show non-ASCII names correctly.
    with archive.open(name, "w", force_zip64=True) as member, \
            io.TextIOWrapper(member, encoding="utf-8-sig", newline="") as text:
        yield csv.writer(text)


def write_csv(stream: IO[bytes], user: User, writer: _Writer) -> None:
    """A zip: README.txt, profile.csv and one CSV per section, each streamed into its member."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(user))
        with _csv_member(archive, "profile.csv") as out:
            profile = views.user(user)
            out.writerow(PROFILE_KEYS)
            out.writerow([_cell(profile[k]) for k in PROFILE_KEYS])
        writer.profile()
        for section in SECTIONS:
            with _csv_member(archive, f"{section.name}.csv") as out:
                out.writerow(section.keys)
                for page in writer.rows(section, user):
                    out.writerows([_cell(row[k]) for k in section.keys] for row in page)


def readme(user: User) -> str:
    files = "\n".join(f"  {s.name + '.csv':<19} {s.description}" for s in SECTIONS)
    columns = "\n".join(f"  {s.name}.csv: {', '.join(s.keys)}" for s in SECTIONS)
    return f"""RelayDesk data export for {user.username}
Generated {views.iso(clock.now())} ({FORMAT}, version {VERSION}).

Files
  profile.csv         your account (one row), including your balance
{files}

Conventions
  Money: columns ending in _micros are whole numbers of micro-units;
         1 unit of currency = 1,000,000 micro-units (balance_micros 2500000 = 2.50).
  Times: columns ending in _at are ISO-8601 UTC ("Z"), e.g. 2026-06-03T08:00:00Z.
  Empty cell = no value. true / false for yes / no. Lists are separated by ";"; an empty
  allowed_models or allowed_cidrs means "no restriction". The CSV files are UTF-8 with a
  byte-order mark, so spreadsheet programs show non-English text correctly. A text that
  would start with =, +, -, @, a tab or a line break starts with ' instead, so a spreadsheet
  shows it as text and never runs it as a formula.

Columns
  profile.csv: {', '.join(PROFILE_KEYS)}
{columns}

  ledger kind: recharge, refund, adjustment (operator correction), hold (money reserved while a
    request runs), release (the hold given back), charge (what a request cost),
    carry_forward (older entries folded into one); balance_after_micros: balance after it.
  request_logs: status is the HTTP status returned, error_code why a request failed; tokens are
    what was billed; estimated = cost estimated because the request was interrupted; overrun =
    cost exceeded the amount reserved beforehand; failover_count = other providers tried first.
  api_keys prefix: the last characters of a key, enough to recognise it, not to use it.
  login_history: action is "login" or a failed/other sign-in variant; ip the address used.
  sign_ins: ok = the password was right; browser and os as the browser named them.
  deletion_requests status: pending, approved or rejected; reason: why it was rejected.
"""


def export_user(username: str, out_path: str | Path, fmt: str = "json", *,
                progress: Progress | None = None, cancel: Cancel | None = None,
                actor: str = "admin") -> ExportResult:
    """Write everything RelayDesk holds about ``username`` to ``out_path`` (replaced if present).

    ``progress(done_rows, total_rows)`` is called after every page; ``cancel()`` returning True
    stops the export between pages and removes the partial file. A finished export is recorded
    in the audit trail (who, whose, which format; never the data).
    """
    if fmt not in FORMATS:
        raise ValidationError("the format must be one of {formats}", param="format",
                              formats=", ".join(FORMATS))
    out = Path(out_path)
    if out.is_dir():
        raise ValidationError("{path} is a folder; give a file name", param="out", path=str(out))
    with _snapshot():
        user = accounts.get_user(username)
        writer = _Writer(1 + sum(count(s, user) for s in SECTIONS), progress, cancel)
        try:
            fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.",
                                            suffix=".partial")  # created 0600
        except OSError as exc:
            raise ValidationError("cannot write to {folder}: {error}", param="out",
                                  folder=str(out.parent), error=exc.strerror) from None
        tmp = Path(tmp_name)
        try:
            if fmt == "json":
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as text:
                    write_json(text, user, writer)
            else:
                with os.fdopen(fd, "wb") as binary:
                    write_csv(binary, user, writer)
            os.replace(tmp, out)
        except _Cancelled:
            tmp.unlink(missing_ok=True)
            return ExportResult(out, fmt, writer.done, 0, cancelled=True, counts=writer.counts)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    with write_transaction():
        audit.record("user.export", actor=actor, target=user.username, detail={"format": fmt})
    return ExportResult(out, fmt, writer.done, out.stat().st_size, counts=writer.counts)
