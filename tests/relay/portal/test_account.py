"""Register, sign in and out, consent to a new policy version, choose the language."""

from app import accounts, policy, settings
from app.models import AuditEvent, SignIn, WebSession
from relay.portal.common import SESSION_COOKIE
from tests.relay.portal.conftest import PASSWORD, Browser, Portal, make_user, new_browser


async def test_root_leads_a_browser_to_the_portal(portal: Portal, browser: Browser) -> None:
    async with browser.session.get(browser.url("/"), allow_redirects=False) as resp:
        assert resp.status == 302
        assert resp.headers["Location"] == "/portal/"
    status, page = await browser.get("/")
    assert status == 200 and 'action="/portal/signin"' in page


async def test_register_then_sign_in_and_out(portal: Portal, browser: Browser) -> None:
    version = policy.current().version
    status, page = await browser.post("/portal/register", {
        "username": "bob", "email": "bob@example.com", "phone": "", "password": PASSWORD,
        "consent_version": version, "accept": "yes"})
    assert status == 200 and "Your account is ready" in page
    bob = accounts.get_user("bob")
    assert bob.consent_version == version and bob.group is not None
    status, page = await browser.sign_in("bob")
    assert status == 200 and "Hello, bob" in page
    token = browser.cookie(SESSION_COOKIE)
    assert token and WebSession.select().count() == 1
    status, page = await browser.post("/portal/signout", {}, form_page="/portal/")
    assert "You are signed out" in page
    assert WebSession.select().count() == 0
    # The old cookie, replayed by someone who copied it, signs no one in.
    async with new_browser(portal) as thief:
        thief.session.cookie_jar.update_cookies({SESSION_COOKIE: token})
        status, page = await thief.get("/portal/")
        assert 'action="/portal/signin"' in page and "Hello" not in page


async def test_wrong_password_is_refused_alike_and_recorded(portal: Portal,
                                                            browser: Browser) -> None:
    make_user("carol")
    status, wrong = await browser.sign_in("carol", "not the password")
    assert status == 400 and "Wrong username or password" in wrong
    status, unknown = await browser.sign_in("nobody", "not the password")
    assert status == 400 and "Wrong username or password" in unknown
    assert browser.cookie(SESSION_COOKIE) is None
    assert [s.ok for s in SignIn.select().order_by(SignIn.id)] == [False, False]


async def test_registration_closed_by_default_refuses(portal: Portal, browser: Browser) -> None:
    settings.set("registration_mode", "closed")
    status, page = await browser.get("/portal/register")
    assert "Registration is closed" in page
    status, page = await browser.post("/portal/register", {
        "username": "eve", "email": "eve@example.com", "password": PASSWORD,
        "consent_version": policy.current().version, "accept": "yes"},
        form_page="/portal/signin")
    assert status == 400 and "closed" in page
    assert not accounts.list_users(search="eve")


async def test_major_policy_version_asks_for_consent_before_anything(
        portal: Portal, browser: Browser) -> None:
    make_user("dave")
    policy.publish("2027-01-01", major=True)
    _, page = await browser.sign_in("dave")
    assert "privacy policy has changed" in page
    _, page = await browser.get("/portal/")
    assert "privacy policy has changed" in page and "Hello" not in page
    _status, page = await browser.post("/portal/consent", {"accept": "yes",
                                                          "version": "2027-01-01"})
    assert "Hello, dave" in page
    assert accounts.get_user("dave").consent_version == "2027-01-01"


async def test_chinese_from_accept_language_and_the_switch(portal: Portal) -> None:
    async with new_browser(portal, **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}) as b:
        _, page = await b.get("/portal/signin")
        assert 'lang="zh-CN"' in page
        _, page = await b.get("/portal/lang/en?next=/portal/signin")
        assert 'lang="en"' in page
    async with new_browser(portal) as b:
        _, page = await b.get("/portal/signin")
        assert 'lang="en"' in page


async def test_registration_is_audited_with_its_address(portal: Portal, browser: Browser
                                                        ) -> None:
    await browser.post("/portal/register", {
        "username": "fay", "email": "fay@example.com", "password": PASSWORD,
        "consent_version": policy.current().version, "accept": "yes"})
    event = AuditEvent.get(AuditEvent.action == "user.register")
    assert event.target == "fay" and event.ip == "127.0.0.1"


async def test_sessions_never_presented_again_are_swept_at_start(sqlite_db, cheap_bcrypt
                                                                 ) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from app import clock
    from app.websessions import start_session
    from relay.server import RelayServer
    from tests.relay.conftest import relay_options

    user = make_user("gus")
    start_session(user, "10.0.0.1", "UA")
    start_session(user, "10.0.0.2", "UA")
    WebSession.update(last_seen_at=clock.now() - timedelta(days=30)).where(
        WebSession.ip == "10.0.0.2").execute()
    server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
    await server.start()
    try:
        from tests.helpers import waiting
        await waiting.until(lambda: WebSession.select().count() == 1)
    finally:
        await server.stop()
    assert [s.ip for s in WebSession.select()] == ["10.0.0.1"]


async def test_the_relay_allowlist_applies_to_the_portal_as_a_page(portal: Portal,
                                                                  browser: Browser) -> None:
    """README: "the relay allowlist and bans apply to it as to the API" — answered as a page."""
    settings.set("relay_allowed_cidrs", ["10.0.0.0/8"])
    async with browser.session.get(browser.url("/portal/signin")) as resp:
        assert resp.status == 403 and resp.content_type == "text/html"
        page = await resp.text()
    assert "may not use this relay" in page and '{"error"' not in page
    async with new_browser(portal, **{"Accept-Language": "zh-CN"}) as chinese:
        status, page = await chinese.get("/portal/")
        assert status == 403 and "你的网络地址不能使用本中转站" in page
    settings.set("relay_allowed_cidrs", ["127.0.0.0/8"])
    status, page = await browser.get("/portal/signin")
    assert status == 200 and 'action="/portal/signin"' in page


async def test_a_username_in_another_letter_case_cannot_register(portal: Portal,
                                                                 browser: Browser) -> None:
    """ "ALICE" beside "alice" would be two people nobody can tell apart in a bill or a log."""
    make_user("alice")
    status, page = await browser.post("/portal/register", {
        "username": "ALICE", "email": "other@example.com", "phone": "", "password": PASSWORD,
        "consent_version": policy.current().version, "accept": "yes"})
    assert status == 400 and "A user named &#39;alice&#39; already exists" in page
    assert [u.username for u in accounts.list_users()] == ["alice"]


async def test_the_policy_reads_in_the_visitors_language(portal: Portal) -> None:
    async with new_browser(portal, **{"Accept-Language": "zh-CN"}) as chinese:
        _, page = await chinese.get("/portal/policy")
        assert "我们收集的信息" in page and "以英文版为准" in page
    async with new_browser(portal) as english:
        _, page = await english.get("/portal/policy")
        assert "Information we collect" in page and "我们" not in page
