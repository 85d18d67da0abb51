"""`relaydesk invite create|list|revoke` and `relaydesk deletion-requests list|approve|reject`:
the operator's side of the user portal (registration is `relaydesk settings set
registration_mode closed|invite|open`)."""

import argparse

from app import deletion_requests, invites, views
from app.apikeys import parse_expiry
from app.cli.output import Output
from app.models import DeletionRequest, Invite

INVITE_COLUMNS = [("id", "ID"), ("prefix", "CODE"), ("uses", "USES"), ("max_uses", "MAX"),
                  ("expires_at", "EXPIRES"), ("status", "STATUS"), ("note", "NOTE")]
REQUEST_COLUMNS = [("id", "ID"), ("username", "USER"), ("status", "STATUS"),
                   ("created_at", "REQUESTED"), ("decided_by", "BY"), ("reason", "REASON")]


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("invite", help="registration invite codes (registration_mode invite)")
    cmds = p.add_subparsers(dest="invite_cmd", required=True, metavar="COMMAND")
    create = cmds.add_parser("create", help="a new code, shown once")
    create.add_argument("--max-uses", type=int, default=1,
                        help="registrations it allows (default 1; 0 = unlimited)")
    create.add_argument("--expires", metavar="YYYY-MM-DD", help="last day it works (UTC)")
    create.add_argument("--note", help="what it is for (shown in the list)")
    create.set_defaults(handler=invite_create)
    listing = cmds.add_parser("list", help="codes that still work, or --all")
    listing.add_argument("--all", action="store_true", help="revoked codes too")
    listing.set_defaults(handler=invite_list)
    revoke = cmds.add_parser("revoke", help="stop a code working")
    revoke.add_argument("invite_id", type=int, metavar="ID")
    revoke.set_defaults(handler=invite_revoke)

    p = sub.add_parser("deletion-requests", help="users' requests to delete their accounts")
    cmds = p.add_subparsers(dest="deletion_cmd", required=True, metavar="COMMAND")
    listing = cmds.add_parser("list", help="pending requests, or --status")
    listing.add_argument("--status", choices=(*deletion_requests.STATUSES, "all"),
                         default="pending")
    listing.set_defaults(handler=requests_list)
    approve = cmds.add_parser("approve", help="delete the account now (cannot be undone)")
    approve.add_argument("request_id", type=int, metavar="ID")
    approve.set_defaults(handler=requests_approve)
    reject = cmds.add_parser("reject", help="keep the account; the user sees the reason")
    reject.add_argument("request_id", type=int, metavar="ID")
    reject.add_argument("--reason", required=True)
    reject.set_defaults(handler=requests_reject)


def _invite(row: Invite) -> dict[str, object]:
    return {"id": row.id, "prefix": row.prefix, "uses": row.uses, "max_uses": row.max_uses,
            "expires_at": views.iso(row.expires_at), "status": row.status, "note": row.note,
            "created_at": views.iso(row.created_at)}


def invite_create(args: argparse.Namespace, out: Output) -> None:
    code, row = invites.create_invite(max_uses=args.max_uses or None,
                                      expires_at=parse_expiry(args.expires), note=args.note)
    out.item({**_invite(row), "code": code},
             text=f"{code}\n(invite {row.id}: shown once; it is not stored)")


def invite_list(args: argparse.Namespace, out: Output) -> None:
    out.table([_invite(r) for r in invites.list_invites(include_revoked=args.all)],
              INVITE_COLUMNS)


def invite_revoke(args: argparse.Namespace, out: Output) -> None:
    row = invites.revoke_invite(args.invite_id)
    out.item(_invite(row), text=f"invite {row.id} revoked")


def _request(row: DeletionRequest) -> dict[str, object]:
    return {"id": row.id, "username": row.user.username, "status": row.status,
            "created_at": views.iso(row.created_at), "decided_at": views.iso(row.decided_at),
            "decided_by": row.decided_by, "reason": row.reason}


def requests_list(args: argparse.Namespace, out: Output) -> None:
    status = None if args.status == "all" else args.status
    out.table([_request(r) for r in deletion_requests.list_requests(status)], REQUEST_COLUMNS)


def requests_approve(args: argparse.Namespace, out: Output) -> None:
    row = deletion_requests.approve(args.request_id)
    out.item(_request(row), text=f"deletion request {row.id} approved: the account is deleted")


def requests_reject(args: argparse.Namespace, out: Output) -> None:
    row = deletion_requests.reject(args.request_id, args.reason)
    out.item(_request(row), text=f"deletion request {row.id} rejected")
