"""Hostile tests of the portal over plain HTTP: CSRF on every state-changing route, sessions
and their cookies, security headers, one user against another's ids, fuzzed form fields, open
redirects, address bans and the registration throttle.

Routes and forms are read from the portal's router and its rendered pages, so a page added
later is covered without editing this file.
"""

import io
import re
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import pytest
from aiohttp import web

from app import (
    apikeys,
    bans,
    deletion_requests,
    policy,
    privacy,
    recharges,
    requestlog,
    retention,
    settings,
    tls,
)
from app.db import database
from app.models import WebSession
from relay.portal.common import PORTAL, PRE_COOKIE, SESSION_COOKIE
from relay.server import RelayServer
from tests.conftest import FakeClock
from tests.relay.conftest import relay_options
from tests.relay.portal.conftest import (
    PASSWORD,
    Browser,
    Portal,
    make_user,
    new_browser,
)

SIGNIN_FORM = 'action="/portal/signin"'
VARIABLE = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


# ---- what the router and the pages offer ---------------------------------------------------

@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as registered, with {variables}

    @property
    def variables(self) -> list[str]:
        return VARIABLE.findall(self.path)

    def fill(self, values: dict[str, str]) -> str:
        return VARIABLE.sub(lambda m: quote(values[m.group(1)], safe=""), self.path)


def routes(portal: Portal, method: str) -> list[Route]:
    """Every portal route answering ``method`` (static files aside), from the router."""
    assert portal.server.app is not None
    sub = portal.server.app[PORTAL]
    found = []
    for resource in sub.router.resources():
        if isinstance(resource, web.StaticResource):
            continue
        for route in resource:
            if route.method == method:
                found.append(Route(method, resource.canonical))
    assert found, f"no {method} routes found: is the portal mounted?"
    return found


@dataclass
class Form:
    page: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    passwords: list[str] = field(default_factory=list)  # required current-password fields


class _FormParser(HTMLParser):
    """The POST forms of a page, with their fields' default values."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._current = Form(self.page, a.get("action") or self.page)
        elif self._current is not None and tag in ("input", "textarea", "select", "button"):
            name = a.get("name")
            if (name and a.get("type") == "password" and "required" in a
                    and a.get("autocomplete") == "current-password"):
                self._current.passwords.append(name)
            if name and (a.get("type") not in ("checkbox", "radio") or "checked" in a
                         or name not in self._current.fields):
                self._current.fields[name] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def forms_of(page_path: str, html: str) -> list[Form]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what "changes nothing" compares. The retention job's own
    audit entry is left out: it runs once at start, whenever the loop gets to it."""
    tables = database.get_tables()
    rows = {t: sorted(map(tuple, database.execute_sql(f'SELECT * FROM "{t}"').fetchall()),
                      key=repr) for t in tables}
    rows["audit_event"] = [row for row in rows.get("audit_event", [])
                           if retention.AUDIT_ACTION not in row]
    return rows


# ---- two users with everything a user can own ----------------------------------------------

@dataclass
class Owner:
    """A user's rows: the ids another user will try, and text that must not leak."""

    username: str
    ids: dict[str, str]
    secrets_: list[str]


def _own_things(username: str) -> Owner:
    user = make_user(username, balance_micros=5_000_000)
    key_row, plaintext = apikeys.create_key(username, name=f"{username}-laptop")
    record = recharges.recharge(username, 1_234_000, note=f"{username}-topup")
    request_id = f"req-{username}-{secrets.token_hex(4)}"
    requestlog.insert_many([{"request_id": request_id, "user": user.id, "api_key": key_row.id,
                             "username": username, "model": f"model-of-{username}",
                             "prompt_tokens": 11, "completion_tokens": 7, "cost_micros": 42,
                             "created_at": datetime.now()}])
    deletion = deletion_requests.request_deletion(username)
    log_id = str(requestlog.query(username=username, limit=1)[0].id)
    ids = {"key": str(key_row.id), "recharge": str(record.id), "order": record.order_no,
           "log": log_id, "request": request_id, "deletion": str(deletion.id),
           "user": str(user.id)}
    leaks = [f"{username}@example.com", f"{username}-laptop", record.order_no, request_id,
             f"model-of-{username}", apikeys.display_prefix(plaintext), f"{username}-topup"]
    return Owner(username, ids, leaks)


