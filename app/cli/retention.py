"""`relaydesk purge`: delete what is past its retention period now, instead of waiting for the
relay's daily run."""

import argparse

from app import retention
from app.cli.output import Output


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("purge", help="delete request logs, payment records and login/security "
                                     "events past their retention period (balances unchanged)")
    p.add_argument("--dry-run", action="store_true",
                   help="only count what would be deleted; change nothing")
    p.set_defaults(handler=purge)


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC"


def describe(result: retention.PurgeResult) -> str:
    """Counts as sentences, one kind of record a line."""
    assert result.cutoffs is not None
    cut = result.cutoffs
    verb = "would delete" if result.dry_run else "deleted"
    fold = "would fold" if result.dry_run else "folded"
    lines = [
        f"{verb} {result.request_logs:,} request logs older than {_when(cut.logs)}",
        f"{verb} {result.recharge_records:,} payment records older than {_when(cut.payments)}",
        (f"{fold} {result.ledger_entries:,} ledger entries older than {_when(cut.payments)} "
         f"into {result.carry_forwards:,} carried-forward balances (balances unchanged)"),
        (f"{verb} {result.audit_events:,} login and security events older than "
         f"{_when(cut.security)}"),
    ]
    if result.dry_run:
        lines.append("dry run: nothing was changed")
    return "\n".join(lines)


def purge(args: argparse.Namespace, out: Output) -> None:
    result = retention.purge(dry_run=args.dry_run)
    out.item(result.as_dict(), text=describe(result))
