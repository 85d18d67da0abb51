"""The Privacy page (consent, export, deletion request, withdrawal) and the public policy page.

Each action is the service the desktop app uses (app.export, app.deletion_requests,
app.privacy); the two irreversible ones need the current password first.
"""

import asyncio
import functools
import re
import shutil
import tempfile
import threading
from pathlib import Path

from aiohttp import web
from markupsafe import Markup, escape

from app import accounts, clock, deletion_requests, export, passwords, policy, privacy
from app.errors import ServiceError
from app.models import DeletionRequest, User
from app.resources import policy_text
from relay.portal.common import (
    PREFIX,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    client_address,
    error_text,
    form,
    redirect,
    render,
    run_db,
    run_password,
    run_report,
    signed_in,
    signed_in_user,
    visitor,
)
from relay.portal.downloads import Downloads, Refused, refusal_page
from relay.state import STATE

CHUNK = 256 * 1024
EXPORTS_AT_ONCE = 4  # across all users: each holds a report thread and a temporary file
EXPORTS = web.AppKey("relaydesk_exports", Downloads)
MEDIA = {"json": ("application/json", "json"), "csv": ("application/zip", "zip")}
_INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")


def _inline(text: str) -> Markup:
    """Escape ``text``, then turn ``**bold**`` and ```code``` into tags."""
    out, last = [], 0
    for found in _INLINE.finditer(text):
        out.append(escape(text[last:found.start()]))
        if found.group(1) is not None:
            out.append(Markup("<strong>%s</strong>") % found.group(1))
        else:
            out.append(Markup("<code>%s</code>") % found.group(2))
        last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def markdown_html(source: str) -> Markup:
    """The policy's markdown as HTML: headings, paragraphs and lists only, all text escaped.

    Written here rather than pulled in as a library because the policy uses nothing more, and
    whatever the operator types can only ever come out as text.
    """
    blocks: list[Markup] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Markup("<p>%s</p>") % _inline(" ".join(paragraph)))
            paragraph.clear()
        if items:
            blocks.append(Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % _inline(item) for item in items))
            items.clear()

    for raw in source.splitlines():
        line = raw.strip()
        heading = re.match(r"(#{1,6})\s+(.*)", line)
        if not line:
            flush()
        elif heading:
            flush()
            level = len(heading.group(1))
            blocks.append(Markup(f"<h{level}>%s</h{level}>") % _inline(heading.group(2)))
        elif line[:2] in ("- ", "* "):
            if paragraph:
                flush()
            items.append(line[2:].strip())
        elif items and raw[:1].isspace():  # an indented line continues the list item
            items[-1] += " " + line
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return Markup("\n").join(blocks)


def _policy(lang: str) -> tuple[str, Markup]:
    return policy.in_force(), markdown_html(policy_text(lang))


async def policy_page(request: web.Request) -> web.StreamResponse:
    """The policy, for anyone (a visitor reads it before registering)."""
    version, body = await run_db(request, _policy, visitor(request).lang)
    return render(request, "policy.html", version=version, body=body)


def _privacy_facts(user: User) -> tuple[str, list[DeletionRequest]]:
    return policy.current().version, deletion_requests.user_requests(user)


async def _page(request: web.Request, status: int = 200, **errors: str | None
                ) -> web.Response:
    user = signed_in_user(request)
    version, requests = await run_db(request, _privacy_facts, user)
    pending = next((r for r in requests if r.status == "pending"), None)
    latest = requests[0] if requests else None
    context = {"export_error": None, "delete_error": None, "withdraw_error": None, **errors}
    return render(request, "privacy.html", status=status, version=version,
                  needs_consent=visitor(request).needs_consent, pending=pending, latest=latest,
                  **context)