def _guess(variable: str, owner: Owner) -> list[str]:
    """The owner's ids a path variable may mean: all of them when the name says nothing."""
    name = variable.lower()
    for word, kind in (("key", "key"), ("order", "order"), ("recharge", "recharge"),
                       ("deletion", "deletion"), ("log", "log"), ("request", "request"),
                       ("user", "user")):
        if word in name:
            return [owner.ids[kind]]
    return sorted(set(owner.ids.values()))


def _fillings(route: Route, owner: Owner) -> Iterator[str]:
    """``route`` with each plausible combination of ``owner``'s ids (one variable varies)."""
    variables = route.variables
    if not variables:
        yield route.path
        return
    base = {v: _guess(v, owner)[0] for v in variables}
    for v in variables:
        for value in _guess(v, owner):
            yield route.fill({**base, v: value})


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


@pytest.fixture
async def pair(portal: Portal) -> tuple[Owner, Owner]:
    """anna and boris, each with a key, a request, recharges and a deletion request; boris
    also with a live session from a browser anna never uses (his sign-in history)."""
    anna, boris = _own_things("anna"), _own_things("boris")
    async with new_browser(portal, **{"User-Agent": FIREFOX}) as b:
        status, page = await b.sign_in("boris")
        assert status == 200 and "Hello, boris" in page
    boris.secrets_.append("Firefox")
    return anna, boris


async def signed_in(portal: Portal, username: str) -> tuple[Browser, Any]:
    context = new_browser(portal)
    b = await context.__aenter__()
    status, page = await b.sign_in(username)
    assert status == 200 and SIGNIN_FORM not in page, page[:500]
    return b, context


# ---- CSRF ----------------------------------------------------------------------------------

async def test_every_post_route_refuses_a_missing_or_wrong_csrf_token(
        portal: Portal, pair: tuple[Owner, Owner]) -> None:
    anna, _ = pair
    signed, context = await signed_in(portal, anna.username)
    try:
        async with new_browser(portal) as stranger:
            await stranger.get("/portal/signin")  # holds a signed-out form cookie, like a visitor
            real = await signed.csrf("/portal/")
            fields = {"name": "x", "username": anna.username, "password": PASSWORD,
                      "new_password": "another long passphrase", "email": "new@example.com",
                      "accept": "yes", "confirm": "yes", "version": policy.current().version,
                      "consent_version": policy.current().version, "message": "hi"}
            tried = 0
            for route in routes(portal, "POST"):
                for path in _fillings(route, anna):
                    for who in (signed, stranger):
                        before = snapshot()
                        for extra, headers in (({}, {}),
                                               ({"csrf_token": "forged"}, {}),
                                               ({"csrf_token": real + "0"}, {}),
                                               ({}, {"X-CSRF-Token": "forged"})):
                            async with who.session.post(who.url(path), data={**fields, **extra},
                                                        headers=headers,
                                                        allow_redirects=False) as resp:
                                assert resp.status == 403, (path, extra, headers, resp.status)
                            tried += 1
                        assert snapshot() == before, f"{path} changed data without a token"
            assert tried >= 4 * 2 * 4  # signin, signout, register, consent at least
        # The signed-in visitor is still signed in: nothing above signed it out.
        _, page = await signed.get("/portal/")
        assert SIGNIN_FORM not in page
    finally:
        await context.__aexit__(None, None, None)


async def test_a_signed_out_form_token_is_no_token_for_a_signed_in_session(
        portal: Portal, browser: Browser) -> None:
    make_user("cleo")
    pre = await browser.csrf("/portal/signin")
    await browser.sign_in("cleo")
    before = snapshot()
    status, _ = await browser.post("/portal/signout", {}, csrf=pre)
    assert status == 403 and snapshot() == before


# ---- sessions ------------------------------------------------------------------------------

async def test_sign_out_ends_the_session_on_the_server(portal: Portal, browser: Browser) -> None:
    make_user("dora")
    await browser.sign_in("dora")
    token, csrf = browser.cookie(SESSION_COOKIE), await browser.csrf("/portal/")
    await browser.post("/portal/signout", {}, form_page="/portal/")
    async with new_browser(portal) as thief:
        thief.session.cookie_jar.update_cookies({SESSION_COOKIE: token or ""})
        for path in ("/portal/", "/portal/consent"):
            _, page = await thief.get(path)
            assert SIGNIN_FORM in page and "dora" not in page
        status, _ = await thief.post("/portal/signout", {}, csrf=csrf)
        assert status == 403  # the old session's CSRF token died with it
    assert WebSession.select().count() == 0


