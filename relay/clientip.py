"""Where the request really comes from, as resolved once by the guard middleware."""

from aiohttp import web

CLIENT_IP: web.RequestKey[str | None] = web.RequestKey("relaydesk_client_ip", str)
"""Request key: the address after trusted-proxy resolution."""


def client_ip(request: web.Request) -> str | None:
    """The caller's address (``X-Forwarded-For`` believed from trusted proxies only)."""
    ip: str | None = request.get(CLIENT_IP, request.remote)  # aiohttp types .get() as Any
    return ip
