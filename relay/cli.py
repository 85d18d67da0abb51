"""`relaydesk serve`: the relay without any window (no Qt is imported on this path)."""

import argparse
import asyncio

from app import settings
from app.cli.output import Output
from relay.server import serve_forever
from relay.state import RelayOptions


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the relay headless until SIGINT/SIGTERM")
    p.add_argument("--host", help="address to listen on (default: the relay_host setting, "
                                  "0.0.0.0)")
    p.add_argument("--port", type=int, help="TCP port (default: the relay_port setting, 8765)")
    p.set_defaults(handler=serve)


def serve(args: argparse.Namespace, out: Output) -> int:
    host = args.host or settings.get("relay_host")
    port = args.port if args.port is not None else settings.get("relay_port")

    def announce(line: str) -> None:
        print(line, flush=True)

    options = RelayOptions(lease_seconds=float(settings.get("reservation_lease_seconds")))
    try:
        asyncio.run(serve_forever(host, port, options=options, config=args.config,
                                  announce=announce))
    except OSError as exc:
        print(f"relaydesk: error: cannot listen on {host}:{port}: {exc.strerror or exc}",
              flush=True)
        return 1
    return 0