async def test_idle_session_expires_to_sign_in(portal: Portal, browser: Browser,
                                               fake_clock: FakeClock) -> None:
    settings.set("session_idle_minutes", 5)
    make_user("emil")
    await browser.sign_in("emil")
    fake_clock.advance(minutes=4)
    _, page = await browser.get("/portal/")
    assert "Hello, emil" in page  # used within the idle time: still signed in
    fake_clock.advance(minutes=4, seconds=59)
    _, page = await browser.get("/portal/")
    assert "Hello, emil" in page  # the last use refreshed it
    fake_clock.advance(minutes=5)
    async with browser.session.get(browser.url("/portal/"), allow_redirects=False) as resp:
        assert resp.status == 303
        assert resp.headers["Location"].startswith("/portal/signin?next=")
    _, page = await browser.get("/portal/")
    assert SIGNIN_FORM in page and "Hello" not in page
    assert WebSession.select().count() == 0


async def test_absolute_session_lifetime_ends_even_a_busy_session(
        portal: Portal, browser: Browser, fake_clock: FakeClock) -> None:
    settings.set("session_absolute_hours", 1)
    make_user("fritz")
    await browser.sign_in("fritz")
    for _ in range(5):  # busy all along: never idle
        fake_clock.advance(minutes=11)
        _, page = await browser.get("/portal/")
        assert "Hello, fritz" in page
    fake_clock.advance(minutes=5)
    _, page = await browser.get("/portal/")
    assert SIGNIN_FORM in page and "Hello" not in page


async def test_static_files_leave_the_session_cookie_alone(portal: Portal, browser: Browser
                                                          ) -> None:
    """A browser fetches the stylesheet after every page: that must not sign it out."""
    make_user("lena")
    await browser.sign_in("lena")
    _, page = await browser.get("/portal/")
    assets = re.findall(r'(?:href|src)="(/portal/static/[^"]+)"', page)
    assert assets
    for asset in assets:
        async with browser.session.get(browser.url(asset)) as resp:
            assert resp.status == 200
            assert not any(v.startswith(f"{SESSION_COOKIE}=")
                           for v in resp.headers.getall("Set-Cookie", [])), asset
    _, page = await browser.get("/portal/")
    assert "Hello, lena" in page


def _set_cookie(resp: aiohttp.ClientResponse, name: str) -> str:
    lines = [v for v in resp.headers.getall("Set-Cookie", []) if v.startswith(f"{name}=")]
    assert len(lines) == 1, resp.headers.getall("Set-Cookie", [])
    return lines[0]


def _flags(line: str) -> dict[str, str]:
    parts = [p.strip() for p in line.split(";")[1:]]
    return {p.split("=", 1)[0].lower(): (p.split("=", 1)[1] if "=" in p else "") for p in parts}


async def _sign_in_response(session: aiohttp.ClientSession, base: str, username: str,
                            **kwargs: Any) -> tuple[str, str]:
    """Sign in by hand; returns the session cookie line and the form cookie line."""
    async with session.get(f"{base}/portal/signin", **kwargs) as resp:
        page = await resp.text()
        form_line = _set_cookie(resp, PRE_COOKIE)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    async with session.post(f"{base}/portal/signin", allow_redirects=False, data={
            "csrf_token": csrf.group(1), "username": username, "password": PASSWORD},
            **kwargs) as resp:
        assert resp.status == 303
        return _set_cookie(resp, SESSION_COOKIE), form_line


async def test_cookie_flags_over_http(portal: Portal, browser: Browser) -> None:
    make_user("gina")
    session_line, form_line = await _sign_in_response(browser.session, browser.base, "gina")
    for line in (session_line, form_line):
        flags = _flags(line)
        assert "httponly" in flags and flags["samesite"].lower() == "lax"
        assert flags["path"] == "/portal/"
        assert "secure" not in flags  # plain HTTP: a Secure cookie would never come back


