"""`relaydesk provider ...` and `relaydesk price ...`: where requests go and what they cost."""

import argparse

from app import pricing, providers, views
from app.cli.output import Output, comma_list
from app.cli.users import read_secret_stdin
from app.errors import ValidationError

PROVIDER_COLUMNS = [("name", "NAME"), ("kind", "KIND"), ("base_url", "BASE URL"),
                    ("models", "MODELS"), ("model_map", "MAP"), ("priority", "PRIO"),
                    ("weight", "WEIGHT"), ("enabled", "ENABLED"), ("has_key", "KEY"),
                    ("health", "HEALTH"), ("cooldown_until", "COOLDOWN UNTIL"),
                    ("last_error", "LAST ERROR")]
PRICE_COLUMNS = [("model", "MODEL"), ("input_micros", "INPUT/1M"),
                 ("cached_input_micros", "CACHED/1M"), ("output_micros", "OUTPUT/1M"),
                 ("max_output_tokens", "MAX OUTPUT")]


def register(sub: argparse._SubParsersAction) -> None:
    prov = sub.add_parser("provider", help="manage upstream providers")
    cmds = prov.add_subparsers(dest="provider_cmd", required=True, metavar="COMMAND")

    p = cmds.add_parser("add", help="add a provider (its key goes to the OS keyring)")
    p.add_argument("name")
    p.add_argument("--kind", required=True, choices=providers.KINDS)
    p.add_argument("--base-url", help="defaults to the kind's official URL")
    p.add_argument("--models", required=True, help="comma-separated model names it serves")
    p.add_argument("--map", action="append", metavar="ALIAS=UPSTREAM",
                   help="send model ALIAS upstream as UPSTREAM (repeatable)")
    p.add_argument("--priority", type=int, default=0, help="higher tiers are tried first")
    p.add_argument("--weight", type=int, default=1, help="share within a priority tier")
    p.add_argument("--key-stdin", action="store_true", help="read the provider key from stdin")
    p.add_argument("--disabled", action="store_true")
    p.set_defaults(handler=add)

    p = cmds.add_parser("edit", help="change a provider")
    p.add_argument("name")
    p.add_argument("--kind", choices=providers.KINDS)
    p.add_argument("--base-url")
    p.add_argument("--models")
    p.add_argument("--map", action="append", metavar="ALIAS=UPSTREAM")
    p.add_argument("--priority", type=int)
    p.add_argument("--weight", type=int)
    p.add_argument("--key-stdin", action="store_true")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--enable", dest="enabled", action="store_true", default=None)
    group.add_argument("--disable", dest="enabled", action="store_false")
    p.set_defaults(handler=edit)

    p = cmds.add_parser("list", help="list providers with health")
    p.set_defaults(handler=list_)

    p = cmds.add_parser("remove", help="remove a provider and its stored key")
    p.add_argument("name")
    p.set_defaults(handler=remove)

    price = sub.add_parser("price", help="model prices (currency units per 1M tokens)")
    pcmds = price.add_subparsers(dest="price_cmd", required=True, metavar="COMMAND")
    p = pcmds.add_parser("set", help="set a model's prices")
    p.add_argument("model")
    p.add_argument("--input", required=True, help="price per 1M prompt tokens")
    p.add_argument("--output", required=True, help="price per 1M completion tokens")
    p.add_argument("--cached-input", help="price per 1M cached prompt tokens (default: input)")
    p.add_argument("--max-output", type=int, metavar="TOKENS",
                   help="most completion tokens a request may cost; sent upstream when the "
                        "client names none (default: the default_max_tokens setting)")
    p.set_defaults(handler=price_set)
    p = pcmds.add_parser("list", help="list prices")
    p.set_defaults(handler=price_list)
    p = pcmds.add_parser("remove", help="remove a model's price (the model stops being served)")
    p.add_argument("model")
    p.set_defaults(handler=price_remove)


def add(args: argparse.Namespace, out: Output) -> None:
    models = comma_list(args.models) or []
    if not models:
        raise ValidationError("--models needs at least one model name", param="models")
    key = read_secret_stdin("provider key") if args.key_stdin else None
    provider = providers.add_provider(args.name, args.kind, models=models,
                                      base_url=args.base_url, model_map=args.map,
                                      priority=args.priority, weight=args.weight, api_key=key,
                                      enabled=not args.disabled)
    out.item(views.provider(provider, has_key=key is not None),
             text=f"added provider {provider.name} ({provider.kind}, {provider.base_url})"
                  + ("" if key else "; no key stored yet (use --key-stdin or "
                     "RELAYDESK_PROVIDER_KEY_…)"))


def edit(args: argparse.Namespace, out: Output) -> None:
    key = read_secret_stdin("provider key") if args.key_stdin else None
    provider = providers.update_provider(
        args.name, kind=args.kind, base_url=args.base_url, models=comma_list(args.models),
        model_map=args.map, priority=args.priority, weight=args.weight, enabled=args.enabled,
        api_key=key)
    out.item(views.provider(provider), text=f"updated provider {provider.name}")


def list_(args: argparse.Namespace, out: Output) -> None:
    rows = [views.provider(p, has_key=providers.provider_key(p.name) is not None)
            for p in providers.list_providers()]
    out.table(rows, PROVIDER_COLUMNS, empty="(no providers)")


def remove(args: argparse.Namespace, out: Output) -> None:
    providers.remove_provider(args.name)
    out.item({"removed": args.name}, text=f"removed provider {args.name}")


def price_set(args: argparse.Namespace, out: Output) -> None:
    row = pricing.set_price(args.model, args.input, args.output, args.cached_input,
                            max_output_tokens=args.max_output)
    out.item(views.price(row), text=f"price of {row.model} set")


def price_list(args: argparse.Namespace, out: Output) -> None:
    out.table([views.price(p) for p in pricing.list_prices()], PRICE_COLUMNS,
              empty="(no prices)")


def price_remove(args: argparse.Namespace, out: Output) -> None:
    pricing.remove_price(args.model)
    out.item({"removed": args.model}, text=f"removed price of {args.model}")
