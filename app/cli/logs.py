"""`relaydesk logs` and `relaydesk settings`: what happened, and how it is configured."""

import argparse
from datetime import datetime

from app import requestlog, settings, views
from app.cli.output import Output, check_limit
from app.errors import ValidationError

LOG_COLUMNS = [("id", "ID"), ("created_at", "TIME"), ("username", "USER"), ("model", "MODEL"),
               ("endpoint", "ROUTE"), ("provider", "PROVIDER"), ("status", "STATUS"),
               ("prompt_tokens", "PROMPT"), ("cached_tokens", "CACHED"),
               ("completion_tokens", "COMPL"), ("cost_micros", "COST"), ("duration_ms", "MS"),
               ("client_ip", "IP"), ("estimated", "EST"), ("written_off_micros", "WRITTEN OFF")]


def parse_date(text: str | None, param: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip().rstrip("Z"))
    except ValueError:
        raise ValidationError(f"{param} must be YYYY-MM-DD or an ISO date-time, got {text!r}",
                              param=param) from None


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("logs", help="request logs, newest first")
    p.add_argument("--user")
    p.add_argument("--model")
    p.add_argument("--since", metavar="DATE", help="YYYY-MM-DD or ISO date-time (UTC)")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(handler=show_logs)

    s = sub.add_parser("settings", help="show or change settings")
    cmds = s.add_subparsers(dest="settings_cmd", required=True, metavar="COMMAND")
    p = cmds.add_parser("list", help="all settings with their values")
    p.set_defaults(handler=settings_list)
    p = cmds.add_parser("set", help="change one setting")
    p.add_argument("key", choices=sorted(settings.SPECS))
    p.add_argument("value")
    p.set_defaults(handler=settings_set)


def show_logs(args: argparse.Namespace, out: Output) -> None:
    rows = requestlog.query(username=args.user, model=args.model,
                            since=parse_date(args.since, "since"), limit=check_limit(args.limit))
    out.table([views.request_log(r) for r in rows], LOG_COLUMNS, empty="(no requests logged)")


def settings_list(args: argparse.Namespace, out: Output) -> None:
    values = settings.all_settings()
    rows = [{"key": k, "value": v, "description": settings.SPECS[k].description}
            for k, v in values.items()]
    if out.as_json:
        out.item(values)
    else:
        out.table(rows, [("key", "KEY"), ("value", "VALUE"), ("description", "DESCRIPTION")])


def settings_set(args: argparse.Namespace, out: Output) -> None:
    value = settings.set(args.key, args.value)
    out.item({args.key: value}, text=f"{args.key} = {value}")
