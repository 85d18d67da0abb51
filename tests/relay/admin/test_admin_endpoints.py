"""Every /admin/api endpoint with a valid token from loopback, checked by what it does."""

import io
import json
import zipfile

import aiohttp
import openai
import pytest

from app import accounts, settings
from app.models import ApiKey, AuditEvent, User
from tests.relay.admin.conftest import OTHER_HOST, snapshot

CHAT = {"model": "m1", "messages": [{"role": "user", "content": "hi"}]}


async def chat(admin, key: str) -> str:
    async with admin.relay.client(api_key=key) as client:
        reply = await client.chat.completions.create(**CHAT)
    await admin.relay.settle()
    return reply.choices[0].message.content


def actions_by_token() -> list[str]:
    """What the token did (its first-use note from a new address aside)."""
    return [e.action for e in AuditEvent.select().where(
        AuditEvent.actor == "token:ops", AuditEvent.action != "admin.new_address")
        .order_by(AuditEvent.id)]


async def test_users_create_list_show_edit_delete(admin) -> None:
    created = await admin.ok("POST", "/admin/api/users", 201, json_body={
        "username": "bob", "email": "bob@example.com", "phone": "+86 138 0000 0000"})
    assert (created["username"], created["status"], created["balance_micros"],
            created["balance"]) == ("bob", "active", 0, "0.00")
    listed = await admin.ok("GET", "/admin/api/users")
    assert [u["username"] for u in listed["data"]] == ["alice", "bob"]
    assert [u["username"] for u in (await admin.ok("GET", "/admin/api/users?search=bob"))
            ["data"]] == ["bob"]
    shown = await admin.ok("GET", "/admin/api/users/alice")
    assert shown["balance_micros"] == 10_000_000 and shown["balance"] == "10.00"
    edited = await admin.ok("PATCH", "/admin/api/users/bob",
                            json_body={"email": "b2@example.com", "phone": None})
    assert (edited["email"], edited["phone"]) == ("b2@example.com", None)
    deleted = await admin.ok("DELETE", "/admin/api/users/bob")
    assert deleted["status"] == "deleted" and deleted["username"].startswith("deleted:")
    assert User.get_by_id(created["id"]).email is None
    assert (await admin.call("GET", "/admin/api/users/bob")).status == 404
    assert actions_by_token() == ["user.add", "user.update", "user.delete"]


async def test_user_refusals_are_clear_and_change_nothing(admin) -> None:
    before = snapshot()
    cases = [
        ({"username": "alice", "email": "a@example.com"}, 409, "username"),
        ({"username": "x y", "email": "a@example.com"}, 400, "username"),
        ({"username": "carol"}, 400, "email"),
        ({"username": 5, "email": "a@example.com"}, 400, "username"),
        ({"username": "carol", "email": "c@example.com", "role": "admin"}, 400, "role"),
        ({"username": "carol\x00", "email": "c@example.com"}, 400, "username"),
    ]
    for body, status, param in cases:
        reply = await admin.call("POST", "/admin/api/users", json_body=body)
        assert (reply.status, reply.body["error"]["param"]) == (status, param), reply
    for raw in (b"{", b"[1, 2]", b"\xff\xfe", b'"text"'):
        reply = await admin.call("POST", "/admin/api/users", data=raw)
        assert (reply.status, reply.code) == (400, "invalid_json"), reply
    reply = await admin.call("PATCH", "/admin/api/users/alice", json_body={"status": "gone"})
    assert (reply.status, reply.body["error"]["param"]) == (400, "status")
    reply = await admin.call("PATCH", "/admin/api/users/alice",
                             json_body={"email": "ok@example.com", "phone": "nope"})
    assert (reply.status, reply.body["error"]["param"]) == (400, "phone")
    assert (await admin.call("PATCH", "/admin/api/users/nobody",
                             json_body={"email": 1})).status == 400
    assert (await admin.call("DELETE", "/admin/api/users/nobody")).status == 404
    assert snapshot() == before


