"""`relaydesk provider ...` and `relaydesk price ...`: where requests go and what they cost."""

import argparse
import asyncio
import os
import sys
from typing import Any

from app import keystore, pricing, providers, views
from app.cli.output import Output, comma_list
from app.cli.users import read_secret_stdin
from app.errors import ValidationError
from app.models import Provider

PROVIDER_COLUMNS = [("name", "NAME"), ("kind", "KIND"), ("base_url", "BASE URL"),
                    ("models", "MODELS"), ("model_map", "MAP"), ("priority", "PRIO"),
                    ("weight", "WEIGHT"), ("enabled", "ENABLED"), ("has_key", "KEY"),
                    ("proxy", "PROXY"), ("anthropic_base_url", "ANTHROPIC URL"),
                    ("responses_native", "RESPONSES"), ("health", "HEALTH"),
                    ("cooldown_until", "COOLDOWN UNTIL"), ("last_error", "LAST ERROR")]
PROXY_HELP = ("none (direct, the default), system (HTTP(S)_PROXY/ALL_PROXY/NO_PROXY from the "
              "environment) or scheme://[user:password@]host:port with scheme http, https, "
              "socks5 or socks5h; the user:password goes to the OS keyring")
ANTHROPIC_HELP = ("where the provider serves the Anthropic Messages API: Claude Code's "
                  "requests pass through there unchanged; none: they are translated to Chat "
                  "Completions (add defaults to the kind's: deepseek and zhipu have one)")
RESPONSES_HELP = ("the provider serves the OpenAI Responses API at its base URL: Codex CLI's "
                  "requests pass through unchanged instead of being translated")
PRICE_COLUMNS = [("model", "MODEL"), ("input_micros", "INPUT/1M"),
                 ("cached_input_micros", "CACHED/1M"), ("output_micros", "OUTPUT/1M"),
                 ("max_output_tokens", "MAX OUTPUT")]


def _network_arguments(p: argparse.ArgumentParser) -> None:
    proxy = p.add_mutually_exclusive_group()
    proxy.add_argument("--proxy", metavar="URL|system|none", help=PROXY_HELP)
    proxy.add_argument("--proxy-stdin", action="store_true",
                       help="read the proxy (with its password) from stdin, out of ps and "
                            "shell history")
    p.add_argument("--header", action="append", metavar="'NAME: VALUE'",
                   help="an extra header sent to the provider (repeatable)")
    p.add_argument("--ca-bundle", metavar="PATH|none",
                   help="a PEM file of CA certificates trusted for this provider, besides "
                        "the system's")


def _dialect_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--anthropic-url", metavar="URL|none", help=ANTHROPIC_HELP)
    p.add_argument("--responses-native", action=argparse.BooleanOptionalAction, default=None,
                   help=RESPONSES_HELP)


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    prov = sub.add_parser("provider", help="manage upstream providers")
    cmds = prov.add_subparsers(dest="provider_cmd", required=True, metavar="COMMAND")

    p = cmds.add_parser("add", help="add a provider (its key goes to the OS keyring)")
    p.add_argument("name")
    p.add_argument("--kind", required=True, choices=providers.KINDS)
    p.add_argument("--base-url", help="defaults to the kind's official URL")
    p.add_argument("--models", required=True, help="comma-separated model names it serves")
    p.add_argument("--map", action="append", metavar="ALIAS=UPSTREAM",
                   help="send model ALIAS upstream as UPSTREAM (repeatable); an ALIAS ending "
                        "in * (claude-haiku-*) covers every model starting with the rest")
    p.add_argument("--priority", type=int, default=0, help="higher tiers are tried first")
    p.add_argument("--weight", type=int, default=1, help="share within a priority tier")
    p.add_argument("--key-stdin", action="store_true", help="read the provider key from stdin")
    p.add_argument("--disabled", action="store_true")
    _network_arguments(p)
    _dialect_arguments(p)
    p.set_defaults(handler=add)

    p = cmds.add_parser("edit", aliases=["update"], help="change a provider")
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
    _network_arguments(p)
    _dialect_arguments(p)
    p.add_argument("--clear-headers", action="store_true", help="remove every extra header "
                   "(--header replaces them all with the ones given)")
    p.set_defaults(handler=edit)

    p = cmds.add_parser("list", help="list providers with health")
    p.set_defaults(handler=list_)

    p = cmds.add_parser("show", help="one provider, with its proxy, headers and CA bundle")
    p.add_argument("name")
    p.set_defaults(handler=show)

    p = cmds.add_parser("remove", help="remove a provider and its stored key")
    p.add_argument("name")
    p.set_defaults(handler=remove)

    p = cmds.add_parser("models", help="the models the provider offers (asks it for its "
                                       "/models list, as the relay would reach it)")
    p.add_argument("name")
    p.set_defaults(handler=models)

    price = sub.add_parser("price", help="model prices (currency units per 1M tokens)")
    pcmds = price.add_subparsers(dest="price_cmd", required=True, metavar="COMMAND")
    p = pcmds.add_parser("set", help="set a model's prices")
    p.add_argument("model", help="a model name, or prefix* for the models starting with "
                                 "prefix that have no price of their own")
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


