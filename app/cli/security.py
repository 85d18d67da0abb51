"""`relaydesk admin-password`, `relaydesk admin-token ...`, `relaydesk bans ...` and
`relaydesk security-events`: the desktop admin's password, the remote admin API's tokens, banned
addresses and the security part of the audit trail.

Admin tokens are created only here and in the GUI (never through the remote API itself).
"""

import argparse
import getpass
import sys

from app import adminauth, admintokens, bans, views
from app.cli.output import Output, check_limit
from app.errors import ValidationError

TOKEN_COLUMNS = [("id", "ID"), ("name", "NAME"), ("prefix", "TOKEN"), ("status", "STATUS"),
                 ("created_at", "CREATED"), ("last_used_at", "LAST USED"),
                 ("last_used_ip", "LAST IP")]
BAN_COLUMNS = [("ip", "ADDRESS"), ("reason", "REASON"), ("failures", "FAILURES"),
               ("created_at", "SINCE"), ("until", "UNTIL")]
EVENT_COLUMNS = [("id", "ID"), ("created_at", "TIME"), ("action", "ACTION"), ("actor", "ACTOR"),
                 ("target", "TARGET"), ("ip", "IP"), ("detail", "DETAIL")]


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("admin-password", help="change the desktop admin's password (asks for "
                                              "the current one)")
    p.add_argument("--stdin", action="store_true",
                   help="read the current and the new password from the first two lines of "
                        "stdin instead of asking")
    p.set_defaults(handler=admin_password)

    token = sub.add_parser("admin-token", help="tokens for the remote admin API (/admin/api/)")
    cmds = token.add_subparsers(dest="token_cmd", required=True, metavar="COMMAND")
    p = cmds.add_parser("create", help="issue a token (printed once)")
    p.add_argument("name", help="what the token is for, e.g. the host or script using it")
    p.set_defaults(handler=token_create)
    p = cmds.add_parser("list", help="list tokens (never the tokens themselves)")
    p.set_defaults(handler=token_list)
    p = cmds.add_parser("revoke", help="revoke a token at once")
    p.add_argument("id", type=int)
    p.set_defaults(handler=token_revoke)

    ban = sub.add_parser("bans", help="addresses banned after repeated failed authentication")
    cmds = ban.add_subparsers(dest="bans_cmd", required=True, metavar="COMMAND")
    p = cmds.add_parser("list", help="running bans, newest first")
    p.set_defaults(handler=bans_list)
    p = cmds.add_parser("unban", help="lift the ban of an address now")
    p.add_argument("ip")
    p.set_defaults(handler=bans_unban)

    p = sub.add_parser("security-events", help="bans, admin access, whitelist changes, "
                                               "deletions... newest first")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=security_events)


def admin_password(args: argparse.Namespace, out: Output) -> None:
    """Checked like a sign-in (a wrong current password counts toward the lockout)."""
    if args.stdin:
        current = sys.stdin.readline().rstrip("\r\n")
        new = repeat = sys.stdin.readline().rstrip("\r\n")
    elif _on_terminal():
        current = getpass.getpass("Current admin password: ")
        new = getpass.getpass("New admin password: ")
        repeat = getpass.getpass("New admin password again: ")
    else:
        raise ValidationError("not a terminal: give the passwords with --stdin (current, then "
                              "new, one per line)")
    if new != repeat:
        raise ValidationError("the two new passwords differ; nothing changed")
    adminauth.change_admin_password(current, new, source="cli")
    out.item({"changed": True}, text="Admin password changed.")


def _on_terminal() -> bool:
    return sys.stdin.isatty()


def token_create(args: argparse.Namespace, out: Output) -> None:
    token, plaintext = admintokens.create_token(args.name)
    out.item(views.admin_token(token) | {"token": plaintext},
             text=f"{plaintext}\n\nAdmin token {token.id} ({token.name}). Copy it now: it is "
                  "not shown again. It works only from addresses in admin_ip_whitelist.")


def token_list(args: argparse.Namespace, out: Output) -> None:
    out.table([views.admin_token(t) for t in admintokens.list_tokens()], TOKEN_COLUMNS,
              empty="(no admin tokens)")


def token_revoke(args: argparse.Namespace, out: Output) -> None:
    token = admintokens.revoke_token(args.id)
    out.item(views.admin_token(token), text=f"admin token {token.id} ({token.name}) revoked")


def bans_list(args: argparse.Namespace, out: Output) -> None:
    out.table([views.ip_ban(b) for b in bans.active_bans()], BAN_COLUMNS,
              empty="(no address is banned)")


def bans_unban(args: argparse.Namespace, out: Output) -> None:
    lifted = bans.unban(args.ip)
    out.item({"ip": args.ip, "lifted": lifted}, text=f"lifted the ban of {args.ip}")


def security_events(args: argparse.Namespace, out: Output) -> None:
    rows = [views.audit_event(e) for e in bans.security_events(check_limit(args.limit, 10_000))]
    out.table(rows, EVENT_COLUMNS, empty="(no security events)")