async def test_keys_issue_use_restrict_and_revoke(admin) -> None:
    created = await admin.ok("POST", "/admin/api/users/alice/keys", 201,
                             json_body={"name": "laptop", "allowed_models": ["m1"]})
    key = created["key"]
    assert key.startswith("sk-rd-") and created["prefix"] == "sk-…" + key[-4:]
    assert await chat(admin, key) == "Hello there!"
    listed = await admin.ok("GET", "/admin/api/users/alice/keys")
    assert [k["name"] for k in listed["data"]] == ["default", "laptop"]
    assert all("key" not in k and "key_hash" not in k for k in listed["data"])
    assert key not in json.dumps(listed)
    everyone = await admin.ok("GET", "/admin/api/keys")
    assert len(everyone["data"]) == 2
    updated = await admin.ok("PATCH", f"/admin/api/keys/{created['id']}",
                             json_body={"allowed_models": ["other"], "expires": "2099-12-31"})
    assert updated["allowed_models"] == ["other"] and updated["expires_at"] == \
        "2100-01-01T00:00:00Z"
    with pytest.raises(openai.PermissionDeniedError):
        await chat(admin, key)
    cleared = await admin.ok("PATCH", f"/admin/api/keys/{created['id']}",
                             json_body={"allowed_models": None, "expires": None})
    assert cleared["allowed_models"] is None and cleared["expires_at"] is None
    assert await chat(admin, key) == "Hello there!"
    revoked = await admin.ok("DELETE", f"/admin/api/keys/{created['id']}")
    assert revoked["status"] == "revoked"
    with pytest.raises(openai.AuthenticationError):
        await chat(admin, key)
    for path, body, param in (("/admin/api/keys/abc", {"expires": None}, "key_id"),
                              (f"/admin/api/keys/{created['id']}", {"allowed_models": "m1"},
                               "allowed_models"),
                              (f"/admin/api/keys/{created['id']}", {"expires": "soon"},
                               "expires")):
        reply = await admin.call("PATCH", path, json_body=body)
        assert (reply.status, reply.body["error"]["param"]) == (400, param), reply
    assert (await admin.call("DELETE", "/admin/api/keys/999")).status == 404
    assert actions_by_token() == ["key.create", "key.update", "key.update", "key.revoke"]


async def test_key_rate_limits_are_set_enforced_and_reset(admin) -> None:
    created = await admin.ok("POST", "/admin/api/users/alice/keys", 201,
                             json_body={"name": "ci", "rpm_limit": 1, "concurrency_limit": 0})
    assert (created["rpm_limit"], created["tpm_limit"], created["concurrency_limit"]) == (
        1, None, 0)
    assert await chat(admin, created["key"]) == "Hello there!"
    with pytest.raises(openai.RateLimitError):
        await chat(admin, created["key"])
    reset = await admin.ok("PATCH", f"/admin/api/keys/{created['id']}",
                           json_body={"rpm_limit": None, "tpm_limit": 5000})
    assert (reset["rpm_limit"], reset["tpm_limit"]) == (None, 5000)
    assert await chat(admin, created["key"]) == "Hello there!"
    for bad in ({"rpm_limit": 1.5}, {"rpm_limit": True}, {"tpm_limit": "10"},
                {"concurrency_limit": -1}, {"rpm_limit": 10**12}):
        reply = await admin.call("PATCH", f"/admin/api/keys/{created['id']}", json_body=bad)
        assert reply.status == 400, (bad, reply)
        assert reply.body["error"]["param"] == next(iter(bad))
    listed = await admin.ok("GET", "/admin/api/users/alice/keys")
    assert [k["tpm_limit"] for k in listed["data"] if k["name"] == "ci"] == [5000]


async def test_disabling_a_user_stops_their_keys(admin) -> None:
    disabled = await admin.ok("PATCH", "/admin/api/users/alice", json_body={"status": "disabled"})
    assert disabled["status"] == "disabled"
    with pytest.raises(openai.PermissionDeniedError):
        await chat(admin, admin.relay.key)
    await admin.ok("PATCH", "/admin/api/users/alice", json_body={"status": "active"})
    assert await chat(admin, admin.relay.key) == "Hello there!"
    assert actions_by_token() == ["user.disable", "user.enable"]