def _network(args: argparse.Namespace, *, adding: bool) -> dict[str, Any]:
    """The proxy, header and CA bundle options as service keyword arguments."""
    if args.key_stdin and args.proxy_stdin:
        raise ValidationError("--key-stdin and --proxy-stdin both read stdin; use one at a "
                              "time", param="proxy")
    proxy = read_secret_stdin("proxy") if args.proxy_stdin else args.proxy
    headers: list[str] | dict[str, str] | None = args.header
    if getattr(args, "clear_headers", False):
        if headers:
            raise ValidationError("--clear-headers and --header contradict each other",
                                  param="headers")
        headers = {}
    bundle = args.ca_bundle
    if bundle is not None and bundle.strip().lower() == "none":
        bundle = None if adding else ""
    return {"proxy": proxy, "extra_headers": headers, "ca_bundle": bundle}


def _dialect(args: argparse.Namespace) -> dict[str, Any]:
    """--anthropic-url and --responses-native as service keyword arguments (None: not given,
    so add takes the kind's preset and edit keeps the stored value)."""
    anthropic = args.anthropic_url
    if anthropic is not None and anthropic.strip().lower() == "none":
        anthropic = ""  # no Anthropic URL, not even the kind's preset
    dialect: dict[str, Any] = {"anthropic_base_url": anthropic}
    if args.responses_native is not None:
        dialect["responses_native"] = args.responses_native
    return dialect


def _view(provider: Provider, has_key: bool | None = None) -> dict[str, Any]:
    """The provider's view, its proxy shown with the password masked (user:***@)."""
    return views.provider(provider, has_key=has_key) | {
        "proxy": providers.proxy_display(provider)}


def add(args: argparse.Namespace, out: Output) -> None:
    models = comma_list(args.models) or []
    if not models:
        raise ValidationError("--models needs at least one model name", param="models")
    network = _network(args, adding=True)
    key = read_secret_stdin("provider key") if args.key_stdin else None
    provider = providers.add_provider(args.name, args.kind, models=models,
                                      base_url=args.base_url, model_map=args.map,
                                      priority=args.priority, weight=args.weight, api_key=key,
                                      enabled=not args.disabled, **network, **_dialect(args))
    env = keystore.env_var_name(provider.name)
    from_env = key is None and bool(os.environ.get(env))
    if key is not None:
        note = ""
    elif from_env:
        note = f"; its key comes from {env}"
    else:
        note = f"; no key stored yet (use --key-stdin or {env})"
    out.item(_view(provider, has_key=key is not None or from_env),
             text=f"added provider {provider.name} ({provider.kind}, {provider.base_url})" + note)


def edit(args: argparse.Namespace, out: Output) -> None:
    network = _network(args, adding=False)
    key = read_secret_stdin("provider key") if args.key_stdin else None
    provider = providers.update_provider(
        args.name, kind=args.kind, base_url=args.base_url, models=comma_list(args.models),
        model_map=args.map, priority=args.priority, weight=args.weight, enabled=args.enabled,
        api_key=key, **network, **_dialect(args))
    out.item(_view(provider), text=f"updated provider {provider.name}")


def list_(args: argparse.Namespace, out: Output) -> None:
    rows = [_view(p, has_key=providers.provider_key(p.name) is not None)
            for p in providers.list_providers()]
    out.table(rows, PROVIDER_COLUMNS, empty="(no providers)")


def show(args: argparse.Namespace, out: Output) -> None:
    provider = providers.get_provider(args.name)
    out.item(_view(provider, has_key=providers.provider_key(provider.name) is not None))


def remove(args: argparse.Namespace, out: Output) -> None:
    providers.remove_provider(args.name)
    out.item({"removed": args.name}, text=f"removed provider {args.name}")


def models(args: argparse.Namespace, out: Output) -> int:
    """One model per line; exit 1 with the reason when the provider cannot say."""
    # app/ imports nothing of relay/ when loaded; only this command needs the relay's client.
    from relay.probe import ModelListError, provider_models

    try:
        listed = asyncio.run(provider_models(args.name))
    except ModelListError as exc:
        print(f"relaydesk: error: {exc.message}", file=sys.stderr)
        return 1
    out.item({"provider": args.name, "models": listed},
             text="\n".join(listed) or "(the provider listed no models)")
    return 0


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
