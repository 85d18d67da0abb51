"""`relaydesk export` and `relaydesk user delete | withdraw-consent`: the privacy policy's
promises (export your data, delete your account, withdraw consent) for the operator."""

import argparse
import sys

from app import accounts, export, policy, privacy, views
from app.cli.output import Output
from app.errors import ValidationError


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("export", help="export everything held about a user (privacy request)")
    p.add_argument("username")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="file to write (replaced if it exists; readable only by you)")
    p.add_argument("--format", choices=export.FORMATS, default="json",
                   help="json: one document; csv: a zip of CSV files with a README "
                        "(default: json)")
    p.set_defaults(handler=export_user)
    register_policy(sub)


def register_policy(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("policy", help="privacy-policy versions and re-consent")
    cmds = p.add_subparsers(dest="policy_cmd", required=True, metavar="COMMAND")
    show = cmds.add_parser("show", help="the version in force and who must accept it again")
    show.set_defaults(handler=policy_show)
    publish = cmds.add_parser("publish", help="record a new policy version")
    publish.add_argument("version", metavar="YYYY-MM-DD")
    publish.add_argument("--major", action="store_true",
                         help="a major change: users must accept it again")
    publish.set_defaults(handler=policy_publish)


def _policy_item(state: "policy.PolicyState") -> dict[str, object]:
    return {"version": state.version, "major_version": state.major_version,
            "users_to_reconsent": state.users_to_reconsent}


def policy_show(args: argparse.Namespace, out: Output) -> None:
    out.item(_policy_item(policy.current()))


def policy_publish(args: argparse.Namespace, out: Output) -> None:
    state = policy.publish(args.version, major=args.major)
    out.item(_policy_item(state), text=f"policy {state.version} published"
             + (f"; {state.users_to_reconsent} users must accept it again" if args.major else ""))


def register_user_commands(cmds: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Subcommands of `relaydesk user`, called from :func:`app.cli.users.register`."""
    p = cmds.add_parser("delete", help="delete a user: erase profile, keys and login history; "
                                       "keep request logs and payments, de-identified")
    p.add_argument("username")
    p.add_argument("--yes", action="store_true", help="confirm: deletion cannot be undone")
    p.set_defaults(handler=delete_user)

    p = cmds.add_parser("withdraw-consent",
                        help="the user withdrew consent: disable them and revoke their keys now")
    p.add_argument("username")
    p.set_defaults(handler=withdraw_consent)


def _progress_line(done: int, total: int) -> None:
    sys.stderr.write(f"\rexporting: {done:,} / {total:,} rows")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def export_user(args: argparse.Namespace, out: Output) -> None:
    progress = _progress_line if sys.stderr.isatty() and not out.as_json else None
    result = export.export_user(args.username, args.out, args.format, progress=progress)
    data = {"username": args.username, "path": str(result.path), "format": result.fmt,
            "rows": result.rows, "size_bytes": result.size_bytes, "counts": result.counts}
    out.item(data, text=f"exported {result.rows:,} rows for {args.username} to {result.path} "
                        f"({result.fmt}, {result.size_bytes:,} bytes)")


def delete_user(args: argparse.Namespace, out: Output) -> None:
    user = accounts.get_user(args.username)  # an unknown name says so, with or without --yes
    if not args.yes:
        raise ValidationError(f"deleting {user.username} erases their profile, API keys and "
                              "login history and cannot be undone; pass --yes to confirm",
                              param="yes")
    privacy.delete_user(user.username)
    tombstone = privacy.tombstone_name(user.id)
    out.item({"id": user.id, "username": tombstone, "status": "deleted"},
             text=f"deleted user {user.username} (id {user.id}, now {tombstone}); request logs "
                  "and payment records are kept without personal details")


def withdraw_consent(args: argparse.Namespace, out: Output) -> None:
    user = privacy.withdraw_consent(args.username)
    out.item(views.user(user), text=f"user {user.username} withdrew consent: account disabled, "
                                    "API keys revoked")
