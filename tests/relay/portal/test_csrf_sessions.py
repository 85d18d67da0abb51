"""Hostile tests over plain HTTP: CSRF on every state-changing route, sessions and their
cookies, and the security headers of every page."""

import re
import secrets
from pathlib import Path
from typing import Any

import aiohttp

from app import (
    policy,
    settings,
    tls,
)
from app.models import WebSession
from relay.portal.common import PRE_COOKIE, SESSION_COOKIE
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
from tests.relay.portal.hostile import (
    SIGNIN_FORM,
    Owner,
    _fillings,
    check_headers,
    routes,
    signed_in,
    snapshot,
)

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


async def test_behind_a_trusted_tls_proxy_cookies_are_secure(portal: Portal,
                                                              browser: Browser) -> None:
    """A balancer terminating TLS (docs/deployment.md) says so in X-Forwarded-Proto: believed
    from a trusted proxy only, so a client cannot make its cookies Secure-less or Secure."""
    make_user("gus")
    make_user("gwen")
    https = {"headers": {"X-Forwarded-Proto": "https"}}
    untrusted, _ = await _sign_in_response(browser.session, browser.base, "gus", **https)
    assert "secure" not in _flags(untrusted)
    settings.set("trusted_proxies", ["127.0.0.1/32"])
    # The browser talks HTTPS to the proxy: it sends the Secure form cookie back, which this
    # plain-HTTP test client would not do by itself.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        async with session.get(f"{browser.base}/portal/signin", **https) as resp:
            form_line = _set_cookie(resp, PRE_COOKIE)
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', await resp.text())
        assert csrf and "secure" in _flags(form_line)
        cookie = form_line.split(";", 1)[0]
        async with session.post(f"{browser.base}/portal/signin", allow_redirects=False, data={
                "csrf_token": csrf.group(1), "username": "gwen", "password": PASSWORD},
                headers={"X-Forwarded-Proto": "https", "Cookie": cookie}) as resp:
            assert resp.status == 303
            assert "secure" in _flags(_set_cookie(resp, SESSION_COOKIE))


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
                            check_headers(path, resp)
                            seen += 1
            for path in ("/portal/no-such-page", "/portal/lang/xx"):
                async with stranger.session.get(stranger.url(path), headers=cross) as resp:
                    assert resp.status == 404
                    check_headers(path, resp)
            # A refused post and a malformed one are pages too, with the same headers.
            async with stranger.session.post(stranger.url("/portal/signin"), headers=cross,
                                             data={"username": "x"}) as resp:
                assert resp.status == 403
                check_headers("POST /portal/signin", resp)
            assert seen >= 2 * 4
    finally:
        await context.__aexit__(None, None, None)


async def test_no_cors_preflight_grant_for_portal_pages(portal: Portal, browser: Browser
                                                        ) -> None:
    async with browser.session.options(browser.url("/portal/signin"), headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}) as resp:
        assert "Access-Control-Allow-Origin" not in resp.headers


