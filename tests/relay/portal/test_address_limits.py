"""Hostile tests over plain HTTP: wrong passwords ban the address, registrations are throttled
per address."""


import aiohttp

from app import (
    bans,
    policy,
    settings,
)
from tests.relay.portal.conftest import (
    PASSWORD,
    Browser,
    Portal,
    make_user,
)
from tests.relay.portal.hostile import (
    forms_of,
    routes,
)

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

