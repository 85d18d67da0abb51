"""``GET /healthz``: whether a load balancer should send this relay traffic, and why not quite.

Only an unreachable database takes the instance out (503): nothing can be authenticated or
billed without it. Anything else that is wrong leaves it serving (200, ``"degraded"``): with
Redis down the limits fall back to per-instance ones, and providers cooling down are shared by
every instance, so taking this one out would help nobody.

The route answers anyone who reaches the port (relay/app.py lets it past the relay allowlist),
so the body holds counts and states only: no provider names, addresses or secrets. The
per-provider view is in the admin-protected ``/metrics``. ``providers`` is null while the
provider list cannot be loaded (it comes from the database, cached for a few seconds).
"""

import socket
import time
from typing import Any

from aiohttp import web

from app import db
from relay.cluster import singleton
from relay.pool import Snapshot
from relay.state import STATE, RelayState


def provider_counts(snap: Snapshot | None) -> dict[str, int] | None:
    """Enabled providers, those routed to normally and those cooling down after failures."""
    if snap is None:
        return None
    now = time.monotonic()
    cooling = sum(1 for up in snap.upstreams if up.cooldown_until > now)
    total = len(snap.upstreams)
    return {"total": total, "healthy": total - cooling, "cooling": cooling}


def redis_health(state: RelayState) -> str:
    if state.redis is None:
        return "not configured"
    return "ok" if state.redis.healthy else "unreachable"


def running_jobs(app: web.Application) -> list[str]:
    """The run-once jobs (relay/cluster/singleton.py) this relay runs now."""
    registry = app.get(singleton.JOBS)
    return sorted(registry.held) if registry is not None else []


def instance_id(request: web.Request) -> str:
    """``host:port`` of this relay as it listens: stable across restarts, so a dashboard can
    tell the instances behind the load balancer apart."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    port = sockname[1] if isinstance(sockname, tuple) and len(sockname) >= 2 else None
    host = socket.gethostname()
    return f"{host}:{port}" if port is not None else host


async def report(request: web.Request) -> tuple[int, dict[str, Any]]:
    """The HTTP status and JSON body of ``/healthz``."""
    state = request.app[STATE]
    try:
        await state.dbx.run(db.ping)
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure to reach the database counts as down
        database = "unreachable"
    try:
        snap: Snapshot | None = await state.pool.snapshot()  # cached: no query most times
    except Exception:  # noqa: BLE001 - the list needs the database; unknown meanwhile
        snap = None
    if state.redis is not None and state.redis.healthy:
        await state.redis.check()  # an idle link would not have noticed Redis going away
    redis = redis_health(state)
    providers = provider_counts(snap)
    all_cooling = bool(providers and providers["total"] and not providers["healthy"])
    ok = database == "ok" and redis != "unreachable" and not all_cooling
    body = {"status": "ok" if ok else "degraded", "database": database, "redis": redis,
            "providers": providers, "jobs": running_jobs(request.app),
            "instance": instance_id(request)}
    return (503 if database == "unreachable" else 200), body


async def healthz(request: web.Request) -> web.Response:
    status, body = await report(request)
    return web.json_response(body, status=status)
