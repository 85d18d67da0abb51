"""/admin/api/codes: generate (the codes once, as a list and as CSV), list, show, disable;
exact amounts, unknown ids 404, refusals that change nothing, and audit events by token."""

import csv
import io

from app import accounts, redemption
from app.models import AuditEvent
from tests.relay.admin.conftest import snapshot


async def test_generate_list_show_disable(admin) -> None:
    made = await admin.ok("POST", "/admin/api/codes", 201, json_body={
        "count": 2, "amount": "10.005", "expires": "2999-12-31", "note": "fair"})
    assert made["count"] == 2 and len(made["codes"]) == 2
    rows = list(csv.reader(io.StringIO(made["csv"])))
    assert rows[0] == list(redemption.CSV_COLUMNS)
    assert [r[:2] for r in rows[1:]] == [[c["code"], "10.005000"] for c in made["codes"]]
    first = made["codes"][0]
    assert (first["amount_micros"], first["amount"], first["status"], first["expires_at"],
            first["note"]) == (10_005_000, "10.005000", "active", "3000-01-01T00:00:00Z", "fair")
    listed = await admin.ok("GET", "/admin/api/codes")
    assert [c["id"] for c in listed["data"]] == sorted((c["id"] for c in made["codes"]),
                                                       reverse=True)
    assert all(c["code"] not in str(listed) for c in made["codes"])
    shown = await admin.ok("GET", f"/admin/api/codes/{first['id']}")
    assert "code" not in shown and shown["prefix"] == first["prefix"]
    disabled = await admin.ok("POST", f"/admin/api/codes/{first['id']}/disable")
    assert disabled["status"] == "disabled"
    assert [c["id"] for c in (await admin.ok("GET", "/admin/api/codes?status=disabled"))[
        "data"]] == [first["id"]]
    assert [(e.action, e.actor) for e in AuditEvent.select().where(
        AuditEvent.action.startswith("code.")).order_by(AuditEvent.id)] == [
        ("code.generate", "token:ops"), ("code.disable", "token:ops")]


async def test_a_used_code_cannot_be_disabled_and_shows_who_used_it(admin) -> None:
    made = await admin.ok("POST", "/admin/api/codes", 201,
                          json_body={"count": 1, "amount": "3"})
    code = made["codes"][0]
    alice = accounts.get_user("alice")
    before = alice.balance_micros
    redemption.redeem(alice.id, code["code"])
    assert accounts.get_user("alice").balance_micros == before + 3_000_000
    shown = await admin.ok("GET", f"/admin/api/codes/{code['id']}")
    assert (shown["status"], shown["used_by"]) == ("used", "alice")
    reply = await admin.call("POST", f"/admin/api/codes/{code['id']}/disable")
    assert reply.status == 409 and "already used" in reply.text


async def test_unknown_ids_are_404(admin) -> None:
    for method, path in (("GET", "/admin/api/codes/999"),
                         ("POST", "/admin/api/codes/999/disable")):
        reply = await admin.call(method, path)
        assert reply.status == 404, reply
    assert (await admin.call("GET", "/admin/api/codes/x1")).status == 400


async def test_bad_generate_requests_change_nothing(admin) -> None:
    before = snapshot()
    for body, param in (({"amount": "1"}, "count"),
                        ({"count": "2", "amount": "1"}, "count"),
                        ({"count": 0, "amount": "1"}, "count"),
                        ({"count": 1001, "amount": "1"}, "count"),
                        ({"count": 1, "amount": 1.5}, "amount"),
                        ({"count": 1, "amount": "0"}, "amount"),
                        ({"count": 1, "amount": "1", "expires": "2000-01-01"}, "expires"),
                        ({"count": 1, "amount": "1", "code": "mine"}, "code")):
        reply = await admin.call("POST", "/admin/api/codes", json_body=body)
        assert reply.status == 400, (body, reply)
        assert reply.body["error"]["param"] == param, (body, reply)
    assert (await admin.call("GET", "/admin/api/codes?status=spent")).status == 400
    assert snapshot() == before
