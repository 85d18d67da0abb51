"""`relaydesk key ...`: relay API keys."""

import argparse
from typing import Any

from app import apikeys, views
from app.cli.output import Output, comma_list

COLUMNS = [("id", "ID"), ("username", "USER"), ("name", "NAME"), ("prefix", "KEY"),
           ("status", "STATUS"), ("allowed_models", "MODELS"), ("allowed_cidrs", "IPS"),
           ("expires_at", "EXPIRES"), ("rpm_limit", "RPM"), ("tpm_limit", "TPM"),
           ("concurrency_limit", "CONCURRENT"), ("last_used_at", "LAST USED")]
LIMITS = (("rpm", "requests per minute"), ("tpm", "tokens per minute"),
          ("concurrency", "concurrent requests"))


def _limit(text: str) -> object:
    """``default`` follows the operator's setting; numbers are checked by the service."""
    return apikeys.DEFAULT if text.strip().lower() == "default" else text


def _add_limit_options(p: argparse.ArgumentParser) -> None:
    for name, what in LIMITS:
        p.add_argument(f"--{name}", type=_limit, metavar="N",
                       help=f"{what} (0 = unlimited, 'default' = the operator's default)")


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    key = sub.add_parser("key", help="manage API keys")
    cmds = key.add_subparsers(dest="key_cmd", required=True, metavar="COMMAND")

    p = cmds.add_parser("create", help="issue a key (printed once)")
    p.add_argument("username")
    p.add_argument("--name", default="default")
    p.add_argument("--models", help="comma-separated models this key may use (default: all)")
    p.add_argument("--allow-ip", action="append", metavar="CIDR",
                   help="client address or CIDR allowed to use the key (repeatable)")
    p.add_argument("--expires", metavar="YYYY-MM-DD", help="last day the key works (UTC)")
    _add_limit_options(p)
    p.set_defaults(handler=create)

    p = cmds.add_parser("update", help="change a key's rate limits")
    p.add_argument("id", type=int)
    _add_limit_options(p)
    p.set_defaults(handler=update)

    p = cmds.add_parser("list", help="list keys")
    p.add_argument("username", nargs="?")
    p.set_defaults(handler=list_)

    p = cmds.add_parser("revoke", help="revoke a key at once")
    p.add_argument("id", type=int)
    p.set_defaults(handler=revoke)


def create(args: argparse.Namespace, out: Output) -> None:
    key, plaintext = apikeys.create_key(args.username, name=args.name,
                                        models=comma_list(args.models), cidrs=args.allow_ip,
                                        expires=args.expires, **_limits(args, create=True))
    data = views.api_key(key) | {"key": plaintext}
    out.item(data, text=f"{plaintext}\n\nKey {key.id} for {key.user.username}. "
                        "Copy it now: it is not shown again.")


def _limits(args: argparse.Namespace, *, create: bool = False) -> dict[str, Any]:
    values = {name: getattr(args, name) for name, _ in LIMITS}
    if create:  # a new key follows the default unless told otherwise
        values = {k: None if v is apikeys.DEFAULT else v for k, v in values.items()}
    return values


def update(args: argparse.Namespace, out: Output) -> None:
    key = apikeys.update_key(args.id, **_limits(args))
    out.item(views.api_key(key), text=f"key {key.id} ({key.prefix}): {limits_text(key)}")


def limits_text(key: Any) -> str:
    return ", ".join(f"{_readable(getattr(key, name + '_limit'))} {what}"
                     for name, what in LIMITS)


def _readable(value: int | None) -> str:
    return "default" if value is None else "unlimited" if value == 0 else str(value)


def list_(args: argparse.Namespace, out: Output) -> None:
    rows = [views.api_key(k) for k in apikeys.list_keys(args.username)]
    if not out.as_json:
        for row in rows:
            for field in ("rpm_limit", "tpm_limit", "concurrency_limit"):
                row[field] = _readable(row[field])
    out.table(rows, COLUMNS, empty="(no keys)")


def revoke(args: argparse.Namespace, out: Output) -> None:
    key = apikeys.revoke_key(args.id)
    out.item(views.api_key(key), text=f"key {key.id} ({key.prefix}) revoked")