async def test_recharge_refund_adjust_and_ledger_exactly(admin) -> None:
    start = admin.relay.balance()
    record = await admin.ok("POST", "/admin/api/users/alice/recharges", 201,
                            json_body={"amount": "12.50", "method": "bank", "note": "invoice 7"})
    assert record["amount_micros"] == 12_500_000 and record["amount"] == "12.50"
    assert record["balance_micros"] == start + 12_500_000
    assert admin.relay.balance() == start + 12_500_000
    refund = await admin.ok("POST", f"/admin/api/recharges/{record['order_no']}/refunds", 201,
                            json_body={"amount": "0.000001"})
    assert (refund["status"], refund["refunded_micros"]) == ("partially_refunded", 1)
    assert admin.relay.balance() == start + 12_499_999
    rest = await admin.ok("POST", f"/admin/api/recharges/{record['order_no']}/refunds", 201)
    assert rest["status"] == "refunded" and rest["refunded"] == "12.50"
    assert admin.relay.balance() == start
    entry = await admin.ok("POST", "/admin/api/users/alice/adjustments", 201,
                           json_body={"amount": "-1.5", "reason": "goodwill reversal"})
    assert entry["amount_micros"] == -1_500_000 and entry["amount"] == "-1.50"
    ledger = await admin.ok("GET", "/admin/api/users/alice/ledger?limit=3")
    assert ledger["balance_micros"] == start - 1_500_000
    assert [e["kind"] for e in ledger["data"]] == ["adjustment", "refund", "refund"]
    listed = await admin.ok("GET", "/admin/api/recharges?username=alice&status=refunded")
    assert [r["order_no"] for r in listed["data"]] == [record["order_no"]]
    admin.relay.assert_ledger_consistent()
    assert actions_by_token() == ["recharge", "refund", "refund"]
    assert User.get(User.username == "alice").balance_micros == start - 1_500_000


@pytest.mark.parametrize("amount", [12.5, 12, 1e3, True, None, "abc", "1.0000001", "-5", "0",
                                    "NaN", ["1"]])
async def test_recharge_amount_must_be_decimal_text(admin, amount) -> None:
    before = snapshot()
    reply = await admin.call("POST", "/admin/api/users/alice/recharges",
                             json_body={"amount": amount})
    assert (reply.status, reply.body["error"]["param"]) == (400, "amount"), reply
    assert snapshot() == before


async def test_money_refusals(admin) -> None:
    before = snapshot()
    reply = await admin.call("POST", "/admin/api/users/alice/recharges", json_body={})
    assert (reply.status, reply.code) == (400, "missing_field")
    assert (await admin.call("POST", "/admin/api/users/nobody/recharges",
                             json_body={"amount": "1"})).status == 404
    assert (await admin.call("POST", "/admin/api/recharges/RDnope/refunds")).status == 404
    assert (await admin.call("POST", "/admin/api/users/alice/adjustments",
                             json_body={"amount": "-1000", "reason": "x"})).status == 402
    (order,) = (await admin.ok("GET", "/admin/api/recharges"))["data"]
    reply = await admin.call("POST", f"/admin/api/recharges/{order['order_no']}/refunds",
                             json_body={"amount": "11"})
    assert (reply.status, reply.body["error"]["param"]) == (409, "amount")
    assert (await admin.call("GET", "/admin/api/recharges?status=odd")).status == 400
    assert (await admin.call("GET", "/admin/api/users/alice/ledger?limit=0")).status == 400
    assert snapshot() == before


