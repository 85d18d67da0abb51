"""Who may use /admin/api: a whitelisted address AND a valid admin token; every refusal is a
403 with an audit event and changes nothing; wrong tokens count toward a ban."""

import pytest

from app import admintokens, bans
from app.models import AdminToken, AuditEvent, IpBan, User
from relay.admin.auth import DENIALS
from tests.relay.admin.conftest import OTHER_HOST, denials, snapshot

NEW_USER = {"username": "mallory", "email": "m@example.com"}


def assert_openai_error(reply, status: int, code: str) -> None:
    assert reply.status == status, reply
    assert set(reply.body["error"]) == {"message", "type", "param", "code"}
    assert reply.body["error"]["code"] == code
    assert reply.body["error"]["type"] == "permission_error"


@pytest.mark.parametrize("token", [None, "rdadm-wrong", "sk-rd-notatoken", ""])
async def test_missing_or_wrong_token_is_403_audited_and_changes_nothing(admin, token) -> None:
    before = snapshot()
    reply = await admin.call("POST", "/admin/api/users", json_body=NEW_USER, token=token)
    assert_openai_error(reply, 403, "invalid_admin_token")
    assert snapshot() == before
    assert not User.select().where(User.username == "mallory").exists()
    (event,) = denials()
    reason = "invalid_token" if token else "missing_token"
    assert event.detail == {"reason": reason, "method": "POST", "path": "/admin/api/users"}
    assert (event.ip, event.actor) == ("127.0.0.1", "admin_api")
    if token:
        assert token not in reply.text and token not in str(event.detail)


async def test_revoked_token_is_refused(admin) -> None:
    assert (await admin.call("GET", "/admin/api/users")).status == 200
    admintokens.revoke_token(admin.token_id)
    before = snapshot()
    reply = await admin.call("DELETE", "/admin/api/users/alice")
    assert_openai_error(reply, 403, "invalid_admin_token")
    assert snapshot() == before
    assert User.get(User.username == "alice").status == "active"
    assert [e.detail["reason"] for e in denials()] == ["invalid_token"]


async def test_other_schemes_and_api_keys_are_not_admin_tokens(admin) -> None:
    for header in (f"Basic {admin.token}", admin.token, f"Bearer {admin.relay.key}"):
        reply = await admin.call("GET", "/admin/api/users", token=None,
                                 headers={"Authorization": header})
        assert_openai_error(reply, 403, "invalid_admin_token")
    reply = await admin.call("GET", "/admin/api/users", token=None,
                             headers={"x-api-key": admin.token})
    assert_openai_error(reply, 403, "invalid_admin_token")


async def test_unknown_paths_are_refused_before_routing(admin) -> None:
    for method, path in (("GET", "/admin/api/nope"), ("PUT", "/admin/api/users"),
                         ("GET", "/admin/api"), ("GET", "/admin/api/users%2Falice")):
        reply = await admin.call(method, path, token=None)
        assert_openai_error(reply, 403, "invalid_admin_token")
    assert (await admin.call("GET", "/admin/api/nope")).code == "unknown_url"
    reply = await admin.call("PUT", "/admin/api/users")
    assert reply.status == 405 and reply.code == "method_not_allowed"
    assert "GET" in reply.body["error"]["message"]


async def test_token_use_is_recorded(admin) -> None:
    await admin.ok("GET", "/admin/api/users")
    token = AdminToken.get_by_id(admin.token_id)
    assert token.last_used_ip == "127.0.0.1" and token.last_used_at is not None


async def test_address_outside_whitelist_is_403_even_with_a_valid_token(admin) -> None:
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32"])
    before = snapshot()
    reply = await admin.call("POST", "/admin/api/users", json_body=NEW_USER, local=OTHER_HOST)
    assert_openai_error(reply, 403, "ip_not_allowed")
    assert snapshot() == before
    (event,) = denials()
    assert event.detail["reason"] == "address" and event.ip == OTHER_HOST
    assert AdminToken.get_by_id(admin.token_id).last_used_at is None  # token never looked at
    # Loopback itself is always admitted, whatever the whitelist says.
    await admin.set("admin_ip_whitelist", ["10.0.0.0/8"])
    assert (await admin.call("GET", "/admin/api/users")).status == 200


async def test_whitelisted_other_address_is_admitted(admin) -> None:
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32", "127.0.0.2/32"])
    created = await admin.ok("POST", "/admin/api/users", 201, json_body=NEW_USER,
                             local=OTHER_HOST)
    assert created["username"] == "mallory"
    assert denials() == []


async def test_address_refusals_are_audited_once_a_minute_with_a_count(admin) -> None:
    now = [100.0]
    denials_log = admin.relay.server.app[DENIALS]
    denials_log.interval, denials_log.clock = 60.0, lambda: now[0]
    for _ in range(3):
        reply = await admin.call("GET", "/admin/api/users", local=OTHER_HOST)
        assert reply.code == "ip_not_allowed"
    assert len(denials()) == 1
    now[0] += 61
    assert (await admin.call("GET", "/admin/api/users", local=OTHER_HOST)).status == 403
    assert [e.detail.get("repeats") for e in denials()] == [None, 2]


