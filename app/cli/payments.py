"""`relaydesk payments`: online top-up gateways (configure, test), their orders (list,
refund) and one confirmation pass, the same services as the GUI's Payments page."""

import argparse

from app import settings
from app.cli.output import Output
from app.cli.users import read_secret_stdin
from app.money import parse_amount
from app.payments import checks, gateways, orders

ORDER_COLUMNS = [("order_no", "ORDER"), ("username", "USER"), ("gateway", "GATEWAY"),
                 ("amount_micros", "AMOUNT"), ("status", "STATUS"), ("trade_no", "TRADE NO"),
                 ("created_at", "CREATED"), ("paid_at", "PAID"),
                 ("refunded_micros", "REFUNDED")]


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("payments", help="online top-ups through Epay and HupiJiao")
    cmds = p.add_subparsers(dest="payments_cmd", required=True, metavar="COMMAND")
    show = cmds.add_parser("show", help="the gateways' settings (never their keys)")
    show.set_defaults(handler=show_settings)
    conf = cmds.add_parser("configure", help="a gateway's address, merchant id and key")
    conf.add_argument("gateway", choices=gateways.GATEWAYS)
    conf.add_argument("--url", help="the gateway's base address")
    conf.add_argument("--merchant-id", help="Epay pid or HupiJiao appid")
    conf.add_argument("--key-stdin", action="store_true",
                      help="read the merchant key / appsecret from stdin into the OS keyring")
    conf.set_defaults(handler=configure)
    test = cmds.add_parser("test", help="ask the gateway about a made-up order")
    test.add_argument("gateway", choices=gateways.GATEWAYS)
    test.set_defaults(handler=test_gateway)
    listing = cmds.add_parser("orders", help="top-up orders, newest first")
    listing.add_argument("--status", choices=orders.GATEWAY_STATUSES)
    listing.add_argument("--gateway", choices=gateways.GATEWAYS)
    listing.add_argument("--user")
    listing.add_argument("--limit", type=int, default=200)
    listing.set_defaults(handler=list_orders)
    refund = cmds.add_parser("refund", help="refund a paid order (debits the balance; the "
                                            "money goes back in the gateway's own console)")
    refund.add_argument("order_no", metavar="ORDER")
    refund.add_argument("--amount", help="part of it (default: all that is left)")
    refund.add_argument("--note")
    refund.set_defaults(handler=refund_order)
    check = cmds.add_parser("check", help="ask the gateways about pending orders now, then "
                                          "expire the overdue ones")
    check.set_defaults(handler=check_pending)


def show_settings(args: argparse.Namespace, out: Output) -> None:
    views = [gateways.describe(name) for name in gateways.GATEWAYS]
    lines = [f"{v['gateway']}: {v['url'] or '(no address)'}, merchant "
             f"{v['merchant_id'] or '(none)'}, key {'stored' if v['key_stored'] else 'missing'}"
             for v in views]
    base = settings.get("public_base_url")
    expiry = settings.get("payments_order_expiry_minutes")
    lines.append(f"public_base_url: {base or '(none: orders are confirmed by asking)'}; "
                 f"unpaid orders expire after {expiry} minutes")
    out.item({"gateways": views, "public_base_url": base, "order_expiry_minutes": expiry},
             text="\n".join(lines))


def configure(args: argparse.Namespace, out: Output) -> None:
    key = read_secret_stdin("gateway key") if args.key_stdin else None
    view = gateways.configure(args.gateway, url=args.url, merchant_id=args.merchant_id, key=key)
    out.item(view, text=f"{args.gateway}: {view['url'] or '(no address)'}, merchant "
                        f"{view['merchant_id'] or '(none)'}, key "
                        f"{'stored' if view['key_stored'] else 'missing'}")


def test_gateway(args: argparse.Namespace, out: Output) -> None:
    result = checks.test_gateway(args.gateway)
    out.item({"ok": result.ok, "message": result.message}, text=result.message)
    if not result.ok:
        raise SystemExit(1)


def list_orders(args: argparse.Namespace, out: Output) -> None:
    rows = orders.list_orders(status=args.status, gateway=args.gateway, username=args.user,
                              limit=args.limit)
    out.table([orders.order_view(r) for r in rows], ORDER_COLUMNS)


def refund_order(args: argparse.Namespace, out: Output) -> None:
    amount = parse_amount(args.amount) if args.amount is not None else None
    record = orders.refund(args.order_no, amount, note=args.note)
    out.item(orders.order_view(record),
             text=f"{record.order_no}: {record.status}. {orders.REFUND_NOTE}")


def check_pending(args: argparse.Namespace, out: Output) -> None:
    credited, expired = checks.confirm_pending()
    out.item({"credited": credited, "expired": expired},
             text=f"{credited} order(s) credited, {expired} expired")
