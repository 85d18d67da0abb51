"""`relaydesk mail settings|test|list|retry`: the operator's side of outgoing email (the GUI's
Mail page). Mail is sent by the running relay's mail job; these commands configure it, queue a
test email and show or retry the queue."""

import argparse

from app import mailer, mailqueue, settings
from app.cli.output import Output
from app.cli.users import read_secret_stdin
from app.db import write_transaction

COLUMNS = [("id", "ID"), ("status", "STATUS"), ("kind", "KIND"), ("to", "TO"),
           ("subject", "SUBJECT"), ("attempts", "TRIES"), ("created_at", "QUEUED"),
           ("sent_at", "SENT"), ("last_error", "LAST ERROR")]
# option name -> setting key (the admin API uses the same names)
SETTING_OPTIONS = mailer.SETTING_NAMES


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("mail", help="outgoing email: SMTP settings, test email, the queue")
    cmds = p.add_subparsers(dest="mail_cmd", required=True, metavar="COMMAND")
    conf = cmds.add_parser("settings", help="show the SMTP settings, or change those given")
    conf.add_argument("--host", help="SMTP server (empty turns email off)")
    conf.add_argument("--port", help="SMTP port (587 STARTTLS, 465 SSL, 25 none)")
    conf.add_argument("--security", choices=("none", "starttls", "ssl"))
    conf.add_argument("--username", help="SMTP user name (empty = no login)")
    conf.add_argument("--from", dest="sender", metavar="ADDRESS", help="sender address")
    conf.add_argument("--password-stdin", action="store_true",
                      help="read the SMTP password from stdin into the OS keyring")
    conf.add_argument("--clear-password", action="store_true",
                      help="remove the SMTP password from the OS keyring")
    conf.set_defaults(handler=mail_settings)
    test = cmds.add_parser("test", help="queue a test email; the running relay sends it")
    test.add_argument("address")
    test.set_defaults(handler=mail_test)
    listing = cmds.add_parser("list", help="the newest emails, or those with --status")
    listing.add_argument("--status", choices=(*mailqueue.STATUSES, "all"), default="all")
    listing.add_argument("--limit", type=int, default=100)
    listing.set_defaults(handler=mail_list)
    retry = cmds.add_parser("retry", help="send a failed email again")
    retry.add_argument("message_id", type=int, metavar="ID")
    retry.set_defaults(handler=mail_retry)


def mail_settings(args: argparse.Namespace, out: Output) -> None:
    changes = {key: getattr(args, option) for option, key in SETTING_OPTIONS.items()
               if getattr(args, option) is not None}
    values = mailer.parse_settings(changes)  # all checked before any is written
    secret = read_secret_stdin("SMTP password") if args.password_stdin else None
    if secret is not None or args.clear_password:
        mailer.set_password(secret)
    with write_transaction():
        for key, value in values.items():
            settings.set(key, value, actor="cli")
    out.item(mailer.settings_view())


def mail_test(args: argparse.Namespace, out: Output) -> None:
    row = mailqueue.send_test(args.address, actor="cli")
    out.item(mailqueue.view(row), text=f"test email {row.id} to {row.to_addr} queued; the running "
                                     "relay sends it within seconds (`relaydesk mail list`)")


def mail_list(args: argparse.Namespace, out: Output) -> None:
    status = None if args.status == "all" else args.status
    out.table([mailqueue.view(r) for r in mailqueue.list_messages(status, args.limit)], COLUMNS)


def mail_retry(args: argparse.Namespace, out: Output) -> None:
    row = mailqueue.retry(args.message_id, actor="cli")
    out.item(mailqueue.view(row), text=f"email {row.id} queued again")
