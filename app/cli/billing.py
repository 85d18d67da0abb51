"""`relaydesk recharge|refund|adjust|ledger|recharges`: balances and payments."""

import argparse

from app import accounts, ledger, recharges, views
from app.cli.output import Output, check_limit
from app.money import format_amount, parse_amount

LEDGER_COLUMNS = [("id", "ID"), ("created_at", "TIME"), ("kind", "KIND"),
                  ("amount_micros", "AMOUNT"), ("balance_after_micros", "BALANCE"),
                  ("ref", "REF"), ("reason", "REASON")]
RECHARGE_COLUMNS = [("order_no", "ORDER"), ("username", "USER"), ("amount_micros", "AMOUNT"),
                    ("method", "METHOD"), ("status", "STATUS"),
                    ("refunded_micros", "REFUNDED"), ("created_at", "CREATED"), ("note", "NOTE")]


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("recharge", help="credit a user's balance; prints the order number")
    p.add_argument("username")
    p.add_argument("amount", help="decimal amount in the operator's currency, e.g. 50 or 12.5")
    p.add_argument("--method", default="manual", choices=recharges.MANUAL_METHODS)
    p.add_argument("--note")
    p.set_defaults(handler=recharge)

    p = sub.add_parser("refund", help="refund all or part of a recharge")
    p.add_argument("order_no")
    p.add_argument("--amount", help="default: everything not yet refunded")
    p.add_argument("--note")
    p.set_defaults(handler=refund)

    p = sub.add_parser("adjust", help="correct a balance (+/- amount) with a mandatory reason")
    p.add_argument("username")
    p.add_argument("amount", help="signed decimal amount, e.g. -1.5")
    p.add_argument("--reason", required=True)
    p.set_defaults(handler=adjust)

    p = sub.add_parser("ledger", help="a user's balance changes, newest first")
    p.add_argument("username")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=show_ledger)

    p = sub.add_parser("recharges", help="recharge records")
    p.add_argument("username", nargs="?")
    p.add_argument("--status", choices=("paid", "partially_refunded", "refunded", "pending"))
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(handler=list_recharges)


def recharge(args: argparse.Namespace, out: Output) -> None:
    record = recharges.recharge(args.username, parse_amount(args.amount), method=args.method,
                                note=args.note)
    balance = accounts.get_user(args.username).balance_micros
    out.item(views.recharge(record) | {"balance_micros": balance}, text=record.order_no)


def refund(args: argparse.Namespace, out: Output) -> None:
    amount = parse_amount(args.amount) if args.amount is not None else None
    record = recharges.refund(args.order_no, amount, note=args.note)
    out.item(views.recharge(record),
             text=f"{record.order_no}: refunded {format_amount(record.refunded_micros)} "
                  f"of {format_amount(record.amount_micros)} ({record.status})")


def adjust(args: argparse.Namespace, out: Output) -> None:
    user = accounts.get_user(args.username)
    entry = ledger.adjust(user.id, parse_amount(args.amount, allow_negative=True), args.reason)
    out.item(views.ledger_entry(entry),
             text=f"{user.username}: balance now {format_amount(entry.balance_after_micros)}")


def show_ledger(args: argparse.Namespace, out: Output) -> None:
    user = accounts.get_user(args.username)
    rows = [views.ledger_entry(e) for e in ledger.entries(user.id, limit=check_limit(args.limit))]
    if out.as_json:
        out.item({"username": user.username, "balance_micros": user.balance_micros,
                  "entries": rows})
        return
    out.item({}, text=f"{user.username}: balance {format_amount(user.balance_micros)}")
    out.table(rows, LEDGER_COLUMNS, empty="(no entries)")


def list_recharges(args: argparse.Namespace, out: Output) -> None:
    rows = [views.recharge(r) for r in recharges.list_recharges(
        args.username, status=args.status, limit=check_limit(args.limit))]
    out.table(rows, RECHARGE_COLUMNS, empty="(no recharges)")
