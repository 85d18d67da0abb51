"""`relaydesk stats --out FILE`: anonymized usage statistics ("Generate anonymized statistics
for service optimization"): per local day and model, no user ids, names, addresses or keys, and
groups used by fewer than --min-group users left out."""

import argparse

from app import stats
from app.cli.output import Output


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("stats", help="write anonymized daily usage statistics to a CSV file",
                       description="Write per-day, per-model totals (requests, tokens, spend) "
                                   "as CSV; days are local days (this machine's time zone). "
                                   "No user ids, names, IP addresses or keys; a "
                                   "day/model group used by fewer than --min-group distinct "
                                   "users is left out entirely.")
    p.add_argument("--out", required=True, metavar="FILE", help="CSV file to write (replaced)")
    p.add_argument("--days", type=int, default=30,
                   help="last N days (local time), today included (default: 30)")
    p.add_argument("--min-group", type=int, default=5, metavar="K",
                   help="leave out groups with fewer than K distinct users (default: 5)")
    p.set_defaults(handler=write_stats)


def write_stats(args: argparse.Namespace, out: Output) -> None:
    rows = stats.write_anonymized_csv(args.out, args.days, args.min_group)
    out.item({"path": args.out, "rows": rows, "days": args.days, "min_group": args.min_group},
             text=f"wrote {rows:,} rows ({args.days} days; groups with fewer than "
                  f"{args.min_group} users left out) to {args.out}")