async def test_bad_tokens_from_loopback_are_audited_once_a_minute_per_reason(admin) -> None:
    """Loopback is never banned (behind an unlisted proxy everyone is loopback), so its token
    refusals must not each write an audit row."""
    now = [100.0]
    denials_log = admin.relay.server.app[DENIALS]
    denials_log.interval, denials_log.clock = 60.0, lambda: now[0]
    for _ in range(4):
        reply = await admin.call("GET", "/admin/api/users", token="rdadm-wrong")
        assert reply.code == "invalid_admin_token"
    reply = await admin.call("GET", "/admin/api/users", token=None)
    assert reply.code == "invalid_admin_token"
    assert [e.detail["reason"] for e in denials()] == ["invalid_token", "missing_token"]
    now[0] += 61
    await admin.call("GET", "/admin/api/users", token="rdadm-wrong")
    assert [(e.detail["reason"], e.detail.get("repeats")) for e in denials()] == [
        ("invalid_token", None), ("missing_token", None), ("invalid_token", 3)]


async def test_forwarded_for_is_believed_only_from_trusted_proxies(admin) -> None:
    await admin.set("trusted_proxies", ["127.0.0.1/32"])
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32", "127.0.0.2/32"])
    forwarded = {"X-Forwarded-For": "10.9.8.7"}
    # Through the trusted proxy (127.0.0.1): judged as the client it names, not as loopback.
    reply = await admin.call("GET", "/admin/api/users", headers=forwarded)
    assert_openai_error(reply, 403, "ip_not_allowed")
    (event,) = denials()
    assert (event.ip, event.detail["reason"]) == ("10.9.8.7", "address")
    # From an untrusted peer the header is ignored: 127.0.0.2 is judged as itself.
    assert (await admin.call("GET", "/admin/api/users", headers=forwarded,
                             local=OTHER_HOST)).status == 200
    new = AuditEvent.select().where(AuditEvent.action == bans.ADMIN_NEW_ADDRESS)
    assert [e.ip for e in new] == [OTHER_HOST]
    # ...so it cannot claim a whitelisted address either.
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32", "10.9.8.7/32"])
    reply = await admin.call("GET", "/admin/api/users", headers=forwarded, local=OTHER_HOST)
    assert_openai_error(reply, 403, "ip_not_allowed")
    assert denials()[-1].ip == OTHER_HOST


async def test_repeated_bad_tokens_ban_the_address(admin) -> None:
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32", "127.0.0.2/32"])
    await admin.set("ban_threshold", 3)
    for _ in range(3):
        reply = await admin.call("GET", "/admin/api/users", token="rdadm-guess", local=OTHER_HOST)
        assert reply.code == "invalid_admin_token"
    reply = await admin.call("GET", "/admin/api/users", local=OTHER_HOST)  # now even valid
    assert_openai_error(reply, 403, "ip_banned")
    assert int(reply.headers["Retry-After"]) > 0
    (ban,) = IpBan.select()
    assert (ban.ip, ban.reason, ban.failures) == (OTHER_HOST, "admin_auth", 3)
    (event,) = AuditEvent.select().where(AuditEvent.action == bans.BANNED)
    assert event.ip == OTHER_HOST and event.detail["reason"] == "admin_auth"
    # The operator lifts it through the API from loopback; the address works again.
    lifted = await admin.ok("DELETE", f"/admin/api/bans/{OTHER_HOST}")
    assert lifted == {"ip": OTHER_HOST, "lifted": 1}
    assert (await admin.call("GET", "/admin/api/users", local=OTHER_HOST)).status == 200
    unban = AuditEvent.select().where(AuditEvent.action == bans.UNBANNED).get()
    assert unban.actor == "token:ops"


async def test_missing_tokens_and_loopback_never_lead_to_a_ban(admin) -> None:
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32", "127.0.0.2/32"])
    await admin.set("ban_threshold", 2)
    for _ in range(3):
        assert (await admin.call("GET", "/admin/api/users", token=None,
                                 local=OTHER_HOST)).code == "invalid_admin_token"
        assert (await admin.call("GET", "/admin/api/users",
                                 token="rdadm-guess")).code == "invalid_admin_token"
    assert IpBan.select().count() == 0
    assert (await admin.call("GET", "/admin/api/users", local=OTHER_HOST)).status == 200


async def test_first_admin_access_from_an_address_is_audited_once(admin) -> None:
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32", "127.0.0.2/32"])
    for _ in range(2):
        await admin.ok("GET", "/admin/api/users")
        await admin.ok("GET", "/admin/api/settings", local=OTHER_HOST)
    events = list(AuditEvent.select().where(AuditEvent.action == bans.ADMIN_NEW_ADDRESS)
                  .order_by(AuditEvent.id))
    assert [(e.ip, e.actor) for e in events] == [("127.0.0.1", "token:ops"),
                                                 (OTHER_HOST, "token:ops")]
