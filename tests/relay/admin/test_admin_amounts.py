"""Admin API amounts: the CLI's parser (app.money.parse_amount), so only plain ASCII decimal
text with at most six fraction digits is money."""

import pytest

from tests.relay.admin.conftest import snapshot

REJECTED = ["５", "１２.５０", " 5 ", "5 ", "\t5", "1e3", "1E+3", "2E0", "+-5", ".5", "5.",
            "1_000", "1,000", "1.0000001"]


def _assert_openai_400(reply, before) -> None:  # type: ignore[no-untyped-def]
    assert reply.status == 400, reply
    error = reply.body["error"]
    assert error["param"] == "amount" and error["type"] == "invalid_request_error"
    assert error["message"].startswith("Amount ") and "Traceback" not in reply.text
    assert snapshot() == before


@pytest.mark.parametrize("amount", REJECTED)
async def test_recharge_refuses_anything_but_plain_decimal_text(admin, amount) -> None:
    before = snapshot()
    _assert_openai_400(await admin.call("POST", "/admin/api/users/alice/recharges",
                                        json_body={"amount": amount}), before)


@pytest.mark.parametrize("amount", ["-５", " -1 ", "-1e3", "-1.0000001"])
async def test_adjust_refuses_anything_but_plain_decimal_text(admin, amount) -> None:
    before = snapshot()
    _assert_openai_400(await admin.call("POST", "/admin/api/users/alice/adjustments",
                                        json_body={"amount": amount, "reason": "x"}), before)


async def test_refund_refuses_anything_but_plain_decimal_text(admin) -> None:
    (order,) = (await admin.ok("GET", "/admin/api/recharges"))["data"]
    before = snapshot()
    for amount in ("１", " 1 ", "1e0"):
        _assert_openai_400(await admin.call(
            "POST", f"/admin/api/recharges/{order['order_no']}/refunds",
            json_body={"amount": amount}), before)


@pytest.mark.parametrize(("amount", "micros"), [
    ("5", 5_000_000), ("12.50", 12_500_000), ("0.000001", 1), ("007.5", 7_500_000),
    ("1.1234560", 1_123_456)])
async def test_plain_decimal_text_is_accepted(admin, amount, micros) -> None:
    record = await admin.ok("POST", "/admin/api/users/alice/recharges", 201,
                            json_body={"amount": amount})
    assert record["amount_micros"] == micros
    entry = await admin.ok("POST", "/admin/api/users/alice/adjustments", 201,
                           json_body={"amount": f"-{amount}", "reason": "undo"})
    assert entry["amount_micros"] == -micros
