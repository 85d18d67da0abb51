"""The Profile page: email and phone changes (either needs the current password; a new email
must be free), a password change that signs out every other browser but this one, audit events,
address bans for wrong current passwords, and the sign-in history with new devices."""

import aiohttp

from app import accounts, passwords, settings
from app.models import AuditEvent, WebSession
from relay.portal.common import SESSION_COOKIE
from tests.relay.portal.conftest import PASSWORD, Browser, Portal, make_user, new_browser

NEW_PASSWORD = "a much better passphrase"
FIREFOX = ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
CHROME_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
              " Chrome/126.0.0.0 Safari/537.36")


def audits(action: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


async def contact(b: Browser, **fields: str) -> tuple[int, str]:
    return await b.post("/portal/profile/contact", fields, form_page="/portal/profile")


async def password(b: Browser, current: str, new: str, again: str | None = None
                   ) -> tuple[int, str]:
    return await b.post("/portal/profile/password", {
        "current_password": current, "new_password": new,
        "confirm_password": new if again is None else again}, form_page="/portal/profile")


async def test_shows_own_details_only(portal: Portal, browser: Browser) -> None:
    make_user("alice", email="alice@example.com")
    make_user("bob", email="bob@example.org")
    accounts.update_user("bob", phone="+86 138 0000 0000")
    await browser.sign_in("alice")
    status, page = await browser.get("/portal/profile")
    assert status == 200 and 'value="alice@example.com"' in page
    assert "bob@example.org" not in page and "138 0000" not in page


async def test_phone_change_persists_and_is_audited(portal: Portal, browser: Browser) -> None:
    make_user("alice")
    await browser.sign_in("alice")
    status, page = await contact(browser, email="alice@example.com", phone="+86 139 1234 5678",
                                 current_password=PASSWORD)
    assert status == 200 and "Your profile is saved" in page
    assert 'value="+86 139 1234 5678"' in page
    assert accounts.get_user("alice").phone == "+86 139 1234 5678"
    event = audits("user.update")[-1]
    assert event.actor == "alice" and event.target == "alice"
    assert event.detail["fields"] == ["phone"] and event.ip == "127.0.0.1"
    # Clearing the phone is a change too.
    await contact(browser, email="alice@example.com", phone="", current_password=PASSWORD)
    assert accounts.get_user("alice").phone is None


async def test_phone_change_needs_the_current_password(portal: Portal, browser: Browser) -> None:
    """A borrowed session must not move the account's phone (its recovery contact) away."""
    make_user("alice")
    await browser.sign_in("alice")
    for current in ("", "not my password"):
        status, page = await contact(browser, email="alice@example.com", phone="+1 555 0100",
                                     current_password=current)
        assert status == 400 and "The current password is wrong" in page
    assert accounts.get_user("alice").phone is None
    assert not [e for e in audits("user.update") if e.actor == "alice"]


async def test_email_change_needs_the_current_password(portal: Portal, browser: Browser) -> None:
    make_user("alice")
    await browser.sign_in("alice")
    before = len(audits("user.update"))
    status, page = await contact(browser, email="new@example.com", phone="",
                                 current_password="not my password")
    assert status == 400 and "The current password is wrong" in page
    assert 'value="new@example.com"' in page  # what was typed stays in the form
    status, page = await contact(browser, email="new@example.com", phone="+1 555 0100")
    assert status == 400 and "The current password is wrong" in page
    user = accounts.get_user("alice")
    assert user.email == "alice@example.com" and user.phone is None  # nothing changed
    assert len(audits("user.update")) == before
    status, page = await contact(browser, email="new@example.com", phone="",
                                 current_password=PASSWORD)
    assert status == 200 and "Your profile is saved" in page
    assert accounts.get_user("alice").email == "new@example.com"
    assert audits("user.update")[-1].detail["fields"] == ["email"]


async def test_an_email_another_account_holds_is_refused(portal: Portal,
                                                         browser: Browser) -> None:
    make_user("alice")
    make_user("bob", email="Bob@Example.com")
    await browser.sign_in("alice")
    status, page = await contact(browser, email="bob@example.com", phone="",
                                 current_password=PASSWORD)
    assert status == 400 and "An account with that email already exists" in page
    assert accounts.get_user("alice").email == "alice@example.com"


async def test_html_in_a_field_is_refused_and_shown_escaped(portal: Portal,
                                                            browser: Browser) -> None:
    make_user("alice")
    await browser.sign_in("alice")
    status, page = await contact(browser, email="alice@example.com",
                                 phone="<script>alert(1)</script>")
    assert status == 400 and "not a valid phone number" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert accounts.get_user("alice").phone is None
    # Quotes and brackets are refused in an address (they could split a To: header); what was
    # typed comes back escaped.
    status, page = await contact(browser, email='"><script>x()</script>@example.com', phone="",
                                 current_password=PASSWORD)
    assert status == 400 and "not a valid email address" in page and "<script>x()" not in page
    assert accounts.get_user("alice").email == "alice@example.com"


async def test_password_change_signs_out_other_browsers_but_not_this_one(
        portal: Portal, browser: Browser) -> None:
    make_user("alice")
    await browser.sign_in("alice")
    old_cookie = browser.cookie(SESSION_COOKIE)
    async with new_browser(portal) as other:
        await other.sign_in("alice")
        assert WebSession.select().count() == 2
        status, page = await password(browser, PASSWORD, NEW_PASSWORD)
        assert status == 200 and "Your password is changed" in page
        assert browser.cookie(SESSION_COOKIE) not in (None, old_cookie)
        _, page = await browser.get("/portal/profile")
        assert 'action="/portal/profile/password"' in page  # still signed in
        _, page = await other.get("/portal/profile")
        assert 'action="/portal/signin"' in page  # signed out
        assert WebSession.select().count() == 1
    user = accounts.get_user("alice")
    assert passwords.verify_password(NEW_PASSWORD, user.password_hash)
    event = audits("user.password_change")[-1]
    assert event.actor == "alice" and event.detail["sessions_ended"] == 2
    assert NEW_PASSWORD not in str(event.detail) and PASSWORD not in str(event.detail)
    # The old password no longer signs in; the new one does.
    async with new_browser(portal) as third:
        status, _ = await third.sign_in("alice")
        assert status == 400
        status, page = await third.sign_in("alice", NEW_PASSWORD)
        assert status == 200 and "Hello, alice" in page


async def test_password_change_refusals_change_nothing(portal: Portal, browser: Browser) -> None:
    make_user("alice")
    await browser.sign_in("alice")
    async with new_browser(portal) as other:
        await other.sign_in("alice")
        cases = [(("wrong password", NEW_PASSWORD, None), "The current password is wrong"),
                 ((PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x"), "not the same"),
                 ((PASSWORD, "short", None), "at least 8 characters"),
                 ((PASSWORD, "password123", None), "too common"),
                 ((PASSWORD, "alice@example.com", None), "must not be your username")]
        for (current, new, again), message in cases:
            status, page = await password(browser, current, new, again)
            assert status == 400 and message in page, message
        _, page = await other.get("/portal/profile")
        assert 'action="/portal/profile/password"' in page  # nobody was signed out
    assert passwords.verify_password(PASSWORD, accounts.get_user("alice").password_hash)
    assert audits("user.password_change") == []


def _from(address: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)),
                                 cookie_jar=aiohttp.CookieJar(unsafe=True))


async def test_wrong_current_passwords_count_toward_an_address_ban(portal: Portal) -> None:
    settings.set("ban_threshold", 3)
    make_user("alice")
    async with _from("127.0.0.2") as session:
        b = Browser(session, portal.base)
        await b.sign_in("alice")
        status, _ = await password(b, "wrong one", NEW_PASSWORD)
        assert status == 400
        status, _ = await contact(b, email="x@example.com", phone="", current_password="nope")
        assert status == 400
        status, _ = await password(b, "wrong again", NEW_PASSWORD)
        assert status == 400
        async with session.get(b.url("/portal/profile")) as resp:
            assert resp.status == 403


async def test_signin_history_marks_new_devices(portal: Portal) -> None:
    make_user("alice")
    make_user("bob")
    async with new_browser(portal, **{"User-Agent": FIREFOX}) as firefox:
        await firefox.sign_in("alice", "wrong password")
        await firefox.sign_in("alice")
        await firefox.sign_in("bob")
    async with new_browser(portal, **{"User-Agent": FIREFOX}) as again:
        await again.sign_in("alice")
    async with new_browser(portal, **{"User-Agent": CHROME_WIN}) as chrome:
        await chrome.sign_in("alice")
        _, page = await chrome.get("/portal/profile")
    rows = page.split('<tr class="signin-row">')[1:]
    assert len(rows) == 4  # bob's sign-in is not listed
    newest, firefox_again, firefox_first, wrong = rows
    assert "Chrome" in newest and "Windows" in newest and "New device" in newest
    assert "Firefox" in firefox_again and "New device" not in firefox_again
    assert "Firefox" in firefox_first and "Linux" in firefox_first
    assert "New device" in firefox_first
    assert "Wrong password" in wrong and "New device" not in wrong
    assert "127.0.0.1" in newest


async def test_in_chinese(portal: Portal) -> None:
    make_user("alice")
    async with new_browser(portal, **{"Accept-Language": "zh-CN"}) as b:
        await b.sign_in("alice")
        _, page = await b.get("/portal/profile")
        assert "登录记录" in page and "登录成功" in page and "新设备" in page
        status, page = await password(b, "wrong password", NEW_PASSWORD)
        assert status == 400 and "当前密码不正确" in page
        status, page = await password(b, PASSWORD, NEW_PASSWORD, "different again")
        assert status == 400 and "两次输入的新密码不一致" in page


async def test_live_sessions_listed_and_the_others_signed_out(portal: Portal) -> None:
    make_user("alice")
    make_user("bob")
    async with new_browser(portal, **{"User-Agent": FIREFOX}) as firefox, \
            new_browser(portal, **{"User-Agent": CHROME_WIN}) as chrome, \
            new_browser(portal) as bobs:
        await firefox.sign_in("alice")
        await chrome.sign_in("alice")
        await bobs.sign_in("bob")
        _, page = await chrome.get("/portal/profile")
        rows = page.split('<tr class="session-row">')[1:]
        assert len(rows) == 2  # bob's session is not listed
        this = [row for row in rows if "This browser" in row]
        assert len(this) == 1 and "Chrome" in this[0] and "Windows" in this[0]
        old_cookie = chrome.cookie(SESSION_COOKIE)
        status, page = await chrome.post("/portal/profile/sessions", {},
                                         form_page="/portal/profile")
        assert status == 200 and "Every other session is signed out" in page
        assert page.count('<tr class="session-row">') == 1
        assert "Sign out everywhere else" not in page
        assert chrome.cookie(SESSION_COOKIE) not in (None, old_cookie)
        _, page = await firefox.get("/portal/profile")
        assert 'action="/portal/signin"' in page
        _, page = await bobs.get("/portal/profile")
        assert 'action="/portal/profile/password"' in page  # another user's stay