@signed_in(before_consent=True)
async def privacy_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@signed_in(before_consent=True)
async def export_data(request: web.Request) -> web.StreamResponse:
    """Write the export to a private temp folder, stream it back, and remove it; one export
    per user and a few across users at once."""
    fields = await form(request)
    fmt = fields.get("format", "json")
    if fmt not in MEDIA:
        return await _page(request, 400, export_error=visitor(request)._(
            "Choose JSON or CSV."))
    try:
        with request.config_dict[EXPORTS].slot(signed_in_user(request).id):
            return await _send_export(request, fmt)
    except Refused as refused:
        return refusal_page(request, refused)


async def _send_export(request: web.Request, fmt: str) -> web.StreamResponse:
    user = signed_in_user(request)
    folder = Path(tempfile.mkdtemp(prefix="relaydesk-portal-export-"))
    gone = threading.Event()  # the download ended: an export still being written stops
    try:
        media, extension = MEDIA[fmt]
        path = folder / f"export.{extension}"
        try:
            # a whole history: off the relay's database thread
            await run_report(functools.partial(export.export_user, user.username, path, fmt,
                                               actor=user.username, cancel=gone.is_set))
        except ServiceError as exc:
            return await _page(request, 400, export_error=error_text(request, exc))
        name = f"relaydesk-export-{clock.now():%Y%m%d-%H%M%S}.{extension}"
        response = web.StreamResponse(headers={
            **SECURITY_HEADERS, "Content-Type": media, "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{name}"'})
        response.content_length = path.stat().st_size
        await response.prepare(request)
        with path.open("rb") as data:
            while chunk := await asyncio.to_thread(data.read, CHUNK):
                await response.write(chunk)
        await response.write_eof()
        return response
    finally:
        # However it ended (a client that hangs up cancels this handler mid-await).
        gone.set()
        shutil.rmtree(folder, ignore_errors=True)


def _password_hash(username: str) -> str | None:
    return accounts.get_user(username).password_hash


async def _password_ok(request: web.Request, password: str) -> bool:
    """The signed-in user's current password; a wrong one counts toward an address ban."""
    user = signed_in_user(request)
    hashed = await run_db(request, _password_hash, user.username)
    if password and await run_password(passwords.verify_password, password, hashed):
        return True
    await request.config_dict[STATE].guard.failure(client_address(request), "portal_login")
    return False


@signed_in(before_consent=True)
async def request_deletion(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    who = visitor(request)
    if not await _password_ok(request, fields.get("password", "")):
        return await _page(request, 400, delete_error=who._("That is not your password."))
    try:
        await run_db(request, deletion_requests.request_deletion,
                     signed_in_user(request).username, ip=client_address(request))
    except ServiceError as exc:
        return await _page(request, 400, delete_error=error_text(request, exc))
    return redirect(f"{PREFIX}/privacy", "deletion_requested")


@signed_in(before_consent=True)
async def withdraw(request: web.Request) -> web.StreamResponse:
    fields = await form(request)
    who = visitor(request)
    if fields.get("confirm") != "yes":
        return await _page(request, 400, withdraw_error=who._(
            "Tick the box to confirm that you want to stop using the service."))
    if not await _password_ok(request, fields.get("password", "")):
        return await _page(request, 400, withdraw_error=who._("That is not your password."))
    user = signed_in_user(request)
    await run_db(request, privacy.withdraw_consent, user.username, actor=user.username)
    who.session = None  # withdrawal ended every session, this one too
    response = redirect(f"{PREFIX}/signin", "consent_withdrawn")
    response.del_cookie(SESSION_COOKIE, path=f"{PREFIX}/")
    return response


def setup(portal: web.Application) -> None:
    """Add this page's routes and its export limiter."""
    portal[EXPORTS] = Downloads(EXPORTS_AT_ONCE)
    portal.router.add_get("/policy", policy_page)
    portal.router.add_get("/privacy", privacy_page)
    portal.router.add_post("/privacy/export", export_data)
    portal.router.add_post("/privacy/delete", request_deletion)
    portal.router.add_post("/privacy/withdraw", withdraw)
