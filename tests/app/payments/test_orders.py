"""Top-up orders: created pending, credited exactly once by a genuine paid message, never by a
wrong one, expired in time; refunds through the recharge refund."""

import threading

import pytest

from app import accounts, ledger, settings
from app.errors import Conflict, ValidationError
from app.models import AuditEvent, MailMessage
from app.payments import gateways, orders
from app.payments.epay import Notice
from app.payments.orders import Outcome

PID = "1001"


@pytest.fixture
def configured(real_keyring, any_db):  # type: ignore[no-untyped-def]
    settings.set("payments_epay_url", "https://pay.example")
    settings.set("payments_epay_pid", PID)
    gateways.set_key("epay", "orders-test-key-51b")
    return accounts.add_user("ann", "ann@example.com")


def paid(record, **change) -> Notice:  # type: ignore[no-untyped-def]
    facts = {"out_trade_no": record.order_no, "trade_no": "T1",
             "amount_micros": record.amount_micros, "paid": True, "merchant_id": PID}
    facts.update(change)
    return Notice(**facts)


def balance(user_id: int) -> int:
    return accounts.get_user_by_id(user_id).balance_micros


def test_a_paid_order_is_credited_once_with_its_receipt(configured) -> None:
    user = configured
    record = orders.create_order(user.id, 12_340_000, "epay", "alipay")
    assert record.status == "pending" and record.gateway == "epay"
    assert orders.confirm("epay", paid(record), PID, source="notify") is Outcome.CREDITED
    assert orders.confirm("epay", paid(record), PID, source="notify") is Outcome.ALREADY_PAID
    assert orders.confirm("epay", paid(record), PID, source="query") is Outcome.ALREADY_PAID
    assert balance(user.id) == 12_340_000
    stored = orders.get_order(record.order_no)
    assert (stored.status, stored.trade_no) == ("paid", "T1")
    assert [e.amount_micros for e in ledger.entries(user.id)] == [12_340_000]
    assert MailMessage.select().where(MailMessage.kind == "receipt").count() == 1


def test_concurrent_confirmations_credit_once(configured) -> None:
    user = configured
    record = orders.create_order(user.id, 5_000_000, "epay")
    results: list[Outcome] = []
    start = threading.Barrier(12)

    def deliver() -> None:
        start.wait()
        results.append(orders.confirm("epay", paid(record), PID, source="notify"))

    threads = [threading.Thread(target=deliver) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count(Outcome.CREDITED) == 1
    assert set(results) == {Outcome.CREDITED, Outcome.ALREADY_PAID}
    assert balance(user.id) == 5_000_000


@pytest.mark.parametrize(("change", "outcome"), [
    ({"amount_micros": 5_010_000}, Outcome.MISMATCH),
    ({"amount_micros": None}, Outcome.MISMATCH),
    ({"merchant_id": "9999"}, Outcome.MISMATCH),
    ({"paid": False}, Outcome.UNPAID),
    ({"out_trade_no": "RD20260101000000ABCDEF12"}, Outcome.UNKNOWN_ORDER),
])
def test_a_wrong_message_credits_nothing(configured, change, outcome) -> None:
    user = configured
    record = orders.create_order(user.id, 5_000_000, "epay")
    assert orders.confirm("epay", paid(record, **change), PID, source="notify") is outcome
    assert balance(user.id) == 0
    assert orders.get_order(record.order_no).status == "pending"


def test_an_order_of_the_other_gateway_is_unknown(configured) -> None:
    record = orders.create_order(configured.id, 5_000_000, "epay")
    assert orders.confirm("hupijiao", paid(record), PID, source="notify") is (
        Outcome.UNKNOWN_ORDER)


def test_expired_orders_are_not_credited_but_a_late_payment_is_recorded(configured,
                                                                        fake_clock) -> None:
    user = configured
    record = orders.create_order(user.id, 3_000_000, "epay")
    fake_clock.advance(minutes=31)
    assert orders.pending_orders() == []
    # past its expiry the order is refused even before the sweep marks it
    assert orders.confirm("epay", paid(record), PID, source="notify") is Outcome.EXPIRED
    assert orders.expire_overdue() == 1
    assert orders.confirm("epay", paid(record), PID, source="notify") is Outcome.EXPIRED
    stored = orders.get_order(record.order_no)
    assert (stored.status, stored.trade_no) == ("expired", "T1")
    assert balance(user.id) == 0
    assert AuditEvent.select().where(AuditEvent.action == "payment.paid_after_expiry").count() == 1


def test_orders_are_checked_before_creation(configured) -> None:
    for amount in (0, 5_000, 1_234_567, 100_001 * 1_000_000):
        with pytest.raises(ValidationError):
            orders.create_order(configured.id, amount, "epay")
    with pytest.raises(ValidationError):
        orders.create_order(configured.id, 1_000_000, "epay", "paypal")
    with pytest.raises(Conflict):  # HupiJiao has no appid or secret
        orders.create_order(configured.id, 1_000_000, "hupijiao")
    with pytest.raises(ValidationError):
        orders.create_order(configured.id, 1_000_000, "stripe")


def test_lists_and_refunds(configured) -> None:
    user = configured
    first = orders.create_order(user.id, 2_000_000, "epay")
    second = orders.create_order(user.id, 1_000_000, "epay", "wxpay")
    orders.confirm("epay", paid(first), PID, source="notify")
    assert [r.order_no for r in orders.list_orders(status="pending")] == [second.order_no]
    assert [r.order_no for r in orders.list_orders()] == [second.order_no, first.order_no]
    refunded = orders.refund(first.order_no, 500_000, note="asked by mail")
    assert (refunded.status, refunded.refunded_micros) == ("partially_refunded", 500_000)
    assert balance(user.id) == 1_500_000
    with pytest.raises(Conflict):  # nothing was paid yet
        orders.refund(second.order_no)
    with pytest.raises(ValidationError):
        orders.list_orders(status="lost")


def test_the_key_lives_only_in_the_keyring(configured) -> None:
    assert gateways.has_key("epay")
    assert "orders-test-key-51b" not in str(settings.all_settings())
    assert gateways.available() == ["epay"]
    assert "orders-test-key-51b" not in repr(gateways.load("epay"))


def test_expired_orders_are_purged_after_the_payment_retention(configured, fake_clock) -> None:
    from app import retention
    user = configured
    orders.create_order(user.id, 1_000_000, "epay")  # 371 days old when purged
    fake_clock.advance(days=200)
    recent = orders.create_order(user.id, 2_000_000, "epay")
    fake_clock.advance(days=1)
    assert orders.expire_overdue() == 2
    fake_clock.advance(days=170)  # old: 371 days, recent: 171 days (retention 365)
    retention.purge()
    assert [r.order_no for r in orders.list_orders()] == [recent.order_no]
