"""Password reset over HTTP: "Forgot password" on the sign-in page, the emailed one-time link,
a new password that ends every session; the same answer for known and unknown addresses;
used, expired and wrong links refused; asks throttled per address."""

import re

from app import passwords
from app.models import MailMessage, User, WebSession
from relay.portal.common import SESSION_COOKIE
from tests.relay.portal.conftest import PASSWORD, Browser, Portal, make_user, new_browser

NEW_PASSWORD = "a much better passphrase"
LINK = re.compile(r"/portal/reset/([A-Za-z0-9_-]+)")


def reset_mails() -> list[MailMessage]:
    return list(MailMessage.select().where(MailMessage.kind == "password_reset")
                .order_by(MailMessage.id))


def token_in(mail: MailMessage) -> str:
    found = LINK.search(mail.text_body)
    assert found, mail.text_body
    return found.group(1)


async def forgot(b: Browser, email: str) -> tuple[int, str]:
    return await b.post("/portal/forgot", {"email": email})


async def set_new(b: Browser, token: str, new: str = NEW_PASSWORD,
                  again: str | None = None) -> tuple[int, str]:
    return await b.post(f"/portal/reset/{token}", {
        "new_password": new, "confirm_password": new if again is None else again})


async def test_reset_end_to_end(portal: Portal, browser: Browser) -> None:
    make_user("alice", email="alice@example.com")
    status, page = await browser.get("/portal/signin")
    assert 'href="/portal/forgot"' in page
    async with new_browser(portal) as other:  # alice is signed in elsewhere
        await other.sign_in("alice")
        assert WebSession.select().count() == 1
        status, page = await forgot(browser, "Alice@Example.com")
        assert status == 200 and 'id="reset-sent"' in page
        [mail] = reset_mails()
        assert mail.to_addr == "alice@example.com"
        token = token_in(mail)
        assert token in (mail.html_body or "")
        status, page = await browser.get(f"/portal/reset/{token}")
        assert status == 200 and 'name="new_password"' in page
        status, page = await set_new(browser, token, again="something else entirely")
        assert status == 400 and "not the same" in page
        status, page = await set_new(browser, token)
        assert status == 200 and 'id="reset-done"' in page
        assert WebSession.select().count() == 0  # every session ended
        status, _ = await other.get("/portal/keys", allow_redirects=False)
        assert status == 303
    user = User.get(User.username == "alice")
    assert passwords.verify_password(NEW_PASSWORD, user.password_hash)
    status, _ = await browser.sign_in("alice", PASSWORD)
    assert status == 400
    await browser.sign_in("alice", NEW_PASSWORD)
    assert browser.cookie(SESSION_COOKIE)
    # The link works once.
    async with new_browser(portal) as third:
        status, page = await third.get(f"/portal/reset/{token}")
        assert status == 404
        status, page = await third.post(f"/portal/reset/{token}", {
            "new_password": "yet another pass", "confirm_password": "yet another pass"},
            form_page="/portal/forgot")
        assert status == 404
    assert passwords.verify_password(NEW_PASSWORD, User.get(User.username == "alice")
                                     .password_hash)


async def test_same_answer_for_known_and_unknown_addresses(portal: Portal,
                                                           browser: Browser) -> None:
    make_user("alice", email="alice@example.com")
    known = await forgot(browser, "alice@example.com")
    unknown = await forgot(browser, "nobody@example.com")
    assert known[0] == unknown[0] == 200
    strip = re.compile(r'value="[^"]*"')  # the CSRF token differs per page
    assert strip.sub("", known[1]) == strip.sub("", unknown[1])
    assert [m.to_addr for m in reset_mails()] == ["alice@example.com"]


async def test_expired_and_wrong_links_are_refused(portal: Portal, browser: Browser,
                                                    fake_clock) -> None:
    make_user("alice", email="alice@example.com")
    await forgot(browser, "alice@example.com")
    token = token_in(reset_mails()[0])
    fake_clock.advance(minutes=61)
    status, _ = await browser.get(f"/portal/reset/{token}")
    assert status == 404
    status, _ = await browser.post(
        f"/portal/reset/{token}", {"new_password": NEW_PASSWORD,
                                   "confirm_password": NEW_PASSWORD},
        form_page="/portal/forgot")
    assert status == 404
    status, _ = await browser.get("/portal/reset/not-a-token")
    assert status == 404
    assert passwords.verify_password(PASSWORD, User.get(User.username == "alice").password_hash)


async def test_asks_are_throttled_per_address(portal: Portal, browser: Browser) -> None:
    make_user("alice", email="alice@example.com")
    answers = {await forgot(browser, "alice@example.com") for _ in range(5)}
    assert {status for status, _ in answers} == {200}
    assert len(reset_mails()) == 3  # then the same answer, and no mail


async def test_a_disabled_account_gets_no_link(portal: Portal, browser: Browser) -> None:
    from app import accounts
    make_user("alice", email="alice@example.com")
    accounts.set_status("alice", "disabled")
    status, page = await forgot(browser, "alice@example.com")
    assert status == 200 and 'id="reset-sent"' in page
    assert reset_mails() == []
