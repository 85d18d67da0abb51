"""The Privacy page (export, deletion request, withdrawal of consent) and the policy page."""

import asyncio
import io
import json
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from app import deletion_requests, export
from app.models import RequestLog, User, WebSession
from relay.portal.common import PORTAL, SESSION_COOKIE
from relay.portal.downloads import Downloads
from relay.portal.privacy import EXPORTS, markdown_html
from tests.relay.portal.conftest import Browser, Portal, make_user, new_browser


def _log(user: User, request_id: str) -> None:
    RequestLog.create(user=user.id, username=user.username, request_id=request_id,
                      model="deepseek-chat", prompt_tokens=10, completion_tokens=5,
                      cost_micros=1234, client_ip="192.0.2.7")


async def _download(browser: Browser, fmt: str) -> tuple[aiohttp.ClientResponse, bytes]:
    csrf = await browser.csrf("/portal/privacy")
    async with browser.session.post(browser.url("/portal/privacy/export"),
                                    data={"format": fmt, "csrf_token": csrf}) as resp:
        return resp, await resp.read()


async def test_export_json_holds_own_data_only(portal: Portal, browser: Browser) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    _log(ann, "req-ann-1")
    _log(bob, "req-bob-1")
    await browser.sign_in("ann")
    resp, body = await _download(browser, "json")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert resp.headers["Content-Security-Policy"]
    text = body.decode("utf-8")
    json.loads(text)  # one whole document
    assert "req-ann-1" in text and "ann@example.com" in text
    assert "req-bob-1" not in text and "bob@example.com" not in text


async def test_export_csv_zip_holds_own_data_only(portal: Portal, browser: Browser) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    _log(ann, "req-ann-1")
    _log(bob, "req-bob-1")
    await browser.sign_in("bob")
    resp, body = await _download(browser, "csv")
    assert resp.status == 200 and resp.headers["Content-Type"] == "application/zip"
    assert ".zip" in resp.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
        logs = archive.read("request_logs.csv").decode("utf-8-sig")
    assert "req-bob-1" in logs and "req-ann-1" not in logs
    assert b"ann@example.com" not in everything


async def test_export_needs_sign_in_and_a_known_format(portal: Portal,
                                                       browser: Browser) -> None:
    make_user("ann")
    _, page = await browser.get("/portal/privacy")
    assert 'action="/portal/signin"' in page
    await browser.sign_in("ann")
    resp, body = await _download(browser, "xml")
    assert resp.status == 400 and "Choose JSON or CSV" in body.decode()


async def test_deletion_request_needs_the_password_then_approval_ends_the_account(
        portal: Portal, browser: Browser) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    status, page = await browser.post("/portal/privacy/delete", {"password": "wrong guess"},
                                      form_page="/portal/privacy")
    assert status == 400 and "That is not your password" in page
    assert deletion_requests.list_requests() == []
    status, page = await browser.post("/portal/privacy/delete",
                                      {"password": "correct horse battery"},
                                      form_page="/portal/privacy")
    assert status == 200 and "Your deletion request is with the operator" in page
    assert "is waiting for the operator" in page
    [waiting] = deletion_requests.list_requests()
    assert waiting.user.username == "ann"
    deletion_requests.approve(waiting.id)
    status, page = await browser.get("/portal/privacy")
    assert 'action="/portal/signin"' in page
    status, page = await browser.sign_in("ann")
    assert status == 400 and "Wrong username or password" in page


async def test_a_rejection_shows_its_reason(portal: Portal, browser: Browser) -> None:
    make_user("ann")
    row = deletion_requests.request_deletion("ann")
    deletion_requests.reject(row.id, "unpaid <b>invoice</b>")
    await browser.sign_in("ann")
    _, page = await browser.get("/portal/privacy")
    assert "rejected" in page and "unpaid &lt;b&gt;invoice&lt;/b&gt;" in page
    assert 'action="/portal/privacy/delete"' in page  # the user may ask again


async def test_withdraw_consent_disables_and_signs_out(portal: Portal,
                                                       browser: Browser) -> None:
    make_user("ann")
    await browser.sign_in("ann")
    status, page = await browser.post("/portal/privacy/withdraw",
                                      {"password": "wrong guess", "confirm": "yes"},
                                      form_page="/portal/privacy")
    assert status == 400 and "That is not your password" in page
    assert User.get(User.username == "ann").status == "active"
    status, page = await browser.post("/portal/privacy/withdraw",
                                      {"password": "correct horse battery", "confirm": "yes"},
                                      form_page="/portal/privacy")
    assert status == 200 and "Your consent is withdrawn" in page
    assert 'action="/portal/signin"' in page
    ann = User.get(User.username == "ann")
    assert (ann.status, ann.consent_version) == ("disabled", None)
    assert WebSession.select().count() == 0 and browser.cookie(SESSION_COOKIE) is None
    status, page = await browser.sign_in("ann")
    assert status == 400


