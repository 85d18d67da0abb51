"""`relaydesk key ...`: relay API keys."""

import argparse

from app import apikeys, views
from app.cli.output import Output, comma_list

COLUMNS = [("id", "ID"), ("username", "USER"), ("name", "NAME"), ("prefix", "KEY"),
           ("status", "STATUS"), ("allowed_models", "MODELS"), ("allowed_cidrs", "IPS"),
           ("expires_at", "EXPIRES"), ("last_used_at", "LAST USED")]


def register(sub: argparse._SubParsersAction) -> None:
    key = sub.add_parser("key", help="manage API keys")
    cmds = key.add_subparsers(dest="key_cmd", required=True, metavar="COMMAND")

    p = cmds.add_parser("create", help="issue a key (printed once)")
    p.add_argument("username")
    p.add_argument("--name", default="default")
    p.add_argument("--models", help="comma-separated models this key may use (default: all)")
    p.add_argument("--allow-ip", action="append", metavar="CIDR",
                   help="client address or CIDR allowed to use the key (repeatable)")
    p.add_argument("--expires", metavar="YYYY-MM-DD", help="last day the key works (UTC)")
    p.set_defaults(handler=create)

    p = cmds.add_parser("list", help="list keys")
    p.add_argument("username", nargs="?")
    p.set_defaults(handler=list_)

    p = cmds.add_parser("revoke", help="revoke a key at once")
    p.add_argument("id", type=int)
    p.set_defaults(handler=revoke)


def create(args: argparse.Namespace, out: Output) -> None:
    key, plaintext = apikeys.create_key(args.username, name=args.name,
                                        models=comma_list(args.models), cidrs=args.allow_ip,
                                        expires=args.expires)
    data = views.api_key(key) | {"key": plaintext}
    out.item(data, text=f"{plaintext}\n\nKey {key.id} for {key.user.username}. "
                        "Copy it now: it is not shown again.")


def list_(args: argparse.Namespace, out: Output) -> None:
    out.table([views.api_key(k) for k in apikeys.list_keys(args.username)], COLUMNS,
              empty="(no keys)")


def revoke(args: argparse.Namespace, out: Output) -> None:
    key = apikeys.revoke_key(args.id)
    out.item(views.api_key(key), text=f"key {key.id} ({key.prefix}) revoked")
