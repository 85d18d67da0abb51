"""`relaydesk serve`: the relay without any window (no Qt is imported on this path)."""

import argparse
import asyncio

from app import settings, tls
from app.cli.output import Output
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
    plan = tls.resolve(args.config, host, mode, cert_file, key_file)
    if plan is not None:
        tls.ssl_context(plan)  # load it now: a broken pair fails here, not inside the loop

    def announce(line: str) -> None:
        print(line, flush=True)

    options = RelayOptions.from_settings(settings.all_settings())
    try:
        asyncio.run(serve_forever(host, port, options=options, config=args.config, tls=plan,
                                  announce=announce))
    except OSError as exc:
        print(f"relaydesk: error: cannot listen on {host}:{port}: {exc.strerror or exc}",
              flush=True)
        return 1
    return 0
