"""`relaydesk serve`: the relay without any window (no Qt is imported on this path)."""

import argparse
import asyncio
import logging
import os
import sys

from app import settings, tls
from app.cli.output import Output
from app.errors import ServiceError
from relay.server import serve_forever
from relay.state import RelayOptions


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("serve", help="run the relay headless until SIGINT/SIGTERM")
    p.add_argument("--host", help="address to listen on (default: the relay_host setting, "
                                  "0.0.0.0)")
    p.add_argument("--port", type=int, help="TCP port (default: the relay_port setting, 8765)")
    p.add_argument("--tls", choices=tls.MODES,
                   help="HTTPS: auto = on unless listening on loopback only (default: the "
                        "tls_mode setting, auto)")
    p.add_argument("--cert", metavar="FILE",
                   help="certificate (PEM) to serve instead of the self-signed one")
    p.add_argument("--key", metavar="FILE", help="private key (PEM) for --cert")
    # The desktop app runs its relay this way (relay/control.py); not for operators.
    p.add_argument("--control", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=serve)


def serve(args: argparse.Namespace, out: Output) -> int:
    """Run the relay; a bad certificate raises ValidationError, which main() prints as one
    ``relaydesk: error:`` line with exit code 1, before anything binds."""
    host = args.host or settings.get("relay_host")
    port = args.port if args.port is not None else settings.get("relay_port")
    mode = args.tls or settings.get("tls_mode")
    if args.cert is not None or args.key is not None:
        cert_file, key_file = args.cert or "", args.key or ""
    else:
        cert_file, key_file = settings.get("tls_cert_file"), settings.get("tls_key_file")
    options = RelayOptions.from_settings(settings.all_settings())
    # Like DATABASE_URL, from the environment: every instance of a deployment names one Redis.
    options.redis_url = os.environ.get("REDIS_URL") or None
    if args.control:
        return _serve_controlled(args, host, port, mode, cert_file, key_file, options)
    plan = tls.resolve(args.config, host, mode, cert_file, key_file)
    if plan is not None:
        tls.ssl_context(plan)  # load it now: a broken pair fails here, not inside the loop

    def announce(line: str) -> None:
        print(line, flush=True)

    try:
        asyncio.run(serve_forever(host, port, options=options, config=args.config, tls=plan,
                                  announce=announce))
    except OSError as exc:
        print(f"relaydesk: error: cannot listen on {host}:{port}: {exc.strerror or exc}",
              flush=True)
        return 1
    return 0


def _serve_controlled(args: argparse.Namespace, host: str, port: int, mode: str, cert_file: str,
                      key_file: str, options: RelayOptions) -> int:
    """The desktop app's relay: every outcome, a refused certificate included, is a protocol
    line on stdout (relay/control.py)."""
    from relay.control import Channel, error_message, serve_controlled

    # The window's own log file: launched from a desktop menu, nobody reads this stderr.
    handler = logging.FileHandler(args.config.data_dir / "relaydesk.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger().addHandler(handler)
    try:
        plan = tls.resolve(args.config, host, mode, cert_file, key_file)
    except ServiceError as exc:
        Channel(sys.stdout).send({"error": error_message(exc)})
        return 1
    return asyncio.run(serve_controlled(host, port, options=options, config=args.config,
                                        tls=plan))