async def test_cookie_flags_over_https_include_secure(sqlite_db, cheap_bcrypt,  # type: ignore[no-untyped-def]
                                                      tmp_path: Path) -> None:
    settings.set("registration_mode", "open")
    cert, key = tls.ensure_self_signed(tmp_path / "tls", ["localhost"], ["127.0.0.1"])
    plan = tls.TlsPlan(cert, key, tls.fingerprint_sha256(cert), self_signed=True)
    server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0,
                         tls=plan)
    await server.start()
    try:
        make_user("hugo")
        base = f"https://127.0.0.1:{server.port}"
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as session:
            session_line, form_line = await _sign_in_response(session, base, "hugo", ssl=False)
            for line in (session_line, form_line):
                flags = _flags(line)
                assert "secure" in flags and "httponly" in flags
                assert flags["samesite"].lower() == "lax" and flags["path"] == "/portal/"
            async with session.get(f"{base}/portal/", ssl=False) as resp:
                assert "Hello, hugo" in await resp.text()
    finally:
        await server.stop()


async def test_session_token_rotates_at_sign_in(portal: Portal) -> None:
    make_user("ines")
    planted = secrets.token_urlsafe(32)  # a fixation attempt: a token chosen by an attacker
    base = portal.base
    # No cookie jar: the cookies sent are exactly the ones written here.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as raw:
        async with raw.get(f"{base}/portal/signin") as resp:
            form_cookie = _set_cookie(resp, PRE_COOKIE).split(";")[0]
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', await resp.text())
        assert csrf

        async def sign_in(session_token: str, token: str) -> str:
            async with raw.post(f"{base}/portal/signin", allow_redirects=False, headers={
                    "Cookie": f"{form_cookie}; {SESSION_COOKIE}={session_token}"}, data={
                    "csrf_token": token, "username": "ines",
                    "password": PASSWORD}) as resp:
                assert resp.status == 303
                return _set_cookie(resp, SESSION_COOKIE).split(";")[0].split("=", 1)[1]

        first = await sign_in(planted, csrf.group(1))
        assert first and first != planted
        async with raw.get(f"{base}/portal/", headers={
                "Cookie": f"{SESSION_COOKIE}={first}"}) as resp:
            signed_csrf = re.search(r'name="csrf_token" value="([^"]+)"', await resp.text())
        assert signed_csrf
        second = await sign_in(first, signed_csrf.group(1))  # again, already signed in
        assert second and second not in (first, planted)
    async with new_browser(portal) as other:
        for old in (planted, first):
            other.session.cookie_jar.update_cookies({SESSION_COOKIE: old})
            _, page = await other.get("/portal/")
            assert SIGNIN_FORM in page  # neither the planted nor the replaced token works
        other.session.cookie_jar.update_cookies({SESSION_COOKIE: second})
        _, page = await other.get("/portal/")
        assert "Hello, ines" in page
    assert WebSession.select().count() == 1


# ---- headers -------------------------------------------------------------------------------

def _check_headers(path: str, resp: aiohttp.ClientResponse) -> None:
    h = resp.headers
    csp = h.get("Content-Security-Policy", "")
    assert csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, (path, csp)
    assert "script-src 'self'" in csp or "default-src 'self'" in csp, (path, csp)
    assert h.get("X-Frame-Options") == "DENY" or "frame-ancestors 'none'" in csp, path
    assert h.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin",
                                        "strict-origin-when-cross-origin"), path
    assert h.get("X-Content-Type-Options") == "nosniff", path
    assert "Access-Control-Allow-Origin" not in h, path
    assert "Access-Control-Allow-Credentials" not in h, path


async def test_security_headers_on_every_page(portal: Portal, pair: tuple[Owner, Owner]
                                              ) -> None:
    anna, boris = pair
    signed, context = await signed_in(portal, anna.username)
    cross = {"Origin": "https://evil.example"}
    try:
        async with new_browser(portal) as stranger:
            seen = 0
            for route in routes(portal, "GET"):
                paths = list(_fillings(route, anna)) + list(_fillings(route, boris))
                for path in paths:
                    for who in (signed, stranger):
                        async with who.session.get(who.url(path), headers=cross,
                                                   allow_redirects=False) as resp:
                            assert resp.status != 500, path
                            if resp.status in (301, 302, 303, 307, 308):
                                continue  # a bare redirect: no page to frame or sniff
                            _check_headers(path, resp)
                            seen += 1
            for path in ("/portal/no-such-page", "/portal/lang/xx"):
                async with stranger.session.get(stranger.url(path), headers=cross) as resp:
                    assert resp.status == 404
                    _check_headers(path, resp)
            # A refused post and a malformed one are pages too, with the same headers.
            async with stranger.session.post(stranger.url("/portal/signin"), headers=cross,
                                             data={"username": "x"}) as resp:
                assert resp.status == 403
                _check_headers("POST /portal/signin", resp)
            assert seen >= 2 * 4
    finally:
        await context.__aexit__(None, None, None)


