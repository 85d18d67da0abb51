"""`relaydesk payments`: configure (key from stdin into the keyring), show, test, orders,
check and refund, against the Epay simulator on SQLite and PostgreSQL."""

import asyncio

import aiohttp

from app import accounts
from app.payments import epay, orders
from tests.app.cli.conftest import cli  # noqa: F401 - the fixture
from tests.helpers.gateways import EpaySimulator


async def run(cli, *argv: str, stdin: str | None = None):  # type: ignore[no-untyped-def]  # noqa: F811
    """The CLI blocks on its own gateway calls: off this loop, which serves the simulator."""
    return await asyncio.to_thread(cli, *argv, stdin=stdin)


async def test_configure_test_check_and_refund(cli, real_keyring) -> None:  # noqa: F811
    async with EpaySimulator() as sim:
        result = await run(cli, "payments", "configure", "epay", "--url", sim.url,
                           "--merchant-id", sim.pid, "--key-stdin", stdin=sim.key + "\n")
        assert result.code == 0, result
        assert sim.key not in result.out
        shown = await run(cli, "--json", "payments", "show")
        assert shown.code == 0 and sim.key not in shown.out
        assert shown.json()["gateways"][0] == {
            "gateway": "epay", "url": sim.url, "merchant_id": sim.pid, "key_stored": True,
            "notify_url": None}
        tested = await run(cli, "--json", "payments", "test", "epay")
        assert tested.code == 0 and tested.json()["ok"] is True
        assert sim.queries == 1
        with cli.bound():
            user = accounts.add_user("ann", "ann@example.com")
            record = orders.create_order(user.id, 3_000_000, "epay")
            action, fields = epay.submit_form(
                sim.url, sim.pid, sim.key, pay_type="alipay", out_trade_no=record.order_no,
                notify_url="http://127.0.0.1:9/n", return_url="http://127.0.0.1:9/r",
                name="Top-up", money="3.00")
        async with aiohttp.ClientSession() as session, session.post(action, data=fields) as resp:
            assert resp.status == 200
        checked = await run(cli, "--json", "payments", "check")
        assert checked.json() == {"credited": 0, "expired": 0}
        sim.pay(record.order_no)
        checked = await run(cli, "--json", "payments", "check")
        assert checked.json() == {"credited": 1, "expired": 0}
        listed = (await run(cli, "--json", "payments", "orders", "--status", "paid")).json()
        assert [(o["order_no"], o["trade_no"], o["amount_micros"]) for o in listed] == [
            (record.order_no, sim.orders[record.order_no].trade_no, 3_000_000)]
        refunded = await run(cli, "payments", "refund", record.order_no, "--amount", "1",
                             "--note", "asked")
        assert refunded.code == 0 and "gateway's own console" in refunded.out
        with cli.bound():
            assert accounts.get_user("ann").balance_micros == 2_000_000
        refused = await run(cli, "payments", "refund", "RD20260101000000DEADBEEF")
        assert refused.code == 1 and "no top-up order" in refused.err
    assert not sim.errors, sim.errors


async def test_test_reports_an_unreachable_gateway(cli, real_keyring) -> None:  # noqa: F811
    assert (await run(cli, "payments", "configure", "hupijiao", "--url", "http://127.0.0.1:9",
                      "--merchant-id", "app1", "--key-stdin", stdin="s3cr3t-hpj\n")).code == 0
    result = await run(cli, "payments", "test", "hupijiao")
    assert result.code == 1 and "did not answer" in result.out
