"""CORS for browser-based clients (LobeChat, NextChat, the OpenAI SDK in a page).

Preflights need no key; every response — errors and streams included — carries the headers.
"""

from aiohttp import web

EXPOSE = "x-request-id, retry-after, x-should-retry"


@web.middleware
async def preflight_middleware(request: web.Request, handler):  # type: ignore[no-untyped-def]
    if request.method == "OPTIONS" and not request.path.startswith("/portal/"):
        return web.Response(status=204, headers=_preflight_headers(request))
    return await handler(request)


def _preflight_headers(request: web.Request) -> dict[str, str]:
    requested = request.headers.get("Access-Control-Request-Headers",
                                    "authorization, content-type")
    return {"Access-Control-Allow-Origin": request.headers.get("Origin", "*") or "*",
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": requested,
            "Access-Control-Max-Age": "86400",
            "Vary": "Origin"}


async def add_cors_headers(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith("/portal/"):  # the portal's pages are for its own origin only
        return
    if "Access-Control-Allow-Origin" not in response.headers:
        response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*") or "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSE
        response.headers.setdefault("Vary", "Origin")