async def test_no_cors_preflight_grant_for_portal_pages(portal: Portal, browser: Browser
                                                        ) -> None:
    async with browser.session.options(browser.url("/portal/signin"), headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}) as resp:
        assert "Access-Control-Allow-Origin" not in resp.headers


# ---- isolation -----------------------------------------------------------------------------

async def test_another_users_ids_are_not_found_and_nothing_of_theirs_shows(
        portal: Portal, pair: tuple[Owner, Owner]) -> None:
    anna, boris = pair
    signed, context = await signed_in(portal, anna.username)
    try:
        checked_ids = 0
        for route in routes(portal, "GET"):
            if not route.variables:
                status, page = await signed.get(route.path)
                assert status in (200, 400, 404), (route.path, status)
                for leak in boris.secrets_:
                    assert leak not in page, (route.path, leak)
                # The same page asked about the other's ids in its query shows none of them.
                query = urlencode(dict(boris.ids)
                                  | {f"{name}_id": value for name, value in boris.ids.items()}
                                  | {"id": boris.ids["key"],
                                     "before": str(int(boris.ids["log"]) + 1),
                                     "after": str(int(boris.ids["log"]) - 1)})
                status, page = await signed.get(f"{route.path}?{query}")
                assert status < 500, (route.path, status)
                for leak in boris.secrets_:
                    if leak not in boris.ids.values():  # the ids sent come back in links
                        assert leak not in page, (route.path, "query", leak)
                continue
            # Links by secret token (not an id; their own tests check wrong tokens are 404s):
            # a 404 page's language link repeats the typed path, which is no leak.
            if route.path.startswith(("/portal/lang/", "/portal/reset/", "/portal/unsubscribe/")):
                continue
            for path in _fillings(route, boris):
                status, page = await signed.get(path)
                assert status == 404, (path, status)
                for leak in boris.secrets_:
                    # what the visitor typed (an order number in the path) may come back
                    assert leak not in page or leak in path, (path, leak)
                checked_ids += 1
        # Posting to the other's ids (revoke, edit ...) is a 404 and changes nothing.
        csrf = await signed.csrf("/portal/")
        for route in routes(portal, "POST"):
            if not route.variables:
                continue
            for path in _fillings(route, boris):
                before = snapshot()
                status, page = await signed.post(path, {"name": "stolen", "confirm": "yes"},
                                                 csrf=csrf)
                assert status == 404, (path, status)
                assert snapshot() == before, path
                checked_ids += 1
        # anna's export, in both formats, holds nothing of boris's.
        for fmt in ("json", "csv"):
            async with signed.session.post(signed.url("/portal/privacy/export"), data={
                    "csrf_token": csrf, "format": fmt}) as resp:
                assert resp.status == 200, fmt
                _check_headers(f"export {fmt}", resp)  # a streamed download, headers its own
                body = await resp.read()
            texts = [body.decode("utf-8")] if fmt == "json" else [
                archive.read(name).decode("utf-8-sig")
                for archive in [zipfile.ZipFile(io.BytesIO(body))]
                for name in archive.namelist()]
            assert any(anna.ids["request"] in text for text in texts), fmt
            for text in texts:
                for leak in boris.secrets_:
                    assert leak not in text, (fmt, leak)
        # With no page taking an id yet, this says so instead of passing for nothing.
        if checked_ids == 0:
            pytest.skip("no portal route takes an id yet")
    finally:
        await context.__aexit__(None, None, None)


# ---- fuzzing -------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = [SCRIPT, IMG, "x" * (1024 * 1024), "a\x00b", "\u202e\ufeff\U0001f600", "%00",
           "' OR 1=1 --", "{{7*7}}", "{0.__class__}", "-1", "99999999999999999999"]