async def test_logs_filter_and_page(admin) -> None:
    for _ in range(3):
        await chat(admin, admin.relay.key)
    page = await admin.ok("GET", "/admin/api/logs?user=alice&limit=2")
    assert [r["username"] for r in page["data"]] == ["alice", "alice"]
    assert page["data"][0]["cost_micros"] == int(page["data"][0]["cost_micros"])
    assert page["data"][0]["cost"] is not None
    rest = await admin.ok("GET", f"/admin/api/logs?before_id={page['next_before_id']}")
    assert len(rest["data"]) == 1 and rest["data"][0]["id"] < page["next_before_id"]
    assert (await admin.ok("GET", "/admin/api/logs?model=zzz"))["data"] == []
    assert len((await admin.ok("GET", "/admin/api/logs?since=2000-01-01&status=200"))["data"]) \
        == 3
    assert (await admin.ok("GET", "/admin/api/logs?until=2000-01-01T00:00:00Z"))["data"] == []
    for query, param in (("since=yesterday", "since"), ("limit=-1", "limit"),
                         ("status=abc", "status"), ("before_id=0", "before_id")):
        reply = await admin.call("GET", f"/admin/api/logs?{query}")
        assert (reply.status, reply.body["error"]["param"]) == (400, param), reply


async def test_export_contains_the_user_and_no_secrets(admin) -> None:
    await chat(admin, admin.relay.key)
    await admin.ok("POST", "/admin/api/users/alice/recharges", 201, json_body={"amount": "3"})
    reply = await admin.call("GET", "/admin/api/users/alice/export")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("application/json")
    document = reply.body
    assert document["format"] == "relaydesk-user-export"
    assert document["user"]["username"] == "alice"
    assert len(document["request_logs"]) == 1 and len(document["recharges"]) == 2
    key_hash = ApiKey.get().key_hash
    assert admin.relay.key not in reply.text and key_hash not in reply.text
    assert admin.token not in reply.text
    zipped = await admin.call("GET", "/admin/api/users/alice/export?format=csv")
    assert zipped.status == 200 and zipped.headers["Content-Type"] == "application/zip"
    assert int(zipped.headers["Content-Length"]) > 0
    assert (await admin.call("GET", "/admin/api/users/alice/export?format=xml")).status == 400
    assert (await admin.call("GET", "/admin/api/users/nobody/export")).status == 404
    assert actions_by_token() == ["recharge", "user.export", "user.export"]


async def test_export_zip_is_a_real_archive(admin) -> None:
    url = admin.base + "/admin/api/users/alice/export?format=csv"
    async with aiohttp.ClientSession() as session, session.get(
            url, headers={"Authorization": f"Bearer {admin.token}"}) as response:
        data = await response.read()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "profile.csv" in names and "README.txt" in names


async def test_settings_read_and_validated_change(admin) -> None:
    shown = await admin.ok("GET", "/admin/api/settings")
    assert shown["values"]["admin_ip_whitelist"] == ["127.0.0.1/32", "::1/128"]
    assert "ban_threshold" in shown["descriptions"]
    changed = await admin.ok("PATCH", "/admin/api/settings", json_body={
        "admin_ip_whitelist": ["127.0.0.1/32", "fd00::/8", "10.1.0.0/16"], "ban_threshold": 4})
    assert changed["values"]["admin_ip_whitelist"] == ["127.0.0.1/32", "fd00::/8",
                                                       "10.1.0.0/16"]
    assert settings.get("ban_threshold") == 4
    assert admin.relay.server.state.guard.threshold == 4
    event = AuditEvent.select().where(AuditEvent.target == "admin_ip_whitelist").get()
    assert event.actor == "token:ops"
    before = snapshot()
    for body, param in (({"admin_ip_whitelist": ["10.0.0.300/8"]}, "admin_ip_whitelist"),
                        ({"ban_threshold": 3, "relay_port": 70000}, "relay_port"),
                        ({"ban_threshold": 2.5}, "ban_threshold"),
                        ({"relay_host": 5}, "relay_host"),
                        ({"trusted_proxies": {"a": 1}}, "trusted_proxies"),
                        ({"no_such_setting": 1}, "no_such_setting")):
        reply = await admin.call("PATCH", "/admin/api/settings", json_body=body)
        assert (reply.status, reply.body["error"]["param"]) == (400, param), reply
    assert (await admin.call("PATCH", "/admin/api/settings", json_body={})).status == 400
    assert snapshot() == before


