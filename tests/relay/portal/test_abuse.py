"""What a stranger on the LAN can do to the portal and to other people through it: guessing
passwords, probing which accounts exist, flooding registrations, and holding connections."""

import asyncio
import time

from app import accounts, backup, policy, signins
from app.models import IpBan, User
from relay.portal.throttle import AddressThrottle
from tests.relay.portal.conftest import PASSWORD, Browser, Portal, make_user, new_browser


async def test_a_locked_account_answers_like_an_unknown_one(portal: Portal,
                                                           browser: Browser) -> None:
    make_user("kim")
    for _ in range(signins.MAX_FAILURES):
        await browser.sign_in("kim", "wrong guess")
    status, locked = await browser.sign_in("kim", PASSWORD)  # right password, but locked
    status_unknown, unknown = await browser.sign_in("nobody-here", PASSWORD)
    assert status == status_unknown == 400
    assert "Wrong username or password" in locked and "Wrong username or password" in unknown
    assert "try again after" not in locked


def _from(portal: Portal, address: str):  # type: ignore[no-untyped-def]
    """A visitor whose requests arrive through a trusted proxy from ``address``."""
    return new_browser(portal, **{"X-Forwarded-For": address})


async def test_guesses_during_a_lockout_still_count_toward_an_address_ban(portal: Portal
                                                                          ) -> None:
    from app import settings
    settings.set("trusted_proxies", ["127.0.0.0/8"])
    settings.set("ban_threshold", signins.MAX_FAILURES + 2)
    make_user("lee")
    async with _from(portal, "192.0.2.50") as guesser:
        for _ in range(signins.MAX_FAILURES + 2):  # the last two arrive during the lockout
            await guesser.sign_in("lee", "wrong guess")
        status, page = await guesser.get("/portal/signin")
    assert status == 403 and "blocked" in page
    assert IpBan.select().where(IpBan.ip == "192.0.2.50").exists()