FORM_TYPE = {"Content-Type": "application/x-www-form-urlencoded"}
BAD_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"%FF%FE", b"\xed\xa0\x80"]


def _no_raw_injection(path: str, name: str, page: str) -> None:
    assert SCRIPT not in page, (path, name)
    assert "<img src=x" not in page, (path, name)
    assert "{0.__class__}" not in page or "<class" not in page


async def _all_forms(portal: Portal, signed: Browser, anna: Owner) -> list[Form]:
    found: dict[tuple[str, tuple[str, ...]], Form] = {}
    pages: list[tuple[Browser | None, str]] = [(None, "/portal/signin"), (None, "/portal/register")]
    for route in routes(portal, "GET"):
        if route.path.startswith("/portal/lang/"):
            continue
        pages += [(signed, p) for p in _fillings(route, anna)]
    async with new_browser(portal) as stranger:
        for who, path in pages:
            _, html = await (who or stranger).get(path)
            for f in forms_of(path, html):
                key = (f.action, tuple(sorted(f.fields)))
                found.setdefault(key, f)
    return list(found.values())


async def test_fuzzed_form_fields_never_crash_and_echo_escaped(
        portal: Portal, pair: tuple[Owner, Owner]) -> None:
    anna, _ = pair
    signed, context = await signed_in(portal, anna.username)
    try:
        forms = await _all_forms(portal, signed, anna)
        actions = {f.action for f in forms}
        assert {"/portal/signin", "/portal/register", "/portal/signout"} <= actions
        sent = 0
        for f in forms:
            names = [n for n in f.fields if n != "csrf_token"] or ["unexpected"]
            for name in names:
                for value in HOSTILE:
                    who = signed if f.page not in ("/portal/signin", "/portal/register") else None
                    async with new_browser(portal) as fresh:
                        browser = who or fresh
                        csrf = await browser.csrf(f.page)
                        body = urlencode({**f.fields, "csrf_token": csrf, name: value})
                        async with browser.session.post(
                                browser.url(f.action), data=io.BytesIO(body.encode()),
                                headers=FORM_TYPE) as resp:
                            page = await resp.text()
                            assert resp.status < 500, (f.action, name, value[:20], resp.status)
                            _no_raw_injection(f.action, name, page)
                        sent += 1
                    await _stay_signed_in(signed, anna)
                for raw in BAD_UTF8:
                    signed_csrf = await signed.csrf(f.page) if f.page not in (
                        "/portal/signin", "/portal/register") else None
                    async with new_browser(portal) as fresh:
                        browser = signed if signed_csrf else fresh
                        token = signed_csrf or await fresh.csrf(f.page)
                        raw_body = (f"csrf_token={token}&".encode() + quote(name).encode()
                                    + b"=" + raw)
                        async with browser.session.post(browser.url(f.action), data=raw_body,
                                                        headers=FORM_TYPE) as resp:
                            assert resp.status < 500, (f.action, name, raw, resp.status)
                        sent += 1
                    await _stay_signed_in(signed, anna)
        assert sent > 0
    finally:
        await context.__aexit__(None, None, None)


async def test_an_echoed_field_comes_back_escaped(portal: Portal, browser: Browser) -> None:
    """The fuzzing above checks the raw tags never come back; this checks that a value the
    page does echo (the rejected registration's username) is there, escaped."""
    status, page = await browser.post("/portal/register", {
        "username": SCRIPT, "email": IMG, "phone": "", "password": PASSWORD,
        "consent_version": policy.current().version, "accept": "yes"})
    assert status == 400
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page or \
        "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    _no_raw_injection("/portal/register", "username", page)


async def _stay_signed_in(signed: Browser, owner: Owner) -> None:
    """A fuzzed form may sign the user out or withdraw consent: restore both for the next."""
    _, page = await signed.get("/portal/")
    if SIGNIN_FORM in page:
        await signed.sign_in(owner.username)
    if "privacy policy has changed" in page:  # consent withdrawn: accept again, as the page would
        privacy.record_consent(owner.username, policy.current().version)


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example",
                                    "/\\evil.example", "/portal/\\\\evil.example",
                                    "/portal//evil.example", "http:/evil.example",
                                    "\t//evil.example", "/portal/../\\evil.example"])
