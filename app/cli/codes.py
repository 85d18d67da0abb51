"""`relaydesk codes generate|list|disable`: redemption codes the operator hands out and portal
users redeem for a recharge. Generated codes are printed (or written) once, as CSV."""

import argparse
from pathlib import Path

from app import redemption
from app.apikeys import parse_expiry
from app.cli.output import Output, check_limit
from app.errors import ValidationError
from app.money import parse_amount

COLUMNS = [("id", "ID"), ("prefix", "CODE"), ("amount_micros", "AMOUNT"),
           ("state", "STATE"), ("expires_at", "EXPIRES"), ("used_by", "USED BY"),
           ("used_at", "USED"), ("batch", "BATCH"), ("note", "NOTE")]


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("codes", help="redemption codes users redeem in the portal")
    cmds = p.add_subparsers(dest="codes_cmd", required=True, metavar="COMMAND")
    generate = cmds.add_parser("generate", help="new codes, shown once as CSV")
    generate.add_argument("--count", type=int, required=True,
                          help=f"how many (1-{redemption.MAX_COUNT})")
    generate.add_argument("--amount", required=True, help="what each is worth, e.g. 10.00")
    generate.add_argument("--expires", metavar="YYYY-MM-DD", help="last day they work (UTC)")
    generate.add_argument("--note", help="what they are for (shown in the list)")
    generate.add_argument("--out", metavar="FILE.csv",
                          help="write the CSV to a new file (readable only by you) instead of "
                               "printing it")
    generate.set_defaults(handler=generate_codes)
    listing = cmds.add_parser("list", help="codes, newest first")
    listing.add_argument("--status", choices=redemption.STATUSES)
    listing.add_argument("--batch", help="only the codes generated together as BATCH")
    listing.add_argument("--limit", type=int, default=1000)
    listing.set_defaults(handler=list_codes)
    disable = cmds.add_parser("disable", help="stop an unused code working")
    disable.add_argument("code_id", type=int, metavar="ID")
    disable.set_defaults(handler=disable_code)


def generate_codes(args: argparse.Namespace, out: Output) -> None:
    amount = parse_amount(args.amount)
    expires = parse_expiry(args.expires)
    target = Path(args.out) if args.out else None
    if target is not None and target.exists():  # refuse before making codes nobody sees
        raise ValidationError("{path} already exists; choose a new file", param="out",
                              path=str(target))
    if target is not None and not target.parent.is_dir():
        raise ValidationError("cannot write {path}: {reason}", param="out", path=str(target),
                              reason="no such folder")
    made = redemption.generate(args.count, amount, expires_at=expires, note=args.note)
    if target is not None:
        redemption.write_csv(target, made)
    items = [{**redemption.view(m.row), "code": m.code} for m in made]
    if out.as_json:
        out.item({"batch": made[0].row.batch, "count": len(made),
                  "file": str(target) if target else None, "codes": items})
    elif target is not None:
        out.item({}, text=f"{len(made)} codes (batch {made[0].row.batch}) written to {target}; "
                          "they are not stored and not shown again")
    else:
        out.item({}, text=redemption.to_csv(made).rstrip("\r\n").replace("\r\n", "\n"))


def list_codes(args: argparse.Namespace, out: Output) -> None:
    check_limit(args.limit)
    rows = redemption.list_codes(status=args.status, batch=args.batch, limit=args.limit)
    out.table([redemption.view(r) for r in rows], COLUMNS)


def disable_code(args: argparse.Namespace, out: Output) -> None:
    row = redemption.disable(args.code_id)
    out.item(redemption.view(row), text=f"code {row.id} disabled")