async def test_an_account_without_a_portal_password_takes_a_password_check(
        portal: Portal, browser: Browser, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Operator-made accounts have no portal password: refusing them must cost what refusing
    anyone costs, or the answer's speed tells which names exist."""
    from app import passwords
    accounts.add_user("nopass", "nopass@example.com")
    checked: list[str] = []
    real = passwords.verify_password

    def counting(password: str, hashed: str | None) -> bool:
        checked.append(hashed or "")
        return real(password, hashed)

    monkeypatch.setattr(passwords, "verify_password", counting)
    status, page = await browser.sign_in("nopass", "anything at all")
    assert status == 400 and "Wrong username or password" in page
    assert len(checked) == 1 and checked[0].startswith("$2")  # a real bcrypt hash was checked


async def test_concurrent_registrations_cannot_pass_the_limit_together(portal: Portal,
                                                                      browser: Browser) -> None:
    version = policy.current().version
    token = await browser.csrf("/portal/register")

    async def one(n: int) -> int:
        status, _ = await browser.post("/portal/register", {
            "username": f"flood{n}", "email": f"flood{n}@example.com", "password": PASSWORD,
            "consent_version": version, "accept": "yes"}, csrf=token)
        return status

    await asyncio.gather(*(one(n) for n in range(12)))
    made = User.select().where(User.username.startswith("flood")).count()
    assert made == 5


async def test_refused_registrations_count_too(portal: Portal, browser: Browser) -> None:
    """Each refused attempt still costs the relay a check and probes which names exist."""
    make_user("taken")
    version = policy.current().version
    token = await browser.csrf("/portal/register")
    for _ in range(20):
        status, page = await browser.post("/portal/register", {
            "username": "taken", "email": "someone@example.com", "password": PASSWORD,
            "consent_version": version, "accept": "yes"}, csrf=token)
        assert status == 400 and "Too many registrations" not in page
    status, page = await browser.post("/portal/register", {
        "username": "fresh", "email": "fresh@example.com", "password": PASSWORD,
        "consent_version": version, "accept": "yes"}, csrf=token)
    assert status == 400 and "Too many registrations" in page
    assert not User.select().where(User.username == "fresh").exists()


def test_an_ipv6_clients_whole_64_shares_one_limit() -> None:
    throttle = AddressThrottle(limit=2, window=3600.0)
    assert throttle.take("fd00:1::2") and throttle.take("fd00:1::3")
    assert not throttle.take("fd00:1::ffff")  # the same /64
    assert throttle.take("fd00:2::1")  # another /64
    assert throttle.take("192.0.2.1") and throttle.take("192.0.2.1")
    assert not throttle.take("192.0.2.1") and throttle.take("192.0.2.2")


async def test_a_backup_restores_after_the_portal_was_used(sqlite_db, cheap_bcrypt
                                                           ) -> None:  # type: ignore[no-untyped-def]
    """The portal's worker threads outlive the relay: they must not keep the database open,
    or the desktop's Restore refuses until the app restarts."""
    from relay.server import RelayServer
    from tests.relay.conftest import relay_options
    make_user("rita")
    saved = backup.backup_now(sqlite_db)
    server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
    await server.start()
    try:
        async with new_browser(Portal(server)) as b:
            status, page = await b.sign_in("rita")
            assert status == 200 and "Hello, rita" in page
            status, _ = await b.get("/portal/usage")
            assert status == 200
    finally:
        await server.stop()
    backup.restore_and_reopen(sqlite_db, saved.path)
    assert accounts.get_user("rita").username == "rita"


async def test_a_flood_of_password_guesses_does_not_hold_up_reports(
        portal: Portal, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Password work and report work have their own threads: guesses queued behind bcrypt do
    not delay a signed-in user's usage page."""
    from app import passwords
    gate = asyncio.Event()
    loop = asyncio.get_running_loop()
    real = passwords.verify_password

    def slow(password: str, hashed: str | None) -> bool:
        asyncio.run_coroutine_threadsafe(gate.wait(), loop).result(timeout=30)
        return real(password, hashed)

    make_user("uma")
    async with new_browser(portal) as user:
        await user.sign_in("uma")
        monkeypatch.setattr(passwords, "verify_password", slow)
        async with new_browser(portal) as guesser:
            token = await guesser.csrf()
            guesses = [asyncio.ensure_future(guesser.post(
                "/portal/signin", {"username": "uma", "password": "x"}, csrf=token))
                for _ in range(4)]
            started = time.monotonic()
            status, page = await user.get("/portal/usage")
            assert status == 200 and "uma" in page
            assert not any(g.done() for g in guesses)  # still waiting on the password threads
            gate.set()
            await asyncio.gather(*guesses)
        assert time.monotonic() - started < 30


async def test_unreadable_forms_are_a_400_page(portal: Portal, browser: Browser) -> None:
    token = await browser.csrf()
    cookie = {"Cookie": f"relaydesk_form={browser.cookie('relaydesk_form')}"}
    cases = [
        ({"Content-Type": "application/x-www-form-urlencoded; charset=bogus"},
         f"csrf_token={token}&username=a&password=b".encode()),
        ({"Content-Type": "application/x-www-form-urlencoded", "Content-Encoding": "gzip"},
         b"not gzip at all"),
    ]
    for headers, body in cases:
        async with browser.session.post(browser.url("/portal/signin"), data=body,
                                        headers={**headers, **cookie}) as resp:
            assert resp.status == 400, headers
            assert resp.content_type == "text/html"


async def test_a_wrong_method_is_a_translated_page(portal: Portal) -> None:
    async with new_browser(portal, **{"Accept-Language": "zh-CN"}) as b:
        async with b.session.get(b.url("/portal/signout")) as resp:
            assert resp.status == 405 and resp.content_type == "text/html"
            assert "该地址不接受这种请求" in await resp.text()


def test_redirect_targets_with_control_characters_stay_home() -> None:
    from relay.portal.common import safe_next
    assert safe_next("/portal/keys") == "/portal/keys"
    for hostile in ("/portal/\r\nX-Injected: 1", "/portal/\x00", "/portal/\x7f",
                    "//evil.example", "/portal/\\evil"):
        assert safe_next(hostile) == "/portal/"