async def test_sign_in_never_redirects_off_site(portal: Portal, browser: Browser,
                                                target: str) -> None:
    make_user("jana")
    csrf = await browser.csrf(f"/portal/signin?next={quote(target, safe='')}")
    async with browser.session.post(browser.url("/portal/signin"), allow_redirects=False, data={
            "csrf_token": csrf, "username": "jana", "password": PASSWORD,
            "next": target}) as resp:
        assert resp.status == 303
        _on_site(resp.headers["Location"])
    for path in (f"/portal/signin?next={quote(target, safe='')}",
                 f"/portal/lang/zh_CN?next={quote(target, safe='')}"):
        async with browser.session.get(browser.url(path), allow_redirects=False) as resp:
            if resp.status in (301, 302, 303, 307, 308):
                _on_site(resp.headers["Location"])


def _on_site(location: str) -> None:
    stripped = location.strip()
    assert stripped.startswith("/portal/"), location
    assert not stripped.startswith("//") and "\\" not in stripped, location


# ---- address bans and throttles ------------------------------------------------------------

def _from(address: str) -> aiohttp.ClientSession:
    """A client whose connections come from ``address`` (127.0.0.1 itself is never banned)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)),
                                 cookie_jar=aiohttp.CookieJar(unsafe=True))


async def test_wrong_portal_passwords_get_the_address_banned(portal: Portal) -> None:
    settings.set("ban_threshold", 3)
    make_user("karl")
    async with _from("127.0.0.2") as session:
        b = Browser(session, portal.base)
        for _ in range(3):
            status, page = await b.sign_in("karl", "wrong password here")
            assert status == 400 and "Wrong username or password" in page
        async with session.get(b.url("/portal/signin")) as resp:
            assert resp.status == 403
        async with session.get(b.url("/portal/")) as resp:
            assert resp.status == 403
    async with _from("127.0.0.3") as session:  # only that address
        b = Browser(session, portal.base)
        status, page = await b.sign_in("karl")
        assert status == 200 and "Hello, karl" in page


async def test_wrong_current_passwords_on_any_form_count_toward_a_ban(portal: Portal) -> None:
    """Every form that asks for the current password (deletion, withdrawal, password change)
    is as good a guessing oracle as sign-in, so each counts toward the address ban."""
    settings.set("ban_threshold", 3)
    make_user("mona")
    async with _from("127.0.0.2") as session:
        b = Browser(session, portal.base)
        await b.sign_in("mona")
        forms = []
        for route in routes(portal, "GET"):
            if not route.variables:
                _, html = await b.get(route.path)
                forms += [f for f in forms_of(route.path, html) if f.passwords]
        assert len({f.action for f in forms}) >= 3, [f.action for f in forms]
        for f in forms:
            for _ in range(3):
                wrong = dict.fromkeys(f.passwords, "not my password at all")
                # a new password too, where asked: only the current one is wrong
                wrong |= {n: "another long passphrase" for n in f.fields
                          if n.startswith(("new_", "confirm_")) and "password" in n}
                status, page = await b.post(f.action, {**f.fields, **wrong}, form_page=f.page)
                assert status == 400, (f.action, status)
            async with session.get(b.url("/portal/")) as resp:
                assert resp.status == 403, f.action
            bans.unban("127.0.0.2", actor="test")
            _, page = await b.get("/portal/")
            assert "Hello, mona" in page  # still signed in: nothing above succeeded


async def test_registration_is_throttled_per_address(portal: Portal) -> None:
    version = policy.current().version

    async def register(b: Browser, name: str) -> tuple[int, str]:
        return await b.post("/portal/register", {
            "username": name, "email": f"{name}@example.com", "phone": "",
            "password": PASSWORD, "consent_version": version, "accept": "yes"})

    async with _from("127.0.0.2") as session:
        b = Browser(session, portal.base)
        for i in range(5):
            status, page = await register(b, f"user{i}")
            assert status == 200 and "Your account is ready" in page, page[:300]
        status, page = await register(b, "user5")
        assert status == 400 and "Too many registrations" in page
    async with _from("127.0.0.3") as session:
        status, page = await register(Browser(session, portal.base), "user6")
        assert status == 200 and "Your account is ready" in page
