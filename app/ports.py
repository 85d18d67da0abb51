"""Whether the relay could listen on an address, asked before the operator commits to it."""

import socket


def port_free(host: str, port: int) -> bool:
    """True when ``host``:``port`` can be bound now, as the relay binds it (SO_REUSEADDR, so a
    port in TIME_WAIT after a restart counts as free). Port 0 is always free."""
    if port == 0:
        return True
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
