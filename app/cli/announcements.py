"""`relaydesk announce post|list|delete`: the operator's announcements on the portal's home
page."""

import argparse
import sys

from app import announcements, views
from app.cli.output import Output
from app.models import Announcement

COLUMNS = [("id", "ID"), ("created_at", "POSTED"), ("created_by", "BY"), ("title", "TITLE")]


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("announce", help="announcements on the portal's home page")
    cmds = p.add_subparsers(dest="announce_cmd", required=True, metavar="COMMAND")
    post = cmds.add_parser("post", help="publish one to every portal user")
    post.add_argument("title")
    post.add_argument("--body", help="the text (default: read from standard input)")
    post.add_argument("--email", action="store_true",
                      help="also email it to every user who has not opted out")
    post.set_defaults(handler=post_announcement)
    listing = cmds.add_parser("list", help="the newest first")
    listing.add_argument("--limit", type=int, default=20)
    listing.set_defaults(handler=list_announcements)
    delete = cmds.add_parser("delete", help="withdraw one")
    delete.add_argument("announcement_id", type=int, metavar="ID")
    delete.set_defaults(handler=delete_announcement)


def _view(row: Announcement) -> dict[str, object]:
    return {"id": row.id, "title": row.title, "body": row.body,
            "created_at": views.iso(row.created_at), "created_by": row.created_by}


def post_announcement(args: argparse.Namespace, out: Output) -> None:
    body = args.body if args.body is not None else sys.stdin.read()
    row = announcements.post(args.title, body, email=args.email)
    out.item(_view(row), text=f"announcement {row.id} posted"
             + (" and queued for email" if args.email else ""))


def list_announcements(args: argparse.Namespace, out: Output) -> None:
    limit = max(1, min(args.limit, 1000))
    out.table([_view(r) for r in announcements.recent(limit)], COLUMNS)


def delete_announcement(args: argparse.Namespace, out: Output) -> None:
    announcements.delete(args.announcement_id)
    out.item({"id": args.announcement_id, "deleted": True},
             text=f"announcement {args.announcement_id} deleted")