async def test_policy_page_is_public_and_renders_the_policy(portal: Portal,
                                                            browser: Browser) -> None:
    status, page = await browser.get("/portal/policy")
    assert status == 200
    assert "<h1>Privacy Policy</h1>" in page and "<h2>1. Information we collect</h2>" in page
    assert "<li><strong>Registration info:</strong> email, username, phone (optional).</li>" in page
    assert "2026-06-03" in page


def test_policy_markdown_escapes_html() -> None:
    html = str(markdown_html("# T <script>\n\nHi <img src=x onerror=alert(1)> **b<i>**\n"
                             "- <a href='javascript:x'>a</a>\n  more\n"))
    assert "<script>" not in html and "<img" not in html and "<a " not in html
    assert "<h1>T &lt;script&gt;</h1>" in html
    assert "<strong>b&lt;i&gt;</strong>" in html
    assert "&lt;a href=&#39;javascript:x&#39;&gt;a&lt;/a&gt; more</li>" in html


def _exports(portal: Portal) -> Downloads:
    assert portal.server.app is not None
    return portal.server.app[PORTAL][EXPORTS]


def _names(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir()]


class _HeldExport:
    """``export.export_user`` that, for one user, waits between its pages until the test lets
    it go (an export still being written, without sleeping), and keeps what it returned."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, username: str) -> None:
        self.entered, self.release = threading.Event(), threading.Event()
        self.finished = threading.Event()
        self.results: list[export.ExportResult] = []
        real = export.export_user

        def export_user(name: str, out: Path, fmt: str, *, actor: str,
                        cancel: Callable[[], bool]) -> export.ExportResult:
            def held_cancel() -> bool:
                if name == username and not self.entered.is_set():
                    self.entered.set()
                    self.release.wait(10)
                return cancel()

            try:
                self.results.append(real(name, out, fmt, actor=actor, cancel=held_cancel))
                return self.results[-1]
            finally:
                self.finished.set()

        monkeypatch.setattr(export, "export_user", export_user)

    async def running(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, 10)


async def test_one_export_per_user_and_a_few_across_users(
        portal: Portal, browser: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    make_user("ann"), make_user("bob"), make_user("cy")
    held = _HeldExport(monkeypatch, "ann")
    await browser.sign_in("ann")
    first = asyncio.ensure_future(_download(browser, "json"))
    try:
        await held.running()
        resp, body = await _download(browser, "csv")
        assert resp.status == 429 and resp.headers["Retry-After"]
        assert "already running" in body.decode()
        async with new_browser(portal) as other:  # someone else is not held up
            await other.sign_in("bob")
            resp, body = await _download(other, "json")
            assert resp.status == 200 and "bob@example.com" in body.decode()
        _exports(portal).most = 1
        async with new_browser(portal) as third:
            await third.sign_in("cy")
            resp, body = await _download(third, "json")
            assert resp.status == 503 and "busy" in body.decode()
    finally:
        held.release.set()
    resp, body = await first
    assert resp.status == 200 and "ann@example.com" in body.decode()
    resp, _ = await _download(browser, "csv")
    assert resp.status == 200  # the slot was given back


async def test_a_client_that_hangs_up_stops_its_export_and_leaves_no_file(
        portal: Portal, browser: Browser, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    ann = make_user("ann")
    _log(ann, "req-ann-1")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where the export's folder goes
    held = _HeldExport(monkeypatch, "ann")
    await browser.sign_in("ann")
    csrf = await browser.csrf("/portal/privacy")
    body = f"format=json&csrf_token={csrf}".encode()
    _, writer = await asyncio.open_connection("127.0.0.1", portal.server.port)
    try:
        writer.write(b"POST /portal/privacy/export HTTP/1.1\r\nHost: relay\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     + f"Content-Length: {len(body)}\r\nCookie: {SESSION_COOKIE}="
                       f"{browser.cookie(SESSION_COOKIE)}\r\n\r\n".encode() + body)
        await writer.drain()
        await held.running()
        assert [name[:24] for name in _names(temp)] == ["relaydesk-portal-export-"]
        writer.close()
        await writer.wait_closed()
        await asyncio.wait_for(_exports(portal).idle(), 10)
    finally:
        held.release.set()
    assert await asyncio.to_thread(held.finished.wait, 10)
    assert [result.cancelled for result in held.results] == [True]  # stopped, not finished
    assert _names(temp) == []
