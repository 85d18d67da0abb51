"""`relaydesk user ...`: accounts."""

import argparse
import sys

from app import accounts, views
from app.cli.output import Output

COLUMNS = [("id", "ID"), ("username", "USERNAME"), ("email", "EMAIL"), ("phone", "PHONE"),
           ("group", "GROUP"), ("status", "STATUS"), ("balance_micros", "BALANCE"),
           ("created_at", "CREATED")]


def read_secret_stdin(what: str) -> str:
    """First line of stdin: secrets never go on the command line (shell history, ps)."""
    line = sys.stdin.readline()
    value = line.rstrip("\r\n")
    if not value:
        raise SystemExit(f"relaydesk: error: no {what} on standard input")
    return value


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    user = sub.add_parser("user", help="manage users")
    cmds = user.add_subparsers(dest="user_cmd", required=True, metavar="COMMAND")

    p = cmds.add_parser("add", help="create a user")
    p.add_argument("username")
    p.add_argument("--email", required=True)
    p.add_argument("--phone")
    p.add_argument("--password-stdin", action="store_true",
                   help="read a password for the user portal from standard input")
    p.add_argument("--group", help="the user's group (default: the default group)")
    p.set_defaults(handler=add)

    p = cmds.add_parser("list", help="list users")
    p.add_argument("--search", help="filter by username, email or phone")
    p.set_defaults(handler=list_)

    p = cmds.add_parser("show", help="show one user, with balance")
    p.add_argument("username")
    p.set_defaults(handler=show)

    p = cmds.add_parser("edit", aliases=["update"],
                        help="change a user's email, phone, password or group")
    p.add_argument("username")
    p.add_argument("--email")
    p.add_argument("--phone", help='new phone ("" clears it)')
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument("--group", help="move the user to this group")
    p.set_defaults(handler=edit)

    for verb, status in (("disable", "disabled"), ("enable", "active")):
        p = cmds.add_parser(verb, help=f"{verb} a user (their keys stop/start working)")
        p.add_argument("username")
        p.set_defaults(handler=set_status, status=status)

    from app.cli import privacy  # delete / withdraw-consent live with the other privacy commands
    privacy.register_user_commands(cmds)


def add(args: argparse.Namespace, out: Output) -> None:
    password = read_secret_stdin("password") if args.password_stdin else None
    user = accounts.add_user(args.username, args.email, phone=args.phone, password=password,
                             group=args.group)
    out.item(views.user(user), text=f"created user {user.username} (id {user.id})")


def list_(args: argparse.Namespace, out: Output) -> None:
    out.table([views.user(u) for u in accounts.list_users(args.search)], COLUMNS,
              empty="(no users)")


def show(args: argparse.Namespace, out: Output) -> None:
    out.item(views.user(accounts.get_user(args.username)))


def edit(args: argparse.Namespace, out: Output) -> None:
    password = read_secret_stdin("password") if args.password_stdin else None
    user = accounts.update_user(args.username, email=args.email, phone=args.phone,
                                password=password, group=args.group)
    out.item(views.user(user), text=f"updated user {user.username}")


def set_status(args: argparse.Namespace, out: Output) -> None:
    user = accounts.set_status(args.username, args.status)
    out.item(views.user(user), text=f"user {user.username} is now {user.status}")