async def test_network_trust_settings_change_only_from_the_machine_itself(admin) -> None:
    """A token used from another address cannot widen who reaches the admin API or whose
    X-Forwarded-For is believed; other settings it may change."""
    await admin.set("admin_ip_whitelist", ["127.0.0.1/32", "127.0.0.2/32"])
    before = snapshot()
    for key, value in (("admin_ip_whitelist", ["0.0.0.0/0"]), ("trusted_proxies", ["0.0.0.0/0"])):
        reply = await admin.call("PATCH", "/admin/api/settings", local=OTHER_HOST,
                                 json_body={key: value, "rate_limit_rpm": 5})
        assert (reply.status, reply.code, reply.body["error"]["param"]) == (
            403, "setting_local_only", key)
        assert snapshot() == before
    changed = await admin.ok("PATCH", "/admin/api/settings", local=OTHER_HOST,
                             json_body={"rate_limit_rpm": 5})
    assert changed["values"]["rate_limit_rpm"] == 5
    # From the machine itself it is fine: loopback is always admitted.
    await admin.ok("PATCH", "/admin/api/settings",
                   json_body={"admin_ip_whitelist": ["10.0.0.0/8"]})
    assert (await admin.call("GET", "/admin/api/users", local=OTHER_HOST)).code == \
        "ip_not_allowed"
    assert (await admin.call("GET", "/admin/api/users")).status == 200


async def test_bans_events_and_tokens_are_listed_without_secrets(admin) -> None:
    from app import bans
    bans.ban("10.9.8.7", reason="invalid_api_key", failures=10)
    listed = await admin.ok("GET", "/admin/api/bans")
    assert [(b["ip"], b["reason"]) for b in listed["data"]] == [("10.9.8.7", "invalid_api_key")]
    assert (await admin.call("DELETE", "/admin/api/bans/10.1.1.1")).status == 404
    assert (await admin.call("DELETE", "/admin/api/bans/not-an-ip")).status == 400
    await admin.ok("DELETE", "/admin/api/bans/10.9.8.7")
    assert (await admin.ok("GET", "/admin/api/bans"))["data"] == []
    events = await admin.ok("GET", "/admin/api/security-events?limit=10")
    actions = [e["action"] for e in events["data"]]
    assert actions[:2] == ["security.unban", "admin.new_address"]
    assert "security.ban" in actions and "admin_token.create" in actions
    older = await admin.ok("GET", f"/admin/api/security-events?before_id="
                                  f"{events['data'][1]['id']}")
    assert [e["action"] for e in older["data"]] == actions[2:]
    tokens = await admin.ok("GET", "/admin/api/tokens")
    (token,) = tokens["data"]
    assert token["name"] == "ops" and token["status"] == "active"
    assert "token_hash" not in token and admin.token not in json.dumps(tokens)
    assert accounts.get_user("alice").status == "active"


async def test_a_body_cut_short_is_not_an_internal_error(admin, caplog) -> None:
    """Content-Length promises more than arrives, then the client hangs up: a client problem
    (400 if anyone is still listening), not a logged internal error."""
    import asyncio
    import logging

    reader, writer = await asyncio.open_connection("127.0.0.1", admin.relay.server.port)
    writer.write((f"POST /admin/api/users HTTP/1.1\r\nHost: x\r\n"
                  f"Authorization: Bearer {admin.token}\r\nContent-Type: application/json\r\n"
                  f"Content-Length: 500\r\n\r\n" + '{"username": "cut').encode())
    await writer.drain()
    with caplog.at_level(logging.ERROR):
        writer.write_eof()
        head = await reader.read()
        writer.close()
        await writer.wait_closed()
        assert (await admin.call("GET", "/admin/api/users")).status == 200  # still serving
    assert head == b"" or head.startswith(b"HTTP/1.1 400"), head[:200]
    assert "unhandled error" not in caplog.text and "Traceback" not in caplog.text
    assert not accounts_named("cut")


def accounts_named(name: str) -> bool:
    from app.models import User

    return User.select().where(User.username.startswith(name)).exists()
