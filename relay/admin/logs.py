"""Admin API: request logs (`relaydesk logs`) and a user's data export (`relaydesk export`)."""

import asyncio
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from app import db, export, requestlog, views
from relay import errors
from relay.admin import common as c
from relay.admin.auth import actor, admin_only

CHUNK = 64 * 1024
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "csv": "application/zip"}


def _date(request: web.Request, name: str) -> datetime | None:
    value = c.query_text(request, name)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().rstrip("Z"))
        if parsed.tzinfo is not None:  # stored times are naive UTC
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise errors.bad_request(f"{name} must be YYYY-MM-DD or an ISO date-time (UTC).",
                                 name) from None
    return parsed


@admin_only
async def list_logs(request: web.Request) -> web.Response:
    """Newest first; filters ``user``, ``model``, ``since``, ``until``, ``status``; page back
    with ``before_id`` (the last id of the previous page)."""
    rows = await c.run_view(
        request, views.request_log, requestlog.query, username=c.query_text(request, "user"),
        model=c.query_text(request, "model"), since=_date(request, "since"),
        until=_date(request, "until"),
        status=c.query_int(request, "status", low=100, high=599), limit=c.limit(request, 50),
        before_id=c.query_int(request, "before_id", low=1))
    extra = {"next_before_id": rows[-1]["id"]} if rows else {"next_before_id": None}
    return c.listing(rows, **extra)


async def _copy(path: Path, response: web.StreamResponse) -> None:
    loop = asyncio.get_running_loop()
    with path.open("rb") as source:
        while chunk := await loop.run_in_executor(None, source.read, CHUNK):
            await response.write(chunk)


@admin_only
async def export_user(request: web.Request) -> web.StreamResponse:
    """Everything held about a user, as the export service writes it (``format=json``, the
    default, or ``csv`` for a zip). The service writes an owner-only temporary file with flat
    memory whatever the size; it is streamed out in chunks and removed."""
    fmt = c.query_text(request, "format") or "json"
    if fmt not in export.FORMATS:
        raise errors.bad_request(f"format must be one of {', '.join(export.FORMATS)}.", "format")
    username = c.path_text(request, "username")
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="relaydesk-export-"))
    try:
        target = folder / f"export.{'json' if fmt == 'json' else 'zip'}"
        result = await asyncio.to_thread(_export_on_own_connection, username, target, fmt,
                                         actor(request))
        response = web.StreamResponse(headers={
            "Content-Type": CONTENT_TYPES[fmt],
            "Content-Disposition": f'attachment; filename="relaydesk-export.{target.suffix[1:]}"'})
        response.content_length = result.size_bytes
        await response.prepare(request)
        await _copy(result.path, response)
        await response.write_eof()
        return response
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, ignore_errors=True)


def _export_on_own_connection(username: str, target: Path, fmt: str,
                              who: str) -> export.ExportResult:
    """A big export reads for seconds or minutes: it gets its own thread and connection, so the
    relay's database thread keeps taking holds and settling requests meanwhile (SQLite in WAL
    mode lets readers and the writer run side by side)."""
    db.database.connect(reuse_if_open=True)
    try:
        return export.export_user(username, target, fmt, actor=who)
    finally:
        db.database.close()


def setup(app: web.Application) -> None:
    app.router.add_get("/admin/api/logs", list_logs)
    app.router.add_get("/admin/api/users/{username}/export", export_user)
